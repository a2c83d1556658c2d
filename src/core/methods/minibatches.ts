/**
 * What every minibatch trainer shares: a training order reshuffled each epoch
 * and handed out a batch at a time, and a loss averaged over a whole subset in
 * chunks with a single read-back. tfjs only: no DOM.
 */
import * as tf from '@tensorflow/tfjs';
import { shuffled, type Rng } from '../compute/rng.ts';
import type { LabelledSubset } from '../data/training-view.ts';

export class BatchOrder {
  private order: Int32Array = new Int32Array(0);
  private cursor = 0;

  constructor(
    private readonly size: number,
    private readonly batchSize: number,
    private readonly rng: Rng,
  ) {}

  get stepsPerEpoch(): number {
    return Math.ceil(this.size / this.batchSize);
  }

  /** A new random order for the next epoch (draws from the trainer's Rng, so runs replay). */
  reshuffle(): void {
    this.order = shuffled(Int32Array.from({ length: this.size }, (_, i) => i), this.rng);
    this.cursor = 0;
  }

  /** The next batch's row indices. */
  nextRows(): Int32Array {
    const batch = this.order.subarray(this.cursor, this.cursor + this.batchSize);
    this.cursor += this.batchSize;
    return batch;
  }

  /** The next batch's row indices as an int32 tensor (the caller disposes it). */
  next(): tf.Tensor1D {
    return tf.tensor1d(this.nextRows(), 'int32');
  }
}

const CPU_BACKENDS = new Set(['wasm', 'cpu']);

/**
 * The training rows, and each step's batch of them, taken before the loss is
 * recorded for its gradient: a gather on the gradient tape keeps a copy of its
 * input for the backward pass, and on WASM that copy is the whole feature matrix
 * (192 MB at AwA2's size) every step. On the CPU backends a batch is copied out
 * of the JavaScript arrays and uploaded (512 KB at AwA2's size); on GPU backends
 * the rows go to the device once and batches are gathered there.
 */
export class TrainingBatches {
  private device: { features: tf.Tensor2D; labels: tf.Tensor1D } | null = null;

  constructor(
    private readonly features: Float32Array,
    private readonly labels: Int32Array,
    private readonly cols: number,
  ) {}

  /** The rows' features and labels (the caller disposes both). */
  batch(rows: Int32Array): { x: tf.Tensor2D; labels: tf.Tensor1D } {
    if (CPU_BACKENDS.has(tf.getBackend())) {
      const d = this.cols;
      const x = new Float32Array(rows.length * d);
      const y = new Int32Array(rows.length);
      rows.forEach((row, i) => {
        x.set(this.features.subarray(row * d, (row + 1) * d), i * d);
        y[i] = this.labels[row]!;
      });
      return { x: tf.tensor2d(x, [rows.length, d]), labels: tf.tensor1d(y, 'int32') };
    }
    this.device ??= {
      features: tf.tensor2d(this.features, [this.labels.length, this.cols]),
      labels: tf.tensor1d(this.labels, 'int32'),
    };
    const { features, labels } = this.device;
    return tf.tidy(() => {
      const index = tf.tensor1d(rows, 'int32');
      return { x: tf.gather(features, index) as tf.Tensor2D, labels: tf.gather(labels, index) as tf.Tensor1D };
    });
  }

  dispose(): void {
    if (this.device) tf.dispose([this.device.features, this.device.labels]);
    this.device = null;
  }
}

/** The size-weighted mean of `loss(features, labels)` over a subset, computed in chunks and read back once. */
export async function meanLoss(
  subset: LabelledSubset,
  featureDim: number,
  loss: (x: tf.Tensor2D, labels: tf.Tensor1D) => tf.Scalar,
  chunk = 1024,
): Promise<number> {
  if (subset.size === 0) return NaN;
  const parts: tf.Scalar[] = [];
  for (let start = 0; start < subset.size; start += chunk) {
    const rows = Math.min(chunk, subset.size - start);
    parts.push(
      tf.tidy(() => {
        const x = tf.tensor2d(subset.features.subarray(start * featureDim, (start + rows) * featureDim), [rows, featureDim]);
        const y = tf.tensor1d(subset.labels.subarray(start, start + rows), 'int32');
        return tf.mul(loss(x, y), rows) as tf.Scalar;
      }),
    );
  }
  const total = tf.addN(parts);
  const value = (await total.data())[0]!;
  tf.dispose([...parts, total]);
  return value / subset.size;
}
