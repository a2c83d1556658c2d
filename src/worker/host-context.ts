/**
 * What the worker host's request handlers share: the environment the host runs
 * in, the job each request runs as, and the live state (backend, dataset, the
 * staged drop, the model, the backbone) with the helpers that guard it. The
 * host owns one context; every handler reads and replaces state through it.
 * Must not import DOM or React code, nor host.ts or the handlers (they import this).
 */
import { selectBackend, type BackendProbe } from '../core/compute/backend.ts';
import { describeDataset, type ZslDataset } from '../core/data/dataset.ts';
import { CancelledError, isCancelled, ZslError } from '../core/errors.ts';
import type { SourceFile } from '../core/io/source-file.ts';
import type { BackboneDraft, BackboneModel, BackboneSpec } from '../core/backbones/backbone.ts';
import { parseResNetSpecId, preprocessingVariants, describePreprocessing } from '../core/backbones/resnet-backbone.ts';
import type { Verification } from '../core/backbones/verify-release.ts';
import type { Progress } from '../core/progress.ts';
import type { ExtractionStore } from './stores/extraction-store.ts';
import type { PauseGate } from './pause-gate.ts';
import type {
  BackboneInfo,
  BackendName,
  BackendStatus,
  DroppedFile,
  LoadedDataset,
  StoredDatasets,
  Request,
  RequestKind,
  RequestMap,
  WorkerEvent,
} from './protocol.ts';
import { ModelKeeper } from './model-keeper.ts';
import type { RunStore } from './stores/run-store.ts';
import { attributeAnalogy } from '../core/data/attribute-analogy.ts';

/**
 * What is kept beside a stored dataset: how its semantic vectors were chosen, and
 * its pictures' file names (null: it has none; absent: stored before names were kept).
 */
export interface StoredMeta {
  semantic?: unknown;
  imageFiles?: string[] | null;
}

/** Where parsed datasets are kept between visits (IndexedDB in the browser; absent under Node). */
export interface DatasetStore {
  save(dataset: ZslDataset, meta: StoredMeta, options: { signal?: AbortSignal; onProgress?(fraction: number): void }): Promise<unknown>;
  list(): Promise<StoredDatasets['datasets']>;
  load(id: string, options: { signal?: AbortSignal; onProgress?(fraction: number): void }): Promise<{ dataset: ZslDataset; meta: StoredMeta }>;
  remove(id: string): Promise<boolean>;
  estimate(): Promise<StoredDatasets['usage']>;
}

export interface HostEnv {
  post(event: WorkerEvent, transfer?: Transferable[]): void;
  store?: DatasetStore;
  /** Where finished runs and their models are kept (IndexedDB in the browser; absent under Node). */
  runs?: RunStore;
  /** Loads the picture world's backbone shipped with the app (same origin, works offline). */
  loadPictureBackbone?: () => Promise<{ model: BackboneModel; spec: BackboneSpec }>;
  /** Backbones the user brought: read from dropped files, kept between visits. */
  backbones?: {
    fromFiles(
      files: DroppedFile[],
      options?: { draft?: BackboneDraft; source?: string; signal?: AbortSignal; onProgress?: (progress: Progress) => void },
    ): Promise<{ model: BackboneModel; spec: BackboneSpec; source?: string; notKept?: string }>;
    /** Keeps a backbone already in use with another spec (a ResNet's preprocessing changed). */
    keep?(model: BackboneModel, spec: BackboneSpec, source?: string): Promise<void>;
    restore(): Promise<{ model: BackboneModel; spec: BackboneSpec; source?: string } | null>;
    forget(): Promise<void>;
  };
  /** Where image-folder features are kept as they are extracted, so an interrupted extraction resumes. */
  extractions?: ExtractionStore;
  /** Decodes an image file to RGBA pixels (browser: createImageBitmap + OffscreenCanvas). */
  decodeImage?: (file: Blob) => Promise<{ pixels: Uint8ClampedArray; width: number; height: number }>;
  probes: Partial<Record<BackendName, BackendProbe>>;
  /** Milliseconds between flushes of loss points to the page (default 250: four updates a second). */
  throttleMs?: number;
}

export interface Job {
  cancel: AbortController;
  stop: AbortController;
  pause: PauseGate;
}

export type Handler<K extends RequestKind> = (
  request: Extract<Request, { kind: K }>,
  job: Job,
) => Promise<RequestMap[K]['result']>;

/** The handlers of some request kinds (all of them by default). */
export type Handlers<K extends RequestKind = RequestKind> = { [P in K]: Handler<P> };

/**
 * Whether a job ended because it was cancelled. An AbortError nobody asked for
 * (WebGPU rejects a read with one when its device is lost) is a failure to
 * explain, not a cancellation to hide, and must not discard the checkpoint.
 */
