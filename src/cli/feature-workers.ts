/**
 * Node host for the shared-output parallel feature parse (src/core/io/features/parallel-parse.ts):
 * worker_threads (src/cli/feature-part-worker.ts) that read their own byte range of
 * the file and write rows straight into one SharedArrayBuffer-backed Float32Array.
 * The worker code is bundled to plain JavaScript with esbuild (which tsx itself
 * depends on), so a worker starts in tens of milliseconds instead of loading tsx;
 * without esbuild, workers load tsx. Node only: the command line's, never the app's.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { FeatureMatrix } from '../core/io/features/feature-parser.ts';
import { createPartPool, type PartReply } from '../core/io/features/part-pool.ts';
import { parseFeatureFileParallel, type ParallelParseOptions } from '../core/io/features/parallel-parse.ts';
import { streamFeatureFile, type FeatureFileParser } from '../core/io/build-dataset.ts';
import type { WorkerSetup } from './feature-part-worker.ts';
import { diskPath } from './node-files.ts';

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
  const pool = createPartPool(count, () => {
    const workerData: WorkerSetup = { zslFeaturePartWorker: true, path: filePath };
    // Without the bundle: workers do not inherit tsx's loader, so register it, then load the worker file.
    const code =
      source ??
      `import('tsx/esm/api').then((m) => { m.register(); return import(${JSON.stringify(pathToFileURL(workerEntry).href)}); })`;
    // execArgv: [] keeps the parent's loader flags (tsx's --import) out: the bundle needs none, and the
    // fallback registers tsx itself.
    const worker = new Worker(code, { eval: true, workerData, execArgv: [] });
    return {
      post: (request) => worker.postMessage(request),
      listen: (onReply, onError) => {
        worker.on('message', (reply: PartReply) => onReply(reply));
        worker.on('error', onError);
      },
      terminate: () => worker.terminate(),
    };
  });
  try {
    return await parseFeatureFileParallel({
      ...options,
      file: options.file ?? path.basename(filePath),
      size: fstatSync(fd).size,
      parts: count,
      read: (into, position) => readSync(fd, into, 0, into.length, position),
      runTask: pool.runTask,
    });
  } finally {
    await pool.close();
    closeSync(fd);
  }
}

/** Threads for a parse: one per CPU the process may use, at most 8 (past that the disk is the limit). */
export function parseThreads(): number {
  return Math.max(1, Math.min(8, os.availableParallelism()));
}

/**
 * The command line's feature-file parse: a file on disk is parsed by `threads`
 * worker_threads into one SharedArrayBuffer; a zip entry, or one thread, streams.
 */
export function parallelFeatureParser(threads = parseThreads(), tuning: Pick<WorkerParseOptions, 'minPartBytes' | 'chunkBytes'> = {}): FeatureFileParser {
  return async (file, options) => {
    const where = diskPath(file);
    if (!where || threads < 2) {
      options.onNote?.(where ? 'one thread (one CPU)' : 'one thread (the file is read from an archive)');
      return streamFeatureFile(file, options);
    }
    options.onNote?.(`${threads} threads`);
    return parseFeatureFileInWorkers(where, {
      rows: options.rows,
      workers: threads,
      file: options.file,
      ...(options.columns !== undefined ? { columns: options.columns } : {}),
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      onFallback: (reason) => options.onNote?.(reason),
      ...tuning,
    });
  };
}
