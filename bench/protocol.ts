/** Messages between the bench page (bench/main.ts) and the bench worker (bench/worker.ts). Bench-only. */
import type { BackendName } from '../src/core/compute/backend-names.ts';
import type { MethodName } from '../src/core/methods/catalog.ts';

export interface BenchRequest {
  backends: BackendName[];
  methods: MethodName[];
  /** Timed steps per method, after `warmup` untimed ones. */
  steps: number;
  warmup: number;
}

export interface BenchRow {
  backend: BackendName;
  method: MethodName;
  batch: number;
  stepsPerEpoch: number;
  /** Creating the trainer: uploading the 23,527 × 2,048 features, initialising weights. */
  setupMs: number;
  /** The warm-up steps together (shader compilation, first uploads). */
  warmupMs: number;
  stepMs: number;
  epochS: number;
  /** tf.memory() right after the trainer was created, and the peak sampled after every step. */
  tensorsAfterSetup: number;
  bytesAfterSetup: number;
  peakTensors: number;
  peakBytes: number;
  /** Backend-reported device memory (webgpu/webgl numBytesInGPU), peak; null where the backend has none. */
  peakBytesInGpu: number | null;
  /** performance.memory.usedJSHeapSize in the worker, peak; null where the worker does not expose it. */
  peakJsHeap: number | null;
  /** Mean loss of the timed steps: a sanity check that the device really computed (finite, not 0). */
  meanLoss: number;
  /** WebGPU only: uncaptured device errors (validation, out of memory) during this method, and the first one. */
  gpuErrors: number | null;
  firstGpuError: string | null;
}

export type BenchEvent =
  | { kind: 'log'; text: string }
  | { kind: 'row'; row: BenchRow }
  | { kind: 'skip'; backend: BackendName; reason: string }
  | { kind: 'error'; backend: BackendName; method: MethodName | null; message: string }
  | { kind: 'done' };

/** bench/parse-worker.ts: parse one File the app's way ('app') or on one thread. */
export interface ParseBenchRequest {
  file: File;
  rows: number;
  mode: 'app' | 'one-thread';
}

export interface ParseBenchResult {
  mode: ParseBenchRequest['mode'];
  ms: number;
  rows: number;
  cols: number;
  notes: string[];
  hash: string;
  shared: boolean;
  isolated: boolean;
  threads: number;
}
