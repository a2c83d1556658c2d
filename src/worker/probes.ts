/**
 * What each backend needs from a browser worker, checked before tfjs is asked
 * to start it, so the user reads a reason ("no adapter") instead of a crash.
 * Browser-only (navigator.gpu, OffscreenCanvas); no React.
 */
import type { BackendProbe } from '../core/compute/backend.ts';
import type { BackendName } from './protocol.ts';

export const browserProbes: Record<BackendName, BackendProbe> = {
  async webgpu() {
    const gpu = (navigator as Navigator & { gpu?: GPU }).gpu;
    if (!gpu) return 'this browser does not offer WebGPU (no navigator.gpu)';
    const adapter = await gpu.requestAdapter();
    return adapter ? null : 'no adapter';
  },
  async webgl() {
    if (typeof OffscreenCanvas === 'undefined') return 'no OffscreenCanvas in this worker';
    const canvas = new OffscreenCanvas(1, 1);
    return canvas.getContext('webgl2') || canvas.getContext('webgl') ? null : 'no WebGL context';
  },
  async wasm() {
    return typeof WebAssembly === 'object' ? null : 'no WebAssembly';
  },
  async cpu() {
    return null;
  },
};
