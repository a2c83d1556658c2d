/**
 * Worker side of the command line's parallel feature parse (see src/cli/feature-workers.ts):
 * answers PartRequests (src/core/io/features/part-pool.ts), reading its own byte range
 * with fs.readSync at a position and writing rows straight into the SharedArrayBuffer
 * it is given. The host bundles this file with esbuild and starts it as an eval
 * worker (or loads it through tsx). Node only: the command line's, never the app's.
 */
import { openSync, readSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { answerPart, type PartRequest } from '../core/io/features/part-pool.ts';

export interface WorkerSetup {
  zslFeaturePartWorker: true;
  path: string;
}

const setup = workerData as WorkerSetup | null;
if (parentPort && setup?.zslFeaturePartWorker) {
  const port = parentPort;
  const fd = openSync(setup.path, 'r');
  const read = (into: Uint8Array, position: number) => readSync(fd, into, 0, into.length, position);
  port.on('message', (request: PartRequest) => {
    void answerPart(request, read).then((reply) => port.postMessage(reply));
  });
}
