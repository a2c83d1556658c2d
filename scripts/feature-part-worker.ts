/**
 * Worker side of the Node host for the shared-output parallel feature parse (see
 * scripts/feature-parse-workers.ts): runs PartTasks from src/core/io/features/parallel-parse.ts,
 * reading its own byte range with fs.readSync at a position (one reused buffer) and
 * writing rows straight into the SharedArrayBuffer it is given. The host bundles
 * this file with esbuild and starts it as an eval worker (or loads it through tsx).
 * Node only: not part of the app bundle.
 */
import { openSync, readSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { FeatureParseError } from '../src/core/io/features/feature-parser.ts';
import { runFeaturePart, type PartResult, type PartTask } from '../src/core/io/features/parallel-parse.ts';

export interface WorkerSetup {
  zslFeaturePartWorker: true;
  path: string;
}

export type PartReply =
  | { id: number; ok: true; result: PartResult }
  | { id: number; ok: false; feature?: { detail: string; location: FeatureParseError['location'] }; message: string };

export type PartRequest = { id: number; task: PartTask; output: Float32Array };

const setup = workerData as WorkerSetup | null;
if (parentPort && setup?.zslFeaturePartWorker) {
  const port = parentPort;
  const fd = openSync(setup.path, 'r');
  const read = (into: Uint8Array, position: number) => readSync(fd, into, 0, into.length, position);
  port.on('message', ({ id, task, output }: PartRequest) => {
    runFeaturePart(task, output, read).then(
      (result) => port.postMessage({ id, ok: true, result } satisfies PartReply),
      (error: unknown) =>
        port.postMessage({
          id,
          ok: false,
          message: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
          ...(error instanceof FeatureParseError ? { feature: { detail: error.detail, location: error.location } } : {}),
        } satisfies PartReply),
    );
  });
}
