/**
 * User actions: each one sends a request through the worker client and feeds
 * the store with the events that come back. No heavy work happens here.
 */
import { WorkerClient, WorkerError } from '../client/worker-client.ts';
import type { BackendChoice, TrainConfig, WorkerEvent } from '../worker/protocol.ts';
import type { AppStore } from './store.ts';

export class Controller {
  constructor(
    private readonly client: WorkerClient,
    private readonly store: AppStore,
  ) {
    client.onUnsolicited = (event) => {
      if (event.kind === 'backend') store.update({ backend: event.status });
    };
    client.onRespawn = (reason) => {
      store.update({ status: 'idle', trainingId: null, progress: null, notice: { tone: 'error', text: reason } });
    };
  }

  async start(backend: BackendChoice, demoSeed: number): Promise<void> {
    await this.setBackend(backend);
    await this.loadDemo(demoSeed);
  }

  async setBackend(choice: BackendChoice): Promise<void> {
    this.store.update({ backendChoice: choice });
    await this.guard(async () => {
      const status = await this.client.request('init', { backend: choice });
      this.store.update({ backend: status });
    });
  }

  async loadDemo(seed: number): Promise<void> {
    await this.guard(async () => {
      const dataset = await this.client.request('load-demo', { seed }, {
        onEvent: (event) => {
          if (event.kind === 'progress') this.store.update({ datasetProgress: event.progress });
        },
      });
      const split = dataset.splits[0]?.name ?? 'demo';
      this.store.update({ dataset, datasetProgress: null, config: { ...this.store.getState().config, split } });
    });
  }

  updateConfig(patch: Partial<TrainConfig>): void {
    this.store.update({ config: { ...this.store.getState().config, ...patch } });
  }

  async train(): Promise<void> {
    const config = this.store.getState().config;
    const { id, done } = this.client.start('train', { config }, { onEvent: (event) => this.onTrainEvent(event) });
    this.store.startRun(id);
    await this.guard(async () => {
      const run = await done;
      this.store.update({ runs: [run, ...this.store.getState().runs] });
    });
    this.store.update({ status: 'idle', trainingId: null, progress: null });
  }

  pause(): void {
    this.controlRun('pause');
  }

  resume(): void {
    this.controlRun('resume');
  }

  /** Ends training now and keeps the model trained so far. */
  stop(): void {
    this.controlRun('stop');
    this.store.update({ status: 'stopping' });
  }

  dismissNotice(): void {
    this.store.update({ notice: null });
  }

  private controlRun(action: 'pause' | 'resume' | 'stop'): void {
    const id = this.store.getState().trainingId;
    if (id !== null) this.client.control(id, action);
  }

  private onTrainEvent(event: WorkerEvent): void {
    switch (event.kind) {
      case 'train-steps':
        this.store.addSteps(event.points);
        break;
      case 'train-epoch':
        this.store.addEpoch(event.point);
        break;
      case 'progress':
        this.store.update({ progress: event.progress });
        break;
      case 'paused':
        this.store.update({ status: event.paused ? 'paused' : 'running' });
        break;
      default:
        break;
    }
  }

  /** Every failure reaches the user as a sentence; cancellations are not failures. */
  private async guard(action: () => Promise<void>): Promise<void> {
    try {
      await action();
    } catch (error) {
      if (error instanceof WorkerError && error.cancelled) return;
      this.store.update({ notice: { tone: 'error', text: error instanceof Error ? error.message : String(error) } });
    }
  }
}
