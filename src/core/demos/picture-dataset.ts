/**
 * The picture demo's dataset: pictures of every combination of the picture world
 * are drawn, embedded by a backbone and returned as an ordinary ZslDataset, so
 * every method, the protocol and the UI treat it like AwA2. A split "pictures"
 * keeps some combinations unseen. Also embeds single pictures (a canvas drawing,
 * a dropped file) in the same space. tfjs only: no DOM.
 */
import * as tf from '@tensorflow/tfjs';
import { embedImages, preprocess, preprocessBatch, type BackboneModel, type BackboneSpec } from '../backbones/backbone.ts';
import { createDataset, type ZslDataset } from '../data/dataset.ts';
import { holdOutSplit } from '../data/holdout-split.ts';
import { CancelledError, ZslError } from '../errors.ts';
import {
  attributesOf,
  attributeVector,
  PICTURE_ATTRIBUTES,
  PICTURE_CLASS_NAMES,
  PICTURE_CLASSES,
  PICTURE_UNSEEN,
  pictureClassName,
  renderPicture,
  valuesMissingFromSeen,
} from './picture-world.ts';
import { createRng, shuffled } from '../compute/rng.ts';
import type { PhaseProgress } from '../progress.ts';

export const PICTURE_SPLIT = 'pictures';

export interface PictureDatasetOptions {
  model: BackboneModel;
  spec: BackboneSpec;
  seed?: number;
  /** Pictures drawn per combination (default 40). */
  imagesPerClass?: number;
  /** Combinations kept unseen (default PICTURE_UNSEEN, 24 of 120). */
  unseen?: readonly string[];
  /** Fraction of each seen combination's pictures kept as test-seen (GZSL s). */
  testSeenFraction?: number;
  /** Side of the drawn pictures before preprocessing (default the backbone's input size). */
  renderSize?: number;
  /** Pictures embedded per batch. */
  batchSize?: number;
  onProgress?: (progress: PhaseProgress) => void;
  signal?: AbortSignal;
}

export async function generatePictureDataset(options: PictureDatasetOptions): Promise<ZslDataset> {
  const { model, spec, seed = 1, imagesPerClass = 40, testSeenFraction = 0.2, batchSize = 128, signal } = options;
  const renderSize = options.renderSize ?? spec.inputSize;
  if (!Number.isInteger(imagesPerClass) || imagesPerClass < 2) {
    throw new ZslError(`expected at least 2 pictures per combination, got ${imagesPerClass}.`, { variable: 'imagesPerClass' });
  }
  const unseenNames = (options.unseen ?? PICTURE_UNSEEN).map((name) => pictureClassName(attributesOf(name)));
  const unseen = [...new Set(unseenNames)].map((name) => PICTURE_CLASS_NAMES.indexOf(name));
  // A value no seen class has (say every green class unseen) never gets a
  // feature direction learned for it: recognising it zero-shot is impossible.
  const missing = valuesMissingFromSeen(unseenNames);
  if (missing.length > 0) {
    throw new ZslError(`no seen combination is ${missing.join(', ')}; keep at least one seen so unseen ones can be recognised.`, {
      variable: 'unseen',
    });
  }
  const unseenSet = new Set(unseen);
  const seen = PICTURE_CLASSES.map((_, c) => c).filter((c) => !unseenSet.has(c));

  const rng = createRng(seed);
  const numClasses = PICTURE_CLASSES.length;
  const numSamples = numClasses * imagesPerClass;
  const features = new Float32Array(numSamples * spec.outputDim);
  const labels = new Int32Array(numSamples);
  for (let start = 0; start < numSamples; start += batchSize) {
    if (signal?.aborted) throw new CancelledError('Drawing the pictures was cancelled.');
    const end = Math.min(numSamples, start + batchSize);
    const pictures: Array<{ pixels: Uint8ClampedArray; width: number; height: number }> = [];
    for (let i = start; i < end; i++) {
      labels[i] = Math.floor(i / imagesPerClass);
      pictures.push({ pixels: renderPicture(PICTURE_CLASSES[labels[i]!]!, rng, renderSize), width: renderSize, height: renderSize });
    }
    const embedded = tf.tidy(() => embedImages(model, preprocessBatch(pictures, spec)));
    const values = await embedded.data();
    embedded.dispose();
    if (values.length !== (end - start) * spec.outputDim) {
      throw new ZslError(`the backbone gave ${values.length / (end - start)} features per picture; its spec says ${spec.outputDim}.`, {
        variable: 'backbone',
      });
    }
    features.set(values, start * spec.outputDim);
    options.onProgress?.({ phase: 'Drawing and embedding pictures', fraction: end / numSamples });
  }

  const classAttributes = new Float32Array(numClasses * PICTURE_ATTRIBUTES.length);
  PICTURE_CLASSES.forEach((c, k) => classAttributes.set(attributeVector(c), k * PICTURE_ATTRIBUTES.length));

  const split = holdOutSplit({
    name: PICTURE_SPLIT,
    description: `${seen.length} combinations drawn for training, ${unseen.length} never seen`,
    seenClasses: seen,
    unseenClasses: unseen.sort((a, b) => a - b),
    labels,
    fraction: testSeenFraction,
    rng,
  });
  return createDataset({
    id: `pictures-${seed}`,
    name: `Picture world (seed ${seed})`,
    featureDim: spec.outputDim,
    features,
    labels,
    classNames: [...PICTURE_CLASS_NAMES],
    attributeNames: [...PICTURE_ATTRIBUTES],
    classAttributes,
    splits: [split],
    featureSource: { kind: 'backbone', network: spec.featureSourceNetwork },
  });
}

/**
 * Redraws picture `index` of a picture dataset generated with this seed,
 * pictures per class and drawing size, to show it beside an answer: the
 * pictures are drawn in order from one seeded generator, so replaying the
 * draws up to it gives the very same pixels (a few milliseconds per hundred).
 */
export function redrawPicture(seed: number, imagesPerClass: number, renderSize: number, index: number): Uint8ClampedArray {
  if (!Number.isInteger(index) || index < 0 || index >= PICTURE_CLASSES.length * imagesPerClass) {
    throw new ZslError(`there is no picture ${index + 1}; the dataset has ${PICTURE_CLASSES.length * imagesPerClass}.`, { variable: 'image' });
  }
  const rng = createRng(seed);
  let pixels: Uint8ClampedArray = new Uint8ClampedArray(0);
  for (let i = 0; i <= index; i++) pixels = renderPicture(PICTURE_CLASSES[Math.floor(i / imagesPerClass)]!, rng, renderSize);
  return pixels;
}

/** One picture (a canvas drawing, a dropped photo's pixels) → its feature vector in the dataset's space. */
export async function embedPicture(
  model: BackboneModel,
  spec: BackboneSpec,
  pixels: Uint8ClampedArray,
  width: number,
  height: number,
): Promise<Float32Array> {
  const embedded = tf.tidy(() => embedImages(model, preprocess(pixels, width, height, spec)));
  const values = (await embedded.data()) as Float32Array;
  embedded.dispose();
  return values;
}
