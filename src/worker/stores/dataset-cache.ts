/**
 * A cache of parsed datasets in IndexedDB, so that a page reload does not parse
 * again. Saves are all-or-nothing: the per-image arrays go in as chunks under a
 * fresh save id, then one transaction writes the metadata record (and drops an
 * older copy of the same dataset); a failed or cancelled save removes its chunks,
 * and a sweep removes chunks that a crashed save left behind. Runs in the worker;
 * must not import DOM, React or tfjs code.
 */
import { createDataset, type ZslDataset } from '../../core/data/dataset.ts';
import { CancelledError, toUserMessage, ZslError } from '../../core/errors.ts';
import { DB_NAME, handled, inTransaction, openAppDatabase, type AppDatabase, type DatasetRecord } from '../../storage/app-database.ts';
import { chunkRange, DEFAULT_CHUNK_BYTES, readChunkedArray, writeChunkedArray } from './chunked-arrays.ts';

export interface StoredDatasetMeta {
  /** How the semantic vectors were chosen (see src/core/data/semantic.ts); stored as given. */
  semantic?: unknown;
  /** e.g. the file names the dataset was parsed from. */
  sourceDescription?: string;
  /**
   * The file name of each row's picture; null when the dataset has none. On load,
   * absent when the record was stored before names were kept.
   */
  imageFiles?: string[] | null;
}

export interface StoredDatasetInfo {
  id: string;
  name: string;
  images: number;
  featureDim: number;
  classes: number;
  attributes: number;
  /** Bytes of array data stored (features, labels, attributes, splits). */
  bytes: number;
  /** Milliseconds since the epoch. */
  savedAt: number;
  featureSource: ZslDataset['featureSource'];
  sourceDescription?: string;
}

export interface CacheJobOptions {
  /** 0…1, by bytes moved; 1 only once the job has finished. */
  onProgress?(fraction: number): void;
  signal?: AbortSignal;
}

export interface DatasetCacheOptions {
  dbName?: string;
  /** Bytes per chunk record; 8 MB by default. Small values let tests span many chunks. */
  chunkBytes?: number;
  /** A save whose pending record is untouched this long is taken for crashed and swept. */
  staleAfterMs?: number;
}

export interface DatasetCache {
  save(dataset: ZslDataset, meta?: StoredDatasetMeta, options?: CacheJobOptions): Promise<StoredDatasetInfo>;
  list(): Promise<StoredDatasetInfo[]>;
  load(id: string, options?: CacheJobOptions): Promise<{ dataset: ZslDataset; meta: StoredDatasetMeta }>;
  /** Resolves to false when there was no such dataset. */
  remove(id: string): Promise<boolean>;
  /** Deletes chunks that no stored dataset or live save owns; resolves to how many saves they came from. */
  removeOrphans(): Promise<number>;
  close(): void;
}

