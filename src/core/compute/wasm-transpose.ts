/**
 * A faster Transpose kernel for the tfjs WASM backend, for the case every
 * backward pass makes: swapping the last two axes of a float32 tensor. tfjs 4.22's
 * own kernel walks a generic N-d index (about 8 ns a value: 17 ms for the seed
 * method's 1024 × 2048 kernel); this one copies the values into the SIMD
 * workspace, transposes them in 4 × 4 register tiles and copies them into the
 * output (about 3 ns a value). Other permutations, other dtypes and small tensors
 * keep the original kernel. tfjs only: no DOM.
 */
import * as tf from '@tensorflow/tfjs';
import { SimdWorkspace, transposeInScratch } from './simd/simd-kernels.ts';

type Info = tf.TensorInfo;
interface WasmBackend {
  makeOutput(shape: number[], dtype: tf.DataType): Info;
  typedArrayFromHeap(info: Info): Float32Array;
}

const PATCHED = Symbol('zsl-fast-transpose');
/** Below this many values the original kernel's fixed costs are lower. */
const SMALL = 4096;

/** True when perm keeps the leading axes and swaps the last two. */
export function swapsLastTwo(perm: readonly number[]): boolean {
  const rank = perm.length;
  if (rank < 2) return false;
  for (let i = 0; i < rank - 2; i++) if (perm[i] !== i) return false;
  return perm[rank - 2] === rank - 1 && perm[rank - 1] === rank - 2;
}

/** Replaces the WASM Transpose kernel with the wrapper above; idempotent; false when WASM is not registered or SIMD is missing. */
export function speedUpWasmTranspose(): boolean {
  const original = tf.getKernel('Transpose', 'wasm');
  if (!original) return false;
  if ((original as { [PATCHED]?: true })[PATCHED]) return true;
  if (!SimdWorkspace.available()) return false; // no SIMD: tfjs's own kernel stays
  const kernelFunc: tf.KernelFunc = (args) => {
    const x = args.inputs.x as Info;
    const perm = (args.attrs as { perm: number[] }).perm;
    const size = x.shape.reduce((n, d) => n * d, 1);
    if (x.dtype !== 'float32' || size < SMALL || !swapsLastTwo(perm)) return original.kernelFunc(args);
    const rows = x.shape.at(-2)!;
    const cols = x.shape.at(-1)!;
    const backend = args.backend as unknown as WasmBackend;
    const out = backend.makeOutput([...x.shape.slice(0, -2), cols, rows], 'float32');
    // Views taken after the output is allocated (allocation can move the heap).
    const input = backend.typedArrayFromHeap(x);
    const output = backend.typedArrayFromHeap(out);
    const plane = rows * cols;
    for (let at = 0; at < size; at += plane) {
      output.set(transposeInScratch(input.subarray(at, at + plane), rows, cols)!, at);
    }
    return out;
  };
  tf.unregisterKernel('Transpose', 'wasm');
  tf.registerKernel({ ...original, kernelFunc, [PATCHED]: true } as tf.KernelConfig);
  return true;
}

/** Whether the WASM backend's Transpose kernel is this file's. */
export function fastTransposeInstalled(): boolean {
  return Boolean((tf.getKernel('Transpose', 'wasm') as { [PATCHED]?: true } | undefined)?.[PATCHED]);
}
