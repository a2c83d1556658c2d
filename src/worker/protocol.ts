/**
 * The worker's message protocol: types only, no code. Requests carry a `kind` and
 * an `id`; every event that belongs to a request carries that request's id.
 * Imported by the worker, the client and the tests; must not import runtime code.
 */
import type { BackendChoice, BackendName, SelectedBackend } from '../core/compute/backend-names.ts';
import type { DatasetSummary } from '../core/data/dataset.ts';
import type { StoredDatasetInfo } from './stores/dataset-cache.ts';
import type { Classification } from '../core/inference/classify.ts';
import type { MapPoint } from '../core/inference/embedding-map.ts';
import type { BackboneDraft } from '../core/backbones/backbone.ts';
import type { AttributeAnalogy } from '../core/data/attribute-analogy.ts';
import type { ResNetPreprocessing } from '../core/backbones/resnet-backbone.ts';
import type { Verification } from '../core/backbones/verify-release.ts';

export type { MapPoint };
import type { MethodName, TrainConfig } from '../core/methods/catalog.ts';
import type { EpochReport, EpochTestPoint, RunSummary } from '../core/training/train-and-evaluate.ts';
import type { Progress } from '../core/progress.ts';
import type { SemanticOptions } from '../core/io/read-semantics.ts';
import type { StepPoint } from '../core/training/train-loop.ts';

export type { BackendChoice, BackendName };
/** The backend in use, and why faster ones were passed over (e.g. "WebGPU unavailable: no adapter."). */
export type BackendStatus = SelectedBackend;

export type { EpochReport, EpochTestPoint, MethodName, RunSummary, TrainConfig };

/** A dropped file and its path inside the dropped folder (File objects lose webkitRelativePath when cloned). */
export interface DroppedFile {
  file: File;
  path: string;
}

/** What was recognised in a drop, shown before parsing starts. */
export interface StagedFiles {
  /** Pass back to load-files to reuse the expanded zip entries. */
  token: number;
  layout: string;
  found: Array<{ role: string; label: string; path: string }>;
  missing: string[];
  duplicates: string[];
  ignored: number;
  /** An image folder whose extraction with the current backbone was interrupted: how far it got. */
  resume?: { done: number; total: number; backbone: string } | null;
}


export type LoadedDataset = DatasetSummary & {
  semantic: string | null;
  /** Things the user should know that did not stop the load (e.g. it could not be stored for next time). */
  notes: string[];
  /** The model the worker holds after this load (a model of another dataset is dropped), so the page never shows a stale one. */
  model: ModelInfo | null;
  /** The zero-shot idea with this dataset's classes, on its first split ("horse + striped → zebra"). */
  analogy: AttributeAnalogy | null;
};

export interface StoredDatasets {
  datasets: StoredDatasetInfo[];
  /** Bytes used and available to this site, when the browser says. */
  usage: { usage: number; quota: number } | null;
}

/** A finished run as kept in IndexedDB: summary, the loss of every step, the epoch reports. */
export interface StoredRun {
  id: string;
  savedAt: number;
  summary: RunSummary;
  losses: Float32Array;
  epochs: EpochReport[];
  hasModel: boolean;
}

/** A training interrupted by a reload or a crash, resumable from its last finished epoch. */
export interface InterruptedRun {
  datasetId: string;
  config: TrainConfig;
  epoch: number;
  savedAt: number;
}

/** The image backbone pictures are embedded with. */
export interface BackboneInfo {
  name: string;
  network: string;
  inputSize: number;
  outputDim: number;
  /** The picture world's backbone shipped with the app, or one the user brought. */
  shipped: boolean;
  /** The model.json URL it was downloaded from (absent for the shipped one and for dropped files). */
  source?: string;
  /** A ResNet read from weights: its preprocessing now, and every variant it can run with. */
  resnet?: { layout: 'keras' | 'torchvision'; preprocessing: ResNetPreprocessing; variants: Array<ResNetPreprocessing & { label: string }> };
  /** How well it reproduces the loaded release, once measured on release pictures (null: not verified). */
  verification?: Verification | null;
  /** Why a backbone just loaded from files could not be kept for the next visit (it is in use all the same). */
  notKept?: string;
}

/** Beside a photo's answer: whether the backbone's features are the model's feature space. */
export interface SpaceNote {
  status: 'same' | 'differs' | 'not-verified';
  text: string;
}

/** An image of the loaded dataset classified, with its true class and where that class ranked. */
export type ImageClassification = Classification & {
  trueClass: string;
  trueClassId: number;
  /** The true class was seen in training. */
  trueSeen: boolean;
  /** Its rank among the candidates; null when it is not a candidate (a seen class in ZSL). */
  trueRank: number | null;
  imageIndex: number;
  /** Where the image sits in the model's split ("test image of an unseen class", "training image"…). */
  imageSet: string;
  /** The picture itself, RGBA, when the app can redraw it (the picture demo's). */
  picture: { pixels: Uint8ClampedArray; width: number; height: number } | null;
};

