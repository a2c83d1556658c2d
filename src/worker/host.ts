/**
 * The worker's message loop, independent of `self` so it runs under Node tests
 * with a fake port. It owns the only live dataset and model and handles requests
 * one at a time through a promise queue, so a classify can never interleave with
 * a model swap. Control messages (pause, resume, stop, cancel) bypass the queue.
 * Must not import DOM or React code.
 */
import * as tf from '@tensorflow/tfjs';
import { selectBackend, type BackendProbe } from '../core/backend.ts';
import { describeDataset, findSplit, gatherRows, type ZslDataset } from '../core/dataset.ts';
import { generateDemoDataset } from '../core/demo-dataset.ts';
import { CancelledError, isCancelled, toUserMessage, ZslError } from '../core/errors.ts';
import { rankClasses } from '../core/search.ts';
import { datasetForMethod, trainAndEvaluate } from '../core/run-method.ts';
import type { TrainerState } from '../core/checkpoint.ts';
import type { SourceFile } from '../core/io/source-file.ts';
import type { Progress } from '../core/train-loop.ts';
import type { BackboneDraft, BackboneModel, BackboneSpec } from '../core/backbone.ts';
import { classifyFeatures } from '../core/classify.ts';
import { looksLikeImageFolder, readImageFolder } from '../core/io/image-folder.ts';
import { recogniseLayout } from '../core/io/layout.ts';
import { embedPicture, generatePictureDataset } from '../core/picture-dataset.ts';
import { embeddingMap } from './embedding-map.ts';
import type { ExtractionStore } from './extraction-store.ts';
import { extractImageFolder, extractionKey, resumeText } from './image-folder-job.ts';
import { loadFiles, stageFiles, toSourceFiles, withCustomSplit } from './load-files.ts';
import { PauseGate } from './pause-gate.ts';
import type {
  BackboneInfo,
  BackendName,
  BackendStatus,
  ControlMessage,
  DroppedFile,
  EpochReport,
  LoadedDataset,
  StagedFiles,
  StoredRun,
  TrainConfig,
  StoredDatasets,
  Request,
  RequestKind,
  RequestMap,
  ToWorker,
  WorkerEvent,
} from './protocol.ts';
import { ModelKeeper } from './model-keeper.ts';
import type { RunStore } from './run-store.ts';
import { ProgressThrottle, StepThrottle } from './step-throttle.ts';