export function createDatasetCache(options: DatasetCacheOptions = {}): DatasetCache {
  const { dbName = DB_NAME, chunkBytes = DEFAULT_CHUNK_BYTES, staleAfterMs = 10 * 60_000 } = options;
  if (!Number.isInteger(chunkBytes) || chunkBytes <= 0) {
    throw new ZslError(`expected a positive whole number of bytes per chunk, got ${chunkBytes}.`, { variable: 'chunkBytes' });
  }
  let opening: Promise<AppDatabase> | null = null;
  const database = (): Promise<AppDatabase> => {
    opening ??= openAppDatabase(dbName, () => (opening = null)).catch((error: unknown) => {
      opening = null;
      throw error;
    });
    return opening;
  };
  /** Saves running in this context; never swept, however slow. */
  const active = new Set<string>();

  const removeOrphans = async (): Promise<number> => {
    const db = await database();
    return inTransaction(db, ['datasets', 'chunks', 'pending'], 'readwrite', async (tx) => {
      const [records, pending, keys] = await Promise.all([
        handled(tx.objectStore('datasets').getAll()),
        handled(tx.objectStore('pending').getAll()),
        handled(tx.objectStore('chunks').getAllKeys()),
      ]);
      const owned = new Set(records.map((r) => r.saveId));
      const writes: Array<Promise<unknown>> = [];
      for (const p of pending) {
        if (active.has(p.saveId) || Date.now() - p.touchedAt < staleAfterMs) owned.add(p.saveId);
        else writes.push(handled(tx.objectStore('pending').delete(p.saveId)));
      }
      const orphans = new Set(keys.map((key) => key[0]).filter((saveId) => !owned.has(saveId)));
      for (const saveId of orphans) writes.push(handled(tx.objectStore('chunks').delete(chunkRange(saveId))));
      await Promise.all(writes);
      return orphans.size;
    });
  };

  const discard = async (db: AppDatabase, saveId: string): Promise<void> => {
    await inTransaction(db, ['chunks', 'pending'], 'readwrite', async (tx) => {
      await Promise.all([
        handled(tx.objectStore('chunks').delete(chunkRange(saveId))),
        handled(tx.objectStore('pending').delete(saveId)),
      ]);
    });
  };

  const save: DatasetCache['save'] = async (dataset, meta = {}, { onProgress, signal } = {}) => {
    if (signal?.aborted) throw new CancelledError();
    const { features, labels, numSamples, ...small } = dataset;
    const body = copySmallParts(small);
    const smallBytes = body.classAttributes.byteLength + body.splits.reduce((sum, s) => sum + splitBytes(s), 0);
    const total = features.byteLength + labels.byteLength + smallBytes;
    let moved = 0;
    const io = { signal, onBytes: (bytes: number) => onProgress?.((moved += bytes) / total) };
    const saveId = `${dataset.id}:${Date.now().toString(36)}:${Math.random().toString(36).slice(2)}`;
    active.add(saveId);
    let db: AppDatabase | null = null;
    try {
      db = await database();
      // A crashed earlier save must not keep its space; failing to sweep must not block this save.
      await removeOrphans().catch(() => undefined);
      onProgress?.(0);
      const pending = { saveId, datasetId: dataset.id, touchedAt: Date.now() };
      await inTransaction(db, ['pending'], 'readwrite', (tx) => tx.objectStore('pending').put(pending));
      const record: DatasetRecord = {
        id: dataset.id,
        saveId,
        savedAt: Date.now(),
        bytes: total,
        body,
        numSamples,
        features: await writeChunkedArray(db, saveId, 'features', features, chunkBytes, io),
        labels: await writeChunkedArray(db, saveId, 'labels', labels, chunkBytes, io),
        semantic: meta.semantic,
        sourceDescription: meta.sourceDescription,
        imageFiles: meta.imageFiles ?? null,
      };
      if (signal?.aborted) throw new CancelledError();
      await inTransaction(db, ['datasets', 'chunks', 'pending'], 'readwrite', async (tx) => {
        const datasets = tx.objectStore('datasets');
        const previous = await datasets.get(dataset.id);
        await Promise.all([
          handled(datasets.put(record)),
          handled(tx.objectStore('pending').delete(saveId)),
          previous ? handled(tx.objectStore('chunks').delete(chunkRange(previous.saveId))) : undefined,
        ]);
      });
      onProgress?.(1);
      return toInfo(record);
    } catch (error) {
      if (db) await discard(db, saveId).catch(() => undefined);
      if (signal?.aborted || error instanceof CancelledError) throw new CancelledError();
      if (isQuotaError(error)) {
        throw new ZslError(
          `The browser refused to store "${dataset.name}": storage is full (quota exceeded). Delete a stored dataset or free space.`,
        );
      }
      throw new ZslError(`The browser could not store "${dataset.name}": ${toUserMessage(error)}`);
    } finally {
      active.delete(saveId);
    }
  };

  const list: DatasetCache['list'] = async () => {
    const records = await (await database()).getAll('datasets');
    return records.map(toInfo).sort((a, b) => b.savedAt - a.savedAt);
  };

  const load: DatasetCache['load'] = async (id, { onProgress, signal } = {}) => {
    if (signal?.aborted) throw new CancelledError();
    const db = await database();
    const record = await db.get('datasets', id);
    if (!record) throw new ZslError(`There is no stored dataset "${id}"; it may have been deleted.`);
    const total = record.features.byteLength + record.labels.byteLength;
    let moved = 0;
    const io = { signal, onBytes: (bytes: number) => onProgress?.(Math.min(0.99, (moved += bytes) / total)) };
    onProgress?.(0);
    const features = await readChunkedArray(db, record.saveId, 'features', record.features, io);
    const labels = await readChunkedArray(db, record.saveId, 'labels', record.labels, io);
    if (!(features instanceof Float32Array) || !(labels instanceof Int32Array)) {
      throw new ZslError(`The stored copy of "${record.body.name}" has arrays of the wrong type. Delete it and load the dataset again.`);
    }
    let dataset: ZslDataset;
    try {
      dataset = createDataset({ ...record.body, features, labels });
    } catch (error) {
      throw new ZslError(
        `The stored copy of "${record.body.name}" is damaged: ${toUserMessage(error)} Delete it and load the dataset again.`,
      );
    }
    onProgress?.(1);
    const meta: StoredDatasetMeta = {};
    if (record.semantic !== undefined) meta.semantic = record.semantic;
    if (record.sourceDescription !== undefined) meta.sourceDescription = record.sourceDescription;
    if (record.imageFiles !== undefined) meta.imageFiles = record.imageFiles;
    return { dataset, meta };
  };

  const remove: DatasetCache['remove'] = async (id) => {
    const db = await database();
    return inTransaction(db, ['datasets', 'chunks'], 'readwrite', async (tx) => {
      const record = await tx.objectStore('datasets').get(id);
      if (!record) return false;
      await Promise.all([
        handled(tx.objectStore('datasets').delete(id)),
        handled(tx.objectStore('chunks').delete(chunkRange(record.saveId))),
      ]);
      return true;
    });
  };

  const close = (): void => {
    const current = opening;
    opening = null;
    void current?.then((db) => db.close(), () => undefined);
  };

  return { save, list, load, remove, removeOrphans, close };
}

