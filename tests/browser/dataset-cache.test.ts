/**
 * The IndexedDB dataset cache in real Chromium: exact round trips across many
 * chunks, side-by-side datasets, and saves that are cancelled or fail part-way
 * leaving neither a half dataset nor orphan chunks. Each test uses its own
 * database so they cannot see each other's records.
 */
import { deleteDB, openDB } from 'idb';
import { afterEach, describe, expect, it } from 'vitest';
import type { ZslDataset } from '../../src/core/data/dataset.ts';
import { generateDemoDataset } from '../../src/core/demos/demo-dataset.ts';
import { CancelledError, ZslError } from '../../src/core/errors.ts';
import { buildDataset } from '../../src/core/io/build-dataset.ts';
import { shapedRelease } from '../unit/helpers/xlsa17-shaped.ts';
import { DB_VERSION, type ChunkKey } from '../../src/storage/app-database.ts';
import { createDatasetCache, storageEstimate, type DatasetCache, type DatasetCacheOptions } from '../../src/worker/stores/dataset-cache.ts';

const small = (seed = 7) => generateDemoDataset({ seed, imagesPerClass: 20, featureDim: 16 });
/** 2,160 × 96 floats = 829,440 bytes: 13 chunks of an odd size, so chunk edges split floats. */
const large = (seed = 3) => generateDemoDataset({ seed, imagesPerClass: 60, featureDim: 96 });
const ODD_CHUNK = 65_537;

let dbCount = 0;
const opened: Array<{ cache: DatasetCache; dbName: string }> = [];
function freshCache(options: DatasetCacheOptions = {}, dbName = `zss-test-${Date.now()}-${dbCount++}`) {
  const cache = createDatasetCache({ dbName, ...options });
  opened.push({ cache, dbName });
  return { cache, dbName };
}

afterEach(async () => {
  for (const { cache, dbName } of opened.splice(0)) {
    cache.close();
    await deleteDB(dbName);
  }
});

/** Reads the raw stores, bypassing the cache, to see what really sits in the database. */
async function rawContents(dbName: string) {
  const db = await openDB(dbName);
  try {
    const chunkKeys = (await db.getAllKeys('chunks')) as ChunkKey[];
    const pending = await db.getAll('pending');
    const datasets = (await db.getAllKeys('datasets')) as string[];
    return { chunkKeys, saveIds: new Set(chunkKeys.map((k) => k[0])), pending, datasets };
  } finally {
    db.close();
  }
}

/** Index of the first differing byte, or -1; a plain loop, as deep equality is slow on large arrays. */
function firstDifference(a: ArrayBufferView, b: ArrayBufferView): number {
  const x = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  const y = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  if (x.length !== y.length) return Math.min(x.length, y.length);
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return i;
  return -1;
}

function expectSameDataset(actual: ZslDataset, expected: ZslDataset): void {
  expect(actual.features).toBeInstanceOf(Float32Array);
  expect(actual.labels).toBeInstanceOf(Int32Array);
  expect(actual.classAttributes).toBeInstanceOf(Float32Array);
  // Byte for byte, so a shifted or repeated chunk would show.
  expect(actual.features.length).toBe(expected.features.length);
  expect(firstDifference(actual.features, expected.features)).toBe(-1);
  expect(firstDifference(actual.labels, expected.labels)).toBe(-1);
  for (const split of actual.splits) {
    expect(split.trainIndices).toBeInstanceOf(Int32Array);
    expect(split.testSeenIndices).toBeInstanceOf(Int32Array);
    expect(split.testUnseenIndices).toBeInstanceOf(Int32Array);
  }
  // Every other field, including names, splits and the feature source.
  const rest = (d: ZslDataset) => ({ ...d, features: null, labels: null });
  expect(rest(actual)).toEqual(rest(expected));
}

async function expectCancelled(promise: Promise<unknown>): Promise<void> {
  const error = await promise.then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(CancelledError);
}

