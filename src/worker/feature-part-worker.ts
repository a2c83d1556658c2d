/**
 * A sub-worker of the app's worker for the parallel feature parse: answers
 * PartRequests (src/core/io/features/part-pool.ts) by reading its byte range of the
 * dropped File with FileReaderSync and writing rows straight into the
 * SharedArrayBuffer it is given. Started by parallel-features.ts, only in a
 * cross-origin-isolated page. No DOM beyond File, no React, no tfjs.
 */
import { answerPart, type PartRequest } from '../core/io/features/part-pool.ts';

const scope = self as unknown as DedicatedWorkerGlobalScope;
const reader = new FileReaderSync();

scope.onmessage = (event: MessageEvent<PartRequest<Blob>>) => {
  const request = event.data;
  const file = request.file!;
  const read = (into: Uint8Array, position: number) => {
    const bytes = new Uint8Array(reader.readAsArrayBuffer(file.slice(position, position + into.length)));
    into.set(bytes);
    return bytes.length;
  };
  void answerPart(request, read).then((reply) => scope.postMessage(reply));
};
