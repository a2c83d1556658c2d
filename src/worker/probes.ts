/**
 * What each backend needs from a browser worker, checked before tfjs is asked
 * to start it, so the user reads a reason ("no adapter") instead of a crash.
 * A GPU API that runs on a CPU emulation (SwiftShader, a fallback adapter) is
 * reported as slow: Automatic then prefers WASM, which is many times faster
 * there. Browser-only (navigator.gpu, OffscreenCanvas); no React.
 */
import { CPU_GPU_PATTERN, type BackendProbe } from '../core/compute/backend.ts';
import type { BackendName } from './protocol.ts';

type AdapterWithInfo = GPUAdapter & { isFallbackAdapter?: boolean; info?: GPUAdapterInfo & { isFallbackAdapter?: boolean } };

/** Why a WebGPU adapter is a CPU emulation, or null when it looks like a real GPU. */
export function cpuAdapterReason(adapter: AdapterWithInfo): string | null {
  const info = adapter.info;
  const described = [info?.vendor, info?.architecture, info?.device, info?.description].filter(Boolean).join(' ').trim();
  const named = emulationName(described);
  if (adapter.isFallbackAdapter || info?.isFallbackAdapter) return `its adapter is a CPU fallback${named ? ` (${named})` : ''}, slower here than WASM`;
  if (named) return `its adapter is a CPU emulation (${named}), slower here than WASM`;
  return null;
}

/** The emulation a description names ("SwiftShader", "llvmpipe"), as people write it; null for a real GPU. */
function emulationName(described: string): string | null {
  const match = CPU_GPU_PATTERN.exec(described)?.[0];
  if (!match) return null;
  return match.toLowerCase() === 'swiftshader' ? 'SwiftShader' : match.toLowerCase();
}

function webglRenderer(gl: WebGLRenderingContext | WebGL2RenderingContext): string {
  const debug = gl.getExtension('WEBGL_debug_renderer_info');
  return String(gl.getParameter(debug ? debug.UNMASKED_RENDERER_WEBGL : gl.RENDERER) ?? '');
}

export const browserProbes: Record<BackendName, BackendProbe> = {
  async webgpu() {
    const gpu = (navigator as Navigator & { gpu?: GPU }).gpu;
    if (!gpu) return 'this browser does not offer WebGPU (no navigator.gpu)';
    const adapter = (await gpu.requestAdapter()) as AdapterWithInfo | null;
    if (!adapter) return 'no adapter';
    const slow = cpuAdapterReason(adapter);
    return slow ? { slow } : null;
  },
  async webgl() {
    if (typeof OffscreenCanvas === 'undefined') return 'no OffscreenCanvas in this worker';
    const canvas = new OffscreenCanvas(1, 1);
    const gl = canvas.getContext('webgl2') ?? canvas.getContext('webgl');
    if (!gl) return 'no WebGL context';
    const renderer = webglRenderer(gl);
    const named = emulationName(renderer);
    return named ? { slow: `it renders on a CPU emulation (${named}), slower here than WASM` } : null;
  },
  async wasm() {
    return typeof WebAssembly === 'object' ? null : 'no WebAssembly';
  },
  async cpu() {
    return null;
  },
};
