/**
 * User actions: each one sends a request through the worker client and feeds
 * the store with the events that come back. No heavy work happens here. The
 * flows live beside their panels (datasets/datasets-flow.ts, …); this file composes them into one Controller
 * and keeps what they share: turning failures into a notice, the backend
 * choice, and opening the app. Must not import React.
 */
import { WorkerClient, WorkerError } from '../client/worker-client.ts';
import type { BackendChoice } from '../worker/protocol.ts';
import type { AppStore } from './store.ts';
import { takePendingLoad } from './backbone/allowed-sites.ts';
import { backboneFlows, type BackboneFlows } from './backbone/backbone-flow.ts';
import { classifyFlows, type ClassifyFlows } from './classify/classify-flow.ts';
import { datasetFlows, type DatasetFlows } from './datasets/datasets-flow.ts';
import type { FlowContext } from './flow-context.ts';
import { runFlows, type RunFlows } from './runs/runs-flow.ts';
import { trainingFlows, type TrainingFlows } from './training/training-flow.ts';

/** Every flow is a method of the controller (assigned in its constructor). */
export interface Controller extends DatasetFlows, Omit<TrainingFlows, 'refreshInterrupted'>, RunFlows, BackboneFlows, ClassifyFlows {}

export class Controller {
  /** Shows the banner of a training cut short, when it was on the loaded dataset. */
  private readonly refreshInterrupted: () => Promise<void>;

  constructor(
    private readonly client: WorkerClient,
    private readonly store: AppStore,
  ) {
    client.onUnsolicited = (event) => {
      if (event.kind !== 'backend') return;
      store.update({ backend: event.status });
      const lost = event.status.notes.find((note) => /device was lost/.test(note));
      if (lost) store.update({ model: null, notice: { tone: 'error', text: lost } });
    };
    client.onRespawn = (reason) => {
      // A respawned worker has its backend and dataset back, but no model.
      store.update({ status: 'idle', trainingId: null, progress: null, model: null, notice: { tone: 'error', text: reason } });
    };
    const context: FlowContext = {
      client,
      store,
      guard: (action) => this.guard(action),
      attempt: (request) => this.attempt(request),
      notify: (text, tone) => this.notify(text, tone),
    };
    const { refreshInterrupted, ...training } = trainingFlows(context);
    this.refreshInterrupted = refreshInterrupted;
    Object.assign(this, training, datasetFlows(context, training), runFlows(context), backboneFlows(context), classifyFlows(context));
  }

  /**
   * Opens the app: the backend, then the dataset a shared link or the last visit
   * names (a demo zoo or picture demo seed, which the app rebuilds by itself, or
   * a stored dataset), else the demo.
   */
  async start(backend: BackendChoice, datasetId: string | null, datasetFrom: 'link' | 'settings' = 'link'): Promise<void> {
    // A backbone load that reloaded the page to let its site in continues now, beside the rest.
    const pending = takePendingLoad();
    await this.setBackend(backend);
    const continued = pending ? this.loadBackboneUrl(pending.url, pending.preset) : null;
    const demo = /^demo-(\d+)$/.exec(datasetId ?? 'demo-7');
    const pictures = /^pictures-(\d+)$/.exec(datasetId ?? '');
    // The picture demo is rebuilt from its seed, keeping the method the setup names.
    if (pictures) await this.loadPictureDemo(Number(pictures[1]), { pickMethod: false });
    else await this.loadDemo(demo ? Number(demo[1]) : 7);
    await this.refreshStored();
    if (datasetId && !demo && !pictures) {
      if (this.store.getState().stored?.datasets.some((d) => d.id === datasetId)) await this.loadStored(datasetId);
      // A dataset of the last visit that is gone (deleted) just leaves the demo.
      else if (datasetFrom === 'link') {
        this.store.update({
          notice: { tone: 'info', text: `The link uses the dataset "${datasetId}", which is not stored in this browser: drop its files to use it. The demo is loaded meanwhile.` },
        });
      }
    }
    await this.restoreRuns();
    await this.refreshInterrupted();
    // Last in the queue: which backbone pictures will be embedded with (one kept from an earlier visit, or the shipped one).
    await this.guard(async () => this.store.update({ backbone: await this.client.request('backbone-info', {}) }));
    await continued;
  }

  async setBackend(choice: BackendChoice): Promise<void> {
    this.store.update({ backendChoice: choice });
    await this.guard(async () => {
      const { model, ...status } = await this.client.request('init', { backend: choice });
      this.store.update({ backend: status, model });
    });
  }

  notify(text: string, tone: 'error' | 'info' = 'error'): void {
    this.store.update({ notice: { tone, text } });
  }

  dismissNotice(): void {
    this.store.update({ notice: null });
  }

  /** Shows or skips the explanation of zero-shot learning; the choice is kept for the next visit. */
  setExplainerOpen(explainerOpen: boolean): void {
    this.store.update({ explainerOpen });
  }

  /** Every failure reaches the user as a sentence; cancellations are not failures. */
  private async guard(action: () => Promise<void>): Promise<void> {
    await this.attempt(action);
  }

  /** The request's result, or null after telling the user why it failed. */
  private async attempt<T>(request: () => Promise<T>): Promise<T | null> {
    try {
      return await request();
    } catch (error) {
      if (!(error instanceof WorkerError && error.cancelled)) this.notify(error instanceof Error ? error.message : String(error));
      return null;
    }
  }
}
