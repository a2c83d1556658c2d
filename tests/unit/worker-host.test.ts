/** The worker's message loop under Node, driven through its protocol with a fake port. */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, test } from 'vitest';
import { DEFAULT_TRAIN_CONFIG } from '../../src/core/methods/catalog.ts';
import { createWorkerHost } from '../../src/worker/host.ts';
import type { Request, ToWorker, TrainConfig, WorkerEvent } from '../../src/worker/protocol.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** A request without its id (Omit distributed over the union). */
type NewRequest = Request extends infer R ? (R extends Request ? Omit<R, 'id'> : never) : never;

const fast: TrainConfig = { ...DEFAULT_TRAIN_CONFIG, params: { ...DEFAULT_TRAIN_CONFIG.params, epochs: 2, hiddenUnits: 32, learningRate: 3e-3, batchSize: 128 } };
const withEpochs = (config: TrainConfig, epochs: number): TrainConfig => ({ ...config, params: { ...config.params, epochs } });

function harness(extra: Partial<Parameters<typeof createWorkerHost>[0]> = {}) {
  const events: WorkerEvent[] = [];
  const waiters: Array<{ match: (e: WorkerEvent) => boolean; resolve: (e: WorkerEvent) => void }> = [];
  const host = createWorkerHost({
    post: (event) => {
      events.push(event);
      for (const w of [...waiters]) {
        if (w.match(event)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(event);
        }
      }
    },
    probes: { webgpu: async () => 'no adapter', cpu: async () => null },
    throttleMs: 0,
    ...extra,
  });
  let nextId = 1;
  const send = (message: ToWorker) => host.handle(message);
  const request = (r: NewRequest): number => {
    const id = nextId++;
    send({ ...r, id } as Request);
    return id;
  };
  const until = (match: (e: WorkerEvent) => boolean) =>
    new Promise<WorkerEvent>((resolve) => {
      const found = events.find(match);
      if (found) resolve(found);
      else waiters.push({ match, resolve });
    });
  const done = (id: number) => until((e) => 'id' in e && e.id === id && (e.kind === 'result' || e.kind === 'error'));
  return { events, send, request, until, done, host };
}

describe('worker host', () => {
  test('picks a backend and says why faster ones were passed over', async () => {
    const h = harness();
    const result = await h.done(h.request({ kind: 'init', backend: 'auto' }));
    expect(result).toMatchObject({ kind: 'result', result: { name: 'cpu', notes: expect.arrayContaining(['WebGPU unavailable: no adapter.']) } });
    expect(h.events.some((e) => e.kind === 'backend')).toBe(true);
  });

  test('trains the demo with progress, loss deltas and epoch reports, then classifies', async () => {
    const h = harness();
    h.request({ kind: 'init', backend: 'cpu' });
    h.request({ kind: 'load-demo', seed: 5 });
    const id = h.request({ kind: 'train', config: fast });
    const result = await h.done(id);
    expect(result.kind).toBe('result');
    const mine = h.events.filter((e) => 'id' in e && e.id === id);
    const steps = mine.flatMap((e) => (e.kind === 'train-steps' ? e.points : []));
    expect(steps.length).toBeGreaterThan(5);
    expect(steps.map((p) => p.step)).toEqual(steps.map((_, i) => i + 1)); // deltas, no repeats, no gaps
    const epochs = mine.filter((e) => e.kind === 'train-epoch');
    expect(epochs).toHaveLength(2);
    expect(mine.some((e) => e.kind === 'progress' && e.progress.etaSeconds !== null)).toBe(true);
    const run = (result as Extract<WorkerEvent, { kind: 'result' }>).result as { evaluation: { zslTop1: number } };
    expect(run.evaluation.zslTop1).toBeGreaterThan(1 / 8);

    const classify = await h.done(h.request({ kind: 'classify-image', imageIndex: 0, k: 3, scope: 'unseen' }));
    expect(classify).toMatchObject({ kind: 'result', result: { imageIndex: 0, trueClass: expect.any(String) } });
    const top = (classify as Extract<WorkerEvent, { kind: 'result' }>).result as { top: Array<{ seen: boolean }> };
    expect(top.top).toHaveLength(3);
    expect(top.top.every((c) => !c.seen)).toBe(true); // scope 'unseen': unseen candidates only
    // The host leaves the trained model's tensors, not per-step garbage.
    expect(tf.memory().numTensors).toBeLessThan(50);
  });

  test('the loss curves of stored runs cross as transferred buffers', async () => {
    const losses = new Float32Array([3, 2, 1]);
    const runs = { list: async () => [{ id: 'r', savedAt: 1, datasetId: 'demo-5', summary: {}, losses, epochs: [], hasModel: false }] };
    const transfers: Transferable[][] = [];
    const host = createWorkerHost({
      post: (_event, transfer = []) => void transfers.push(transfer),
      probes: { cpu: async () => null },
      runs: runs as never,
    });
    host.handle({ kind: 'list-runs', id: 1 });
    await host.idle();
    expect(transfers.at(-1)).toEqual([losses.buffer]);
  });

  test('a stopped run keeps its model; a cancelled run reports cancellation', async () => {
    const h = harness();
    h.request({ kind: 'init', backend: 'cpu' });
    h.request({ kind: 'load-demo', seed: 5 });
    const stopped = h.request({ kind: 'train', config: withEpochs(fast, 500) });
    await h.until((e) => e.kind === 'train-steps' && e.id === stopped);
    h.send({ kind: 'control', target: stopped, action: 'stop' });
    const stoppedResult = await h.done(stopped);
    expect(stoppedResult).toMatchObject({ kind: 'result', result: { stopped: true } });

    const cancelled = h.request({ kind: 'train', config: withEpochs(fast, 500) });
    await h.until((e) => e.kind === 'train-steps' && e.id === cancelled);
    h.send({ kind: 'control', target: cancelled, action: 'cancel' });
    expect(await h.done(cancelled)).toMatchObject({ kind: 'error', cancelled: true });
  });

  test('pause holds training until resume', async () => {
    const h = harness();
    h.request({ kind: 'init', backend: 'cpu' });
    h.request({ kind: 'load-demo', seed: 5 });
    const id = h.request({ kind: 'train', config: withEpochs(fast, 3) });
    await h.until((e) => e.kind === 'train-steps' && e.id === id);
    h.send({ kind: 'control', target: id, action: 'pause' });
    await h.until((e) => e.kind === 'paused' && e.paused);
    const stepsAt = () => h.events.filter((e) => e.kind === 'train-steps').length;
    const before = stepsAt();
    await new Promise((r) => setTimeout(r, 300));
    expect(stepsAt()).toBeLessThanOrEqual(before + 1); // at most the batch already in flight
    h.send({ kind: 'control', target: id, action: 'resume' });
    expect(await h.done(id)).toMatchObject({ kind: 'result', result: { stopped: false, epochsCompleted: 3 } });
  });

  test('failures come back as sentences for the request that caused them', async () => {
    const h = harness();
    const noData = await h.done(h.request({ kind: 'train', config: fast }));
    expect(noData).toMatchObject({ kind: 'error', cancelled: false, message: expect.stringMatching(/No dataset is loaded yet/) });
    h.request({ kind: 'load-demo', seed: 5 });
    const badSplit = await h.done(h.request({ kind: 'train', config: { ...fast, split: 'ps' } }));
    expect(badSplit).toMatchObject({ kind: 'error', message: expect.stringMatching(/no split "ps"; it has: demo/) });
    const badConfig = await h.done(h.request({ kind: 'train', config: withEpochs(fast, -1) }));
    expect(badConfig).toMatchObject({ kind: 'error', message: expect.stringMatching(/epochs.*expected a whole number/) });
    const noModel = await h.done(h.request({ kind: 'classify-image', imageIndex: 0, k: 1, scope: 'all' }));
    expect(noModel).toMatchObject({ kind: 'error', message: expect.stringMatching(/No model is trained yet/) });
  });
});

