/**
 * The tfjs backends under Node: WebGPU through the `webgpu` package (Dawn, on
 * Vulkan: lavapipe on CPU-only machines), WASM from node_modules, and CPU.
 * Node only: never import from src/core or browser code.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { CPU_GPU_PATTERN, type BackendProbe } from '../core/compute/backend.ts';
import type { BackendName } from '../core/compute/backend-names.ts';

const require = createRequire(import.meta.url);

export const nodeProbes: Partial<Record<BackendName, BackendProbe>> = {
  async webgpu(choice) {
    let webgpu: typeof import('webgpu');
    try {
      webgpu = await import('webgpu');
    } catch (error) {
      return `the "webgpu" package could not load (${(error as Error).message.split('\n')[0]})`;
    }
    Object.assign(globalThis, webgpu.globals);
    const gpu = webgpu.create([]);
    const adapter = await gpu.requestAdapter();
    if (!adapter) return 'no adapter (install a Vulkan driver, e.g. Mesa lavapipe)';
    // A CPU implementation of Vulkan (lavapipe) brings no speed over WASM and binds at most
    // 128 MiB, less than AwA2's features: use it only when asked for by name.
    const description = `${adapter.info?.vendor ?? ''} ${adapter.info?.description ?? ''} ${adapter.info?.device ?? ''}`;
    if (choice !== 'webgpu' && CPU_GPU_PATTERN.test(description)) {
      return `the only adapter is a CPU implementation (${description.trim()}); pass --backend webgpu to use it anyway`;
    }
    if (!('navigator' in globalThis) || !globalThis.navigator) {
      Object.defineProperty(globalThis, 'navigator', { value: {}, configurable: true });
    }
    Object.defineProperty(globalThis.navigator, 'gpu', { value: gpu, configurable: true });
    await import('@tensorflow/tfjs-backend-webgpu');
    return null;
  },
  async wasm() {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    const dist = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'));
    wasm.setWasmPaths(`${dist}/`);
    // One thread under Node: tfjs 4.22's threaded build starts its threads from blob: URLs, which
    // worker_threads cannot load.
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    return null;
  },
  async cpu() {
    return null;
  },
};
