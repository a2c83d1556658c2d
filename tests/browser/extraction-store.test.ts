/**
 * The IndexedDB store of image-folder features extracted so far, in real
 * Chromium: batches read back in order, a gap ends what can be resumed, a new
 * job replaces the old one, and clear leaves nothing behind.
 */
import { deleteDB } from 'idb';
import { afterEach, expect, it } from 'vitest';
import { createExtractionStore } from '../../src/worker/stores/extraction-store.ts';

const names: string[] = [];
const fresh = () => {
  const name = `zss-extract-${Date.now()}-${names.length}`;
  names.push(name);
  return createExtractionStore(name);
};
afterEach(async () => {
  for (const name of names.splice(0)) await deleteDB(name);
});

const rows = (first: number, count: number, dim = 3) => Float32Array.from({ length: count * dim }, (_, i) => first * dim + i);

it('keeps batches and reads them back as one array, picture after picture', async () => {
  const store = fresh();
  expect(await store.count('a')).toBe(0);
  expect(await store.read('a')).toBeNull();
  // A view into a larger buffer: only its rows are stored.
  const big = rows(0, 10);
  await store.append('a', 0, 4, big.subarray(0, 12));
  await store.append('a', 4, 2, rows(4, 2));
  expect(await store.count('a')).toBe(6);
  const kept = await store.read('a');
  expect(kept?.rows).toBe(6);
  expect(Array.from(kept!.features)).toEqual(Array.from(rows(0, 6)));
});

it('a gap ends what can be resumed; a job starting at picture 0 replaces any other', async () => {
  const store = fresh();
  await store.append('a', 0, 2, rows(0, 2));
  await store.append('a', 5, 2, rows(5, 2));
  expect(await store.count('a')).toBe(2);
  await store.append('b', 0, 3, rows(0, 3));
  expect(await store.count('a')).toBe(0);
  expect(await store.count('b')).toBe(3);
  await store.clear();
  expect(await store.count('b')).toBe(0);
});
