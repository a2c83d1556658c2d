/** The main-thread client against a fake worker: routing by id, cancellation, respawn with state restored. */
import { describe, expect, test } from 'vitest';
import { WorkerClient, WorkerError, type WorkerLike } from '../../src/client/worker-client.ts';
import type { ToWorker, WorkerEvent } from '../../src/worker/protocol.ts';

class FakeWorker implements WorkerLike {
  static all: FakeWorker[] = [];
  sent: ToWorker[] = [];
  transfers: Transferable[][] = [];
  terminated = false;
  onmessage: ((event: MessageEvent<WorkerEvent>) => void) | null = null;
  onerror: ((event: ErrorEvent) => void) | null = null;
  constructor() {
    FakeWorker.all.push(this);
  }
  postMessage(message: ToWorker, transfer: Transferable[]): void {
    this.sent.push(message);
    this.transfers.push(transfer);
  }
  terminate(): void {
    this.terminated = true;
  }
  emit(event: WorkerEvent): void {
    this.onmessage?.({ data: event } as MessageEvent<WorkerEvent>);
  }
  crash(message: string): void {
    this.onerror?.({ message, preventDefault() {} } as ErrorEvent);
  }
}

function setup() {
  FakeWorker.all = [];
  const client = new WorkerClient(() => new FakeWorker());
  return { client, worker: () => FakeWorker.all.at(-1)! };
}

describe('WorkerClient', () => {
  test("hands a drawing's pixels over as a transfer, and copies what other requests carry", () => {
    const { client, worker } = setup();
    const pixels = new Uint8ClampedArray(16);
    void client.request('classify-pixels', { pixels, width: 2, height: 2, scope: 'all', k: 1 });
    void client.request('set-custom-split', { unseenClasses: [1, 2] });
    expect(worker().transfers.slice(-2)).toEqual([[pixels.buffer], []]);
  });

  test('routes events and results to the request with the same id', async () => {
    const { client, worker } = setup();
    const seen: WorkerEvent[] = [];
    const a = client.start('load-demo', { seed: 1 }, { onEvent: (e) => seen.push(e) });
    const b = client.start('init', { backend: 'cpu' });
    expect(a.id).not.toBe(b.id);
    worker().emit({ kind: 'progress', id: a.id, progress: { phase: 'x', fraction: 0.5, etaSeconds: null } });
    worker().emit({ kind: 'result', id: b.id, result: { name: 'cpu', requested: 'cpu', notes: [], model: null } });
    await expect(b.done).resolves.toMatchObject({ name: 'cpu' });
    expect(seen).toHaveLength(1);
    worker().emit({ kind: 'error', id: a.id, message: 'Broken file.', cancelled: false });
    await expect(a.done).rejects.toThrow('Broken file.');
  });

  test('an aborted signal sends a cancel for that request', async () => {
    const { client, worker } = setup();
    const controller = new AbortController();
    const started = client.start('train', { config: {} as never }, { signal: controller.signal });
    controller.abort();
    expect(worker().sent.at(-1)).toEqual({ kind: 'control', target: started.id, action: 'cancel' });
    worker().emit({ kind: 'error', id: started.id, message: 'Training was cancelled.', cancelled: true });
    const error = await started.done.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkerError);
    expect((error as WorkerError).cancelled).toBe(true);
  });

  test('a crashed worker is replaced, pending requests fail with a sentence, and the last good state is restored', async () => {
    const { client, worker } = setup();
    const reasons: string[] = [];
    client.onRespawn = (reason) => reasons.push(reason);
    const init = client.start('init', { backend: 'wasm' });
    const load = client.start('load-demo', { seed: 9 });
    const badLoad = client.start('load-demo', { seed: 10 });
    worker().emit({ kind: 'result', id: init.id, result: { name: 'wasm', requested: 'wasm', notes: [], model: null } });
    worker().emit({ kind: 'result', id: load.id, result: {} as never });
    worker().emit({ kind: 'error', id: badLoad.id, message: 'Bad file.', cancelled: false });
    await Promise.all([init.done, load.done, badLoad.done.catch(() => undefined)]);
    const pending = client.start('train', { config: {} as never });
    const first = worker();
    first.crash('out of memory');
    await expect(pending.done).rejects.toThrow(/crashed \(out of memory\) and was restarted/);
    expect(first.terminated).toBe(true);
    const second = worker();
    expect(second).not.toBe(first);
    expect(second.sent.map((m) => m.kind)).toEqual(['init', 'load-demo']);
    expect(second.sent[0]).toMatchObject({ backend: 'wasm' });
    expect(second.sent[1]).toMatchObject({ seed: 9 }); // the failed load is not replayed
    expect(reasons).toHaveLength(1);
    // Events from the dead worker no longer reach anyone.
    first.emit({ kind: 'result', id: pending.id, result: {} as never });
  });
});
