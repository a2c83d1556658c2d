/**
 * A conditional VAE over image features (the generator of the generative method):
 * encoder(x, a) → μ, log σ²; decoder(z, a) → x̂. Features are divided by a
 * per-dimension scale (the training maximum) so they lie in [0, 1]; the decoder
 * ends in a sigmoid and is trained with binary cross-entropy on those scaled
 * features ('bce', as f-VAEGAN / TF-VAEGAN do), or ends in a ReLU with a sum of
 * squared errors ('sse'). Both outputs are non-negative, like pooled CNN features.
 * One hidden layer per side with LeakyReLU(0.2), seeded PyTorch-style init.
 * tfjs only: no DOM, no dataset.
 */
import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../compute/rng.ts';
import { applyDense, createDense, disposeDense, type Dense } from './dense.ts';

export type Reconstruction = 'bce' | 'sse';

export interface CvaeShape {
  featureDim: number;
  numAttributes: number;
  latentDim: number;
  hiddenUnits: number;
  reconstruction: Reconstruction;
}

export interface CvaeLoss {
  /** Reconstruction + β·KL, mean over the batch; per-sample terms are sums over dimensions. */
  total: tf.Scalar;
  reconstruction: tf.Scalar;
  kl: tf.Scalar;
}

export class Cvae {
  readonly encoder: [Dense, Dense];
  readonly decoder: [Dense, Dense];

  constructor(
    readonly shape: CvaeShape,
    rng: Rng,
  ) {
    const { featureDim: d, numAttributes: a, latentDim: k, hiddenUnits: h } = shape;
    this.encoder = [createDense(d + a, h, rng, 'cvae_enc_hidden'), createDense(h, 2 * k, rng, 'cvae_enc_out')];
    this.decoder = [createDense(k + a, h, rng, 'cvae_dec_hidden'), createDense(h, d, rng, 'cvae_dec_out')];
  }

  get variables(): tf.Variable[] {
    return [...this.encoder, ...this.decoder].flatMap((l) => [l.kernel, l.bias]);
  }

  encode(x: tf.Tensor2D, a: tf.Tensor2D): { mu: tf.Tensor2D; logVar: tf.Tensor2D } {
    return tf.tidy(() => {
      const h = tf.leakyRelu(applyDense(this.encoder[0], tf.concat([x, a], 1)), 0.2);
      const out = applyDense(this.encoder[1], h);
      const [mu, logVar] = tf.split(out, 2, 1) as [tf.Tensor2D, tf.Tensor2D];
      // Bounded log-variance keeps exp() finite early in training.
      return { mu, logVar: tf.clipByValue(logVar, -10, 10) };
    });
  }

  /** Pre-activation decoder output (logits for 'bce'). */
  decodeRaw(z: tf.Tensor2D, a: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => applyDense(this.decoder[1], tf.leakyRelu(applyDense(this.decoder[0], tf.concat([z, a], 1)), 0.2)));
  }

  /** Scaled features x̂ (non-negative; in [0, 1] for 'bce'). */
  decode(z: tf.Tensor2D, a: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => {
      const raw = this.decodeRaw(z, a);
      return this.shape.reconstruction === 'bce' ? tf.sigmoid(raw) : tf.relu(raw);
    });
  }

  /**
   * The CVAE loss of a batch of scaled features; `noiseSeed` seeds the
   * reparameterisation. `attributeNoise` (an absolute standard deviation, with
   * its own seed) perturbs the attributes the decoder is conditioned on: see
   * CvaeConfig.attributeNoise for why.
   */
  loss(x: tf.Tensor2D, a: tf.Tensor2D, beta: number, noiseSeed: number, attributeNoise?: { std: number; seed: number }): CvaeLoss {
    return tf.tidy(() => {
      const { mu, logVar } = this.encode(x, a);
      const eps = tf.randomNormal(mu.shape, 0, 1, 'float32', noiseSeed);
      const z = tf.add(mu, tf.mul(tf.exp(tf.mul(logVar, 0.5)), eps)) as tf.Tensor2D;
      // Only the decoder's condition is perturbed: the decoder is what generates from unseen attributes.
      const condition = attributeNoise && attributeNoise.std > 0 ? (tf.add(a, tf.randomNormal(a.shape, 0, attributeNoise.std, 'float32', attributeNoise.seed)) as tf.Tensor2D) : a;
      const raw = this.decodeRaw(z, condition);
      // BCE from logits, stably: softplus(l) − x·l.
      const perDim = this.shape.reconstruction === 'bce' ? tf.sub(tf.softplus(raw), tf.mul(x, raw)) : tf.square(tf.sub(tf.relu(raw), x));
      const reconstruction = tf.mean(tf.sum(perDim, 1)) as tf.Scalar;
      const kl = tf.mean(tf.mul(tf.sum(tf.sub(tf.add(tf.square(mu), tf.exp(logVar)), tf.add(logVar, 1)), 1), 0.5)) as tf.Scalar;
      const total = tf.add(reconstruction, tf.mul(kl, beta)) as tf.Scalar;
      return { total, reconstruction, kl };
    });
  }

  /**
   * `perClass` scaled synthetic features for each attribute row, decoded from
   * z ~ N(0, I) (seeded): (rows·perClass) × D, class-major. The decoder's mean is
   * used as is: adding its residual noise made demo GZSL worse (the tight clouds
   * hedge against the error in where the unseen class means are placed).
   */
  generate(attributes: tf.Tensor2D, perClass: number, noiseSeed: number): tf.Tensor2D {
    return tf.tidy(() => {
      const rows = attributes.shape[0];
      const index = tf.tensor1d(Int32Array.from({ length: rows * perClass }, (_, i) => Math.floor(i / perClass)), 'int32');
      const z = tf.randomNormal([rows * perClass, this.shape.latentDim], 0, 1, 'float32', noiseSeed) as tf.Tensor2D;
      return this.decode(z, tf.gather(attributes, index));
    });
  }

  dispose(): void {
    for (const layer of [...this.encoder, ...this.decoder]) disposeDense(layer);
  }
}

/** Per-dimension maximum of row-major features; dimensions that are never positive get 1. */
export function featureScale(features: Float32Array, featureDim: number): Float32Array {
  const scale = new Float32Array(featureDim);
  for (let i = 0; i < features.length; i += featureDim) {
    for (let j = 0; j < featureDim; j++) if (features[i + j]! > scale[j]!) scale[j] = features[i + j]!;
  }
  for (let j = 0; j < featureDim; j++) if (!(scale[j]! > 1e-6)) scale[j] = 1;
  return scale;
}