export function cancelledByUser(error: unknown, job: Job): boolean {
  return error instanceof CancelledError || (isCancelled(error) && job.cancel.signal.aborted);
}

type InUse = { model: BackboneModel; spec: BackboneSpec; shipped: boolean; source?: string };

export type HostContext = ReturnType<typeof createHostContext>;

export function createHostContext(env: HostEnv) {
  const ctx = {
    env,
    models: new ModelKeeper(env.runs),
    backend: null as BackendStatus | null,
    dataset: null as ZslDataset | null,
    semantic: null as string | null,
    /** The last drop, zips already expanded, until it is loaded or replaced. */
    staged: null as { token: number; files: SourceFile[] } | null,
    /** The backbone pictures are embedded with, loaded when first needed (null again after a lost device). */
    backbone: null as Promise<InUse> | null,
    /**
     * The file name of each row of the loaded release (AwA2-filenames.txt or
     * res101.mat's image_files), to verify a backbone against it; names null with
     * the reason when a stored copy has none.
     */
    releaseNames: null as { datasetId: string; names: string[] } | { datasetId: string; names: null; missing: string } | null,
    /** The last verification: of which backbone (spec id, so its preprocessing) against which release. */
    verification: null as { specId: string; network: string; result: Verification } | null,
  };
  const { models } = ctx;

  const shippedBackbone = async () => {
    if (!env.loadPictureBackbone) throw new ZslError('No image backbone is available here.');
    return { ...(await env.loadPictureBackbone()), shipped: true };
  };
  /** The backbone the user brought last time, else the shipped one. */
  const requireBackbone = () => {
    ctx.backbone ??= (async () => {
      const kept = await env.backbones?.restore();
      return kept ? { ...kept, shipped: false } : shippedBackbone();
    })().catch((error: unknown) => {
      ctx.backbone = null;
      throw error;
    });
    return ctx.backbone;
  };
  const replaceBackbone = async (next: Promise<InUse>) => {
    const loaded = await next;
    const previous = ctx.backbone ? await ctx.backbone.catch(() => null) : null;
    if (previous && previous.model !== loaded.model) previous.model.dispose();
    ctx.backbone = Promise.resolve(loaded);
    return backboneInfo(loaded);
  };
  const backboneInfo = ({ spec, shipped, source }: InUse): BackboneInfo => {
    const resnet = parseResNetSpecId(spec);
    const verified = ctx.verification?.specId === spec.id ? ctx.verification.result : null;
    return {
      name: spec.name,
      network: spec.featureSourceNetwork,
      inputSize: spec.inputSize,
      outputDim: spec.outputDim,
      shipped,
      ...(source ? { source } : {}),
      ...(resnet
        ? {
            resnet: {
              layout: resnet.info.layout,
              preprocessing: resnet.preprocessing,
              variants: preprocessingVariants(resnet.info.layout).map((v) => ({ ...v, label: describePreprocessing(v) })),
            },
            verification: verified,
          }
        : {}),
    };
  };

  const ensureBackend = async (): Promise<BackendStatus> => ctx.backend ?? (await switchBackend('auto'));

  async function switchBackend(choice: Parameters<typeof selectBackend>[0]): Promise<BackendStatus> {
    if (models.current && ctx.backend && choice !== ctx.backend.name) {
      // Tensors cannot follow a backend switch safely: drop the model, keep the dataset (a kept run can be restored).
      models.drop();
    }
    ctx.backend = await selectBackend(choice, env.probes);
    env.post({ kind: 'backend', status: ctx.backend });
    return ctx.backend;
  }

  /** Replaces the dataset only once the new one is complete: a bad file never costs the loaded one. */
  const setDataset = (next: ZslDataset, description: string | null, notes: string[] = []): LoadedDataset => {
    if (models.current?.run && models.current.run.datasetId !== next.id) models.drop();
    ctx.dataset = next;
    ctx.semantic = description;
    return summary(notes);
  };
  const summary = (notes: string[] = []): LoadedDataset => {
    const data = requireDataset();
    const split = data.splits[0];
    return {
      ...describeDataset(data),
      semantic: ctx.semantic,
      notes,
      model: models.current ? models.info() : null,
      analogy: split ? attributeAnalogy({ ...data, seenClasses: split.seenClasses, unseenClasses: split.unseenClasses }) : null,
    };
  };

  const requireDataset = (): ZslDataset => {
    if (!ctx.dataset) throw new ZslError('No dataset is loaded yet: load the demo or drop a dataset first.');
    return ctx.dataset;
  };

  return Object.assign(ctx, {
    shippedBackbone,
    requireBackbone,
    replaceBackbone,
    backboneInfo,
    ensureBackend,
    switchBackend,
    setDataset,
    summary,
    requireDataset,
  });
}
