/**
 * The seed method's fused SIMD training step in a Chromium module worker: the same
 * torch (float64) fixture as the Node test, so the kernels the app trains with on
 * WASM and CPU are checked in the browser that runs them.
 */
import { expect, test } from 'vitest';
import { expectCloseToTorch, type FixtureDeviations } from '../unit/helpers/seed-step-fixture.ts';

test('the fused step in a worker matches three torch AdamW steps', async () => {
  const worker = new Worker(new URL('./fused-step-worker.ts', import.meta.url), { type: 'module' });
  const reply = await new Promise<{ deviations?: FixtureDeviations; error?: string }>((resolve) => {
    worker.onmessage = (event) => resolve(event.data);
    worker.postMessage(null);
  });
  worker.terminate();
  expect(reply.error).toBeUndefined();
  expectCloseToTorch(reply.deviations!);
});
