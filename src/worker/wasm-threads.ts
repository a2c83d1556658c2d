/**
 * How the tfjs WASM backend starts in a browser worker: the threaded SIMD build
 * when the page is cross-origin isolated (SharedArrayBuffer), the single-thread
 * SIMD build otherwise; the .wasm files are served from the app's own origin
 * (public/wasm/). The threaded build runs XNNPACK on a pool of threads, which
 * tfjs sizes to half of navigator.hardwareConcurrency (one per physical core on
 * the usual two-way SMT), at most 8; its threads are workers started from blob:
 * URLs, which the policy allows for that reason (src/client/site-policy.ts).
 * Used by the app's worker and the bench worker. No DOM, no React.
 */
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';

/** Call before the WASM backend is first selected. */
export function configureWasm(base: string): void {
  const threaded = globalThis.crossOriginIsolated === true;
  // tfjs probes SharedArrayBuffer itself; saying so up front keeps a page that is not isolated on the single-thread build.
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', threaded);
  setWasmPaths(base);
}

/** The threads the WASM backend computes on, once it is initialised (1 for the single-thread build). */
export function wasmThreadsInUse(): number {
  try {
    const count = (tf.backend() as unknown as { wasm?: { tfjs: { getThreadsCount(): number } } }).wasm?.tfjs.getThreadsCount() ?? 1;
    return Math.max(1, count);
  } catch {
    return 1;
  }
}
