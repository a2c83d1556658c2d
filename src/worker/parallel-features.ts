/**
 * The app worker's feature-file parse: in a cross-origin-isolated page, sub-workers
 * (feature-part-worker.ts) parse byte ranges of the dropped File into one
 * SharedArrayBuffer (src/core/io/features/parallel-parse.ts); otherwise, or for a file inside
 * a zip, one thread streams it, and the progress note says why. Same values and
 * errors either way. No DOM beyond File and Worker, no React.
 */
import { streamFeatureFile, type FeatureFileParser } from '../core/io/build-dataset.ts';
import { createPartPool, type PartReply } from '../core/io/features/part-pool.ts';
import { parseFeatureFileParallel } from '../core/io/features/parallel-parse.ts';
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

export function browserFeatureParser(threads = parseThreads(), tuning: { minPartBytes?: number; chunkBytes?: number } = {}): FeatureFileParser {
  return async (file, options) => {
    const reason = oneThreadReason(file, threads);
    const blob = blobs.get(file);
    if (reason !== null || !blob) {
      options.onNote?.(reason ?? 'one thread');
      return streamFeatureFile(file, options);
    }
    options.onNote?.(`${threads} threads`);
    const pool = createPartPool(
      threads,
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
        runTask: pool.runTask,
        onFallback: (why) => options.onNote?.(why),
        ...tuning,
      });
    } finally {
      await pool.close();
    }
  };
}
