/**
 * Test worker for wasm-threads.test.ts: starts the WASM backend as the app's worker
 * does and reports its threads, the pthread workers running and a product. The
 * page may ask it to report 8 logical CPUs first: tfjs gives the thread pool half
 * of them, so a 2-CPU test machine would otherwise get one thread and prove nothing.
 */
import * as tf from '@tensorflow/tfjs';

const scope = self as unknown as DedicatedWorkerGlobalScope;
scope.onmessage = async (event: MessageEvent<{ cpus?: number }>) => {
  try {
    if (event.data.cpus) Object.defineProperty(navigator, 'hardwareConcurrency', { value: event.data.cpus });
    const { configureWasm, wasmThreadsInUse } = await import('../../src/worker/wasm-threads.ts');
    const { selectBackend } = await import('../../src/core/compute/backend.ts');
    const { browserProbes } = await import('../../src/worker/probes.ts');
    configureWasm('/wasm/');
    const selected = await selectBackend('wasm', browserProbes);
    const a = tf.randomNormal([256, 512], 0, 1, 'float32', 1);
    const b = tf.randomNormal([512, 256], 0, 1, 'float32', 2);
    const product = await tf.matMul(a, b).data();
    const expected = await tf.sum(tf.mul(a.slice([0, 0], [1, 512]).reshape([512]), b.slice([0, 0], [512, 1]).reshape([512]))).data();
    const pthreads = (tf.backend() as unknown as { wasm: { PThread: { runningWorkers: unknown[] } } }).wasm.PThread.runningWorkers.length;
    const binaries = performance.getEntriesByType('resource').map((e) => e.name.split('/').at(-1)).filter((n) => n?.endsWith('.wasm'));
    scope.postMessage({ backend: selected.name, threads: wasmThreadsInUse(), pthreads, binaries, first: product[0], expected: expected[0], isolated: crossOriginIsolated });
  } catch (error) {
    scope.postMessage({ error: String(error) });
  }
};