/** Where parsed datasets are kept between visits (IndexedDB in the browser; absent under Node). */
export interface DatasetStore {
  save(dataset: ZslDataset, meta: { semantic?: unknown }, options: { signal?: AbortSignal; onProgress?(fraction: number): void }): Promise<unknown>;
  list(): Promise<StoredDatasets['datasets']>;
  load(id: string, options: { signal?: AbortSignal; onProgress?(fraction: number): void }): Promise<{ dataset: ZslDataset; meta: { semantic?: unknown } }>;
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
    fromFiles(files: DroppedFile[], options?: { draft?: BackboneDraft; source?: string }): Promise<{ model: BackboneModel; spec: BackboneSpec; source?: string }>;
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

interface Job {
  cancel: AbortController;
  stop: AbortController;
  pause: PauseGate;
}

type Handler<K extends RequestKind> = (
  request: Extract<Request, { kind: K }>,
  job: Job,
) => Promise<RequestMap[K]['result']>;

/**
 * Whether a job ended because it was cancelled. An AbortError nobody asked for
 * (WebGPU rejects a read with one when its device is lost) is a failure to
 * explain, not a cancellation to hide, and must not discard the checkpoint.
 */
function cancelledByUser(error: unknown, job: Job): boolean {
  return error instanceof CancelledError || (isCancelled(error) && job.cancel.signal.aborted);
}

export function createWorkerHost(env: HostEnv) {
  let backend: BackendStatus | null = null;
  let dataset: ZslDataset | null = null;
  let semantic: string | null = null;
  /** The last drop, zips already expanded, until it is loaded or replaced. */
  let staged: { token: number; files: SourceFile[] } | null = null;
  const models = new ModelKeeper(env.runs);
  type InUse = { model: BackboneModel; spec: BackboneSpec; shipped: boolean; source?: string };
  let backbone: Promise<InUse> | null = null;
  const shippedBackbone = async () => {
    if (!env.loadPictureBackbone) throw new ZslError('No image backbone is available here.');
    return { ...(await env.loadPictureBackbone()), shipped: true };
  };
  /** The backbone the user brought last time, else the shipped one. */
  const requireBackbone = () => {
    backbone ??= (async () => {
      const kept = await env.backbones?.restore();
      return kept ? { ...kept, shipped: false } : shippedBackbone();
    })().catch((error: unknown) => {
      backbone = null;
      throw error;
    });
    return backbone;
  };
  const replaceBackbone = async (next: Promise<InUse>) => {
    const loaded = await next;
    const previous = backbone ? await backbone.catch(() => null) : null;
    if (previous && previous.model !== loaded.model) previous.model.dispose();
    backbone = Promise.resolve(loaded);
    return backboneInfo(loaded);
  };
  const backboneInfo = ({ spec, shipped, source }: InUse): BackboneInfo => ({
    name: spec.name,
    network: spec.featureSourceNetwork,
    inputSize: spec.inputSize,
    outputDim: spec.outputDim,
    shipped,
    ...(source ? { source } : {}),
  });

  /** Embeds pixels with the backbone and classifies them, refusing a model trained in another feature space. */
  const classifyPixels = async (pixels: Uint8ClampedArray, width: number, height: number, scope: 'unseen' | 'all', k: number) => {
    const { model, frozen } = models.require();
    const { model: net, spec } = await requireBackbone();
    if (!frozen || frozen.featureSource.network !== spec.featureSourceNetwork) {
      throw new ZslError(
        `This model was trained on features from ${frozen?.featureSource.network ?? 'another source'}, but pictures are embedded by the ${spec.name} backbone (${spec.featureSourceNetwork}). ` +
          'Train a model on the picture demo to classify drawings; to classify photos with an AwA2 model you need a matching ResNet-101 backbone, or features re-extracted from images.',
      );
    }
    const features = await embedPicture(net, spec, pixels, width, height);
    return classifyFeatures(model, frozen, features, scope, k);
  };
  const jobs = new Map<number, Job>();
  let queue: Promise<void> = Promise.resolve();

  const ensureBackend = async (): Promise<BackendStatus> => backend ?? (await switchBackend('auto'));

  async function switchBackend(choice: Parameters<typeof selectBackend>[0]): Promise<BackendStatus> {
    if (models.current && backend && choice !== backend.name) {
      // Tensors cannot follow a backend switch safely: drop the model, keep the dataset (a kept run can be restored).
      models.drop();
    }
    backend = await selectBackend(choice, env.probes);
    env.post({ kind: 'backend', status: backend });
    return backend;
  }

  /** Replaces the dataset only once the new one is complete: a bad file never costs the loaded one. */
  const setDataset = (next: ZslDataset, description: string | null, notes: string[] = []): LoadedDataset => {
    if (models.current?.run && models.current.run.datasetId !== next.id) models.drop();
    dataset = next;
    semantic = description;
    return summary(notes);
  };
  const summary = (notes: string[] = []): LoadedDataset => ({ ...describeDataset(requireDataset()), semantic, notes });

  const requireStore = (): DatasetStore => {
    if (!env.store) throw new ZslError('Stored datasets are not available here (no IndexedDB).');
    return env.store;
  };
  const listStored = async (): Promise<StoredDatasets> => {
    const store = requireStore();
    return { datasets: await store.list(), usage: await store.estimate() };
  };
  const fractionReporter = (id: number, phase: string) => (fraction: number) =>
    env.post({ kind: 'progress', id, progress: { phase, fraction, etaSeconds: null } });

  /** Keeps a parsed dataset for the next visit; failing to store it never fails the load. */
  const keep = async (data: ZslDataset, description: string, id: number, signal: AbortSignal): Promise<string[]> => {
    if (!env.store) return [];
    try {
      await env.store.save(data, { semantic: description }, { signal, onProgress: fractionReporter(id, 'Saving for next time') });
      return [];
    } catch (error) {
      if (isCancelled(error)) throw error;
      return [`The dataset is loaded but was not stored for next time: ${toUserMessage(error)}`];
    }
  };

  /** An interrupted extraction of this image folder with the current backbone, if one is kept (never fails a drop). */
  const resumable = async (files: SourceFile[], signal: AbortSignal): Promise<StagedFiles['resume']> => {
    if (!env.extractions) return null;
    try {
      await ensureBackend();
      const folder = await readImageFolder(files, signal);
      const { spec } = await requireBackbone();
      const done = await env.extractions.count(await extractionKey(folder, spec));
      return done > 0 ? { done, total: folder.images.length, backbone: spec.name } : null;
    } catch {
      return null;
    }
  };

  const requireDataset = (): ZslDataset => {
    if (!dataset) throw new ZslError('No dataset is loaded yet: load the demo or drop a dataset first.');
    return dataset;
  };

  const handlers: { [K in RequestKind]: Handler<K> } = {
    async 'init'(request) {
      return switchBackend(request.backend);
    },
    async 'load-demo'(request, job) {
      env.post({ kind: 'progress', id: request.id, progress: { phase: 'Generating the demo zoo', fraction: 0, etaSeconds: null } });
      const demo = generateDemoDataset({ seed: request.seed });
      if (job.cancel.signal.aborted) throw new CancelledError();
      return setDataset(demo, 'Demo attributes, each z-scored over the classes.');
    },
    async 'describe-files'(request, job) {
      const { staged: description, expanded } = await stageFiles(request.files, request.id, job.cancel.signal);
      staged = { token: request.id, files: expanded };
      if (description.layout === 'image-folder') description.resume = await resumable(expanded, job.cancel.signal);
      return description;
    },
    async 'load-files'(request, job) {
      const files = staged && staged.token === request.token ? staged.files : toSourceFiles(request.files);
      const progress = (p: Progress) => env.post({ kind: 'progress', id: request.id, progress: p });
      if (looksLikeImageFolder(files) && recogniseLayout(files).layout === 'unknown') {
        // Pictures in class folders: embed them with the backbone, then it is a dataset like any other.
        await ensureBackend();
        const folder = await readImageFolder(files, job.cancel.signal);
        const { model: net, spec } = await requireBackbone();
        const decode = env.decodeImage;
        if (!decode) throw new ZslError('Images cannot be decoded here.');
        const embed = async (file: SourceFile) => {
          const image = await decode(await new Response(file.stream()).blob());
          return embedPicture(net, spec, image.pixels, image.width, image.height);
        };
        const kept = env.extractions ? { store: env.extractions, job: await extractionKey(folder, spec) } : undefined;
        const { dataset: pictures, resumed } = await extractImageFolder(folder, embed, spec.featureSourceNetwork, request.semantic, job.cancel.signal, progress, { keep: kept });
        const description = `Attributes from the predicate matrix, normalised: ${request.semantic.normalise}.`;
        const notes = await keep(pictures, description, request.id, job.cancel.signal);
        // Complete: the features kept for resuming are no longer needed.
        await env.extractions?.clear().catch(() => undefined);
        if (resumed > 0) notes.unshift(`Resumed an interrupted extraction: ${resumeText(resumed, folder.images.length)}.`);
        staged = null;
        return setDataset(pictures, description, notes);
      }
      const loaded = await loadFiles(files, request.semantic, job.cancel.signal, progress);
      const notes = await keep(loaded.dataset, loaded.semantic, request.id, job.cancel.signal);
      staged = null;
      return setDataset(loaded.dataset, loaded.semantic, notes);
    },
    async 'list-stored'() {
      return listStored();
    },
    async 'load-stored'(request, job) {
      const { dataset: stored, meta } = await requireStore().load(request.datasetId, {
        signal: job.cancel.signal,
        onProgress: fractionReporter(request.id, 'Reading the stored dataset'),
      });
      return setDataset(stored, typeof meta.semantic === 'string' ? meta.semantic : null);
    },
    async 'delete-stored'(request) {
      await requireStore().remove(request.datasetId);
      return listStored();
    },
    async 'set-custom-split'(request) {
      dataset = withCustomSplit(requireDataset(), request.unseenClasses);
      if (models.current?.run?.split === 'custom') models.drop(); // trained on the old custom split
      return summary();
    },
    async 'train'(request, job) {
      const status = await ensureBackend();
      const data = requireDataset();
      const interrupted = request.resume ? await env.runs?.checkpoint() : null;
      if (request.resume && (!interrupted || interrupted.datasetId !== data.id)) {
        throw new ZslError('There is no interrupted training for this dataset to resume.');
      }
      const config = interrupted ? (interrupted.config as TrainConfig) : request.config;
      const split = findSplit(data, config.split);
      const id = request.id;
      const steps = new StepThrottle((points) => env.post({ kind: 'train-steps', id, points }), env.throttleMs ?? 250);
      const progress = new ProgressThrottle((p) => env.post({ kind: 'progress', id, progress: p }), env.throttleMs ?? 250);
      const losses: number[] = interrupted ? Array.from(interrupted.losses) : [];
      const epochs: EpochReport[] = interrupted ? (interrupted.epochs as EpochReport[]) : [];
      if (interrupted) {
        // The page rebuilds its charts from the events, as if it had watched the first epochs.
        env.post({ kind: 'train-steps', id, points: losses.map((loss, i) => ({ step: i + 1, epoch: 0, loss })) });
        for (const point of epochs) env.post({ kind: 'train-epoch', id, point });
      }
      try {
        const { model, run } = await trainAndEvaluate(data, split, config, status.name, {
          stopSignal: job.stop.signal,
          cancelSignal: job.cancel.signal,
          waitWhilePaused: () => job.pause.wait(),
          ...(interrupted ? { resume: { epoch: interrupted.epoch, step: interrupted.step, state: interrupted.state as TrainerState } } : {}),
          onCheckpoint: async (checkpoint) => {
            // Failing to save a checkpoint must not stop training.
            await env.runs
              ?.saveCheckpoint({ id: 'interrupted', savedAt: Date.now(), datasetId: data.id, config, ...checkpoint, losses: Float32Array.from(losses), epochs: [...epochs] })
              .catch((error: unknown) => console.warn('checkpoint not saved', error));
          },
          onSteps: (points) => {
            for (const p of points) losses.push(p.loss);
            steps.push(points);
          },
          onEpoch: (point) => {
            steps.flush();
            epochs.push(point);
            env.post({ kind: 'train-epoch', id, point });
          },
          onProgress: (p) => progress.push(p),
        });
        await env.runs?.clearCheckpoint().catch(() => undefined);
        const notes = await models.adoptTrained(model, data, split, run, losses, epochs);
        return { ...run, runId: models.current?.runId ?? null, notes, model: models.current ? models.info() : null };
      } catch (error) {
        if (cancelledByUser(error, job)) await env.runs?.clearCheckpoint().catch(() => undefined);
        throw error;
      } finally {
        steps.flush();
      }
    },
    async 'discard-extraction'() {
      await env.extractions?.clear();
      return null;
    },
    async 'checkpoint-info'() {
      const record = await env.runs?.checkpoint().catch(() => null);
      if (!record) return null;
      return { datasetId: record.datasetId, config: record.config as TrainConfig, epoch: record.epoch, savedAt: record.savedAt };
    },
    async 'discard-checkpoint'() {
      await env.runs?.clearCheckpoint();
      return null;
    },
    async 'list-runs'() {
      return { runs: await models.list() };
    },
    async 'restore-run-model'(request) {
      return models.restore(request.runId);
    },
    async 'delete-run'(request) {
      return { runs: await models.remove(request.runId) };
    },
    async 'export-model'() {
      return models.exportCurrent();
    },
    async 'import-model'(request) {
      if (request.file.size > 1e9) throw new ZslError(`is ${(request.file.size / 1e9).toFixed(1)} GB; expected a model file under 1 GB.`, { file: request.file.name });
      return models.importText(await request.file.text(), request.file.name);
    },
    async 'classify-features'(request) {
      const { model, frozen } = models.require();
      if (!frozen) throw new ZslError('This model cannot classify outside its run (it could not be frozen).');
      // The classes and their attributes exactly as the model was trained on them.
      if (request.featureDim !== frozen.featureDim) {
        throw new ZslError(`expected ${frozen.featureDim}-value feature vectors, got ${request.featureDim}.`);
      }
      const candidates = request.scope === 'unseen' ? frozen.unseenClasses : frozen.classNames.map((_, c) => c);
      const seen = new Set(frozen.seenClasses);
      const topK = await rankClasses(
        model,
        request.features,
        request.featureDim,
        candidates,
        gatherRows(frozen.classAttributes, frozen.attributeNames.length, candidates),
        {
          k: request.k,
          calibration:
            request.scope === 'all' && frozen.gamma !== 0 ? { gamma: frozen.gamma, seenMask: candidates.map((c) => seen.has(c)) } : undefined,
        },
      );
      return { topK, k: request.k, classNames: frozen.classNames };
    },
    async 'classify-image'(request) {
      const data = requireDataset();
      const { model, frozen } = models.require();
      if (!frozen) throw new ZslError('This model cannot classify outside its run (it could not be frozen).');
      if (frozen.featureDim !== data.featureDim || frozen.featureSource.network !== data.featureSource.network) {
        throw new ZslError(
          `This model expects ${frozen.featureDim}-value features from ${frozen.featureSource.network}; the loaded dataset has ${data.featureDim}-value features from ${data.featureSource.network}.`,
        );
      }
      const index = request.imageIndex;
      if (!Number.isInteger(index) || index < 0 || index >= data.numSamples) {
        throw new ZslError(`there is no image ${index + 1}; the dataset has ${data.numSamples}.`, { variable: 'image' });
      }
      const features = data.features.slice(index * data.featureDim, (index + 1) * data.featureDim);
      const result = await classifyFeatures(model, frozen, features, request.scope, request.k);
      return { ...result, trueClass: data.classNames[data.labels[index]!]!, imageIndex: index };
    },
    async 'backbone-info'() {
      return backboneInfo(await requireBackbone());
    },
    async 'load-backbone-files'(request) {
      if (!env.backbones) throw new ZslError('Backbones cannot be loaded from files here.');
      await ensureBackend();
      const loaded = await env.backbones.fromFiles(request.files, { draft: request.draft, source: request.source });
      return replaceBackbone(Promise.resolve({ ...loaded, shipped: false }));
    },
    async 'reset-backbone'() {
      await env.backbones?.forget();
      return replaceBackbone(shippedBackbone());
    },
    async 'load-picture-demo'(request, job) {
      const progress = (p: { phase: string; fraction: number }) => env.post({ kind: 'progress', id: request.id, progress: { ...p, etaSeconds: null } });
      progress({ phase: 'Loading the picture backbone', fraction: 0 });
      await ensureBackend();
      // The picture demo is drawn for its own backbone: switch back to it if another was in use.
      const current = await requireBackbone();
      if (!current.shipped) await replaceBackbone(shippedBackbone());
      const { model, spec } = await requireBackbone();
      const pictures = await generatePictureDataset({ model, spec, seed: request.seed, imagesPerClass: request.imagesPerClass, onProgress: progress, signal: job.cancel.signal });
      return setDataset(pictures, 'One-hot picture attributes: shape, colour, pattern, size.');
    },
    async 'classify-pixels'(request) {
      return classifyPixels(request.pixels, request.width, request.height, request.scope, request.k);
    },
    async 'classify-image-file'(request) {
      if (!env.decodeImage) throw new ZslError('Images cannot be decoded here.');
      if (request.file.size > 50e6) throw new ZslError(`is ${(request.file.size / 1e6).toFixed(0)} MB; expected a picture under 50 MB.`, { file: request.file.name });
      const image = await env.decodeImage(request.file).catch(() => {
        throw new ZslError('could not be decoded; expected a JPEG, PNG or WebP picture.', { file: request.file.name });
      });
      return classifyPixels(image.pixels, image.width, image.height, request.scope, request.k);
    },
    async 'embedding-map'(request) {
      const data = requireDataset();
      const { model, run } = models.require();
      if (!run || run.datasetId !== data.id) throw new ZslError('The embedding map needs the dataset this model was trained on: load it first.');
      const methodData = datasetForMethod(data, run.config);
      const points = await embeddingMap(model, methodData, findSplit(methodData, run.split), request.maxImages);
      return { points, method: run.method };
    },
    async 'tensor-count'() {
      const memory = tf.memory();
      return { numTensors: memory.numTensors, numBytes: memory.numBytes };
    },
  };

  async function run(request: Request, job: Job): Promise<void> {
    try {
      if (job.cancel.signal.aborted) throw new CancelledError();
      const handler = handlers[request.kind] as Handler<RequestKind>;
      const result = await handler(request as never, job);
      const transfer = transferables(result);
      env.post({ kind: 'result', id: request.id, result }, transfer);
    } catch (error) {
      const cancelled = cancelledByUser(error, job);
      if (!cancelled) console.error(error);
      env.post({ kind: 'error', id: request.id, message: toUserMessage(error), cancelled });
    } finally {
      jobs.delete(request.id);
    }
  }

  /** Large arrays cross as transferred buffers, not copies. */
  function transferables(result: unknown): Transferable[] {
    if (!result || typeof result !== 'object') return [];
    if ('topK' in result) return [(result as { topK: Int32Array }).topK.buffer as ArrayBuffer];
    if ('runs' in result) return (result as { runs: StoredRun[] }).runs.map((r) => r.losses.buffer as ArrayBuffer);
    return [];
  }

  function control(message: ControlMessage): void {
    const job = jobs.get(message.target);
    if (!job) return; // already finished: nothing to do
    if (message.action === 'pause' || message.action === 'resume') {
      job.pause.set(message.action === 'pause');
      env.post({ kind: 'paused', id: message.target, paused: job.pause.paused });
      return;
    }
    // Stop ends training early and keeps the model; cancel abandons the job.
    (message.action === 'stop' ? job.stop : job.cancel).abort();
    job.pause.set(false);
  }

  return {
    handle(message: ToWorker): void {
      if (message.kind === 'control') return control(message);
      const job: Job = { cancel: new AbortController(), stop: new AbortController(), pause: new PauseGate() };
      jobs.set(message.id, job);
      queue = queue.then(() => run(message, job));
    },
    /**
     * The GPU device was lost (driver reset, another tab took the GPU, out of
     * memory): move to the next backend, drop the model (a kept run can be
     * restored) and say so. Queued behind the request in flight.
     */
    deviceLost(reason: string, forgetBackend?: () => void): Promise<void> {
      queue = queue.then(async () => {
        const lost = backend?.name ?? 'webgpu';
        models.drop();
        // The backbone's weights lived on the lost device too: load it again when next needed.
        backbone = null;
        // Lets the caller unregister the dead backend, so choosing it again asks for a new device.
        forgetBackend?.();
        backend = null;
        const order: BackendName[] = ['webgpu', 'webgl', 'wasm', 'cpu'];
        const next = order[Math.min(order.length - 1, order.indexOf(lost) + 1)]!;
        try {
          const status = await selectBackend(next, env.probes);
          backend = { ...status, notes: [`The ${lost === 'webgpu' ? 'WebGPU' : lost} device was lost (${reason.replace(/[.!?]+$/, '')}); switched to ${status.name}. Train, resume or restore a model again.`, ...status.notes] };
          env.post({ kind: 'backend', status: backend });
        } catch (error) {
          console.error(error);
        }
      });
      return queue;
    },
    /** Resolves when every queued request has been handled (for tests). */
    idle: () => queue,
  };
}
