/**
 * A faster matrix product for the tfjs WASM backend. Its BatchMatMul kernel is
 * fast (XNNPACK) only when neither operand is transposed; with transposeA or
 * transposeB it falls back to a plain loop that is 10–60× slower. Every backward
 * pass of a dense layer asks for exactly those products (dx = dy·Wᵀ, dW = xᵀ·dy),
 * so training on WASM spent most of its time there (at AwA2 shapes: 644 ms for
 * xᵀ·dy against 22 ms with the transpose done first).
 *
 * This wraps the WASM kernel: a transposed product is rewritten as an untransposed
 * one, by transposing the smaller side explicitly with the Transpose kernel, or by
 * computing Cᵀ = op(B)ᵀ·op(A)ᵀ and transposing the (small) result, whichever moves
 * fewer values. The arithmetic is the same, so results match the original kernel
 * up to float rounding (tested). Other backends are left alone. tfjs only: no DOM.
 */
import * as tf from '@tensorflow/tfjs';

type KernelArgs = Parameters<tf.KernelFunc>[0];
type Info = tf.TensorInfo;

const PATCHED = Symbol.for('zero-shot-studio.wasm-matmul');

/** Values moved by each way of computing op(A)·op(B) without transposed operands. */
export function planTransposes(aSize: number, bSize: number, outSize: number, transposeA: boolean, transposeB: boolean): 'operands' | 'result' {
  const operands = (transposeA ? aSize : 0) + (transposeB ? bSize : 0);
  // Cᵀ = op(B)ᵀ·op(A)ᵀ: B is needed untransposed when transposeB, A when !transposeA.
  const result = (transposeB ? 0 : bSize) + (transposeA ? 0 : aSize) + outSize;
  return result < operands ? 'result' : 'operands';
}

/** Replaces the WASM BatchMatMul kernel with the wrapper above; idempotent; false when WASM is not registered. */
export function speedUpWasmMatMul(): boolean {
  const original = tf.getKernel('BatchMatMul', 'wasm');
  if (!original || !tf.getKernel('Transpose', 'wasm')) return false;
  if ((original as { [PATCHED]?: true })[PATCHED]) return true;

  const swapLastTwo = (rank: number) => [...Array.from({ length: rank - 2 }, (_, i) => i), rank - 1, rank - 2];
  // Looked up at each call: whichever Transpose kernel is registered then (compute/wasm-transpose.ts's, once installed).
  const transpose = (x: Info, backend: KernelArgs['backend']) =>
    tf.getKernel('Transpose', 'wasm')!.kernelFunc({ inputs: { x }, backend, attrs: { perm: swapLastTwo(x.shape.length) } }) as Info;
  const product = (a: Info, b: Info, backend: KernelArgs['backend'], attrs: KernelArgs['attrs']) =>
    original.kernelFunc({ inputs: { a, b }, backend, attrs: { ...attrs, transposeA: false, transposeB: false } }) as Info;
  const size = (x: Info) => x.shape.reduce((n, d) => n * d, 1);

  const kernelFunc: tf.KernelFunc = (args) => {
    const { inputs, backend, attrs } = args;
    const { transposeA = false, transposeB = false } = (attrs ?? {}) as { transposeA?: boolean; transposeB?: boolean };
    if (!transposeA && !transposeB) return original.kernelFunc(args);
    const a = inputs.a as Info;
    const b = inputs.b as Info;
    const temporary: Info[] = [];
    const keep = (x: Info) => (temporary.push(x), x);
    const rows = a.shape[a.shape.length - (transposeA ? 1 : 2)]!;
    const cols = b.shape[b.shape.length - (transposeB ? 2 : 1)]!;
    const batch = Math.max(size(a) / (a.shape.at(-1)! * a.shape.at(-2)!), size(b) / (b.shape.at(-1)! * b.shape.at(-2)!));
    let out: Info;
    if (planTransposes(size(a), size(b), batch * rows * cols, transposeA, transposeB) === 'operands') {
      out = product(transposeA ? keep(transpose(a, backend)) : a, transposeB ? keep(transpose(b, backend)) : b, backend, attrs);
    } else {
      const resultT = keep(product(transposeB ? b : keep(transpose(b, backend)), transposeA ? a : keep(transpose(a, backend)), backend, attrs));
      out = transpose(resultT, backend);
    }
    const storage = backend as unknown as { disposeData(id: object): void };
    for (const t of temporary) storage.disposeData(t.dataId);
    return out;
  };

  tf.unregisterKernel('BatchMatMul', 'wasm');
  tf.registerKernel({ ...original, kernelFunc, [PATCHED]: true } as tf.KernelConfig);
  return true;
}
