/**
 * User actions: each one sends a request through the worker client and feeds
 * the store with the events that come back. No heavy work happens here.
 */
import { WorkerClient, WorkerError } from '../client/worker-client.ts';
import type { PresetId } from '../core/backbone-presets.ts';
import { isCancelled } from '../core/errors.ts';
import { originOfUrl } from '../core/site-policy.ts';
import { defaultParams, type MethodName, type ParamValue } from '../core/methods/catalog.ts';
import type {
  BackendChoice,
  DroppedFile,
  LoadedDataset,
  RequestMap,
  SemanticChoice,
  TrainConfig,
  WorkerEvent,
} from '../worker/protocol.ts';
import { lossCurveFromLosses, type AppStore } from './store.ts';
import { download } from './download.ts';
import { allowedSites, allowSite, forgetSites, policyAdmits, policyNamesOtherSites, savePendingLoad, takePendingLoad } from './allowed-sites.ts';
import { loadBackboneFromUrl } from './backbone-url.ts';

export class Controller {
  /** Cancels the backbone download in progress. */
  private backboneAbort: AbortController | null = null;

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
      store.update({ status: 'idle', trainingId: null, progress: null, notice: { tone: 'error', text: reason } });
    };
  }

  /**
   * Opens the app: the backend, then the dataset a shared link or the last visit
   * names (a demo seed or a stored dataset), else the demo.
   */
  async start(backend: BackendChoice, datasetId: string | null, datasetFrom: 'link' | 'settings' = 'link'): Promise<void> {
    // A backbone load that reloaded the page to let its site in continues now, beside the rest.
    const pending = takePendingLoad();
    await this.setBackend(backend);
    const continued = pending ? this.loadBackboneUrl(pending.url, pending.preset) : null;
    const demo = /^demo-(\d+)$/.exec(datasetId ?? 'demo-7');
    await this.loadDemo(demo ? Number(demo[1]) : 7);
    await this.refreshStored();
    if (datasetId && !demo) {
      if (this.store.getState().stored?.datasets.some((d) => d.id === datasetId)) await this.loadStored(datasetId);
      // A dataset of the last visit that is gone (deleted, or a picture demo, which is not stored) just leaves the demo.
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

  async discardInterrupted(): Promise<void> {
    await this.guard(async () => {
      await this.client.request('discard-checkpoint', {});
      this.store.update({ interrupted: null });
    });
  }

  /** Brings back the runs table, every curve and the newest model for this dataset, as before the reload. */
  async restoreRuns(): Promise<void> {
    await this.guard(async () => {
      const { runs } = await this.client.request('list-runs', {});
      const records = runs.map((r) => ({ id: r.id, summary: r.summary, lossCurve: lossCurveFromLosses(r.losses), epochs: r.epochs }));
      this.store.update({ runs: records, selectedRun: records.length > 0 ? 0 : null, ...(records[0] ? { lossCurve: records[0].lossCurve, epochs: records[0].epochs } : {}) });
      const datasetId = this.store.getState().dataset?.id;
      const latest = runs.find((r) => r.hasModel && r.summary.datasetId === datasetId);
      if (latest) this.store.update({ model: await this.client.request('restore-run-model', { runId: latest.id }) });
    });
  }

  async deleteRun(index: number): Promise<void> {
    const record = this.store.getState().runs[index];
    if (!record) return;
    await this.guard(async () => {
      if (record.id) await this.client.request('delete-run', { runId: record.id });
      const runs = this.store.getState().runs.filter((r) => r !== record);
      this.store.update({ runs, selectedRun: runs.length > 0 ? 0 : null });
    });
  }

  /** Downloads the current model as one file; the file never leaves the machine. */
  async exportModel(): Promise<void> {
    await this.guard(async () => {
      const { fileName, text } = await this.client.request('export-model', {});
      download(new Blob([text], { type: 'application/json' }), fileName);
    });
  }

  async importModel(file: File): Promise<void> {
    await this.guard(async () => {
      const model = await this.client.request('import-model', { file });
      this.store.update({ model, notice: { tone: 'info', text: `Imported a ${model.method} model that knows ${model.classes} classes (${model.unseen} unseen in its training).` } });
    });
  }

  async refreshStored(): Promise<void> {
    await this.guard(async () => this.store.update({ stored: await this.client.request('list-stored', {}) }));
  }

  async loadStored(datasetId: string): Promise<void> {
    await this.datasetJob('load-stored', { datasetId }, (dataset) => this.useDataset(dataset));
  }

  async deleteStored(datasetId: string): Promise<void> {
    await this.guard(async () => this.store.update({ stored: await this.client.request('delete-stored', { datasetId }) }));
  }

  async setBackend(choice: BackendChoice): Promise<void> {
    this.store.update({ backendChoice: choice });
    await this.guard(async () => {
      const status = await this.client.request('init', { backend: choice });
      this.store.update({ backend: status });
    });
  }

  async loadDemo(seed: number): Promise<void> {
    await this.datasetJob('load-demo', { seed }, (dataset) => this.useDataset(dataset));
  }

  /** Step one of a drop: recognise the files and show what is there and what is missing. */
  async describeFiles(files: DroppedFile[]): Promise<void> {
    this.store.update({ staged: null });
    await this.datasetJob('describe-files', { files }, (info) => this.store.update({ staged: { info, files } }));
  }

  /** Step two: parse the staged files; the loaded dataset stays until the new one is complete. */
  async loadStaged(): Promise<void> {
    const { staged, semantic } = this.store.getState();
    if (!staged) return;
    await this.datasetJob('load-files', { files: staged.files, token: staged.info.token, semantic }, (dataset) => {
      this.store.update({ staged: null });
      this.useDataset(dataset);
    });
    if (staged.info.layout === 'image-folder') {
      await this.guard(async () => this.store.update({ backbone: await this.client.request('backbone-info', {}) }));
    }
    await this.refreshStored();
  }

  /** Drops the features kept from an interrupted extraction of the staged image folder: loading starts over. */
  async discardExtraction(): Promise<void> {
    await this.guard(async () => {
      await this.client.request('discard-extraction', {});
      const { staged } = this.store.getState();
      if (staged) this.store.update({ staged: { ...staged, info: { ...staged.info, resume: null } } });
    });
  }

  cancelDatasetJob(): void {
    const id = this.store.getState().datasetJob;
    if (id !== null) this.client.control(id, 'cancel');
  }

  setSemantic(patch: Partial<SemanticChoice>): void {
    this.store.update({ semantic: { ...this.store.getState().semantic, ...patch } });
  }

  async setCustomSplit(unseenClasses: number[]): Promise<void> {
    await this.guard(async () => {
      const dataset = await this.client.request('set-custom-split', { unseenClasses });
      this.store.update({ dataset, config: { ...this.store.getState().config, split: 'custom' } });
    });
  }

  private useDataset(dataset: LoadedDataset): void {
    const names = dataset.splits.map((s) => s.name);
    const current = this.store.getState().config.split; // kept when the new dataset has it (e.g. from a link)
    const split = names.includes(current) ? current : (names[0] ?? current);
    this.store.update({ dataset, config: { ...this.store.getState().config, split } });
    if (dataset.notes.length > 0) this.store.update({ notice: { tone: 'info', text: dataset.notes.join(' ') } });
  }

  private async datasetJob<K extends 'load-demo' | 'describe-files' | 'load-files' | 'load-stored' | 'load-picture-demo'>(
    kind: K,
    payload: RequestMap[K]['payload'],
    onResult: (result: RequestMap[K]['result']) => void,
  ): Promise<void> {
    const { id, done } = this.client.start(kind, payload, {
      onEvent: (event) => {
        if (event.kind === 'progress') this.store.update({ datasetProgress: event.progress });
      },
    });
    this.store.update({ datasetJob: id, datasetProgress: null });
    await this.guard(async () => onResult(await done));
    this.store.update({ datasetJob: null, datasetProgress: null });
  }

  updateConfig(patch: Partial<TrainConfig>): void {
    this.store.update({ config: { ...this.store.getState().config, ...patch } });
  }

  updateParam(key: string, value: ParamValue): void {
    const config = this.store.getState().config;
    this.updateConfig({ params: { ...config.params, [key]: value } });
  }

  setTuned(key: string, on: boolean): void {
    const { tune } = this.store.getState().config;
    this.updateConfig({ tune: on ? [...new Set([...tune, key])] : tune.filter((k) => k !== key) });
  }

  /** Switches method; each method keeps the settings it had when the user left it. */
  setMethod(method: MethodName): void {
    const { config, paramsByMethod } = this.store.getState();
    const remembered = { ...paramsByMethod, [config.method]: config.params };
    this.store.update({
      paramsByMethod: remembered,
      config: { ...config, method, params: remembered[method] ?? defaultParams(method), tune: [] },
    });
  }

  async train(resume = false): Promise<void> {
    const { config, interrupted } = this.store.getState();
    const runConfig = resume && interrupted ? interrupted.config : config;
    this.store.update({ interrupted: null, config: runConfig });
    performance.mark('zsl:training-started');
    const { id, done } = this.client.start('train', { config: runConfig, resume }, { onEvent: (event) => this.onTrainEvent(event) });
    this.store.startRun(id);
    const finished = await this.attempt(async () => {
      const run = await done;
      // Marks the end of training for anyone measuring the page (the smoothness test, the benchmarks).
      performance.mark('zsl:training-finished');
      // Draw the results in a task of their own, not in the one that received the message.
      await new Promise((resolve) => setTimeout(resolve, 0));
      this.store.finishRun(run, run.runId);
      this.store.update({ model: run.model });
      if (run.notes.length > 0) this.store.update({ notice: { tone: 'info', text: run.notes.join(' ') } });
      return true;
    });
    this.store.update({ status: 'idle', trainingId: null, progress: null });
    // A training that failed part-way (a lost device, a crashed worker) keeps its last checkpoint: offer to resume it.
    if (!finished) await this.refreshInterrupted();
  }

  /** Shows the banner of a training cut short, when it was on the loaded dataset. */
  private async refreshInterrupted(): Promise<void> {
    await this.guard(async () => {
      const interrupted = await this.client.request('checkpoint-info', {});
      if (interrupted && interrupted.datasetId === this.store.getState().dataset?.id) this.store.update({ interrupted });
    });
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

  selectRun(index: number): void {
    const { runs } = this.store.getState();
    const run = runs[index];
    if (run) this.store.update({ selectedRun: index, lossCurve: run.lossCurve, epochs: run.epochs });
  }

  /** The 2-D map of the current model's space (the newest run's model). */
  async embeddingMap(maxImages = 600) {
    return this.attempt(() => this.client.request('embedding-map', { maxImages }));
  }

  async classifyImage(imageIndex: number, scope: 'unseen' | 'all') {
    return this.attempt(() => this.client.request('classify-image', { imageIndex, scope, k: 5 }));
  }

  async loadBackboneFiles(files: DroppedFile[]): Promise<void> {
    await this.guard(async () => {
      const backbone = await this.client.request('load-backbone-files', { files });
      this.store.update({ backbone, notice: { tone: 'info', text: `Pictures are now embedded with ${backbone.name} (${backbone.network}); it is kept in this browser for offline use.` } });
    });
  }

  /** Whether a backbone URL can be used, and whether its site is allowed yet (the page's own origin always is). */
  checkBackboneUrl(url: string): { problem: string } | { url: string; origin: string; allowed: boolean } {
    const target = originOfUrl(url);
    if ('problem' in target) return target;
    return { ...target, allowed: target.origin === location.origin || allowedSites().includes(target.origin) };
  }

  /**
   * The user allowed the URL's site: it is remembered, and when the policy in
   * force does not admit it yet the page reloads once to apply it; the load then
   * continues by itself (see start).
   */
  async allowSiteAndLoad(url: string, preset: PresetId): Promise<void> {
    const target = originOfUrl(url);
    if ('problem' in target) return this.notify(target.problem);
    try {
      allowSite(target.origin);
    } catch {
      return this.notify('This browser does not let the page remember allowed sites (its storage is disabled), so no site can be added to its security policy.');
    }
    if (!policyAdmits(target.origin)) {
      savePendingLoad({ url: target.url, preset });
      location.reload();
      return;
    }
    await this.loadBackboneUrl(target.url, preset);
  }

  /** Fetches a backbone from an allowed site (progress in bytes, cancellable), then the worker checks and keeps it. */
  async loadBackboneUrl(url: string, preset: PresetId): Promise<void> {
    this.backboneAbort?.abort();
    const abort = new AbortController();
    this.backboneAbort = abort;
    let shown = 0;
    try {
      this.store.update({ backboneDownload: { url, loaded: 0, total: null, phase: 'fetch' } });
      const { backbone, origin } = await loadBackboneFromUrl(this.client, url, preset, {
        signal: abort.signal,
        onProgress: ({ loaded, total, phase }) => {
          // Four updates a second are enough for a person; every chunk would be hundreds.
          if (phase === 'fetch' && performance.now() - shown < 250) return;
          shown = performance.now();
          this.store.update({ backboneDownload: { url, loaded, total, phase } });
        },
      });
      this.store.update({
        backbone,
        notice: {
          tone: 'info',
          text: `Pictures are now embedded with ${backbone.name} from ${origin} (${backbone.outputDim} features each); it is kept in this browser and works offline.`,
        },
      });
    } catch (error) {
      if (!isCancelled(error)) this.notify(error instanceof Error ? error.message : String(error));
    } finally {
      if (this.backboneAbort === abort) {
        this.backboneAbort = null;
        this.store.update({ backboneDownload: null });
      }
    }
  }

  cancelBackboneDownload(): void {
    this.backboneAbort?.abort();
  }

  /** Forgets every allowed site; the page reloads when its policy still names one, so it stops admitting it now. */
  forgetAllowedSites(): void {
    forgetSites();
    if (policyNamesOtherSites()) location.reload();
    else this.notify('No outside site is allowed any more.', 'info');
  }

  async resetBackbone(): Promise<void> {
    await this.guard(async () => this.store.update({ backbone: await this.client.request('reset-backbone', {}) }));
  }

  async loadPictureDemo(seed = 1): Promise<void> {
    await this.datasetJob('load-picture-demo', { seed, imagesPerClass: 12 }, (dataset) => {
      this.useDataset(dataset);
      this.setMethod('eszsl');
    });
    await this.guard(async () => this.store.update({ backbone: await this.client.request('backbone-info', {}) }));
  }

  async classifyPixels(pixels: Uint8ClampedArray, width: number, height: number, scope: 'unseen' | 'all') {
    return this.attempt(() => this.client.request('classify-pixels', { pixels, width, height, scope, k: 5 }, { transfer: [pixels.buffer as ArrayBuffer] }));
  }

  async classifyImageFile(file: File, scope: 'unseen' | 'all') {
    return this.attempt(() => this.client.request('classify-image-file', { file, scope, k: 5 }));
  }

  setClassifyScope(classifyScope: 'unseen' | 'all'): void {
    this.store.update({ classifyScope });
  }

  notify(text: string, tone: 'error' | 'info' = 'error'): void {
    this.store.update({ notice: { tone, text } });
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
