/**
 * Does a backbone reproduce a release's feature space? Some of the release's own
 * pictures are embedded and compared with the rows the release holds for them
 * (matched by file name: AwA2-filenames.txt or res101.mat's image_files): the
 * median and 10th-percentile cosine, under each preprocessing variant, the best
 * offered. ReLU-pooled ResNet features are all non-negative, so even pictures of
 * different animals score cosines of 0.5 to 0.8 with one another; the same
 * picture through the same network and preprocessing scores about 0.97 to 1
 * (JPEG decoders and resize filters differ a little). A median of 0.95 is the
 * line: above it the spaces agree; below it photo answers are unreliable.
 * tfjs only: no DOM.
 */
import * as tf from '@tensorflow/tfjs';
import type { BackboneModel, BackboneSpec } from './backbone.ts';
import { embedImages, preprocess } from './backbone.ts';
import { isCancelled, throwIfAborted, ZslError } from '../errors.ts';
import { describePreprocessing, preprocessingVariants, resNetSpec, type ResNetInfo, type ResNetPreprocessing } from './resnet-backbone.ts';

export const SAME_SPACE_MEDIAN = 0.95;

export interface ReleasePicture {
  /** Its file name, as the release names it ("antelope_10001.jpg"). */
  name: string;
  decode(): Promise<{ pixels: Uint8ClampedArray; width: number; height: number }>;
}

export interface VariantScore {
  preprocessing: ResNetPreprocessing;
  label: string;
  median: number;
  p10: number;
}

export interface Verification {
  /** Pictures found in the release and compared. */
  compared: number;
  /** Pictures given whose names the release does not list. */
  unmatched: number;
  /** The preprocessing in use first, then the other variants. */
  variants: VariantScore[];
  /** The variant with the highest median. */
  best: VariantScore;
  /** Whether the preprocessing in use reproduces the release. */
  same: boolean;
  /** One sentence for the user. */
  text: string;
}

/** The q-quantile of sorted values, linearly interpolated. */
export function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const at = q * (sorted.length - 1);
  const lo = Math.floor(at);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (at - lo);
}

export function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  return na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb);
}

export async function verifyAgainstRelease(
  backbone: { model: BackboneModel; info: ResNetInfo; inUse: ResNetPreprocessing; inputSize: number },
  pictures: ReleasePicture[],
  release: { names: string[]; features: Float32Array; featureDim: number },
  options: { signal?: AbortSignal; onProgress?: (fraction: number, phase: string) => void; maxPictures?: number } = {},
): Promise<Verification> {
  if (release.featureDim !== backbone.info.outputDim) {
    throw new ZslError(`The release has ${release.featureDim}-value features; the backbone gives ${backbone.info.outputDim}, so it cannot reproduce them.`);
  }
  const rowOf = new Map<string, number>();
  release.names.forEach((name, row) => rowOf.set(name, row));
  const matched = pictures.filter((p) => rowOf.has(p.name)).slice(0, options.maxPictures ?? 200);
  const unmatched = pictures.filter((p) => !rowOf.has(p.name)).length;
  if (matched.length === 0) {
    throw new ZslError(
      `None of the ${pictures.length} pictures is named in the release (${release.names.slice(0, 2).join(', ')}, …); drop pictures from its JPEGImages/<class>/ folders, keeping their names.`,
    );
  }
  const decoded = [];
  for (const [k, picture] of matched.entries()) {
    throwIfAborted(options.signal);
    try {
      decoded.push({ ...(await picture.decode()), row: rowOf.get(picture.name)! });
    } catch (error) {
      if (isCancelled(error)) throw error;
      throw new ZslError('could not be decoded; expected a JPEG, PNG or WebP picture.', { file: picture.name });
    }
    options.onProgress?.((k + 1) / matched.length / 5, 'Decoding the release pictures');
  }
  const dim = release.featureDim;
  const variants = [backbone.inUse, ...preprocessingVariants(backbone.info.layout).filter((v) => v.scaling !== backbone.inUse.scaling || v.resize !== backbone.inUse.resize)];
  const scores: VariantScore[] = [];
  for (const [v, preprocessing] of variants.entries()) {
    const spec: BackboneSpec = resNetSpec(backbone.info, preprocessing, backbone.inputSize);
    const cosines: number[] = [];
    for (const [k, picture] of decoded.entries()) {
      throwIfAborted(options.signal);
      const out = tf.tidy(() => embedImages(backbone.model, preprocess(picture.pixels, picture.width, picture.height, spec)));
      const feature = await out.data();
      out.dispose();
      cosines.push(cosine(feature, release.features.subarray(picture.row * dim, (picture.row + 1) * dim)));
      options.onProgress?.(0.2 + (0.8 * (v + (k + 1) / decoded.length)) / variants.length, `Embedding them: ${describePreprocessing(preprocessing)}`);
    }
    cosines.sort((a, b) => a - b);
    scores.push({ preprocessing, label: describePreprocessing(preprocessing), median: quantile(cosines, 0.5), p10: quantile(cosines, 0.1) });
  }
  return summarise(backbone.info, scores, scores[0]!.preprocessing, decoded.length, unmatched);
}


const sameVariant = (a: ResNetPreprocessing, b: ResNetPreprocessing) => a.scaling === b.scaling && a.resize === b.resize;

/** The verdict for the variant in use, from the scores of every variant (also after the user switches to another one). */
export function summarise(info: ResNetInfo, scores: VariantScore[], inUsePreprocessing: ResNetPreprocessing, compared: number, unmatched: number): Verification {
  const inUse = scores.find((s) => sameVariant(s.preprocessing, inUsePreprocessing));
  if (!inUse) throw new Error('the preprocessing in use was not measured');
  const variants = [inUse, ...scores.filter((s) => s !== inUse)];
  const best = variants.reduce((a, b) => (b.median > a.median ? b : a));
  const same = inUse.median >= SAME_SPACE_MEDIAN;
  const figure = (s: VariantScore) => `median cosine ${s.median.toFixed(2)} (10th percentile ${s.p10.toFixed(2)})`;
  const head = `${info.name} (${info.layout === 'keras' ? 'Keras' : 'torchvision'} weights, ${inUse.label}): ${figure(inUse)} on ${compared} release picture${compared === 1 ? '' : 's'}`;
  let text: string;
  if (same) text = `${head} — the same feature space.`;
  else {
    const better =
      best !== inUse && best.median >= SAME_SPACE_MEDIAN
        ? ` With ${best.label} it reaches ${figure(best)}: use that.`
        : best !== inUse
          ? ` The best variant, ${best.label}, reaches only ${figure(best)}.`
          : '';
    const sure =
      best.median >= SAME_SPACE_MEDIAN
        ? ''
        : " The sure way: re-extract the dataset's features from its pictures with this backbone (drop the image folder), so training and photos share one space.";
    text = `${head} — not the release's feature space: photo answers will be unreliable.${better}${sure}`;
  }
  return { compared, unmatched, variants, best, same, text };
}
