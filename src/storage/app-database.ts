/**
 * The IndexedDB side of the dataset cache: the versioned schema of the
 * 'zero-shot-studio' database, a transaction helper that never leaves half a
 * write behind, and typed arrays written and read back as fixed-size chunks.
 * Chunks are keyed [saveId, arrayName, chunkIndex]; a saveId is fresh for every
 * save, so a new copy can be written beside the old one and swapped in at once.
 * Runs in the worker (or any context with IndexedDB). Must not import DOM, React
 * or tfjs code.
 */
import { openDB, type DBSchema, type IDBPDatabase, type IDBPTransaction, type StoreNames } from 'idb';
import type { ZslDataset } from '../core/data/dataset.ts';
import { CancelledError, ZslError } from '../core/errors.ts';

export const DB_NAME = 'zero-shot-studio';
/** Bump with a new step in `upgradeSchema` whenever a store or index changes. */
export const DB_VERSION = 5;
export const DEFAULT_CHUNK_BYTES = 8 * 1024 * 1024;

/** One array's place in the chunk store; enough to rebuild it exactly. */
export interface ChunkedArrayRef {
  type: 'float32' | 'int32';
  /** Number of elements. */
  length: number;
  byteLength: number;
  chunkBytes: number;
  chunks: number;
}

/** The metadata record of one stored dataset; written last, so its presence means "complete". */
export interface DatasetRecord {
  id: string;
  /** Chunks of this save live under this key prefix. */
  saveId: string;
  savedAt: number;
  bytes: number;
  /** Everything but the per-image arrays; the splits' typed arrays are kept inline. */
  body: Omit<ZslDataset, 'features' | 'labels' | 'numSamples'>;
  numSamples: number;
  features: ChunkedArrayRef;
  labels: ChunkedArrayRef;
  semantic?: unknown;
  sourceDescription?: string;
}

/** A save in progress; lets a later sweep tell a live writer from a crashed one. */
export interface PendingRecord {
  saveId: string;
  datasetId: string;
  touchedAt: number;
}

export type ChunkKey = [saveId: string, arrayName: string, chunkIndex: number];

/** A finished run: its summary, its curves and its frozen model (run-store.ts). */
export interface RunRecordStored {
  id: string;
  savedAt: number;
  datasetId: string;
  summary: unknown;
  /** Loss of every step, in order. */
  losses: Float32Array;
  epochs: unknown[];
  /** The frozen model as the exported file's text; null when it could not be frozen. */
  model: string | null;
}

/** The training interrupted by a reload or a crash, saved after each finished epoch (run-store.ts). */
export interface CheckpointRecord {
  id: 'interrupted';
  savedAt: number;
  datasetId: string;
  config: unknown;
  epoch: number;
  step: number;
  state: unknown;
  /** Seconds of training up to this checkpoint (absent in checkpoints saved before it was recorded). */
  seconds?: number;
  losses: Float32Array;
  epochs: unknown[];
}

export interface CacheSchema extends DBSchema {
  datasets: { key: string; value: DatasetRecord };
  runs: { key: string; value: RunRecordStored };
  checkpoints: { key: string; value: CheckpointRecord };
  chunks: { key: ChunkKey; value: ArrayBuffer };
  pending: { key: string; value: PendingRecord };
  /** Features of an image folder extracted so far, batch by batch, so an interrupted extraction resumes (extraction-store.ts). */
  extractions: { key: ExtractionBatchKey; value: ArrayBuffer };
  /** The page's settings, one record under the key 'current' (src/ui/shared/settings-store.ts; read with readSettings). */
  settings: { key: string; value: unknown };
}

/** [the job's key (folder and backbone), the batch's first picture, its number of pictures]. */
export type ExtractionBatchKey = [job: string, first: number, rows: number];

export type CacheDb = IDBPDatabase<CacheSchema>;

/** Each step brings a database from one version to the next; never edit a released step. */
function upgradeSchema(db: IDBPDatabase<CacheSchema>, oldVersion: number): void {
  if (oldVersion < 1) {
    db.createObjectStore('datasets', { keyPath: 'id' });
    db.createObjectStore('chunks');
    db.createObjectStore('pending', { keyPath: 'saveId' });
  }
  if (oldVersion < 2) {
    db.createObjectStore('runs', { keyPath: 'id' });
  }
  if (oldVersion < 3) {
    db.createObjectStore('checkpoints', { keyPath: 'id' });
  }
  if (oldVersion < 4) {
    db.createObjectStore('extractions');
  }
  if (oldVersion < 5) {
    db.createObjectStore('settings');
  }
  // if (oldVersion < 6) { ... } goes here, after bumping DB_VERSION.
}

export async function openCacheDb(name: string, onClosed: () => void): Promise<CacheDb> {
  if (typeof indexedDB === 'undefined') {
    throw new ZslError('This browser offers no IndexedDB, so datasets cannot be kept between visits.');
  }
  try {
    return await openDB<CacheSchema>(name, DB_VERSION, {
      upgrade: (db, oldVersion) => upgradeSchema(db, oldVersion),
      // Another tab wants a newer schema: step aside rather than block it; the next call reopens.
      blocking: (_current, _blocked, event) => {
        (event.target as IDBDatabase).close();
        onClosed();
      },
      terminated: onClosed,
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'VersionError') {
      throw new ZslError(
        'The stored datasets were written by a newer version of Zero-Shot Studio. Reload the page to use it.',
      );
    }
    throw error;
  }
}

/**
 * Runs `body` in one transaction and resolves once it has committed. On any
 * failure the transaction is aborted, so none of its writes land, and the error
 * that caused the abort (e.g. QuotaExceededError) is what rejects.
 */
export async function inTransaction<Names extends ArrayLike<StoreNames<CacheSchema>>, Mode extends IDBTransactionMode, T>(
  db: CacheDb,
  names: Names,
  mode: Mode,
  body: (tx: IDBPTransaction<CacheSchema, Names, Mode>) => Promise<T>,
): Promise<T> {
  const tx = db.transaction(names, mode);
  const done = tx.done;
  try {
    const result = await body(tx);
    await done;
    return result;
  } catch (error) {
    try {
      tx.abort();
    } catch {
      // Already finished or aborted by the failing request.
    }
    await done.catch(() => undefined);
    throw tx.error ?? error;
  }
}

/**
 * Marks a request's promise as handled and returns it. Wrap each request of a
 * Promise.all in this: if a later one throws synchronously, the transaction is
 * aborted and the earlier ones reject with nobody else listening.
 */
export function handled<T>(request: Promise<T>): Promise<T> {
  request.catch(() => undefined);
  return request;
}

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
  db: CacheDb,
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
  db: CacheDb,
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
