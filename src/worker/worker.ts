/**
 * The Web Worker entry: registers the tfjs backends and connects the host to
 * `self`. All heavy work (generation, parsing, training, search) happens here.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { createDatasetCache, storageEstimate } from './dataset-cache.ts';
import { createWorkerHost } from './host.ts';
import { createRunStore } from './run-store.ts';
import { browserProbes } from './probes.ts';
import type { ToWorker } from './protocol.ts';

// A module worker cannot use the threaded WASM build; its files are served from public/wasm/.
tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
setWasmPaths(`${import.meta.env.BASE_URL}wasm/`);

const scope = self as unknown as DedicatedWorkerGlobalScope;
const cache = createDatasetCache();
const host = createWorkerHost({
  store: {
    save: (dataset, meta, options) => cache.save(dataset, meta, options),
    list: () => cache.list(),
    load: (id, options) => cache.load(id, options),
    remove: (id) => cache.remove(id),
    estimate: storageEstimate,
  },
  post: (event, transfer = []) => scope.postMessage(event, { transfer }),
  runs: createRunStore(),
  probes: browserProbes,
});
scope.onmessage = (event: MessageEvent<ToWorker>) => host.handle(event.data);
