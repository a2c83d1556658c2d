/**
 * Bench-only Web Worker: times the app's own trainers (src/core RUNNERS) at AwA2
 * shapes on each tfjs backend, in the browser, with the backends registered
 * exactly as the app's worker (src/worker/worker.ts) registers them. The app's
 * worker protocol has no request for a synthetic AwA2-sized dataset, so this
 * worker builds the TrainingView itself, like scripts/bench-train.ts does in Node.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import { selectBackend } from '../src/core/compute/backend.ts';
import { defaultParams } from '../src/core/methods/catalog.ts';
import { RUNNERS } from '../src/core/methods/registry.ts';
import { browserProbes } from '../src/worker/probes.ts';
import { AWA2_SHAPE, awa2ShapedView } from './awa2-shaped-view.ts';
import type { BenchEvent, BenchRequest, BenchRow } from './protocol.ts';
import { configureWasm, wasmThreadsInUse } from '../src/worker/wasm-threads.ts';

// As in the app's worker: the threaded build when the page is cross-origin isolated; files from public/wasm/.
configureWasm(`${import.meta.env.BASE_URL}wasm/`);

const { images: N, featureDim: D, attributes: A, seenClasses: Z } = AWA2_SHAPE;

const scope = self as unknown as DedicatedWorkerGlobalScope;
const post = (event: BenchEvent) => scope.postMessage(event);
const log = (text: string) => post({ kind: 'log', text });

function jsHeap(): number | null {
  const memory = (performance as Performance & { memory?: { usedJSHeapSize: number } }).memory;
  return memory ? memory.usedJSHeapSize : null;
}

function gpuBytes(): number | null {
  const info = tf.memory() as tf.MemoryInfo & { numBytesInGPU?: number };
  return typeof info.numBytesInGPU === 'number' ? info.numBytesInGPU : null;
}

async function run(request: BenchRequest): Promise<void> {
  const started = performance.now();
  const view = awa2ShapedView();
  log(`AwA2-shaped view ${N} × ${D}, ${A} attributes, ${Z} seen classes generated in ${((performance.now() - started) / 1000).toFixed(1)} s; performance.memory in this worker: ${jsHeap() === null ? 'not exposed' : 'exposed'}`);
  for (const backend of request.backends) {
    const selected = await selectBackend(backend, browserProbes).catch((e: unknown) => ({ name: null, notes: [String(e)] }));
    if (selected.name !== backend) {
      post({ kind: 'skip', backend, reason: selected.notes.join(' ') || `fell back to ${selected.name}` });
      continue;
    }
    if (backend === 'wasm') log(`wasm: ${wasmThreadsInUse()} threads (page cross-origin isolated: ${crossOriginIsolated})`);
    // WebGPU reports failed commands as uncaptured errors, not exceptions: count them, or a failing step would look fast.
    const gpu = { errors: 0, first: null as string | null };
    const device = backend === 'webgpu' ? (tf.backend() as unknown as { device?: GPUDevice }).device : undefined;
    if (device) {
      device.addEventListener('uncapturederror', (event) => {
        gpu.errors++;
        gpu.first ??= (event as GPUUncapturedErrorEvent).error.message.split('\n')[0] ?? '';
      });
      log(`webgpu device limits: maxStorageBufferBindingSize ${device.limits.maxStorageBufferBindingSize}, maxBufferSize ${device.limits.maxBufferSize} (features: ${N * D * 4} bytes)`);
    }
    for (const method of request.methods) {
      gpu.errors = 0;
      gpu.first = null;
      const runner = RUNNERS[method];
      if (runner.family !== 'trained') continue;
      try {
        const params = defaultParams(method);
        const setupStart = performance.now();
        const trainer = runner.createTrainer(view, params, 1);
        trainer.beginEpoch(1);
        const afterSetup = tf.memory();
        const setupMs = performance.now() - setupStart;
        const peak = { tensors: afterSetup.numTensors, bytes: afterSetup.numBytes, gpu: gpuBytes(), heap: jsHeap() };
        const sample = () => {
          const m = tf.memory();
          peak.tensors = Math.max(peak.tensors, m.numTensors);
          peak.bytes = Math.max(peak.bytes, m.numBytes);
          const g = gpuBytes();
          if (g !== null) peak.gpu = Math.max(peak.gpu ?? 0, g);
          const h = jsHeap();
          if (h !== null) peak.heap = Math.max(peak.heap ?? 0, h);
        };
        let meanLoss = NaN;
        const steps = async (count: number) => {
          const losses: tf.Scalar[] = [];
          for (let s = 0; s < count; s++) {
            losses.push(trainer.step());
            sample();
          }
          const values = (await tf.stack(losses).data()) as Float32Array; // waits for the device; the loop itself reads nothing back
          meanLoss = values.reduce((a, b) => a + b, 0) / values.length;
          sample();
          tf.dispose(losses);
        };
        const warmStart = performance.now();
        await steps(request.warmup);
        const warmupMs = performance.now() - warmStart;
        const timedStart = performance.now();
        await steps(request.steps);
        const stepMs = (performance.now() - timedStart) / request.steps;
        const row: BenchRow = {
          backend,
          method,
          batch: Number(params.batchSize),
          stepsPerEpoch: trainer.stepsPerEpoch,
          setupMs,
          warmupMs,
          stepMs,
          epochS: (stepMs * trainer.stepsPerEpoch) / 1000,
          tensorsAfterSetup: afterSetup.numTensors,
          bytesAfterSetup: afterSetup.numBytes,
          peakTensors: peak.tensors,
          peakBytes: peak.bytes,
          peakBytesInGpu: peak.gpu,
          peakJsHeap: peak.heap,
          meanLoss,
          gpuErrors: device ? gpu.errors : null,
          firstGpuError: gpu.first,
        };
        trainer.dispose();
        trainer.model.dispose();
        post({ kind: 'row', row });
      } catch (e) {
        post({ kind: 'error', backend, method, message: e instanceof Error ? e.message : String(e) });
      }
    }
  }
  post({ kind: 'done' });
}

scope.onmessage = (event: MessageEvent<BenchRequest>) => {
  run(event.data).catch((e: unknown) => {
    post({ kind: 'error', backend: event.data.backends[0] ?? 'cpu', method: null, message: String(e) });
    post({ kind: 'done' });
  });
};
