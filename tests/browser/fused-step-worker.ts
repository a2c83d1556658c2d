/**
 * Test worker for fused-step.test.ts: runs the seed method's fused SIMD step on the
 * torch fixture inside a module worker, as the app's worker trains on the WASM and
 * CPU backends, and reports the deviations.
 */
import * as tf from '@tensorflow/tfjs';
import { fusedAgainstTorch } from '../unit/helpers/seed-step-fixture.ts';

const scope = self as unknown as DedicatedWorkerGlobalScope;
scope.onmessage = async () => {
  try {
    await tf.setBackend('cpu');
    scope.postMessage({ deviations: fusedAgainstTorch() });
  } catch (error) {
    scope.postMessage({ error: String(error) });
  }
};
