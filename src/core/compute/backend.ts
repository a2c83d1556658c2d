/**
 * Picks the tfjs backend: WebGPU first, then WebGL, WASM and CPU, and says why
 * each faster one was passed over. What "available" means differs between the
 * worker and Node, so the caller injects the probes. tfjs only: no DOM.
 */
import * as tf from '@tensorflow/tfjs';
import { speedUpWasmMatMul } from './wasm-matmul.ts';
import { speedUpWasmTranspose } from './wasm-transpose.ts';
import { BACKEND_LABELS, BACKEND_ORDER, type BackendChoice, type BackendName, type SelectedBackend } from './backend-names.ts';

/**
 * What a probe found: null when the backend can be tried, a reason when it
 * cannot, or `slow` when it works but on a CPU emulation of a GPU (SwiftShader,
 * lavapipe), which Automatic passes over for WASM; a backend picked by name is
 * used anyway.
 */
export type ProbeResult = null | string | { slow: string };

/** Probes are told what the user asked for, so a slow adapter can be refused only under Automatic. */
export type BackendProbe = (choice: BackendChoice) => Promise<ProbeResult>;

/** Adapter or renderer descriptions that name a CPU implementation of a GPU API. */
export const CPU_GPU_PATTERN = /swiftshader|llvmpipe|lavapipe|softpipe|software/i;

export async function selectBackend(
  choice: BackendChoice,
  probes: Partial<Record<BackendName, BackendProbe>>,
): Promise<SelectedBackend> {
  // A hand-picked backend falls back only to the slower ones after it.
  const order = choice === 'auto' ? BACKEND_ORDER : BACKEND_ORDER.slice(BACKEND_ORDER.indexOf(choice));
  const notes: string[] = [];
  for (const name of order) {
    const probe = probes[name];
    const label = BACKEND_LABELS[name];
    const found: ProbeResult = probe ? await probe(choice).catch((e: unknown) => String(e)) : 'not built into this runtime';
    if (found !== null && typeof found === 'object') {
      if (choice === 'auto') {
        notes.push(`${label} passed over: ${found.slow}; pick ${label} above to use it anyway.`);
        continue;
      }
    }
    let reason = typeof found === 'string' ? found : null;
    if (reason === null) {
      const ok = await tf.setBackend(name).catch(() => false);
      if (ok) {
        await tf.ready();
        if (name === 'wasm') {
          speedUpWasmTranspose();
          speedUpWasmMatMul();
        }
        return { name, requested: choice, notes };
      }
      reason = 'it failed to initialise';
    }
    notes.push(`${label} unavailable: ${reason}.`);
  }
  throw new Error(`No TensorFlow.js backend could start: ${notes.join(' ')}`);
}
