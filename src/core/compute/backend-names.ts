/**
 * Backend names, their order of preference and labels: no tfjs here, so the
 * page can show them without loading TensorFlow.js on the main thread.
 */

export type BackendName = 'webgpu' | 'webgl' | 'wasm' | 'cpu';
export type BackendChoice = BackendName | 'auto';

export const BACKEND_ORDER: BackendName[] = ['webgpu', 'webgl', 'wasm', 'cpu'];

export const BACKEND_LABELS: Record<BackendName, string> = {
  webgpu: 'WebGPU',
  webgl: 'WebGL',
  wasm: 'WASM',
  cpu: 'CPU',
};

/** The backend in use, and why faster ones were passed over (e.g. "WebGPU unavailable: no adapter."). */
export interface SelectedBackend {
  name: BackendName;
  requested: BackendChoice;
  notes: string[];
}
