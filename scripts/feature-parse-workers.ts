/**
 * Node host for the shared-output parallel feature parse (src/core/io/features/parallel-parse.ts):
 * worker_threads (scripts/feature-part-worker.ts) that read their own byte range of
 * the file and write rows straight into one SharedArrayBuffer-backed Float32Array.
 * The worker code is bundled to plain JavaScript with esbuild (which tsx itself
 * depends on), so a worker starts in tens of milliseconds instead of loading tsx;
 * without esbuild, workers load tsx. Node only: not part of the app bundle.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { FeatureParseError, type FeatureMatrix } from '../src/core/io/features/feature-parser.ts';
import { parseFeatureFileParallel, type ParallelParseOptions, type PartResult, type PartTask } from '../src/core/io/features/parallel-parse.ts';
import type { PartReply, PartRequest, WorkerSetup } from './feature-part-worker.ts';

export interface WorkerParseOptions
  extends Pick<ParallelParseOptions, 'rows' | 'columns' | 'onFallback' | 'onProgress' | 'chunkBytes' | 'minPartBytes' | 'signal' | 'allocate'> {
  /** Workers (parts); default 2. */
  workers?: number;
  /** File name for messages; default the base name of the path. */
  file?: string;
}

const workerEntry = fileURLToPath(new URL('./feature-part-worker.ts', import.meta.url));
let workerSource: Promise<string | null> | null = null;

/** The worker bundled to one CommonJS script (cached per process); null when esbuild is not available. */
function bundledWorker(): Promise<string | null> {
  workerSource ??= import('esbuild')
    .then(async (esbuild) => {
      const out = await esbuild.build({ entryPoints: [workerEntry], bundle: true, write: false, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'silent' });
      return out.outputFiles[0]!.text;
    })
    .catch(() => null);
  return workerSource;
}

/**
 * Parses a feature file on disk with `workers` worker_threads into one
 * SharedArrayBuffer-backed Float32Array. Same result and errors as parseFeatureStream.
 */
export async function parseFeatureFileInWorkers(filePath: string, options: WorkerParseOptions): Promise<FeatureMatrix> {
  const count = Math.max(1, options.workers ?? 2);
  const source = await bundledWorker();
  const fd = openSync(filePath, 'r');
  const workers: Worker[] = [];
  const pending = new Map<number, { resolve: (r: PartResult) => void; reject: (e: unknown) => void }>();
  const idle: Worker[] = [];
  const queue: (() => void)[] = [];
  let nextId = 0;
  const spawn = (): Worker => {
    const workerData: WorkerSetup = { zslFeaturePartWorker: true, path: filePath };
    // Without the bundle: workers do not inherit tsx's loader, so register it, then load the worker file.
    const code =
      source ??
      `import('tsx/esm/api').then((m) => { m.register(); return import(${JSON.stringify(pathToFileURL(workerEntry).href)}); })`;
    // execArgv: [] keeps the parent's loader flags (tsx's --import) out: the bundle needs none, and the
    // fallback registers tsx itself.
    const worker = new Worker(code, { eval: true, workerData, execArgv: [] });
    worker.on('message', (reply: PartReply) => {
      const p = pending.get(reply.id);
      pending.delete(reply.id);
      if (!p) return;
      if (reply.ok) p.resolve(reply.result);
      else p.reject(reply.feature ? new FeatureParseError(reply.feature.detail, reply.feature.location) : new Error(reply.message));
      idle.push(worker);
      queue.shift()?.();
    });
    worker.on('error', (error) => {
      for (const p of pending.values()) p.reject(error);
      pending.clear();
    });
    workers.push(worker);
    return worker;
  };
  const runTask = (task: PartTask, output: Float32Array) =>
    new Promise<PartResult>((resolve, reject) => {
      const start = () => {
        const worker = idle.pop() ?? (workers.length < count ? spawn() : null);
        if (!worker) {
          queue.push(start);
          return;
        }
        const id = nextId++;
        pending.set(id, { resolve, reject });
        worker.postMessage({ id, task, output } satisfies PartRequest);
      };
      start();
    });
  try {
    return await parseFeatureFileParallel({
      ...options,
      file: options.file ?? path.basename(filePath),
      size: fstatSync(fd).size,
      parts: count,
      read: (into, position) => readSync(fd, into, 0, into.length, position),
      runTask,
    });
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
    closeSync(fd);
  }
}