/** The model the worker classifies with now. */
export interface ModelInfo {
  method: string;
  classes: number;
  unseen: number;
  featureDim: number;
  featureSource: string;
  /** The run it came from, when known. */
  runId: string | null;
  /** The dataset it was trained on, when known: it classifies that dataset's images only. */
  datasetId: string | null;
  imported: boolean;
}

/** Per request kind: its payload and the result it resolves with. */
export interface RequestMap {
  /** `model`: the model the worker still holds (switching backend drops it), so the page never shows a stale one. */
  'init': { payload: { backend: BackendChoice }; result: BackendStatus & { model: ModelInfo | null } };
  'load-demo': { payload: { seed: number }; result: LoadedDataset };
  'describe-files': { payload: { files: DroppedFile[] }; result: StagedFiles };
  'load-files': { payload: { files: DroppedFile[]; token: number | null; semantic: SemanticOptions }; result: LoadedDataset };
  'set-custom-split': { payload: { unseenClasses: number[] }; result: LoadedDataset };
  'list-stored': { payload: object; result: StoredDatasets };
  'load-stored': { payload: { datasetId: string }; result: LoadedDataset };
  'delete-stored': { payload: { datasetId: string }; result: StoredDatasets };
  'train': { payload: { config: TrainConfig; resume?: boolean }; result: RunSummary & { runId: string | null; notes: string[]; model: ModelInfo | null } };
  'checkpoint-info': { payload: object; result: InterruptedRun | null };
  'discard-checkpoint': { payload: object; result: null };
  /** Drops the features kept from an interrupted image-folder extraction (the next load starts over). */
  'discard-extraction': { payload: object; result: null };
  'list-runs': { payload: object; result: { runs: StoredRun[] } };
  'restore-run-model': { payload: { runId: string }; result: ModelInfo };
  'delete-run': { payload: { runId: string }; result: { runs: StoredRun[] } };
  'export-model': { payload: object; result: { fileName: string; text: string } };
  'import-model': { payload: { file: File }; result: ModelInfo };
  /** `imageIndex: 'random'` picks an image whose true class is a candidate (a test image of an unseen class in ZSL). */
  'classify-image': {
    payload: { imageIndex: number | 'random'; scope: 'unseen' | 'all'; k: number };
    result: ImageClassification;
  };
  'backbone-info': { payload: object; result: BackboneInfo };
  /** `draft`: the preprocessing to use when no backbone.json came with the files; `source`: the URL they came from. */
  'load-backbone-files': { payload: { files: DroppedFile[]; draft?: BackboneDraft; source?: string }; result: BackboneInfo };
  'reset-backbone': { payload: object; result: BackboneInfo };
  /** A ResNet backbone with another preprocessing variant (the one verification found best, or the user's choice). */
  'set-backbone-preprocessing': { payload: { preprocessing: ResNetPreprocessing }; result: BackboneInfo };
  /** Some of the loaded release's own pictures: how well the backbone reproduces its rows. */
  'verify-backbone': { payload: { files: DroppedFile[] }; result: BackboneInfo };
  'load-picture-demo': { payload: { seed: number; imagesPerClass: number }; result: LoadedDataset };
  'classify-pixels': {
    payload: { pixels: Uint8ClampedArray; width: number; height: number; scope: 'unseen' | 'all'; k: number };
    result: Classification & { space?: SpaceNote };
  };
  'classify-image-file': { payload: { file: File; scope: 'unseen' | 'all'; k: number }; result: Classification & { space?: SpaceNote } };
  'embedding-map': { payload: { maxImages: number }; result: { points: MapPoint[]; method: string } };
}

export type RequestKind = keyof RequestMap;

export type Request = {
  [K in RequestKind]: { kind: K; id: number } & RequestMap[K]['payload'];
}[RequestKind];

/** Sent outside the queue, so a pause or stop reaches a running job at once. */
export interface ControlMessage {
  kind: 'control';
  /** The id of the request to act on. */
  target: number;
  action: 'pause' | 'resume' | 'stop' | 'cancel';
}

export type ToWorker = Request | ControlMessage;

export type WorkerEvent =
  | { kind: 'progress'; id: number; progress: Progress }
  | { kind: 'train-steps'; id: number; points: StepPoint[] }
  | { kind: 'train-epoch'; id: number; point: EpochReport }
  | { kind: 'paused'; id: number; paused: boolean }
  | { kind: 'result'; id: number; result: RequestMap[RequestKind]['result'] }
  | { kind: 'error'; id: number; message: string; cancelled: boolean }
  | { kind: 'backend'; status: BackendStatus };
