/**
 * A release's picture names survive its stored copy in real Chromium's IndexedDB:
 * the worker host loads a text release with AwA2-filenames.txt (kept in the
 * dataset store), a fresh host (the page reloaded) loads the stored copy, and
 * verifying ResNet weights against dropped JPEGImages/<class>/<name>.jpg finds
 * their rows. A copy stored before names were kept still loads, and verifying
 * then says the names are missing and to load the release again.
 */
import * as tf from '@tensorflow/tfjs';
import { deleteDB, openDB } from 'idb';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { loadResNet, resNetSpec } from '../../src/core/backbones/resnet-backbone.ts';
import { embedPicture } from '../../src/core/demos/picture-dataset.ts';
import { createWorkerHost } from '../../src/worker/host.ts';
import { backboneFromFiles } from '../../src/worker/stores/backbone-store.ts';
import { createDatasetCache } from '../../src/worker/stores/dataset-cache.ts';
import type { BackboneInfo, DroppedFile, LoadedDataset, StoredDatasets, WorkerEvent } from '../../src/worker/protocol.ts';
import type { DatasetRecord } from '../../src/storage/app-database.ts';
import { encodePng } from '../e2e/png.ts';
import { CLASSES, makeFixture, PER_CLASS } from '../unit/io/helpers/fixtures.ts';
import { randomResNetSafetensors } from '../unit/helpers/random-resnet.ts';
import { hostRequests } from '../unit/helpers/host-requests.ts';

const dbName = `zss-release-names-${Date.now()}`;
const caches: Array<ReturnType<typeof createDatasetCache>> = [];
const N = CLASSES.length * PER_CLASS;
/** The names AwA2-filenames.txt gives the fixture's rows. */
const names = Array.from({ length: N }, (_, i) => `${CLASSES[Math.floor(i / PER_CLASS)]}_${10001 + i}.jpg`);
const weights = randomResNetSafetensors([1, 2, 1, 1], 4);
const semantic = { source: 'continuous', normalise: 'l2', missing: 'keep' } as const;
const file = (path: string, bytes: Uint8Array | string): DroppedFile => ({ path, file: new File([bytes as BlobPart], path.split('/').pop()!, { lastModified: 1 }) });

/** Each release picture a different size and pattern, as PNG bytes (named .jpg, as in the release). */
const pictureBytes = names.map((_, i) => {
  const [width, height] = [40 + 3 * i, 36 + ((5 * i) % 17)];
  const px = new Uint8ClampedArray(width * height * 4);
  for (let k = 0; k < px.length; k += 4) {
    const [x, y] = [(k / 4) % width, Math.floor(k / 4 / width)];
    px[k] = (x * 7 + y * 3 + 37 * i) % 256;
    px[k + 1] = (x * x + 2 * y + 11 * i) % 256;
    px[k + 2] = (x * y + 5 * x) % 256;
    px[k + 3] = 255;
  }
  return encodePng(px, width, height);
});

async function decode(blob: Blob) {
  const bitmap = await createImageBitmap(blob);
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  const context = canvas.getContext('2d')!;
  context.drawImage(bitmap, 0, 0);
  const { width, height } = bitmap;
  bitmap.close();
  return { pixels: context.getImageData(0, 0, width, height).data, width, height };
}

/** A text release (with AwA2-filenames.txt) whose rows are this ResNet's features of its pictures. */
async function release(): Promise<DroppedFile[]> {
  const { model, info } = await loadResNet(weights.slice().buffer, 'resnet.safetensors');
  const spec = resNetSpec(info, { scaling: 'torchvision', resize: 'stretch' });
  const rows: string[] = [];
  for (const bytes of pictureBytes) {
    const p = await decode(new Blob([bytes as BlobPart]));
    rows.push(Array.from(await embedPicture(model, spec, p.pixels, p.width, p.height)).join(' '));
  }
  model.dispose();
  const text = makeFixture().text;
  text['Animals_with_Attributes2/Features/ResNet101/AwA2-features.txt'] = new TextEncoder().encode(rows.join('\n') + '\n');
  expect(new TextDecoder().decode(text['Animals_with_Attributes2/Features/ResNet101/AwA2-filenames.txt']).trim().split('\n')).toEqual(names);
  return Object.entries(text).map(([path, bytes]) => file(path, bytes));
}

/** A worker host on the test's database, as one visit of the page. */
function visit() {
  const cache = createDatasetCache({ dbName });
  caches.push(cache);
  const events: WorkerEvent[] = [];
  const host = createWorkerHost({
    post: (event) => events.push(event),
    store: { save: cache.save, list: cache.list, load: cache.load, remove: cache.remove, estimate: async () => null },
    probes: { cpu: async () => null },
    backbones: {
      fromFiles: async (files, options) => (await backboneFromFiles(files, options?.draft, options)).backbone,
      restore: async () => null,
      forget: async () => undefined,
    },
    decodeImage: decode,
  });
  return hostRequests(host, events).ask;
}

/** A later visit: the stored release loaded from IndexedDB, the ResNet weights loaded. */
async function reloaded() {
  const ask = visit();
  await ask({ kind: 'init', backend: 'cpu' } as never);
  const stored = await ask<StoredDatasets>({ kind: 'list-stored' } as never);
  expect(stored.datasets).toHaveLength(1);
  const loaded = await ask<LoadedDataset>({ kind: 'load-stored', datasetId: stored.datasets[0]!.id } as never);
  await ask<BackboneInfo>({ kind: 'load-backbone-files', files: [file('resnet.safetensors', weights)] } as never);
  return { ask, loaded };
}

const pictures = () => names.slice(0, 12).map((name, i) => file(`JPEGImages/${name.split('_')[0]}/${name}`, pictureBytes[i]!));

beforeAll(async () => {
  await tf.setBackend('cpu');
  const ask = visit();
  await ask({ kind: 'init', backend: 'cpu' } as never);
  await ask({ kind: 'load-files', files: await release(), token: null, semantic } as never);
}, 120_000);

afterAll(async () => {
  for (const cache of caches) cache.close();
  await deleteDB(dbName);
});

describe('a release stored with the names of its pictures', () => {
  test('after a reload from IndexedDB, verification finds the rows of the dropped release pictures', async () => {
    const { ask } = await reloaded();
    const verified = await ask<BackboneInfo>({ kind: 'verify-backbone', files: pictures() } as never);
    const v = verified.verification!;
    expect(v.compared).toBe(12);
    expect(v.variants[0]!.preprocessing).toEqual({ scaling: 'torchvision', resize: 'stretch' });
    expect(v.variants[0]!.median).toBeGreaterThan(0.9999);
    expect(v.same).toBe(true);
  }, 120_000);

  test('the names sit in the stored record, one per row, in order', async () => {
    const db = await openDB(dbName);
    const [record] = (await db.getAll('datasets')) as DatasetRecord[];
    db.close();
    expect(record!.imageFiles).toEqual(names);
  });

  test('a copy stored before names were kept still loads; verifying says the names are missing and to load the release again', async () => {
    const db = await openDB(dbName);
    const [record] = (await db.getAll('datasets')) as DatasetRecord[];
    const { imageFiles: _dropped, ...old } = record!;
    await db.put('datasets', old as DatasetRecord);
    db.close();
    const { ask, loaded } = await reloaded();
    expect(loaded.images).toBe(N);
    await expect(ask({ kind: 'verify-backbone', files: pictures() } as never)).rejects.toThrow(
      /kept before the app kept the names of its pictures, so its rows cannot be matched to pictures\. Load the release again \(its files with AwA2-filenames\.txt/,
    );
  }, 120_000);
});
