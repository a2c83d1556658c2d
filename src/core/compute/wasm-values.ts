/**
 * A float32 tensor's values as a read-only view into the WASM backend's memory,
 * without a copy or a device sync. tfjs only: no DOM.
 */
import * as tf from '@tensorflow/tfjs';

interface WasmBackendInternals {
  dataIdMap: { get(dataId: object): { memoryOffset: number | null } | undefined };
  wasm: { HEAPF32: Float32Array };
}

/**
 * The view, or null (another backend, or tfjs internals other than 4.22's). Take it
 * afresh each time and use it before tfjs allocates again: the module's memory can
 * grow (and move) whenever it does. Never write through it: tensors are immutable to
 * tfjs (XNNPACK keeps packed copies of matrix operands by tensor).
 */
export function wasmValues(t: tf.Tensor): Float32Array | null {
  if (t.dtype !== 'float32' || tf.getBackend() !== 'wasm') return null;
  const backend = tf.backend() as unknown as Partial<WasmBackendInternals>;
  const entry = backend.dataIdMap?.get?.(t.dataId);
  const heap = backend.wasm?.HEAPF32;
  if (!entry || entry.memoryOffset === null || !heap) return null;
  return new Float32Array(heap.buffer, entry.memoryOffset, t.size);
}

/** The values to read on a CPU backend: the WASM view, or dataSync elsewhere. */
export function hostValues(t: tf.Tensor): Float32Array {
  return wasmValues(t) ?? (t.dataSync() as Float32Array);
}

/**
 * A float32 tensor made from values the caller will overwrite: the WASM backend
 * copies on upload, the others keep the array they are given, so they get a copy.
 */
export function tensorFromScratch(values: Float32Array, shape: number[]): tf.Tensor {
  return tf.tensor(tf.getBackend() === 'wasm' ? values : values.slice(), shape, 'float32');
}
