/**
 * The Web Worker entry: registers the tfjs backends and connects the host to
 * `self`. All heavy work (generation, parsing, training, search) happens here.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import { createDatasetCache, storageEstimate } from './stores/dataset-cache.ts';
import { loadBackbone, parseBackboneSpec } from '../core/backbones/backbone.ts';
import { modelArtifacts } from '../core/backbones/resnet-backbone.ts';
import { backboneFromFiles, createBackboneKeeper } from './stores/backbone-store.ts';
import { createWorkerHost } from './host.ts';
import { createRunStore } from './stores/run-store.ts';
import { createExtractionStore } from './stores/extraction-store.ts';
import { browserProbes } from './probes.ts';
import type { ToWorker } from './protocol.ts';
import { configureWasm } from './wasm-threads.ts';
import { toUserMessage } from '../core/errors.ts';

configureWasm(`${import.meta.env.BASE_URL}wasm/`);

const scope = self as unknown as DedicatedWorkerGlobalScope;
const cache = createDatasetCache();
const keptBackbone = createBackboneKeeper();
let watchedDevice: GPUDevice | null = null;
/** The GPUDevice tfjs computes on now, when the backend in use is WebGPU. */
const deviceInUse = (): GPUDevice | null =>
  tf.getBackend() === 'webgpu' ? ((tf.backend() as unknown as { device?: GPUDevice }).device ?? null) : null;
/**
 * When the backend in use is WebGPU, fall back if its device is lost. Neither
 * the app nor tfjs ever destroys the device, so one lost with reason
 * 'destroyed' (someone else called destroy()) is gone all the same; a device
 * no longer in use is only unregistered.
 */
function watchDevice(): void {
  const device = deviceInUse();
  if (!device || device === watchedDevice) return;
  watchedDevice = device;
  void device.lost.then((info) => {
    if (deviceInUse() === device) void host.deviceLost(info.message || info.reason || 'no reason given', renewWebGpu);
    else renewWebGpu();
  });
}
/** Drops the WebGPU backend whose device is gone and registers its factory again, so choosing WebGPU later asks for a new device. */
function renewWebGpu(): void {
  const factory = tf.findBackendFactory('webgpu');
  if (!factory) return;
  tf.removeBackend('webgpu');
  tf.registerBackend('webgpu', factory, 3); // 3: the priority tfjs-backend-webgpu registers it with
}

const host = createWorkerHost({
  store: {
    save: (dataset, meta, options) => cache.save(dataset, meta, options),
    list: () => cache.list(),
    load: (id, options) => cache.load(id, options),
    remove: (id) => cache.remove(id),
    estimate: storageEstimate,
  },
  post: (event, transfer = []) => {
    if (event.kind === 'backend') watchDevice();
    scope.postMessage(event, { transfer });
  },
  runs: createRunStore(),
  extractions: createExtractionStore(),
  loadPictureBackbone: async () => {
    // Shipped with the app and served from its own origin: this works offline.
    const base = new URL(`${import.meta.env.BASE_URL}backbones/picture-world/`, self.location.origin);
    const spec = parseBackboneSpec(await (await fetch(new URL('backbone.json', base))).json());
    return { spec, model: await loadBackbone(spec, { url: new URL('model.json', base).href }) };
  },
  backbones: {
    async fromFiles(files, { draft, source, signal, onProgress } = {}) {
      const { backbone, artifacts } = await backboneFromFiles(files, draft, { signal, onProgress });
      // Kept for the next visit; failing to keep it does not stop its use now.
      const keeping = (fraction: number) => onProgress?.({ phase: 'Keeping it in this browser for offline use', fraction: 0.85 + 0.15 * fraction, etaSeconds: null });
      keeping(0);
      const notKept = await keptBackbone.keep(artifacts, backbone.spec, source, keeping).then(
        () => undefined,
        (error: unknown) => toUserMessage(error),
      );
      return { ...backbone, ...(source ? { source } : {}), ...(notKept ? { notKept } : {}) };
    },
    async keep(model, spec, source) {
      if (!(model instanceof tf.LayersModel)) return;
      await keptBackbone.keep(await modelArtifacts(model), spec, source);
    },
    restore: () => keptBackbone.restore(),
    forget: () => keptBackbone.forget(),
  },
  decodeImage: async (file) => {
    // EXIF orientation is applied by createImageBitmap; huge pictures are scaled down first.
    const probe = await createImageBitmap(file, { imageOrientation: 'from-image' });
    const scale = Math.min(1, 1024 / Math.max(probe.width, probe.height));
    const width = Math.max(1, Math.round(probe.width * scale));
    const height = Math.max(1, Math.round(probe.height * scale));
    const bitmap = scale < 1 ? await createImageBitmap(probe, { resizeWidth: width, resizeHeight: height, resizeQuality: 'high' }) : probe;
    const canvas = new OffscreenCanvas(width, height);
    const context = canvas.getContext('2d')!;
    context.drawImage(bitmap, 0, 0);
    probe.close();
    bitmap.close();
    return { pixels: context.getImageData(0, 0, width, height).data, width, height };
  },
  probes: browserProbes,
});
scope.onmessage = (event: MessageEvent<ToWorker>) => host.handle(event.data);
