/**
 * Classify answers a person can trust, through the worker's protocol under
 * Node: a random pick in ZSL is always an image whose class is a candidate, a
 * seen-class image says its class is not one, confidences are the softmax of
 * the scores, and a dataset switch reports the model the worker still holds.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, expect, test } from 'vitest';
import { DEFAULT_TRAIN_CONFIG } from '../../src/core/methods/catalog.ts';
import { createWorkerHost } from '../../src/worker/host.ts';
import type { ImageClassification, LoadedDataset, Request, RequestKind, RequestMap, TrainConfig, WorkerEvent } from '../../src/worker/protocol.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const eszsl: TrainConfig = { ...DEFAULT_TRAIN_CONFIG, method: 'eszsl', params: { featureReg: 1000, attributeReg: 1, attributes: 'l2' } };

function host() {
  let id = 0;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  const worker = createWorkerHost({
    post: (event: WorkerEvent) => {
      if (!('id' in event) || (event.kind !== 'result' && event.kind !== 'error')) return;
      const waiter = pending.get(event.id);
      pending.delete(event.id);
      if (event.kind === 'result') waiter?.resolve(event.result);
      else waiter?.reject(new Error(event.message));
    },
    probes: { cpu: async () => null },
    throttleMs: 0,
  });
  return <K extends RequestKind>(kind: K, payload: RequestMap[K]['payload']): Promise<RequestMap[K]['result']> =>
    new Promise((resolve, reject) => {
      const next = ++id;
      pending.set(next, { resolve: resolve as (v: unknown) => void, reject });
      void worker.handle({ kind, id: next, ...payload } as Request);
    });
}

test('random ZSL picks are unseen-class test images; a seen-class image says it is not a candidate', async () => {
  const ask = host();
  await ask('init', { backend: 'cpu' });
  const demo = await ask('load-demo', { seed: 5 });
  expect(demo.model).toBeNull();
  expect(demo.analogy).not.toBeNull();
  await ask('train', { config: eszsl });

  for (let i = 0; i < 25; i++) {
    const pick = await ask('classify-image', { imageIndex: 'random', scope: 'unseen', k: 5 });
    expect(pick.trueSeen).toBe(false);
    expect(pick.trueRank).not.toBeNull();
    expect(pick.imageSet).toBe('test image of an unseen class');
    expect(pick.top.every((t) => !t.seen)).toBe(true);
  }
  let seenIndex: number | null = null;
  for (let i = 0; i < 40; i++) {
    const pick = await ask('classify-image', { imageIndex: 'random', scope: 'all', k: 5 });
    expect(pick.trueRank).not.toBeNull();
    expect(pick.imageSet).toMatch(/^test image of an? (un)?seen class$/);
    if (pick.trueSeen) seenIndex = pick.imageIndex;
  }
  expect(seenIndex).not.toBeNull(); // GZSL picks include test images of seen classes

  // The same seen-class image with only unseen classes as candidates: its class cannot be named, and the answer says so.
  const seenImage = await ask('classify-image', { imageIndex: seenIndex!, scope: 'unseen', k: 5 });
  expect(seenImage.trueSeen).toBe(true);
  expect(seenImage.trueRank).toBeNull();
  expect(seenImage.imageSet).toBe('test image of a seen class');
});

test('confidence is the softmax of the scores scaled to unit spread over every candidate; ranks follow the scores', async () => {
  const ask = host();
  await ask('init', { backend: 'cpu' });
  const demo = await ask('load-demo', { seed: 5 });
  await ask('train', { config: eszsl });
  const unseen = demo.splits[0]!.unseen;
  const all: ImageClassification = await ask('classify-image', { imageIndex: 'random', scope: 'unseen', k: unseen });
  expect(all.candidates).toBe(unseen);
  expect(all.top.map((t) => t.rank)).toEqual(Array.from({ length: unseen }, (_, i) => i + 1));
  const scores = all.top.map((t) => t.score);
  expect([...scores].sort((a, b) => b - a)).toEqual(scores);
  // Independent computation in float64: standard deviation over the candidates, then a softmax of s / σ.
  const mean = scores.reduce((a, b) => a + b, 0) / scores.length;
  const sd = Math.sqrt(scores.reduce((a, s) => a + (s - mean) ** 2, 0) / scores.length);
  expect(sd).toBeGreaterThan(0);
  const exps = scores.map((s) => Math.exp(s / sd));
  const total = exps.reduce((a, b) => a + b, 0);
  all.top.forEach((t, i) => expect(t.confidence).toBeCloseTo(exps[i]! / total, 10));
  expect(all.top.reduce((s, t) => s + t.confidence, 0)).toBeCloseTo(1, 10);
  expect(all.rankOf[all.trueClassId]).toBe(all.trueRank);
  expect(all.top[all.trueRank! - 1]!.classId).toBe(all.trueClassId);

  // ESZSL compares in attribute space: the bars show what it reads, strongest first, on a [-1, 1] scale.
  expect(all.evidence.length).toBe(8);
  const read = all.evidence.map((e) => e.read!);
  expect([...read].sort((a, b) => b - a)).toEqual(read);
  expect(Math.max(...read.map(Math.abs))).toBeLessThanOrEqual(1);
  expect(all.evidence.every((e) => Math.abs(e.classValue) <= 1)).toBe(true);
});

test('loading another dataset reports that the model is gone; reloading its own keeps it', async () => {
  const ask = host();
  await ask('init', { backend: 'cpu' });
  await ask('load-demo', { seed: 5 });
  const run = await ask('train', { config: eszsl });
  expect(run.model).toMatchObject({ method: 'eszsl', datasetId: 'demo-5' });
  const same: LoadedDataset = await ask('load-demo', { seed: 5 });
  expect(same.model).toMatchObject({ datasetId: 'demo-5' });
  const other = await ask('load-demo', { seed: 6 });
  expect(other.model).toBeNull();
  await expect(ask('classify-image', { imageIndex: 0, scope: 'unseen', k: 5 })).rejects.toThrow(/No model is trained yet/);
});

test('choosing a backend reports whether the worker still holds the model (a switch drops it)', async () => {
  const ask = host();
  await ask('init', { backend: 'cpu' });
  await ask('load-demo', { seed: 5 });
  await ask('train', { config: eszsl });
  expect((await ask('init', { backend: 'cpu' })).model).toMatchObject({ method: 'eszsl', datasetId: 'demo-5' });
  const switched = await ask('init', { backend: 'auto' });
  expect(switched.model).toBeNull();
  await expect(ask('classify-image', { imageIndex: 0, scope: 'all', k: 5 })).rejects.toThrow(/No model is trained yet/);
});
