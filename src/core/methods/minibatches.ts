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

  /** The next batch's row indices as an int32 tensor (the caller disposes it). */
  next(): tf.Tensor1D {
    const batch = this.order.subarray(this.cursor, this.cursor + this.batchSize);
    this.cursor += this.batchSize;
    return tf.tensor1d(batch, 'int32');
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
