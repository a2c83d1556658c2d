/**
 * Writes a synthetic AwA2 text release (Animals_with_Attributes2/) into a folder:
 * the REAL class side from ../shared/awa2 (classes, predicates, both predicate
 * matrices, the proposed split) plus the standard split's class lists, and image
 * features synthesised from the real continuous attributes (z-scored, as the app
 * reads them) in the real feature/label/filename formats. For evidence tests and
 * scripts/bench-methods.ts. Node only (fs); never imported by src/.
 */
import { closeSync, copyFileSync, mkdirSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import { zscoreColumns } from '../../../src/core/data/semantic.ts';
import { synthesiseFeatures, type SynthesisOptions } from '../../../src/core/data/synthetic-features.ts';

export const SHARED_AWA2 = path.resolve(import.meta.dirname, '../../../../shared/awa2');

/** The standard split's unseen classes (../shared/awa2/README.md). */
export const SS_TEST_CLASSES = ['chimpanzee', 'giant+panda', 'leopard', 'persian+cat', 'pig', 'hippopotamus', 'humpback+whale', 'raccoon', 'rat', 'seal'];

const COPIED = ['classes.txt', 'predicates.txt', 'predicate-matrix-continuous.txt', 'predicate-matrix-binary.txt', 'trainvalclasses-proposed.txt', 'testclasses-proposed.txt'];

export interface RealClassSide {
  classNames: string[];
  attributeNames: string[];
  /** The continuous matrix as printed (50 × 85, row-major, -1 = missing). */
  continuous: Float32Array;
}

const indexedNames = (text: string) =>
  text.split('\n').map((l) => l.trim()).filter(Boolean).map((l) => l.split(/\s+/)[1]!);

export function readRealClassSide(dir = SHARED_AWA2): RealClassSide {
  const read = (name: string) => readFileSync(path.join(dir, name), 'utf8');
  const classNames = indexedNames(read('classes.txt'));
  const attributeNames = indexedNames(read('predicates.txt'));
  const continuous = Float32Array.from(read('predicate-matrix-continuous.txt').trim().split(/\s+/), Number);
  if (continuous.length !== classNames.length * attributeNames.length) {
    throw new Error(`predicate-matrix-continuous.txt has ${continuous.length} values; expected ${classNames.length}×${attributeNames.length}.`);
  }
  return { classNames, attributeNames, continuous };
}

export interface ReleaseOptions extends Omit<SynthesisOptions, 'classAttributes' | 'numClasses' | 'numAttributes' | 'seed'> {
  seed: number;
  /** Decimals written per feature value (the real file has about 6 characters a value). */
  decimals?: number;
  onProgress?: (fraction: number) => void;
}

export interface WrittenRelease {
  /** The Animals_with_Attributes2 folder. */
  root: string;
  images: number;
  featureDim: number;
  /** Images per class, in classes.txt order. */
  counts: number[];
  featureBytes: number;
}

/**
 * Writes the release under `dir`/Animals_with_Attributes2. Rows are ordered by
 * class folder name, as in the real release; labels are 1-based classes.txt indices.
 */
export function writeAwa2Release(dir: string, options: ReleaseOptions): WrittenRelease {
  const side = readRealClassSide();
  const numClasses = side.classNames.length;
  const numAttributes = side.attributeNames.length;
  const { seed, decimals = 6, onProgress, ...synthesis } = options;
  const { features, labels } = synthesiseFeatures({
    ...synthesis,
    classAttributes: zscoreColumns(side.continuous, numClasses, numAttributes),
    numClasses,
    numAttributes,
    seed,
  });
  const d = options.featureDim;
  const counts = Array.from({ length: numClasses }, () => 0);
  const firstRow = Array.from({ length: numClasses }, () => -1);
  labels.forEach((c, i) => {
    counts[c]!++;
    if (firstRow[c] === -1) firstRow[c] = i;
  });

  const root = path.join(dir, 'Animals_with_Attributes2');
  const featureDir = path.join(root, 'Features', 'ResNet101');
  mkdirSync(featureDir, { recursive: true });
  for (const name of COPIED) copyFileSync(path.join(SHARED_AWA2, name), path.join(root, name));
  const unseenSs = new Set(SS_TEST_CLASSES);
  writeFileSync(path.join(root, 'trainclasses.txt'), side.classNames.filter((n) => !unseenSs.has(n)).join('\n') + '\n');
  writeFileSync(path.join(root, 'testclasses.txt'), SS_TEST_CLASSES.join('\n') + '\n');

  const byFolder = side.classNames.map((_, c) => c).sort((a, b) => (side.classNames[a]! < side.classNames[b]! ? -1 : 1));
  const labelLines: string[] = [];
  const nameLines: string[] = [];
  const fd = openSync(path.join(featureDir, 'AwA2-features.txt'), 'w');
  let featureBytes = 0;
  let written = 0;
  try {
    for (const c of byFolder) {
      for (let k = 0; k < counts[c]!; k++) {
        labelLines.push(String(c + 1));
        nameLines.push(`${side.classNames[c]}_${10001 + k}.jpg`);
      }
      // A block of rows per write keeps memory flat at AwA2's size (≈ 700 MB of text).
      for (let start = 0; start < counts[c]!; start += 256) {
        const end = Math.min(counts[c]!, start + 256);
        const lines: string[] = [];
        for (let k = start; k < end; k++) {
          const row = features.subarray((firstRow[c]! + k) * d, (firstRow[c]! + k + 1) * d);
          lines.push(Array.from(row, (v) => (v === 0 ? '0' : v.toFixed(decimals))).join(' '));
        }
        featureBytes += writeSync(fd, lines.join('\n') + '\n');
        written += end - start;
        onProgress?.(written / labels.length);
      }
    }
  } finally {
    closeSync(fd);
  }
  writeFileSync(path.join(featureDir, 'AwA2-labels.txt'), labelLines.join('\n') + '\n');
  writeFileSync(path.join(featureDir, 'AwA2-filenames.txt'), nameLines.join('\n') + '\n');
  return { root, images: labels.length, featureDim: d, counts, featureBytes };
}
