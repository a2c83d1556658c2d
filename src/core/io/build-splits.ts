/**
 * Building the benchmark splits from what the release provides: the proposed split
 * (PS) from att_splits.mat's trainval_loc / test_seen_loc / test_unseen_loc, or from
 * class lists (PS lists or the standard split's trainclasses/testclasses) with the
 * hold-out of seen images as test-seen (data/holdout-split.ts). Never from train_loc/val_loc.
 * Only labels are needed, so inspect can use it without parsing features.
 * Pure TypeScript: no DOM, no Node modules.
 */
import type { Split } from '../data/dataset.ts';
import { ZslError } from '../errors.ts';

/** Why train_loc / val_loc are refused, as one sentence for the user. */
export const TRAIN_LOC_REFUSAL =
  'train_loc and val_loc cannot be used to train a GZSL model: they overlap test_seen_loc, so seen-class test images would be trained on and GZSL "s" and H would be inflated; use trainval_loc.';

/** Locations are 0-based image indices already checked to be < numImages. */
export function splitFromLocations(
  locs: { trainval: Int32Array; testSeen: Int32Array; testUnseen: Int32Array },
  labels: Int32Array,
  classNames: string[],
  file: string,
): Split {
  const seen = classesOf(locs.trainval, labels);
  const unseen = classesOf(locs.testUnseen, labels);
  for (const c of unseen) {
    if (seen.has(c)) {
      throw new ZslError(
        `class "${classNames[c]}" has images in both trainval_loc and test_unseen_loc; the image order of the features does not match this att_splits.mat (expected the xlsa17 AWA2 order, 1-based indices into the feature rows).`,
        { file, variable: 'test_unseen_loc' },
      );
    }
  }
  for (const c of classesOf(locs.testSeen, labels)) {
    if (!seen.has(c)) {
      throw new ZslError(
        `test_seen_loc has images of class "${classNames[c]}", which has no trainval_loc images; expected test-seen images of seen classes only (the image order may not match).`,
        { file, variable: 'test_seen_loc' },
      );
    }
  }
  return {
    name: 'ps',
    description: `Proposed split (xlsa17 att_splits.mat): ${seen.size} seen and ${unseen.size} unseen classes; trainval_loc for training, test_seen_loc and test_unseen_loc for testing.`,
    seenClasses: [...seen].sort((a, b) => a - b),
    unseenClasses: [...unseen].sort((a, b) => a - b),
    trainIndices: locs.trainval,
    testSeenIndices: locs.testSeen,
    testUnseenIndices: locs.testUnseen,
  };
}

/** Checks that two class lists do not share a class; the error names the second file's line. */
export function assertDisjoint(
  seen: number[],
  unseen: Array<{ index: number; line: number }>,
  classNames: string[],
  files: { seen: string; unseen: string },
): void {
  const set = new Set(seen);
  for (const { index, line } of unseen) {
    if (set.has(index)) {
      throw new ZslError(`the class "${classNames[index]}" is also in ${files.seen}; expected a class to be either seen or unseen.`, {
        file: files.unseen,
        line,
      });
    }
  }
}

function classesOf(indices: Int32Array, labels: Int32Array): Set<number> {
  const out = new Set<number>();
  for (const i of indices) out.add(labels[i]!);
  return out;
}
