/**
 * The settings store in real Chromium's IndexedDB: a database left by version
 * 3 or 4 of the schema is upgraded in place (its runs and checkpoint kept, their
 * old method ids made current),
 * settings round-trip, and the worker's run store opens the upgraded database.
 */
import { deleteDB, openDB } from 'idb';
import { afterEach, expect, test } from 'vitest';
import { defaultConfig } from '../../src/core/methods/catalog.ts';
import { readSettings, type Settings } from '../../src/ui/shared/settings.ts';
import { createSettingsStore } from '../../src/ui/shared/settings-store.ts';
import { DB_VERSION } from '../../src/storage/app-database.ts';
import { createRunStore } from '../../src/worker/stores/run-store.ts';

const names: string[] = [];
const freshName = () => {
  const name = `zss-settings-${Date.now()}-${names.length}`;
  names.push(name);
  return name;
};

afterEach(async () => {
  for (const name of names.splice(0)) await deleteDB(name);
});

const settings: Settings = {
  config: { ...defaultConfig('eszsl', 'demo'), seed: 4 },
  paramsByMethod: {},
  backendChoice: 'wasm',
  semantic: { source: 'continuous', normalise: 'zscore', missing: 'keep' },
  dataset: 'demo-7',
  classifyScope: 'all',
};

/** The schema exactly as version 3 (or 4) created it, with a run and a checkpoint in it. */
async function databaseAtVersion(name: string, version: 3 | 4): Promise<void> {
  const db = await openDB(name, version, {
    upgrade(raw) {
      raw.createObjectStore('datasets', { keyPath: 'id' });
      raw.createObjectStore('chunks');
      raw.createObjectStore('pending', { keyPath: 'saveId' });
      raw.createObjectStore('runs', { keyPath: 'id' });
      raw.createObjectStore('checkpoints', { keyPath: 'id' });
      if (version >= 4) raw.createObjectStore('extractions');
    },
  });
  await db.put('runs', { id: 'run-1', savedAt: 1, datasetId: 'demo-7', summary: { method: 'seed', config: { method: 'seed', split: 'demo' } }, losses: new Float32Array([3, 2, 1]), epochs: [], model: null });
  await db.put('checkpoints', { id: 'interrupted', savedAt: 2, datasetId: 'demo-7', config: { method: 'seed', split: 'demo' }, epoch: 2, step: 20, state: null, losses: new Float32Array([1]), epochs: [] });
  db.close();
}

test.each([3, 4] as const)('a database of version %i is upgraded: settings are kept, runs and the checkpoint survive', async (version) => {
  const name = freshName();
  await databaseAtVersion(name, version);
  const store = createSettingsStore(name);
  expect(await store.load()).toBeNull(); // upgraded, and nothing kept yet
  await store.save(settings);
  expect(readSettings(await store.load())).toEqual(settings);

  const runs = createRunStore(name);
  expect((await runs.list()).map((r) => r.id)).toEqual(['run-1']);
  expect((await runs.list())[0]!.losses).toEqual(new Float32Array([3, 2, 1]));
  expect(await runs.checkpoint()).toMatchObject({ epoch: 2, step: 20 });
  // They were kept when the seed notebook's MLP was called 'seed': they come back under its current id.
  expect((await runs.list())[0]!.summary).toEqual({ method: 'semantic-mlp', config: { method: 'semantic-mlp', split: 'demo' } });
  expect((await runs.checkpoint())!.config).toEqual({ method: 'semantic-mlp', split: 'demo' });

  const raw = await openDB(name);
  expect(raw.version).toBe(DB_VERSION);
  expect([...raw.objectStoreNames].sort()).toEqual(['backbone-chunks', 'backbones', 'checkpoints', 'chunks', 'datasets', 'extractions', 'pending', 'runs', 'settings']);
  raw.close();
});

test('the page and the worker share the database: each sees the other open it', async () => {
  const name = freshName();
  const page = createSettingsStore(name);
  const worker = createRunStore(name);
  await Promise.all([page.save(settings), worker.saveCheckpoint({ id: 'interrupted', savedAt: 3, datasetId: 'demo-7', config: {}, epoch: 1, step: 5, state: null, losses: new Float32Array(0), epochs: [] })]);
  expect(readSettings(await createSettingsStore(name).load())).toEqual(settings);
  expect(await createRunStore(name).checkpoint()).toMatchObject({ epoch: 1 });
});
