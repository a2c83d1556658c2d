/**
 * The WASM backend in a module worker of a cross-origin-isolated page runs the
 * threaded SIMD build on several threads (tfjs's pool: half the logical CPUs, at
 * most 8; the worker is told there are 8, so the pool has 4 on any test machine),
 * and still computes right.
 */
import { expect, test } from 'vitest';

function run(cpus?: number): Promise<Record<string, unknown>> {
  const worker = new Worker(new URL('./wasm-threads-worker.ts', import.meta.url), { type: 'module' });
  return new Promise<Record<string, unknown>>((resolve) => {
    worker.onmessage = (event) => {
      worker.terminate();
      resolve(event.data as Record<string, unknown>);
    };
    worker.postMessage(cpus ? { cpus } : {});
  });
}

test('a module worker in an isolated page computes on several WASM threads', async () => {
  const result = await run(8);
  expect(result.error).toBeUndefined();
  expect(result).toMatchObject({ backend: 'wasm', isolated: true, threads: 4, binaries: ['tfjs-backend-wasm-threaded-simd.wasm'] });
  // pthreadpool runs on the calling thread plus threads - 1 pthread workers.
  expect(result.pthreads).toBe(3);
  expect(result.first as number).toBeCloseTo(result.expected as number, 3);
});
