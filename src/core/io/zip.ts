/**
 * Zip archives as SourceFiles, with fflate's streaming Unzip + UnzipInflate.
 *
 * What we chose: openZip streams the archive once. Small entries (text lists, .mat
 * files: under `bufferLimit`, default 256 MiB, and not a *-features.txt) are
 * inflated and kept in memory during that pass. The big feature entry is not
 * inflated then; its SourceFile is lazy: each stream() call streams the archive
 * again and inflates only that entry, pull by pull, so the consumer's pace sets the
 * pace (backpressure) and neither the archive nor the inflated 700 MB text is ever
 * held whole. Cost: the archive is read twice. Pure TypeScript + fflate: no DOM,
 * no Node modules.
 */
import { Unzip, UnzipInflate, type UnzipFile } from 'fflate';
import { CancelledError, ZslError } from '../errors.ts';
import { baseName, concatBytes, fromBytes, type SourceFile } from './source-file.ts';

export interface OpenZipOptions {
  signal?: AbortSignal;
  /** Archive bytes read so far during the listing pass. */
  onProgress?: (bytesDone: number, bytesTotal: number) => void;
  /** Entries larger than this (uncompressed) stay lazy. */
  bufferLimit?: number;
}

const LAZY_NAME = /-features\.txt$/i;

export function isZip(file: SourceFile): boolean {
  return /\.zip$/i.test(file.name);
}

/** Lists a zip's files: small ones buffered, the feature file lazy (see the header). */
export async function openZip(zip: SourceFile, options: OpenZipOptions = {}): Promise<SourceFile[]> {
  const limit = options.bufferLimit ?? 256 * 2 ** 20;
  const files: SourceFile[] = [];
  const pending: Array<{ name: string; chunks: Uint8Array[]; done: boolean }> = [];
  let failure: unknown = null;
  const unzip = new Unzip((entry) => {
    if (entry.name.endsWith('/')) return;
    const lazy = LAZY_NAME.test(entry.name) || (entry.originalSize ?? 0) > limit;
    if (lazy) {
      files.push(lazyEntry(zip, entry.name, entry.originalSize ?? 0));
      return;
    }
    const slot = { name: entry.name, chunks: [] as Uint8Array[], done: false };
    pending.push(slot);
    entry.ondata = (error, data, final) => {
      if (error) {
        failure ??= corrupt(zip, entry.name, error);
        return;
      }
      slot.chunks.push(data);
      if (final) slot.done = true;
    };
    entry.start();
  });
  unzip.register(UnzipInflate);
  let bytesDone = 0;
  let sawData = false;
  await pump(zip, options.signal, (chunk, final) => {
    sawData ||= chunk.length > 0;
    try {
      unzip.push(chunk, final);
    } catch (error) {
      failure ??= corrupt(zip, undefined, error);
    }
    if (failure) throw failure;
    bytesDone += chunk.length;
    options.onProgress?.(bytesDone, zip.size);
    return false;
  });
  if (!sawData) throw new ZslError('the zip archive is empty; expected a zip of the AwA2 or xlsa17 files.', { file: zip.name });
  for (const slot of pending) {
    if (!slot.done) throw corrupt(zip, slot.name, new Error('the archive ends inside this entry'));
    files.push(fromBytes(slot.name, concatBytes(slot.chunks)));
  }
  if (files.length === 0) {
    throw new ZslError('no files found in the archive; expected a zip of the AwA2 or xlsa17 files.', { file: zip.name });
  }
  return files;
}

/** Replaces every .zip among `files` by its entries (entry paths are prefixed by the zip's folder). */
export async function expandZips(files: SourceFile[], options: OpenZipOptions = {}): Promise<SourceFile[]> {
  const out: SourceFile[] = [];
  for (const file of files) {
    if (!isZip(file)) {
      out.push(file);
      continue;
    }
    const folder = file.path.includes('/') ? file.path.slice(0, file.path.lastIndexOf('/') + 1) : '';
    for (const entry of await openZip(file, options)) out.push({ ...entry, path: folder + entry.path });
  }
  return out;
}

function lazyEntry(zip: SourceFile, name: string, size: number): SourceFile {
  return {
    path: name,
    name: baseName(name),
    size,
    stream: () => entryStream(zip, name),
  };
}

/** Streams one entry by re-reading the archive, inflating only that entry, at the reader's pace. */
function entryStream(zip: SourceFile, name: string): ReadableStream<Uint8Array> {
  const reader = zip.stream().getReader();
  const queue: Uint8Array[] = [];
  let finished = false;
  let found = false;
  let failure: unknown = null;
  const unzip = new Unzip((entry: UnzipFile) => {
    if (entry.name !== name || found) return;
    found = true;
    entry.ondata = (error, data, final) => {
      if (error) failure ??= corrupt(zip, name, error);
      else {
        if (data.length > 0) queue.push(data);
        if (final) finished = true;
      }
    };
    entry.start();
  });
  unzip.register(UnzipInflate);
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      while (queue.length === 0 && !finished) {
        const { done, value } = await reader.read();
        try {
          unzip.push(done ? new Uint8Array(0) : value, done);
        } catch (error) {
          failure ??= corrupt(zip, name, error);
        }
        if (failure) {
          controller.error(failure);
          return;
        }
        if (done) {
          if (!finished) controller.error(corrupt(zip, name, new Error(found ? 'the archive ends inside this entry' : 'the entry is missing')));
          finished = true;
          break;
        }
      }
      const next = queue.shift();
      if (next) controller.enqueue(next);
      if (finished && queue.length === 0) {
        controller.close();
        await reader.cancel().catch(() => undefined);
      }
    },
    async cancel() {
      await reader.cancel().catch(() => undefined);
    },
  });
}

async function pump(file: SourceFile, signal: AbortSignal | undefined, push: (chunk: Uint8Array, final: boolean) => boolean): Promise<void> {
  const reader = file.stream().getReader();
  try {
    for (;;) {
      if (signal?.aborted) throw new CancelledError();
      const { done, value } = await reader.read();
      if (push(done ? new Uint8Array(0) : value, done) || done) break;
    }
  } catch (error) {
    await reader.cancel().catch(() => undefined);
    throw error;
  } finally {
    reader.releaseLock();
  }
}

function corrupt(zip: SourceFile, entry: string | undefined, error: unknown): ZslError {
  const why = error instanceof Error ? error.message : String(error);
  const where = entry ? `the entry "${entry}" cannot be read (${why})` : `the archive cannot be read (${why})`;
  return new ZslError(`${where}; expected a complete, uncorrupted zip archive. Download it again.`, { file: zip.name });
}