describe('dataset cache round trip', () => {
  it('stores a dataset and its meta and rebuilds every array and field exactly', async () => {
    const { cache } = freshCache();
    const dataset = small();
    const semantic = { kind: 'attributes', normalise: 'zscore', weights: new Float32Array([0.5, 2]) };
    const info = await cache.save(dataset, { semantic, sourceDescription: 'generated in the test' });
    expect(info).toMatchObject({
      id: dataset.id,
      name: dataset.name,
      images: 720,
      featureDim: 16,
      classes: 36,
      attributes: 40,
      sourceDescription: 'generated in the test',
      featureSource: dataset.featureSource,
    });
    expect(info.bytes).toBeGreaterThanOrEqual(dataset.features.byteLength + dataset.labels.byteLength);
    expect(Date.now() - info.savedAt).toBeLessThan(60_000);

    const { dataset: loaded, meta } = await cache.load(dataset.id);
    expectSameDataset(loaded, dataset);
    expect(meta).toEqual({ semantic, sourceDescription: 'generated in the test', imageFiles: null });
    expect(meta.semantic).not.toBe(semantic);
  });

  it('stores features that live in a SharedArrayBuffer (a parallel parse\'s output)', async () => {
    const { cache } = freshCache({ chunkBytes: ODD_CHUNK });
    const plain = large();
    const features = new Float32Array(new SharedArrayBuffer(plain.features.byteLength));
    features.set(plain.features);
    const dataset = { ...plain, features };
    await cache.save(dataset, { semantic: null, sourceDescription: 'shared' });
    const { dataset: loaded } = await cache.load(dataset.id);
    expect(firstDifference(loaded.features, plain.features)).toBe(-1);
  });

  it('splits a larger dataset over many chunks of an odd size and reports progress up to 1', async () => {
    const { cache, dbName } = freshCache({ chunkBytes: ODD_CHUNK });
    const dataset = large();
    const saveProgress: number[] = [];
    await cache.save(dataset, {}, { onProgress: (f) => saveProgress.push(f) });
    const { chunkKeys } = await rawContents(dbName);
    const featureChunks = Math.ceil(dataset.features.byteLength / ODD_CHUNK);
    expect(featureChunks).toBe(13);
    expect(chunkKeys.filter((k) => k[1] === 'features')).toHaveLength(featureChunks);
    expect(chunkKeys.filter((k) => k[1] === 'labels')).toHaveLength(1);

    const loadProgress: number[] = [];
    const { dataset: loaded, meta } = await cache.load(dataset.id, { onProgress: (f) => loadProgress.push(f) });
    expectSameDataset(loaded, dataset);
    expect(meta).toEqual({ imageFiles: null }); // saved without picture names: stored as "none", unlike a record from before names were kept
    for (const progress of [saveProgress, loadProgress]) {
      expect(progress.length).toBeGreaterThan(featureChunks);
      expect(progress.at(-1)).toBe(1);
      expect(progress.slice(0, -1).every((f) => f < 1)).toBe(true);
      expect(progress.every((f, i) => i === 0 || f >= progress[i - 1]!)).toBe(true);
    }
  });

  it('can be read from inside a Web Worker', async () => {
    const { cache, dbName } = freshCache({ chunkBytes: ODD_CHUNK });
    const dataset = large(5);
    await cache.save(dataset);
    cache.close();
    const moduleUrl = new URL('/src/worker/stores/dataset-cache.ts', location.origin).href;
    const source = `
      const { createDatasetCache } = await import(${JSON.stringify(moduleUrl)});
      const cache = createDatasetCache({ dbName: ${JSON.stringify(dbName)} });
      const list = await cache.list();
      const { dataset } = await cache.load(list[0].id);
      postMessage({ list, features: dataset.features, inWorker: typeof document === 'undefined' });
      cache.close();`;
    const worker = new Worker(URL.createObjectURL(new Blob([source], { type: 'text/javascript' })), { type: 'module' });
    try {
      const reply = await new Promise<{ list: Array<{ id: string }>; features: Float32Array; inWorker: boolean }>(
        (resolve, reject) => {
          worker.onmessage = (event) => resolve(event.data);
          worker.onerror = (event) => reject(new Error(event.message || 'worker failed'));
        },
      );
      expect(reply.inWorker).toBe(true);
      expect(reply.list.map((d) => d.id)).toEqual([dataset.id]);
      expect(reply.features).toBeInstanceOf(Float32Array);
      expect(firstDifference(reply.features, dataset.features)).toBe(-1);
    } finally {
      worker.terminate();
    }
  });
});

