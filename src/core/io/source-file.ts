/**
 * The file abstraction every parser reads from: a browser File, a zip entry or a
 * Node file all map to it. Pure TypeScript: no DOM types beyond web streams, no
 * Node modules.
 */
import { CancelledError } from '../errors.ts';

export interface SourceFile {
  /** Relative path inside the dropped folder or zip, '/'-separated (e.g. "Animals_with_Attributes2/classes.txt"). */
  path: string;
  /** Base name, e.g. "classes.txt". */
  name: string;
  /** Size in bytes (uncompressed); 0 when unknown. */
  size: number;
  /** A fresh stream of the file's bytes; may be called more than once. */
  stream(): ReadableStream<Uint8Array>;
  /** Milliseconds since the epoch, when known (a dropped File): with path and size it tells a changed file from the same one. */
  lastModified?: number;
}

/** The base name of a '/'-separated path. */
export function baseName(path: string): string {
  const trimmed = path.replace(/\/+$/, '');
  return trimmed.slice(trimmed.lastIndexOf('/') + 1);
}

interface BlobLike {
  name: string;
  size: number;
  stream(): ReadableStream<Uint8Array>;
  lastModified?: number;
  slice?(start: number, end: number): { arrayBuffer(): Promise<ArrayBuffer> };
}

/** Bytes per read of a blob: a browser's own Blob stream hands out 64 KiB chunks, each a parser call and a carried line. */
const BLOB_READ_BYTES = 4 << 20;

/** A blob's bytes in BLOB_READ_BYTES slices (its own stream when it cannot be sliced). */
function blobStream(blob: BlobLike): ReadableStream<Uint8Array> {
  const slice = blob.slice?.bind(blob);
  if (!slice) return blob.stream();
  let position = 0;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (position >= blob.size) {
        controller.close();
        return;
      }
      const end = Math.min(blob.size, position + BLOB_READ_BYTES);
      const bytes = new Uint8Array(await slice(position, end).arrayBuffer());
      position = end;
      controller.enqueue(bytes);
    },
  });
}

/** Wraps a browser File (or anything with name, size and stream()); `path` defaults to webkitRelativePath or name. */
export function fromBlob(blob: BlobLike, path?: string): SourceFile {
  const relative = path ?? ((blob as { webkitRelativePath?: string }).webkitRelativePath || blob.name);
  const file: SourceFile = { path: relative, name: baseName(relative), size: blob.size, stream: () => blobStream(blob) };
  if (typeof blob.lastModified === 'number') file.lastModified = blob.lastModified;
  return file;
}

/** Wraps bytes already in memory. */
export function fromBytes(path: string, bytes: Uint8Array): SourceFile {
  return {
    path,
    name: baseName(path),
    size: bytes.length,
    stream: () =>
      new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(bytes);
          controller.close();
        },
      }),
  };
}

/**
 * Reads a whole (small) file into one Uint8Array. Only for text lists and .mat
 * files, never for the feature file.
 */
export async function readAll(file: SourceFile, signal?: AbortSignal): Promise<Uint8Array> {
  const reader = file.stream().getReader();
  const chunks: Uint8Array[] = [];
  try {
    for (;;) {
      if (signal?.aborted) throw new CancelledError();
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
    }
  } finally {
    reader.releaseLock();
  }
  return concatBytes(chunks);
}

/** The chunks as one array (the chunk itself when there is one). */
export function concatBytes(chunks: Uint8Array[]): Uint8Array {
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}
