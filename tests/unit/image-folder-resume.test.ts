/**
 * Resuming an interrupted image-folder extraction: finished batches are kept as
 * they come, the same folder with the same backbone skips the pictures already
 * embedded, and the dataset is the one an uninterrupted run gives. The store is
 * an in-memory fake with the IndexedDB store's contract.
 */
import { describe, expect, test } from 'vitest';
import type { BackboneSpec } from '../../src/core/backbones/backbone.ts';
import { CancelledError, ZslError } from '../../src/core/errors.ts';
import type { ImageFolder } from '../../src/core/io/image-folder.ts';
import { fromBytes, type SourceFile } from '../../src/core/io/source-file.ts';
import type { Progress } from '../../src/core/progress.ts';
import { contiguous, type ExtractionStore } from '../../src/worker/stores/extraction-store.ts';
import { fakeExtractionStore as fakeStore } from './helpers/fake-extraction-store.ts';
import { extractImageFolder, extractionKey } from '../../src/core/io/image-folder-features.ts';
import type { SemanticOptions } from '../../src/core/io/read-semantics.ts';

const semantic: SemanticOptions = { source: 'continuous', normalise: 'none', missing: 'keep' };
const spec: BackboneSpec = { id: 'tiny', name: 'Tiny', inputSize: 8, resize: 'stretch', scaling: { kind: 'unit' }, outputDim: 3, featureSourceNetwork: 'tiny v1' };

function folder(perClass = 8, touched: Record<string, number> = {}): ImageFolder {
  const classNames = ['cat', 'dog', 'fox'];
  const images = classNames.flatMap((name, label) =>
    Array.from({ length: perClass }, (_, k) => {
      const path = `w/Pictures/${name}/${k}.png`;
      const file: SourceFile = { ...fromBytes(path, new Uint8Array([label, k])), lastModified: touched[path] ?? 1_700_000_000_000 };
      return { file, label };
    }),
  );
  return { classNames, attributeNames: ['fur', 'tail'], classAttributes: Float32Array.from([1, 0, 0, 1, 1, 1]), images, unseenClasses: [2], unseenFrom: 'testclasses.txt' };
}

/** Features that depend on the picture only, so a resumed run can be compared with a whole one. */
const featuresOf = (file: SourceFile) => Float32Array.from(file.path, (_, i) => (file.path.charCodeAt(i) * (i + 1)) % 97).slice(0, 3);

/** Runs an extraction; `stopAt` ends it at that picture, with a cancel or a crash. */
async function run(store: ExtractionStore | null, job: string, stopAt: { picture: number; how: 'cancel' | 'crash' } | null = null) {
  const abort = new AbortController();
  const embedded: string[] = [];
  const progress: Progress[] = [];
  const embed = async (file: SourceFile) => {
    if (stopAt && embedded.length === stopAt.picture) {
      if (stopAt.how === 'cancel') {
        abort.abort();
        throw new CancelledError();
      }
      throw new ZslError('the worker died', { file: file.path });
    }
    embedded.push(file.path);
    return featuresOf(file);
  };
  const result = extractImageFolder(folder(), embed, 'tiny v1', semantic, abort.signal, (p) => progress.push(p), {
    ...(store ? { keep: { store, job } } : {}),
    batchPictures: 4,
    batchMs: Number.POSITIVE_INFINITY,
  });
  return { result, embedded, progress };
}

describe('resuming an image-folder extraction', () => {
  test('a cancelled extraction keeps what it embedded; the same drop skips those pictures and gives the same dataset', async () => {
    const { store, batches } = fakeStore();
    const whole = await (await run(null, 'job')).result;

    const first = await run(store, 'job', { picture: 10, how: 'cancel' });
    await expect(first.result).rejects.toBeInstanceOf(CancelledError);
    expect(first.embedded).toHaveLength(10);
    // Batches of 4, and the 2 left over at the cancel.
    expect([...batches.values()].map((b) => b.key.slice(1))).toEqual([[0, 4], [4, 4], [8, 2]]);
    expect(await store.count('job')).toBe(10);

    const second = await run(store, 'job');
    const { dataset, resumed } = await second.result;
    expect(resumed).toBe(10);
    expect(second.embedded).toEqual(folder().images.slice(10).map((i) => i.file.path));
    expect(second.progress[0]!.phase).toMatch(/\(10 of 24 pictures; resuming: 10 of 24 pictures already embedded\)/);
    expect(second.progress.at(-1)!.fraction).toBe(1);
    expect(Array.from(dataset.features)).toEqual(Array.from(whole.dataset.features));
    expect(Array.from(dataset.labels)).toEqual(Array.from(whole.dataset.labels));
    expect(dataset.id).toBe(whole.dataset.id);
  });

  test('after a crash (nothing runs at the end) the whole batches kept so far are skipped', async () => {
    const { store } = fakeStore();
    await expect((await run(store, 'job', { picture: 10, how: 'crash' })).result).rejects.toThrow(/the worker died/);
    expect(await store.count('job')).toBe(8);
    const again = await run(store, 'job');
    expect((await again.result).resumed).toBe(8);
    expect(again.embedded).toHaveLength(24 - 8);
  });

  test('another job (another folder or backbone) starts over and replaces what was kept', async () => {
    const { store } = fakeStore();
    await expect((await run(store, 'job-a', { picture: 6, how: 'cancel' })).result).rejects.toBeInstanceOf(CancelledError);
    const other = await run(store, 'job-b');
    expect((await other.result).resumed).toBe(0);
    expect(other.embedded).toHaveLength(24);
    expect(await store.count('job-a')).toBe(0);
  });

  test('a store that cannot keep anything never stops the extraction', async () => {
    const { store } = fakeStore({ failAppends: true });
    const { result, embedded } = await run(store, 'job');
    expect((await result).dataset.numSamples).toBe(24);
    expect(embedded).toHaveLength(24);
  });

  test('a gap in the kept batches (a lost write) ends what can be used', () => {
    expect(contiguous([['j', 8, 4], ['j', 0, 4], ['j', 4, 4]]).map((k) => k[1])).toEqual([0, 4, 8]);
    expect(contiguous([['j', 0, 4], ['j', 8, 4]]).map((k) => k[1])).toEqual([0]);
    expect(contiguous([['j', 4, 4]])).toEqual([]);
  });
});

describe('extractionKey', () => {
  test('the same pictures and backbone give the same key; any change gives another', async () => {
    const key = await extractionKey(folder(), spec);
    expect(key).toMatch(/^folder:[0-9a-f]{64}$/);
    expect(await extractionKey(folder(), { ...spec })).toBe(key);
    // The spec as a draft completes it (outputDim last) and as backbone.json parses it: the same backbone.
    const { outputDim, ...draft } = spec;
    expect(await extractionKey(folder(), { ...draft, outputDim })).toBe(key);
    expect(await extractionKey(folder(8, { 'w/Pictures/dog/3.png': 1_800_000_000_000 }), spec)).not.toBe(key);
    expect(await extractionKey(folder(7), spec)).not.toBe(key);
    expect(await extractionKey(folder(), { ...spec, scaling: { kind: 'minus-one-one' } })).not.toBe(key);
    expect(await extractionKey(folder(), { ...spec, featureSourceNetwork: 'tiny v2' })).not.toBe(key);
  });
});