describe('listing and deleting', () => {
  it('keeps two datasets side by side and deletes one without touching the other', async () => {
    const { cache, dbName } = freshCache({ chunkBytes: ODD_CHUNK });
    const a = small(1);
    const b = large(2);
    await cache.save(a, { sourceDescription: 'a' });
    await cache.save(b, { sourceDescription: 'b' });
    const listed = await cache.list();
    expect(listed.map((d) => d.id).sort()).toEqual([a.id, b.id].sort());
    expect(listed.find((d) => d.id === b.id)).toMatchObject({ images: 2160, featureDim: 96, sourceDescription: 'b' });
    expectSameDataset((await cache.load(a.id)).dataset, a);
    expectSameDataset((await cache.load(b.id)).dataset, b);
    expect((await rawContents(dbName)).saveIds.size).toBe(2);

    expect(await cache.remove(b.id)).toBe(true);
    expect(await cache.remove(b.id)).toBe(false);
    expect((await cache.list()).map((d) => d.id)).toEqual([a.id]);
    const raw = await rawContents(dbName);
    expect(raw.saveIds.size).toBe(1);
    expect(raw.chunkKeys.every((k) => k[0].startsWith(`${a.id}:`))).toBe(true);
    expectSameDataset((await cache.load(a.id)).dataset, a);
    await expect(cache.load(b.id)).rejects.toThrow(ZslError);
    await expect(cache.load(b.id)).rejects.toThrow(/no stored dataset "demo-2"/);
  });

  it('never lets one release replace another: a CUB-shaped then a SUN-shaped xlsa17 folder both remain', async () => {
    const { cache } = freshCache();
    const { dataset: cub } = await buildDataset(shapedRelease('CUB').files);
    const { dataset: sun } = await buildDataset(shapedRelease('SUN').files);
    expect(cub.id).not.toBe(sun.id);
    await cache.save(cub);
    await cache.save(sun);
    expect((await cache.list()).map((d) => d.name).sort()).toEqual(['CUB (xlsa17 release)', 'SUN (xlsa17 release)']);
    const back = (await cache.load(cub.id)).dataset;
    expectSameDataset(back, cub);
    // The release's other matrices come back too, so a run can still choose att or original_att.
    expect(back.semanticSets?.att).toEqual(cub.semanticSets?.att);
    expect(back.semanticSets?.original).toEqual(cub.semanticSets?.original);
    // The same files loaded again are the same dataset: it replaces only itself.
    const { dataset: again } = await buildDataset(shapedRelease('CUB').files);
    expect(again.id).toBe(cub.id);
    await cache.save(again);
    expect(await cache.list()).toHaveLength(2);
  });

  it('replaces a dataset saved again under the same id and frees the old chunks', async () => {
    const { cache, dbName } = freshCache({ chunkBytes: ODD_CHUNK });
    const first = large(9);
    const second = generateDemoDataset({ seed: 9, imagesPerClass: 30, featureDim: 16 });
    expect(second.id).toBe(first.id);
    await cache.save(first);
    await cache.save(second);
    expect(await cache.list()).toMatchObject([{ id: first.id, images: 1080, featureDim: 16 }]);
    const raw = await rawContents(dbName);
    expect(raw.saveIds.size).toBe(1);
    expect(raw.chunkKeys).toHaveLength(Math.ceil(second.features.byteLength / ODD_CHUNK) + 1);
    expectSameDataset((await cache.load(first.id)).dataset, second);
  });

  it('reports the storage estimate of this origin', async () => {
    const estimate = await storageEstimate();
    expect(estimate).not.toBeNull();
    expect(estimate!.quota).toBeGreaterThan(0);
    expect(estimate!.usage).toBeGreaterThanOrEqual(0);
  });
});

