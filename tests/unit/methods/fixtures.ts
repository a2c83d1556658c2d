/** Small hand-built views and float64 reference algebra for the method tests (independent of src/core/compute/linalg/). */
import { generateDemoDataset } from '../../../src/core/demos/demo-dataset.ts';
import type { ZslDataset } from '../../../src/core/data/dataset.ts';
import { createRng } from '../../../src/core/compute/rng.ts';
import { l2Rows } from '../../../src/core/data/semantic.ts';
import { makeTrainingView, type TrainingView } from '../../../src/core/data/training-view.ts';

export type Dense = number[][];

/** A random view: n images of z classes (every class present), D features, A attributes. */
export function randomView(n: number, d: number, z: number, a: number, seed = 3): TrainingView {
  const rng = createRng(seed);
  const labels = Int32Array.from({ length: n }, (_, i) => i % z);
  return {
    featureDim: d,
    numAttributes: a,
    numSeen: z,
    seenClassNames: Array.from({ length: z }, (_, i) => `class ${i}`),
    seenAttributes: Float32Array.from({ length: z * a }, () => rng.normal()),
    train: { features: Float32Array.from({ length: n * d }, () => Math.abs(rng.normal()) + 0.1), labels, size: n },
    validation: null,
  };
}

/** The demo zoo, small, with class attributes L2-normalised per class (as ESZSL's reimplementations use). */
export function smallDemo(imagesPerClass = 30, featureDim = 64): { dataset: ZslDataset; view: TrainingView } {
  const raw = generateDemoDataset({ imagesPerClass, featureDim });
  const dataset = { ...raw, classAttributes: l2Rows(raw.classAttributes, raw.classNames.length, raw.attributeNames.length) };
  return { dataset, view: makeTrainingView(dataset, dataset.splits[0]!, { validationFraction: 0.1, seed: 1 }) };
}

export const rowsOf = (values: ArrayLike<number>, rows: number, cols: number): Dense =>
  Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => values[i * cols + j]!));

export const t = (m: Dense): Dense => m[0]!.map((_, j) => m.map((row) => row[j]!));

export const mul = (a: Dense, b: Dense): Dense =>
  a.map((row) => b[0]!.map((_, j) => row.reduce((s, v, k) => s + v * b[k]![j]!, 0)));

export const plusDiagonal = (m: Dense, s: number): Dense => m.map((row, i) => row.map((v, j) => (i === j ? v + s : v)));

/** Gauss-Jordan inverse with partial pivoting. */
export function inverse(m: Dense): Dense {
  const n = m.length;
  const aug = m.map((row, i) => [...row, ...Array.from({ length: n }, (_, j) => (i === j ? 1 : 0))]);
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(aug[r]![col]!) > Math.abs(aug[pivot]![col]!)) pivot = r;
    [aug[col], aug[pivot]] = [aug[pivot]!, aug[col]!];
    const p = aug[col]![col]!;
    aug[col] = aug[col]!.map((v) => v / p);
    for (let r = 0; r < n; r++) {
      if (r === col) continue;
      const f = aug[r]![col]!;
      aug[r] = aug[r]!.map((v, c) => v - f * aug[col]![c]!);
    }
  }
  return aug.map((row) => row.slice(n));
}

export const maxRelativeDiff = (actual: ArrayLike<number>, expected: Dense): number => {
  const flat = expected.flat();
  const scale = Math.max(...flat.map(Math.abs));
  return Math.max(...flat.map((v, i) => Math.abs(actual[i]! - v))) / scale;
};
