/**
 * Recovery in the worker host under Node: a training that fails part-way (a
 * lost device rejects its reads with an AbortError nobody asked for) says so,
 * keeps its checkpoint and resumes after the switch to another backend;
 * running out of memory is explained with a suggestion.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, expect, test } from 'vitest';
import { DEFAULT_TRAIN_CONFIG } from '../../src/core/methods/catalog.ts';
import { createWorkerHost, type HostEnv } from '../../src/worker/host.ts';
import type { Request, TrainConfig, WorkerEvent } from '../../src/worker/protocol.ts';
import type { CheckpointRecord, RunRecordStored, RunStore } from '../../src/worker/stores/run-store.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

type NewRequest = Request extends infer R ? (R extends Request ? Omit<R, 'id'> : never) : never;
type Ended = Extract<WorkerEvent, { kind: 'result' | 'error' }>;

/** The run store in memory, as IndexedDB would keep it. */
function memoryRuns(): RunStore & { checkpointRecord: CheckpointRecord | null } {
  const runs = new Map<string, RunRecordStored>();
  return {
    checkpointRecord: null,
    async save(record) {
      runs.set(record.id, record);
    },
    async list() {
      return [...runs.values()].map(({ model, ...rest }) => ({ ...rest, hasModel: model !== null }));
    },
    async model(id) {
      return runs.get(id)?.model ?? null;
    },
    async remove(id) {
      runs.delete(id);
    },
    async saveCheckpoint(record) {
      this.checkpointRecord = structuredClone(record);
    },
    async checkpoint() {
      return this.checkpointRecord;
    },
    async clearCheckpoint() {
      this.checkpointRecord = null;
    },
  };
}

function harness(extra: Partial<HostEnv> & { failOn?: (event: WorkerEvent) => Error | null } = {}) {
  const events: WorkerEvent[] = [];
  const waiters = new Map<number, (e: Ended) => void>();
  const { failOn, ...env } = extra;
  const host = createWorkerHost({
    post: (event) => {
      const failure = failOn?.(event);
      if (failure) throw failure;
      events.push(event);
      if ((event.kind === 'result' || event.kind === 'error') && waiters.has(event.id)) waiters.get(event.id)!(event);
    },
    probes: { webgpu: async () => 'no adapter', cpu: async () => null },
    throttleMs: 0,
    ...env,
  });
  let nextId = 1;
  const run = (r: NewRequest): Promise<Ended> => {
    const id = nextId++;
    const ended = new Promise<Ended>((resolve) => waiters.set(id, resolve));
    host.handle({ ...r, id } as Request);
    return ended;
  };
  return { events, run, host };
}

const trained: TrainConfig = { ...DEFAULT_TRAIN_CONFIG, params: { ...DEFAULT_TRAIN_CONFIG.params, epochs: 3, hiddenUnits: 16, learningRate: 3e-3, batchSize: 256 } };

test('a read rejected by a lost device fails the run with a sentence, keeps its checkpoint, and the run resumes elsewhere', async () => {
  const runs = memoryRuns();
  let armed = true;
  // The second epoch's report cannot be delivered: the device's read was aborted.
  const h = harness({
    runs,
    failOn: (event) => {
      if (!armed || event.kind !== 'train-epoch' || event.point.epoch !== 2) return null;
      armed = false;
      return new DOMException("Failed to execute 'mapAsync' on 'GPUBuffer': The Device was lost before mapping was resolved.", 'AbortError');
    },
  });
  await h.run({ kind: 'init', backend: 'auto' });
  await h.run({ kind: 'load-demo', seed: 7 });
  const failed = await h.run({ kind: 'train', config: trained });
  expect(failed).toMatchObject({ kind: 'error', cancelled: false, message: expect.stringMatching(/Device was lost before mapping was resolved\.$/) });
  expect(runs.checkpointRecord).toMatchObject({ epoch: 1 });

  let forgot = 0;
  await h.host.deviceLost('Device was destroyed.', () => forgot++);
  expect(forgot).toBe(1);
  const backend = h.events.filter((e) => e.kind === 'backend').at(-1) as Extract<WorkerEvent, { kind: 'backend' }>;
  expect(backend.status.notes[0]).toBe('The cpu device was lost (Device was destroyed); switched to cpu. Train, resume or restore a model again.');

  expect(await h.run({ kind: 'checkpoint-info' })).toMatchObject({ kind: 'result', result: { epoch: 1 } });
  const resumed = await h.run({ kind: 'train', config: trained, resume: true });
  expect(resumed).toMatchObject({ kind: 'result', result: { epochsCompleted: 3 } });
  expect(runs.checkpointRecord).toBeNull();
});

test('a cancel is still a cancel, and discards the checkpoint', async () => {
  const runs = memoryRuns();
  const h = harness({ runs });
  await h.run({ kind: 'load-demo', seed: 7 });
  const id = 2;
  const ended = h.run({ kind: 'train', config: { ...trained, params: { ...trained.params, epochs: 50 } } });
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      if (runs.checkpointRecord) {
        clearInterval(timer);
        resolve();
      }
    }, 5);
  });
  h.host.handle({ kind: 'control', target: id, action: 'cancel' });
  expect(await ended).toMatchObject({ kind: 'error', cancelled: true });
  expect(runs.checkpointRecord).toBeNull();
});

test('running out of memory while reading a stored dataset is explained, with what to try', async () => {
  const h = harness({
    store: {
      save: async () => undefined,
      list: async () => [],
      load: async () => {
        throw new RangeError('Array buffer allocation failed');
      },
      remove: async () => true,
      estimate: async () => null,
    },
  });
  const ended = await h.run({ kind: 'load-stored', datasetId: 'awa2' });
  expect(ended).toMatchObject({ kind: 'error', cancelled: false });
  expect((ended as Extract<Ended, { kind: 'error' }>).message).toBe(
    'The device ran out of memory (Array buffer allocation failed). Try a smaller batch size or fewer hidden units, or pick another backend (WASM and CPU use main memory).',
  );
});