describe('all-or-nothing saves', () => {
  it('a save cancelled part-way leaves nothing listed and no chunks', async () => {
    const { cache, dbName } = freshCache({ chunkBytes: ODD_CHUNK });
    const kept = small(4);
    await cache.save(kept);
    const controller = new AbortController();
    let sawMidway = false;
    const saving = cache.save(large(), {}, {
      signal: controller.signal,
      onProgress: (f) => {
        if (f > 0.3 && !controller.signal.aborted) {
          sawMidway = f < 1;
          controller.abort();
        }
      },
    });
    await expectCancelled(saving);
    expect(sawMidway).toBe(true);
    expect((await cache.list()).map((d) => d.id)).toEqual([kept.id]);
    const raw = await rawContents(dbName);
    expect(raw.pending).toEqual([]);
    expect([...raw.saveIds].every((id) => id.startsWith(`${kept.id}:`))).toBe(true);
    expectSameDataset((await cache.load(kept.id)).dataset, kept);
  });

  it('a quota failure part-way leaves the earlier datasets, including the one being replaced, intact', async () => {
    const { cache, dbName } = freshCache({ chunkBytes: ODD_CHUNK });
    const other = small(5);
    const original = large(6);
    await cache.save(other);
    await cache.save(original);
    const chunksBefore = (await rawContents(dbName)).chunkKeys.length;

    const put = IDBObjectStore.prototype.put;
    let chunkPuts = 0;
    IDBObjectStore.prototype.put = function (this: IDBObjectStore, ...args: Parameters<IDBObjectStore['put']>) {
      if (this.name === 'chunks' && ++chunkPuts === 4) {
        throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      }
      return put.apply(this, args);
    };
    let error: unknown;
    try {
      // Same id as `original`: a new copy of it that must not destroy the stored one.
      const replacement = generateDemoDataset({ seed: 6, imagesPerClass: 60, featureDim: 64 });
      error = await cache.save(replacement).then(() => null, (e: unknown) => e);
    } finally {
      IDBObjectStore.prototype.put = put;
    }
    expect(chunkPuts).toBe(4);
    expect(error).toBeInstanceOf(ZslError);
    expect((error as Error).message).toBe(
      `The browser refused to store "${original.name}": storage is full (quota exceeded). Delete a stored dataset or free space.`,
    );
    expect((await cache.list()).map((d) => d.id).sort()).toEqual([other.id, original.id].sort());
    const raw = await rawContents(dbName);
    expect(raw.chunkKeys).toHaveLength(chunksBefore);
    expect(raw.pending).toEqual([]);
    expectSameDataset((await cache.load(original.id)).dataset, original);
    expectSameDataset((await cache.load(other.id)).dataset, other);
  });

  it('a failure inside the final swap rolls the whole swap back and keeps the old copy', async () => {
    const { cache, dbName } = freshCache({ chunkBytes: ODD_CHUNK });
    const original = large(11);
    await cache.save(original);
    const before = await rawContents(dbName);

    // The swap puts the new record, then deletes the old chunks; make that delete fail once.
    const remove = IDBObjectStore.prototype.delete;
    let failed = 0;
    IDBObjectStore.prototype.delete = function (this: IDBObjectStore, ...args: Parameters<IDBObjectStore['delete']>) {
      if (this.name === 'chunks' && failed++ === 0) throw new DOMException('Disk I/O failed.', 'UnknownError');
      return remove.apply(this, args);
    };
    let error: unknown;
    try {
      error = await cache.save(generateDemoDataset({ seed: 11, imagesPerClass: 10, featureDim: 8 })).then(
        () => null,
        (e: unknown) => e,
      );
    } finally {
      IDBObjectStore.prototype.delete = remove;
    }
    expect(failed).toBeGreaterThan(0);
    expect(error).toBeInstanceOf(ZslError);
    expect((error as Error).message).toMatch(/could not store "Demo zoo \(seed 11\)": Disk I\/O failed\./);
    expect(await cache.list()).toMatchObject([{ id: original.id, images: 2160, featureDim: 96 }]);
    expectSameDataset((await cache.load(original.id)).dataset, original);
    const after = await rawContents(dbName);
    expect(after.chunkKeys).toEqual(before.chunkKeys);
    expect(after.pending).toEqual([]);
  });

  it('a failure at the final metadata write removes every chunk of that save', async () => {
    const { cache, dbName } = freshCache({ chunkBytes: ODD_CHUNK });
    const kept = small(8);
    await cache.save(kept);
    // A function cannot be cloned into IndexedDB, so only the last write fails.
    const failing = cache.save(large(), { semantic: { build: () => 1 } });
    await expect(failing).rejects.toThrow(ZslError);
    await expect(failing).rejects.toThrow(/could not store "Demo zoo \(seed 3\)"/);
    expect((await cache.list()).map((d) => d.id)).toEqual([kept.id]);
    const raw = await rawContents(dbName);
    expect([...raw.saveIds].every((id) => id.startsWith(`${kept.id}:`))).toBe(true);
    expect(raw.pending).toEqual([]);
  });

  it('sweeps chunks left by a crashed save but not those of a save still running', async () => {
    const { cache, dbName } = freshCache({ chunkBytes: ODD_CHUNK, staleAfterMs: 60_000 });
    const kept = small(2);
    await cache.save(kept);
    const db = await openDB(dbName);
    const tx = db.transaction(['chunks', 'pending'], 'readwrite');
    await Promise.all([
      tx.objectStore('chunks').put(new ArrayBuffer(8), ['crashed-old', 'features', 0]),
      tx.objectStore('pending').put({ saveId: 'crashed-old', datasetId: 'x', touchedAt: Date.now() - 120_000 }),
      tx.objectStore('chunks').put(new ArrayBuffer(8), ['no-pending', 'features', 0]),
      tx.objectStore('chunks').put(new ArrayBuffer(8), ['other-tab', 'features', 0]),
      tx.objectStore('pending').put({ saveId: 'other-tab', datasetId: 'y', touchedAt: Date.now() }),
      tx.done,
    ]);
    db.close();

    expect(await cache.removeOrphans()).toBe(2);
    const raw = await rawContents(dbName);
    expect([...raw.saveIds].filter((id) => !id.startsWith(`${kept.id}:`))).toEqual(['other-tab']);
    expect(raw.pending.map((p: { saveId: string }) => p.saveId)).toEqual(['other-tab']);
    expectSameDataset((await cache.load(kept.id)).dataset, kept);
  });
});