test('a picture is only classified by a model trained in the backbone\'s feature space', async () => {
  const net = tf.sequential({ layers: [tf.layers.globalAveragePooling2d({ inputShape: [8, 8, 3] })] });
  const spec = { id: 'tiny', name: 'Tiny', inputSize: 8, resize: 'stretch' as const, scaling: { kind: 'unit' as const }, outputDim: 3, featureSourceNetwork: 'tiny-net v1' };
  const h = harness({ loadPictureBackbone: async () => ({ model: net, spec }) });
  h.request({ kind: 'init', backend: 'cpu' });
  h.request({ kind: 'load-demo', seed: 5 });
  await h.done(h.request({ kind: 'train', config: { ...DEFAULT_TRAIN_CONFIG, method: 'eszsl', params: { featureReg: 1000, attributeReg: 1, attributes: 'l2' } } }));
  const refused = await h.done(h.request({ kind: 'classify-pixels', pixels: new Uint8ClampedArray(8 * 8 * 4), width: 8, height: 8, scope: 'all', k: 3 }));
  expect(refused).toMatchObject({
    kind: 'error',
    message: expect.stringMatching(/trained on features from demo-zoo v1, but pictures are embedded by the Tiny backbone \(tiny-net v1\)/),
  });
  net.dispose();
});

test('a lost GPU device moves to the next backend, drops the model and says so', async () => {
  const h = harness();
  h.request({ kind: 'init', backend: 'wasm' }); // no wasm probe in this harness: falls to cpu
  h.request({ kind: 'load-demo', seed: 5 });
  await h.done(h.request({ kind: 'train', config: { ...DEFAULT_TRAIN_CONFIG, method: 'eszsl', params: { featureReg: 1000, attributeReg: 1, attributes: 'l2' } } }));
  await h.host.deviceLost('GPU reset by the driver');
  const status = h.events.filter((e) => e.kind === 'backend').at(-1) as Extract<WorkerEvent, { kind: 'backend' }>;
  expect(status.status.name).toBe('cpu');
  expect(status.status.notes[0]).toMatch(/device was lost \(GPU reset by the driver\); switched to cpu/);
  const classify = await h.done(h.request({ kind: 'classify-image', imageIndex: 0, k: 1, scope: 'all' }));
  expect(classify).toMatchObject({ kind: 'error', message: expect.stringMatching(/No model is trained yet/) });
});
