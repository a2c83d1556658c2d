/**
 * The page's state, fed by worker events. A tiny external store read with
 * useSyncExternalStore; the loss history lives outside React state and only a
 * downsampled copy is published, so long runs stay smooth.
 */
import { DEFAULT_TRAIN_CONFIG } from '../core/methods/catalog.ts';
import type { Progress } from '../core/progress.ts';
import type { StepPoint } from '../core/training/train-loop.ts';
import type { SemanticOptions } from '../core/io/read-semantics.ts';
import type {
  BackboneInfo,
  BackendChoice,
  BackendStatus,
  DroppedFile,
  EpochReport,
  InterruptedRun,
  LoadedDataset,
  ModelInfo,
  RunSummary,
  StagedFiles,
  StoredDatasets,
  TrainConfig,
} from '../worker/protocol.ts';
import { downsampleMinMax, smooth, type XY } from './training/downsample.ts';

export interface RunRecord {
  /** Its id in the browser's run store; null when it could not be kept. */
  id: string | null;
  summary: RunSummary;
  lossCurve: AppState['lossCurve'];
  epochs: EpochReport[];
}

export type TrainingStatus = 'idle' | 'running' | 'paused' | 'stopping';

export interface Notice {
  tone: 'error' | 'info';
  text: string;
}

export interface AppState {
  backend: BackendStatus | null;
  backendChoice: BackendChoice;
  dataset: LoadedDataset | null;
  datasetProgress: Progress | null;
  /** A drop that was recognised but not parsed yet. */
  staged: { info: StagedFiles; files: DroppedFile[] } | null;
  /** The request parsing or recognising files, while one runs (for Cancel). */
  datasetJob: number | null;
  semantic: SemanticOptions;
  /** Datasets kept in this browser from earlier visits. */
  stored: StoredDatasets | null;
  config: TrainConfig;
  /** Settings of methods the user switched away from. */
  paramsByMethod: Partial<Record<TrainConfig['method'], TrainConfig['params']>>;
  trainingId: number | null;
  status: TrainingStatus;
  progress: Progress | null;
  /** Downsampled raw and smoothed loss for the chart. */
  lossCurve: Array<{ step: number; loss: number; smoothed: number }>;
  stepsSeen: number;
  epochs: EpochReport[];
  /** Finished runs, newest first, with their curves so a click can show them again. */
  runs: RunRecord[];
  /** The run whose curves and details are shown; null = the live or latest run. */
  selectedRun: number | null;
  notice: Notice | null;
  /** The model the worker classifies with, if any. */
  model: ModelInfo | null;
  /** The classes the Classify panel ranks: the unseen ones (ZSL) or all (GZSL). */
  classifyScope: 'unseen' | 'all';
  /** A training cut short by a reload or a crash, which can resume. */
  interrupted: InterruptedRun | null;
  /** The image backbone in use, once the worker has loaded one. */
  backbone: BackboneInfo | null;
  /** A backbone being fetched from a URL (then checked by the worker), for its progress and Cancel. */
  backboneDownload: BackboneDownload | null;
  /** The short explanation of zero-shot learning is shown (a visitor who skipped it does not see it again). */
  explainerOpen: boolean;
  /** The worker reading a backbone's weights or verifying it on release pictures, for its progress and Cancel. */
  backboneJob: { kind: 'load' | 'verify'; progress: Progress | null } | null;
}

export interface BackboneDownload {
  url: string;
  /** Bytes received, and expected when the model's manifest says. */
  loaded: number;
  total: number | null;
  /** 'fetch' while bytes arrive; 'check' while the worker loads and checks the model. */
  phase: 'fetch' | 'check';
}

export const MAX_CHART_POINTS = 160;
const SMOOTHING = 0.9;

export class AppStore {
  private state: AppState;
  private readonly listeners = new Set<() => void>();
  private steps: StepPoint[] = [];
  /** The page is hidden (a background tab): loss points are kept, the curve is rebuilt when it is shown. */
  private hidden = false;
  private curveStale = false;

  constructor(initial: Partial<AppState> = {}) {
    this.state = {
      backend: null,
      backendChoice: 'auto',
      dataset: null,
      datasetProgress: null,
      staged: null,
      datasetJob: null,
      semantic: { source: 'continuous', normalise: 'zscore', missing: 'keep' },
      stored: null,
      config: DEFAULT_TRAIN_CONFIG,
      paramsByMethod: {},
      trainingId: null,
      status: 'idle',
      progress: null,
      lossCurve: [],
      stepsSeen: 0,
      epochs: [],
      runs: [],
      selectedRun: null,
      notice: null,
      model: null,
      classifyScope: 'unseen',
      interrupted: null,
      backbone: null,
      backboneDownload: null,
      explainerOpen: true,
      backboneJob: null,
      ...initial,
    };
  }

  getState = (): AppState => this.state;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  update(patch: Partial<AppState>): void {
    this.state = { ...this.state, ...patch };
    for (const listener of this.listeners) listener();
  }

  startRun(id: number): void {
    this.steps = [];
    this.curveStale = false;
    this.update({ trainingId: id, status: 'running', progress: null, lossCurve: [], stepsSeen: 0, epochs: [], notice: null, selectedRun: null });
  }

  finishRun(summary: RunSummary, id: string | null): void {
    this.refreshCurve();
    const { lossCurve, epochs, runs } = this.state;
    this.update({ runs: [{ id, summary, lossCurve, epochs }, ...runs], selectedRun: 0 });
  }

  addSteps(points: StepPoint[]): void {
    this.steps.push(...points);
    if (this.hidden) this.curveStale = true;
    else this.update({ lossCurve: lossCurve(this.steps), stepsSeen: this.steps.length });
  }

  /**
   * A hidden page still receives every event (training goes on in the worker),
   * but rebuilding the curve over all steps for each one is work nobody sees:
   * the points are kept, and the curve is rebuilt once when the page is shown.
   */
  setHidden(hidden: boolean): void {
    this.hidden = hidden;
    if (!hidden) this.refreshCurve();
  }

  private refreshCurve(): void {
    if (!this.curveStale) return;
    this.curveStale = false;
    this.update({ lossCurve: lossCurve(this.steps), stepsSeen: this.steps.length });
  }

  addEpoch(point: EpochReport): void {
    this.update({ epochs: [...this.state.epochs, point] });
  }
}

/** Rebuilds a chart curve from the stored loss of every step. */
export function lossCurveFromLosses(losses: Float32Array): AppState['lossCurve'] {
  return lossCurve(Array.from(losses, (loss, i) => ({ step: i + 1, epoch: 0, loss })));
}

/** Smooths over every step, then keeps at most MAX_CHART_POINTS for drawing. */
export function lossCurve(steps: readonly StepPoint[]): AppState['lossCurve'] {
  const smoothed = smooth(steps.map((p) => p.loss), SMOOTHING);
  const index: XY[] = steps.map((_, i) => ({ x: i, y: smoothed[i]! }));
  return downsampleMinMax(index, MAX_CHART_POINTS).map(({ x }) => ({
    step: steps[x]!.step,
    loss: steps[x]!.loss,
    smoothed: smoothed[x]!,
  }));
}