describe('loading', () => {
  it('can be cancelled and leaves the stored copy usable', async () => {
    const { cache } = freshCache({ chunkBytes: ODD_CHUNK });
    const dataset = large();
    await cache.save(dataset);
    const controller = new AbortController();
    const loading = cache.load(dataset.id, { signal: controller.signal, onProgress: (f) => f > 0.2 && controller.abort() });
    await expectCancelled(loading);
    expectSameDataset((await cache.load(dataset.id)).dataset, dataset);
  });

  it('re-validates what it reads and refuses a damaged or incomplete copy', async () => {
    const { cache, dbName } = freshCache({ chunkBytes: ODD_CHUNK });
    const dataset = large();
    await cache.save(dataset);
    const db = await openDB(dbName);
    const key = ((await db.getAllKeys('chunks')) as ChunkKey[]).find((k) => k[1] === 'labels')!;
    const labels = new Int32Array((await db.get('chunks', key)) as ArrayBuffer);
    labels[3] = 999;
    await db.put('chunks', labels.buffer, key);
    db.close();
    await expect(cache.load(dataset.id)).rejects.toThrow(/is damaged: variable "labels": image 4 has label 1000/);

    const db2 = await openDB(dbName);
    await db2.delete('chunks', key);
    db2.close();
    await expect(cache.load(dataset.id)).rejects.toThrow(/part 1 of 1 is missing or damaged/);
  });

  it('refuses a database left by a newer version with a sentence, not a DOMException', async () => {
    const dbName = `zss-test-newer-${Date.now()}`;
    const db = await openDB(dbName, DB_VERSION + 1);
    db.close();
    const { cache } = freshCache({}, dbName);
    await expect(cache.list()).rejects.toThrow(/written by a newer version of Zero-Shot Studio/);
  });
});
