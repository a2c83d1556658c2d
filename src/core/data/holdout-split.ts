/**
 * The one seen/unseen split rule with a held-out test-seen set, used wherever
 * the data has no test-seen images of its own: class-list splits of a release,
 * the custom split, image folders and both demos. The unseen classes' images are
 * the unseen test set; of each seen class, a shuffled fraction of its images is
 * held out as test-seen, and at least one image is always left for training.
 * Pure TypeScript: no DOM, no Node modules.
 */
import { createRng, shuffled, type Rng } from '../compute/rng.ts';
import { ZslError } from '../errors.ts';
import type { Split, ZslDataset } from './dataset.ts';

export const DEFAULT_HOLDOUT = 0.2;
/** Class-list splits shuffle with this fixed seed, so a release gives the same split on every load. */
export const HOLDOUT_SEED = 20_240_101;

export interface HoldOutOptions {
  name: string;
  description: string;
  labels: Int32Array;
  /** Kept in this order in the split (a demo lists its unseen classes as it names them). */
  seenClasses: number[];
  unseenClasses: number[];
  /** Fraction of each seen class's images held out as test-seen (default 0.2). */
  fraction?: number;
  /** The shuffle's generator (default: a fresh one seeded with HOLDOUT_SEED); a demo passes its own, continuing its stream. */
  rng?: Rng;
}

export function holdOutSplit({ name, description, seenClasses, unseenClasses, labels, fraction = DEFAULT_HOLDOUT, rng = createRng(HOLDOUT_SEED) }: HoldOutOptions): Split {
  const wanted = new Set([...seenClasses, ...unseenClasses]);
  const byClass = new Map<number, number[]>();
  for (let i = 0; i < labels.length; i++) {
    const c = labels[i]!;
    if (!wanted.has(c)) continue;
    const list = byClass.get(c);
    if (list) list.push(i);
    else byClass.set(c, [i]);
  }
  const train: number[] = [];
  const testSeen: number[] = [];
  const testUnseen: number[] = [];
  // Seen classes in ascending order, so the shuffles draw from the generator in a fixed order.
  for (const c of [...new Set(seenClasses)].sort((a, b) => a - b)) {
    const images = shuffled(byClass.get(c) ?? [], rng);
    const held = Math.max(0, Math.min(images.length - 1, Math.round(images.length * fraction)));
    for (let k = 0; k < images.length; k++) (k < held ? testSeen : train).push(images[k]!);
  }
  for (const c of new Set(unseenClasses)) for (const i of byClass.get(c) ?? []) testUnseen.push(i);
  const sort = (xs: number[]) => Int32Array.from(xs).sort();
  return {
    name,
    description,
    seenClasses: [...seenClasses],
    unseenClasses: [...unseenClasses],
    trainIndices: sort(train),
    testSeenIndices: sort(testSeen),
    testUnseenIndices: sort(testUnseen),
  };
}

/**
 * A split from seen and unseen class lists of a release that has no test-seen
 * images for it: a fixed `holdout` fraction of each seen class, seeded, is test-seen.
 */
export function splitFromClasses(
  name: string,
  title: string,
  seenClasses: number[],
  unseenClasses: number[],
  labels: Int32Array,
  holdout = DEFAULT_HOLDOUT,
): Split {
  const seen = [...new Set(seenClasses)].sort((a, b) => a - b);
  const unseen = [...new Set(unseenClasses)].sort((a, b) => a - b);
  return holdOutSplit({
    name,
    description: `${title}: ${seen.length} seen and ${unseen.length} unseen classes. The release has no test-seen images for it, so a fixed ${Math.round(holdout * 100)}% of each seen class's images (seeded, the same on every load) is held out as test-seen; GZSL figures are not comparable with published ones.`,
    seenClasses: seen,
    unseenClasses: unseen,
    labels,
    fraction: holdout,
  });
}

/** A split whose unseen classes the user picked; a fixed 20% of each seen class's images is test-seen. */
export function withCustomSplit(dataset: ZslDataset, unseenClasses: number[]): ZslDataset {
  const unseen = [...new Set(unseenClasses)].sort((a, b) => a - b);
  if (unseen.length === 0) throw new ZslError('pick at least one class to keep unseen.', { variable: 'custom split' });
  if (unseen.length >= dataset.classNames.length - 1) {
    throw new ZslError('keep at least two classes seen, so there is something to train on.', { variable: 'custom split' });
  }
  for (const c of unseen) {
    if (!Number.isInteger(c) || c < 0 || c >= dataset.classNames.length) {
      throw new ZslError(`class index ${c} is not one of the ${dataset.classNames.length} classes.`, { variable: 'custom split' });
    }
  }
  const seen = dataset.classNames.map((_, c) => c).filter((c) => !unseen.includes(c));
  const split = holdOutSplit({
    name: 'custom',
    description:
      `Custom split: ${seen.length} seen and ${unseen.length} unseen classes (${unseen.map((c) => dataset.classNames[c]).join(', ')}); ` +
      `a fixed 20% of each seen class's images is held out as test-seen.`,
    seenClasses: seen,
    unseenClasses: unseen,
    labels: dataset.labels,
  });
  return { ...dataset, splits: [...dataset.splits.filter((s) => s.name !== 'custom'), split] };
}
