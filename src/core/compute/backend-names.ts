/**
 * Backend names, their order of preference and labels: no tfjs here, so the
 * page can show them without loading TensorFlow.js on the main thread.
 */

export type BackendName = 'webgpu' | 'webgl' | 'wasm' | 'cpu';
export type BackendChoice = BackendName | 'auto';

/** Fastest first: the automatic choice tries them in this order, and a backend lost mid-session gives way to the next. */
export const BACKEND_ORDER: readonly BackendName[] = ['webgpu', 'webgl', 'wasm', 'cpu'];

/** The backend to move to when `name` stops working: the next in BACKEND_ORDER (CPU, the last, stays). */
export function nextBackend(name: BackendName): BackendName {
  return BACKEND_ORDER[Math.min(BACKEND_ORDER.length - 1, BACKEND_ORDER.indexOf(name) + 1)]!;
}

/** Whether a value from a link, kept settings or the command line names a backend choice. */
export function isBackendChoice(value: unknown): value is BackendChoice {
  return value === 'auto' || BACKEND_ORDER.includes(value as BackendName);
}

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
