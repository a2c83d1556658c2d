/**
 * The Web Worker entry: registers the tfjs backends and connects the host to
 * `self`. All heavy work (generation, parsing, training, search) happens here.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { createDatasetCache, storageEstimate } from './dataset-cache.ts';
import { loadBackbone, parseBackboneSpec } from '../core/backbone.ts';
import { backboneFromFiles, forgetBackbone, keepBackbone, restoreBackbone } from './backbone-store.ts';
import { createWorkerHost } from './host.ts';
import { createRunStore } from './run-store.ts';
import { browserProbes } from './probes.ts';
import type { ToWorker } from './protocol.ts';

// A module worker cannot use the threaded WASM build; its files are served from public/wasm/.
tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
setWasmPaths(`${import.meta.env.BASE_URL}wasm/`);

const scope = self as unknown as DedicatedWorkerGlobalScope;
const cache = createDatasetCache();
let watchedDevice: GPUDevice | null = null;
/** When the backend in use is WebGPU, fall back if its device is lost (not when it is destroyed on purpose). */
function watchDevice(): void {
  const device = (tf.backend() as unknown as { device?: GPUDevice }).device;
  if (tf.getBackend() !== 'webgpu' || !device || device === watchedDevice) return;
  watchedDevice = device;
  void device.lost.then((info) => {
    if (info.reason !== 'destroyed') void host.deviceLost(info.message || 'no reason given');
  });
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
  loadPictureBackbone: async () => {
    // Shipped with the app and served from its own origin: this works offline.
    const base = new URL(`${import.meta.env.BASE_URL}backbones/picture-world/`, self.location.origin);
    const spec = parseBackboneSpec(await (await fetch(new URL('backbone.json', base))).json());
    return { spec, model: await loadBackbone(spec, { url: new URL('model.json', base).href }) };
  },
  backbones: {
    async fromFiles(files) {
      const { backbone, artifacts } = await backboneFromFiles(files);
      // Kept for the next visit; failing to keep it does not stop its use now.
      await keepBackbone(artifacts, backbone.spec).catch((error: unknown) => console.warn('backbone not kept', error));
      return backbone;
    },
    restore: restoreBackbone,
    forget: forgetBackbone,
  },
  decodeImage: async (file) => {
    // EXIF orientation is applied by createImageBitmap; huge pictures are scaled down first.
    const probe = await createImageBitmap(file);
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
