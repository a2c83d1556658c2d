/**
 * Typed arrays written to and read back from the database's 'chunks' store as
 * fixed-size chunks, so a dataset of gigabytes is never one IndexedDB value.
 * Chunks are keyed [saveId, arrayName, chunkIndex]; a saveId is fresh for every
 * save, so a new copy can be written beside the old one and swapped in at once.
 * Worker side: no DOM beyond IndexedDB, no React, no tfjs.
 */
import { CancelledError, ZslError } from '../../core/errors.ts';
import { handled, inTransaction, type AppDatabase, type ChunkedArrayRef } from '../../storage/app-database.ts';

export const DEFAULT_CHUNK_BYTES = 8 * 1024 * 1024;

export function chunkRange(saveId: string): IDBKeyRange {
  // Arrays sort after strings and numbers, so [saveId, []] bounds every key of this save.
  return IDBKeyRange.bound([saveId], [saveId, []]);
}

export function chunkCount(byteLength: number, chunkBytes: number): number {
  return Math.ceil(byteLength / chunkBytes);
}

export interface ChunkIo {
  signal?: AbortSignal;
  /** Called after each chunk with the bytes it moved. */
  onBytes?(bytes: number): void;
}

/** Writes one array, one chunk per transaction, touching the pending record as it goes. */
export async function writeChunkedArray(
  db: AppDatabase,
  saveId: string,
  arrayName: string,
  array: Float32Array | Int32Array,
  chunkBytes: number,
  io: ChunkIo,
): Promise<ChunkedArrayRef> {
  const ref: ChunkedArrayRef = {
    type: array instanceof Float32Array ? 'float32' : 'int32',
    length: array.length,
    byteLength: array.byteLength,
    chunkBytes,
    chunks: chunkCount(array.byteLength, chunkBytes),
  };
  for (let index = 0; index < ref.chunks; index++) {
    if (io.signal?.aborted) throw new CancelledError();
    const start = array.byteOffset + index * chunkBytes;
    const end = Math.min(start + chunkBytes, array.byteOffset + array.byteLength);
    // A copy of just this slice (cloning a view would clone its whole buffer), and an ArrayBuffer even when the
    // array lives in a SharedArrayBuffer (a parallel parse's output), which IndexedDB cannot store.
    const bytes = new Uint8Array(array.buffer, start, end - start).slice().buffer;
    await inTransaction(db, ['chunks', 'pending'], 'readwrite', async (tx) => {
      const pending = tx.objectStore('pending');
      const previous = await pending.get(saveId);
      if (!previous) throw new ZslError('the save was cleaned up by another tab before it finished.');
      await Promise.all([
        handled(tx.objectStore('chunks').put(bytes, [saveId, arrayName, index])),
        handled(pending.put({ ...previous, touchedAt: Date.now() })),
      ]);
    });
    io.onBytes?.(end - start);
  }
  return ref;
}

/** Reads one array back into a fresh buffer of exactly its size. */
export async function readChunkedArray(
  db: AppDatabase,
  saveId: string,
  arrayName: string,
  ref: ChunkedArrayRef,
  io: ChunkIo,
): Promise<Float32Array | Int32Array> {
  const buffer = new ArrayBuffer(ref.byteLength);
  const target = new Uint8Array(buffer);
  for (let index = 0; index < ref.chunks; index++) {
    if (io.signal?.aborted) throw new CancelledError();
    const chunk = await db.get('chunks', [saveId, arrayName, index]);
    const offset = index * ref.chunkBytes;
    const expected = Math.min(ref.chunkBytes, ref.byteLength - offset);
    if (!(chunk instanceof ArrayBuffer) || chunk.byteLength !== expected) {
      throw new ZslError(
        `part ${index + 1} of ${ref.chunks} is missing or damaged (it may have been deleted while loading). Save the dataset again.`,
        { variable: arrayName },
      );
    }
    target.set(new Uint8Array(chunk), offset);
    io.onBytes?.(expected);
  }
  return ref.type === 'float32' ? new Float32Array(buffer) : new Int32Array(buffer);
}