/** Copies the small typed arrays so that each is stored alone, not with the buffer it views. */
function copySmallParts(small: Omit<ZslDataset, 'features' | 'labels' | 'numSamples'>): DatasetRecord['body'] {
  return {
    ...small,
    classNames: [...small.classNames],
    attributeNames: [...small.attributeNames],
    classAttributes: small.classAttributes.slice(),
    featureSource: { ...small.featureSource },
    ...(small.semanticSets
      ? { semanticSets: Object.fromEntries(Object.entries(small.semanticSets).map(([key, values]) => [key, values?.slice()])) }
      : {}),
    splits: small.splits.map((s) => ({
      ...s,
      seenClasses: [...s.seenClasses],
      unseenClasses: [...s.unseenClasses],
      trainIndices: s.trainIndices.slice(),
      testSeenIndices: s.testSeenIndices.slice(),
      testUnseenIndices: s.testUnseenIndices.slice(),
    })),
  };
}

function splitBytes(split: ZslDataset['splits'][number]): number {
  return split.trainIndices.byteLength + split.testSeenIndices.byteLength + split.testUnseenIndices.byteLength;
}

function toInfo(record: DatasetRecord): StoredDatasetInfo {
  const info: StoredDatasetInfo = {
    id: record.id,
    name: record.body.name,
    images: record.numSamples,
    featureDim: record.body.featureDim,
    classes: record.body.classNames.length,
    attributes: record.body.attributeNames.length,
    bytes: record.bytes,
    savedAt: record.savedAt,
    featureSource: record.body.featureSource,
  };
  if (record.sourceDescription !== undefined) info.sourceDescription = record.sourceDescription;
  return info;
}

function isQuotaError(error: unknown): boolean {
  return error instanceof Error && (error.name === 'QuotaExceededError' || /quota/i.test(error.message));
}

/** How much this origin stores and may store, in bytes; null where the browser does not say. */
export async function storageEstimate(): Promise<{ usage: number; quota: number } | null> {
  const storage = typeof navigator === 'undefined' ? undefined : navigator.storage;
  if (!storage || typeof storage.estimate !== 'function') return null;
  try {
    const { usage, quota } = await storage.estimate();
    return usage === undefined || quota === undefined ? null : { usage, quota };
  } catch {
    return null;
  }
}
