/**
 * The app's one IndexedDB database, 'zero-shot-studio': its versioned schema
 * (every store and the records they hold), opening it, and a transaction helper
 * that never leaves half a write behind. The worker's stores (datasets, runs,
 * extractions, the kept backbone) and the page's settings store all open it through here, so it
 * lives apart from both. Runs wherever IndexedDB exists. Must not import DOM-only,
 * React, tfjs or worker code.
 */
import { openDB, type DBSchema, type IDBPDatabase, type IDBPTransaction, type StoreNames } from 'idb';
import type { ZslDataset } from '../core/data/dataset.ts';
import { ZslError } from '../core/errors.ts';

export const DB_NAME = 'zero-shot-studio';
/** Bump with a new step in `upgradeSchema` whenever a store or index changes. */
export const DB_VERSION = 6;

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
  /**
   * The file name of each row's picture (AwA2-filenames.txt, res101.mat's
   * image_files), to verify a backbone against the release; null when the
   * dataset came without them. Absent in records stored before names were kept.
   */
  imageFiles?: string[] | null;
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

/**
 * The backbone the user brought, kept for the next visit (backbone-store.ts): the
 * model's artifacts without their weight bytes, which lie in 'backbone-chunks'
 * under this save id. Written after the chunks, so its presence means "complete".
 */
export interface KeptBackboneRecord {
  id: 'current';
  saveId: string;
  savedAt: number;
  /** tf.io.ModelArtifacts less weightData (no tfjs types here). */
  artifacts: unknown;
  spec: unknown;
  /** The model.json URL it was downloaded from. */
  source?: string;
  byteLength: number;
  chunks: number;
}

export interface AppSchema extends DBSchema {
  datasets: { key: string; value: DatasetRecord };
  runs: { key: string; value: RunRecordStored };
  checkpoints: { key: string; value: CheckpointRecord };
  chunks: { key: ChunkKey; value: ArrayBuffer };
  pending: { key: string; value: PendingRecord };
  /** Features of an image folder extracted so far, batch by batch, so an interrupted extraction resumes (extraction-store.ts). */
  extractions: { key: ExtractionBatchKey; value: ArrayBuffer };
  /** The page's settings, one record under the key 'current' (src/ui/shared/settings-store.ts; read with readSettings). */
  settings: { key: string; value: unknown };
  backbones: { key: string; value: KeptBackboneRecord };
  /**
   * The kept backbone's weight bytes in pieces: Chromium refuses one value over
   * about 127 MiB, and a ResNet-101's weights are 170 MB.
   */
  'backbone-chunks': { key: [saveId: string, index: number]; value: ArrayBuffer };
}

/** [the job's key (folder and backbone), the batch's first picture, its number of pictures]. */
export type ExtractionBatchKey = [job: string, first: number, rows: number];

export type AppDatabase = IDBPDatabase<AppSchema>;

/** Each step brings a database from one version to the next; never edit a released step. */
function upgradeSchema(db: IDBPDatabase<AppSchema>, oldVersion: number): void {
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
  if (oldVersion < 6) {
    db.createObjectStore('backbones', { keyPath: 'id' });
    db.createObjectStore('backbone-chunks');
  }
  // if (oldVersion < 7) { ... } goes here, after bumping DB_VERSION.
}

export async function openAppDatabase(name: string, onClosed: () => void): Promise<AppDatabase> {
  if (typeof indexedDB === 'undefined') {
    throw new ZslError('This browser offers no IndexedDB, so datasets cannot be kept between visits.');
  }
  try {
    return await openDB<AppSchema>(name, DB_VERSION, {
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
export async function inTransaction<Names extends ArrayLike<StoreNames<AppSchema>>, Mode extends IDBTransactionMode, T>(
  db: AppDatabase,
  names: Names,
  mode: Mode,
  body: (tx: IDBPTransaction<AppSchema, Names, Mode>) => Promise<T>,
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
