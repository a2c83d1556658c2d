/**
 * The app worker's feature-file parse: in a cross-origin-isolated page, this worker
 * and threads − 1 sub-workers (feature-part-worker.ts, started before the parts are
 * planned) parse byte ranges of the dropped File into one SharedArrayBuffer
 * (src/core/io/features/parallel-parse.ts), each reading its range in big blocks
 * fetched one ahead (read-ahead.ts); otherwise, or for a file inside a zip, one thread
 * streams it, and the progress note says why. Same values and errors either way.
 * No DOM beyond File and Worker, no React.
 */
import { streamFeatureFile, type FeatureFileParser } from '../core/io/build-dataset.ts';
import { createPartPool, type PartReply } from '../core/io/features/part-pool.ts';
import { MIN_PART_BYTES, parseFeatureFileParallel, runFeaturePart, type PartResult, type PartTask } from '../core/io/features/parallel-parse.ts';
import { blobRange, readAhead } from '../core/io/features/read-ahead.ts';
import type { SourceFile } from '../core/io/source-file.ts';

const blobs = new WeakMap<SourceFile, Blob>();

/** Remembers the File behind a SourceFile, so its byte ranges can be read by sub-workers. */
export function rememberBlob(file: SourceFile, blob: Blob): SourceFile {
  blobs.set(file, blob);
  return file;
}

/** Threads for a parse: the CPUs the browser reports, at most 8. */
export function parseThreads(): number {
  return Math.max(1, Math.min(8, globalThis.navigator?.hardwareConcurrency ?? 1));
}

/** Why a parse runs on one thread here, or null when it can run in parallel. */
export function oneThreadReason(file: SourceFile, threads: number): string | null {
  if (!globalThis.crossOriginIsolated) return 'one thread: the page is not cross-origin isolated (its server sends no COOP/COEP headers)';
  if (!blobs.has(file)) return 'one thread: the file is read from inside a zip';
  if (threads < 2) return 'one thread: the browser reports one CPU';
  return null;
}

export interface ParseTuning {
  minPartBytes?: number;
  chunkBytes?: number;
  blockBytes?: number;
  /** This worker parses one part itself (one sub-worker fewer to start and to hold); default true. */
  parseHere?: boolean;
}

export function browserFeatureParser(threads = parseThreads(), tuning: ParseTuning = {}): FeatureFileParser {
  const { parseHere = true, ...sizes } = tuning;
  return async (file, options) => {
    const reason = oneThreadReason(file, threads);
    const blob = blobs.get(file);
    if (reason !== null || !blob) {
      options.onNote?.(reason ?? 'one thread');
      return streamFeatureFile(file, options);
    }
    options.onNote?.(`${threads} threads`);
    const pool = createPartPool(
      parseHere ? threads - 1 : threads,
      () => {
        const worker = new Worker(new URL('./feature-part-worker.ts', import.meta.url), { type: 'module', name: 'feature-part' });
        return {
          post: (request) => worker.postMessage(request),
          listen: (onReply, onError) => {
            worker.onmessage = (event: MessageEvent<PartReply>) => onReply(event.data);
            worker.onerror = (event) => onError(new Error(event.message || 'a parse worker failed to start'));
          },
          terminate: () => worker.terminate(),
        };
      },
      blob,
    );
    // A module worker takes ~0.1 s to start: let it start while this worker plans the parts.
    if (blob.size >= 2 * (sizes.minPartBytes ?? MIN_PART_BYTES)) pool.prestart();
    let here = parseHere;
    const runTask = (task: PartTask, output: Float32Array): Promise<PartResult> => {
      if (!here || task.kind !== 'parse') return pool.runTask(task, output);
      here = false;
      return runFeaturePart(task, output, readAhead(blobRange(blob), task, task.blockBytes));
    };
    try {
      return await parseFeatureFileParallel({
        file: options.file,
        rows: options.rows,
        size: blob.size,
        parts: threads,
        ...(options.columns !== undefined ? { columns: options.columns } : {}),
        ...(options.onProgress ? { onProgress: options.onProgress } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
        read: async (into, position) => {
          const bytes = new Uint8Array(await blob.slice(position, position + into.length).arrayBuffer());
          into.set(bytes);
          return bytes.length;
        },
        runTask,
        onFallback: (why) => options.onNote?.(why),
        ...sizes,
      });
    } finally {
      await pool.close();
    }
  };
}
