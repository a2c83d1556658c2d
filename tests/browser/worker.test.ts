/**
 * The real module worker in Chromium with WebGPU (SwiftShader), driven through
 * the client exactly as the page drives it: backend, demo, training with
 * progress and curves, stop, cancel, errors, and respawn after a crash.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import { afterAll, describe, expect, test } from 'vitest';
import { DEFAULT_TRAIN_CONFIG } from '../../src/core/methods/catalog.ts';
import { WorkerClient, WorkerError } from '../../src/client/worker-client.ts';
import { createWorkerHost } from '../../src/worker/host.ts';
import { browserProbes } from '../../src/worker/probes.ts';
import type { TrainConfig, WorkerEvent } from '../../src/worker/protocol.ts';

const spawn = () => new Worker(new URL('../../src/worker/worker.ts', import.meta.url), { type: 'module' });
const client = new WorkerClient(spawn);
const small: TrainConfig = { ...DEFAULT_TRAIN_CONFIG, params: { ...DEFAULT_TRAIN_CONFIG.params, epochs: 1, hiddenUnits: 32, batchSize: 256, learningRate: 3e-3 } };
const withEpochs = (config: TrainConfig, epochs: number): TrainConfig => ({ ...config, params: { ...config.params, epochs } });
const BATCH = 256;

afterAll(() => client.dispose());

describe('the worker in a real browser', () => {
  test('Automatic passes over the SwiftShader adapter for WASM and says why; WebGPU by name still starts', async () => {
    const auto = await client.request('init', { backend: 'auto' });
    expect(auto.name).toBe('wasm');
    expect(auto.notes.join(' ')).toMatch(/WebGPU passed over: its adapter is a CPU (emulation|fallback) \(SwiftShader\), slower here than WASM/);
    const status = await client.request('init', { backend: 'webgpu' });
    expect(status.name).toBe('webgpu');
    expect(status.notes).toEqual([]);
  });

  test('trains the demo and streams progress, loss deltas and epochs', async () => {
    const summary = await client.request('load-demo', { seed: 7 });
    expect(summary.classes).toBeGreaterThanOrEqual(30);
    const events: WorkerEvent[] = [];
    const run = await client.request('train', { config: withEpochs(small, 2) }, { onEvent: (e) => events.push(e) });
    expect(run.backend).toBe('webgpu');
    expect(run.epochsCompleted).toBe(2);
    const steps = events.flatMap((e) => (e.kind === 'train-steps' ? e.points : []));
    // The protocol default holds no training image out (validationFraction 0): every one is trained on.
    expect(steps.length).toBe(2 * Math.ceil(summary.splits[0]!.train / BATCH));
    expect(events.filter((e) => e.kind === 'train-epoch')).toHaveLength(2);
    expect(events.some((e) => e.kind === 'progress')).toBe(true);
    expect(run.evaluation.zslTop1).toBeGreaterThan(0);
  });

  test('cancel abandons a run; a stop keeps it', async () => {
    const controller = new AbortController();
    const cancelled = client.start('train', { config: withEpochs(small, 1000) }, {
      signal: controller.signal,
      onEvent: (e) => {
        if (e.kind === 'train-steps') controller.abort();
      },
    });
    const error = await cancelled.done.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkerError);
    expect((error as WorkerError).cancelled).toBe(true);

    let stopSent = false;
    const stopped = client.start('train', { config: withEpochs(small, 1000) }, {
      onEvent: (e) => {
        if (e.kind === 'train-steps' && !stopSent) {
          stopSent = true;
          client.control(stopped.id, 'stop');
        }
      },
    });
    const run = await stopped.done;
    expect(run.stopped).toBe(true);
  });

  test('a bad request fails with a sentence and the worker keeps working', async () => {
    await expect(client.request('train', { config: { ...small, split: 'nope' } })).rejects.toThrow(/no split "nope"/);
    const classified = await client.request('classify-image', { imageIndex: 0, scope: 'all', k: 2 });
    expect(classified.top).toHaveLength(2);
  });

  test('after a crash the worker is respawned with its backend and dataset', async () => {
    const reasons: string[] = [];
    client.onRespawn = (r) => reasons.push(r);
    client.respawn('Simulated crash.');
    expect(reasons).toEqual(['Simulated crash.']);
    // The replayed init and load-demo ran first: training works without reloading by hand.
    const run = await client.request('train', { config: small });
    expect(run.backend).toBe('webgpu');
  });
});

test('on WebGPU the host leaves the trained model only, not per-step garbage', async () => {
  // The worker's host, run on this page so tfjs's tensor count is readable here.
  const events: WorkerEvent[] = [];
  const host = createWorkerHost({ post: (event) => void events.push(event), probes: browserProbes });
  const finished = (id: number) => events.some((e) => 'id' in e && e.id === id && (e.kind === 'result' || e.kind === 'error'));
  host.handle({ kind: 'init', id: 1, backend: 'webgpu' });
  host.handle({ kind: 'load-demo', id: 2, seed: 7 });
  host.handle({ kind: 'train', id: 3, config: withEpochs(small, 2) });
  await host.idle();
  expect([1, 2, 3].every(finished)).toBe(true);
  expect(events.filter((e) => e.kind === 'error')).toEqual([]);
  expect(tf.getBackend()).toBe('webgpu');
  expect(tf.memory().numTensors).toBeLessThan(50);
});
