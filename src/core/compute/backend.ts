/**
 * Picks the tfjs backend: WebGPU first, then WebGL, WASM and CPU, and says why
 * each faster one was passed over. What "available" means differs between the
 * worker and Node, so the caller injects the probes. tfjs only: no DOM.
 */
import * as tf from '@tensorflow/tfjs';
import { speedUpWasmMatMul } from './wasm-matmul.ts';
import { BACKEND_LABELS, BACKEND_ORDER, type BackendChoice, type BackendName, type SelectedBackend } from './backend-names.ts';

/** Resolves to null when the backend can be tried, or to the reason it cannot. */
export type BackendProbe = () => Promise<string | null>;

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
    let reason: string | null = probe ? await probe().catch((e: unknown) => String(e)) : 'not built into this runtime';
    if (reason === null) {
      const ok = await tf.setBackend(name).catch(() => false);
      if (ok) {
        await tf.ready();
        if (name === 'wasm') speedUpWasmMatMul();
        return { name, requested: choice, notes };
      }
      reason = 'it failed to initialise';
    }
    notes.push(`${label} unavailable: ${reason}.`);
  }
  throw new Error(`No TensorFlow.js backend could start: ${notes.join(' ')}`);
}
