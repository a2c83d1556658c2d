/**
 * Generated release fixtures (test-only code): a small AwA2-like dataset (6 classes ×
 * 5 attributes × 30 images × 16 dims) written in the AwA2 text layout and the xlsa17
 * layout, plus the values the parsers must recover.
 */
import { createRng } from '../../../../src/core/compute/rng.ts';
import { cellOfStrings, num, writeMat5 } from './mat5-writer.ts';
import { encode, memoryFile } from './streams.ts';
import type { SourceFile } from '../../../../src/core/io/source-file.ts';

export const CLASSES = ['antelope', 'grizzly+bear', 'killer+whale', 'beaver', 'dalmatian', 'persian+cat'];
export const ATTRIBUTES = ['black', 'white', 'blue', 'brown', 'gray'];
export const PER_CLASS = 5;
export const DIM = 16;
export const SS = { train: ['antelope', 'grizzly+bear', 'killer+whale', 'beaver'], test: ['dalmatian', 'persian+cat'] };
export const PS = { trainval: ['antelope', 'grizzly+bear', 'beaver', 'dalmatian'], test: ['killer+whale', 'persian+cat'] };

export interface Fixture {
  /** path → bytes, for the text release (under Animals_with_Attributes2/). */
  text: Record<string, Uint8Array>;
  /** path → bytes, for the xlsa17 release (under xlsa17/data/AWA2/). */
  xlsa: Record<string, Uint8Array>;
  features: Float32Array;
  featureTokens: string[];
  labels: Int32Array;
  continuous: Float32Array;
  binary: Float32Array;
  locs: { trainval: number[]; testSeen: number[]; testUnseen: number[]; train: number[]; val: number[] };
}

const pad = (i: number) => String(i).padStart(6, ' ');
const indexed = (names: string[], trailingNewline = true) => names.map((n, i) => `${pad(i + 1)}\t${n}`).join('\n') + (trailingNewline ? '\n' : '');

export function makeFixture(seed = 3): Fixture {
  const rng = createRng(seed);
  const C = CLASSES.length;
  const A = ATTRIBUTES.length;
  const N = C * PER_CLASS;
  const continuous = new Float32Array(C * A);
  for (let k = 0; k < continuous.length; k++) continuous[k] = Math.fround(Number((rng.next() * 100).toFixed(2)));
  continuous[0] = -1; // antelope × black is missing, as in the real matrix
  const mean = continuous.reduce((s, v) => s + v, 0) / continuous.length;
  const binary = continuous.map((v) => (v > mean ? 1 : 0));
  const labels = new Int32Array(N).map((_, i) => Math.floor(i / PER_CLASS));
  const featureTokens: string[] = [];
  for (let k = 0; k < N * DIM; k++) {
    const x = rng.next() * 0.9;
    featureTokens.push(k % 7 === 3 ? x.toExponential(4) : x.toFixed(6));
  }
  const features = Float32Array.from(featureTokens, (t) => Number.parseFloat(t));
  const lines: string[] = [];
  for (let i = 0; i < N; i++) lines.push(featureTokens.slice(i * DIM, (i + 1) * DIM).join(' '));
  const matrixText = (m: Float32Array, fmt: (v: number) => string, sep: string) =>
    Array.from({ length: C }, (_, r) => Array.from(m.subarray(r * A, (r + 1) * A), fmt).join(sep)).join('\n');
  const root = 'Animals_with_Attributes2/';
  const text: Record<string, Uint8Array> = {
    [`${root}classes.txt`]: encode(indexed(CLASSES)),
    [`${root}predicates.txt`]: encode(indexed(ATTRIBUTES, false)),
    [`${root}predicate-matrix-continuous.txt`]: encode(matrixText(continuous, (v) => v.toFixed(2).padStart(7, ' '), '') + '\n'),
    [`${root}predicate-matrix-binary.txt`]: encode(matrixText(binary, String, ' ')),
    [`${root}trainclasses.txt`]: encode(SS.train.join('\n') + '\n'),
    [`${root}testclasses.txt`]: encode(SS.test.join('\n') + '\n'),
    [`${root}trainvalclasses-proposed.txt`]: encode(PS.trainval.join('\n') + '\n'),
    [`${root}testclasses-proposed.txt`]: encode(PS.test.join('\n') + '\n'),
    [`${root}Features/ResNet101/AwA2-features.txt`]: encode(lines.join('\n') + '\n'),
    [`${root}Features/ResNet101/AwA2-labels.txt`]: encode(Array.from(labels, (l) => String(l + 1)).join('\n') + '\n'),
    [`${root}Features/ResNet101/AwA2-filenames.txt`]: encode(Array.from(labels, (l, i) => `${CLASSES[l]}_${10001 + i}.jpg`).join('\n') + '\n'),
  };
  // PS by location: the first image of each seen class is test-seen, the rest trainval.
  const seen = new Set(PS.trainval.map((n) => CLASSES.indexOf(n)));
  const locs = { trainval: [] as number[], testSeen: [] as number[], testUnseen: [] as number[], train: [] as number[], val: [] as number[] };
  for (let i = 0; i < N; i++) {
    if (!seen.has(labels[i]!)) locs.testUnseen.push(i + 1);
    else if (i % PER_CLASS === 0) locs.testSeen.push(i + 1);
    else locs.trainval.push(i + 1);
  }
  locs.train = [...locs.trainval.slice(0, 10), ...locs.testSeen];
  locs.val = locs.trainval.slice(10);
  // MATLAB's views: att and original_att are attributes × classes, column-major (= our row-major classes × attributes).
  const att = new Float64Array(C * A);
  for (let c = 0; c < C; c++) {
    let norm = 0;
    for (let a = 0; a < A; a++) norm += continuous[c * A + a]! ** 2;
    for (let a = 0; a < A; a++) att[c * A + a] = continuous[c * A + a]! / Math.sqrt(norm);
  }
  const col = (xs: number[]) => num('double', [xs.length, 1], xs, 'uint16');
  const attSplits = writeMat5(
    {
      allclasses_names: cellOfStrings(CLASSES, true),
      att: num('double', [A, C], att),
      original_att: num('double', [A, C], continuous),
      test_seen_loc: col(locs.testSeen),
      test_unseen_loc: col(locs.testUnseen),
      train_loc: col(locs.train),
      trainval_loc: col(locs.trainval),
      val_loc: col(locs.val),
    },
    { compress: true },
  );
  const res101 = writeMat5({
    features: num('double', [DIM, N], features),
    labels: num('double', [N, 1], Array.from(labels, (l) => l + 1), 'uint8'),
    image_files: cellOfStrings(Array.from(labels, (l, i) => `/BS/xlsa/AwA2/JPEGImages/${CLASSES[l]}/${CLASSES[l]}_${10001 + i}.jpg`)),
  });
  const xlsa = { 'xlsa17/data/AWA2/att_splits.mat': attSplits, 'xlsa17/data/AWA2/res101.mat': res101 };
  return { text, xlsa, features, featureTokens, labels, continuous, binary, locs };
}

/** SourceFiles for a path → bytes record, streamed in small chunks to exercise boundaries. */
export function sourceFiles(record: Record<string, Uint8Array>, chunkSize = 97): SourceFile[] {
  return Object.entries(record).map(([path, bytes]) => memoryFile(path, bytes, chunkSize));
}
