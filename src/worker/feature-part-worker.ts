/**
 * A sub-worker of the app's worker for the parallel feature parse: answers
 * PartRequests (src/core/io/features/part-pool.ts) by reading its byte range of the
 * dropped File in big blocks fetched one ahead (src/core/io/features/read-ahead.ts:
 * into reused memory by BYOB reads of Blob slices, served by the browser process while this thread parses)
 * and writing rows straight into the SharedArrayBuffer it is given. Started by
 * parallel-features.ts, only in a cross-origin-isolated page. No DOM beyond File,
 * no React, no tfjs.
 */
import { answerPart, type PartRequest } from '../core/io/features/part-pool.ts';
import { blobRange, readAhead } from '../core/io/features/read-ahead.ts';

const scope = self as unknown as DedicatedWorkerGlobalScope;

scope.onmessage = (event: MessageEvent<PartRequest<Blob>>) => {
  const request = event.data;
  const read = readAhead(blobRange(request.file!), request.task, request.task.blockBytes);
  void answerPart(request, read).then((reply) => scope.postMessage(reply));
};
