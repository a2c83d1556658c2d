// The seed method's own settings pinned to the notebook's (docs/zsl.md), its output ReLU,
// and the class semantics each protocol uses, checked against independent computations:
// numpy's z-score of the real AwA2 matrix and the real att_splits.mat's shipped `att`.
import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { protocolSemantics, resolveSemantics } from '../../../src/core/data/class-semantics.ts';
import { createDataset } from '../../../src/core/data/dataset.ts';
import { zscoreColumns } from '../../../src/core/data/semantic.ts';
import { createRng } from '../../../src/core/compute/rng.ts';
import { getVariable, readMat5 } from '../../../src/core/io/mat5.ts';
import { matToFloat32 } from '../../../src/core/io/mat5-values.ts';
import { defaultConfig, METHOD_INFO } from '../../../src/core/methods/catalog.ts';
import { createDense } from '../../../src/core/methods/dense.ts';
import { SemanticMlpModel } from '../../../src/core/methods/semantic-mlp.ts';
import { readRealClassSide, SHARED_AWA2 } from '../helpers/awa2-writer.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const reference = JSON.parse(readFileSync(new URL('./zscore-awa2-reference.json', import.meta.url), 'utf8')) as {
  rows: number[][];
  column_mean: number[];
  column_std: number[];
};

describe("the seed notebook's settings", () => {
  it('are the defaults: batch 64, AdamW 1e-4 / 9e-5, clip 5, dropout 0.3 / 0.5, 1,024 hidden units, 8 epochs', () => {
    expect(defaultConfig('semantic-mlp').params).toEqual({
      epochs: 8,
      batchSize: 64,
      learningRate: 1e-4,
      weightDecay: 9e-5,
      hiddenUnits: 1024,
      inputDropout: 0.3,
      hiddenDropout: 0.5,
      clipValue: 5,
    });
    expect(METHOD_INFO['semantic-mlp'].family).toBe('trained');
    expect(protocolSemantics('semantic-mlp')).toBe('zscore');
    for (const m of ['eszsl', 'sae', 'devise', 'ale', 'sje', 'cvae']) expect(protocolSemantics(m)).toBe('att');
  });

  it('ends the semantic unit with a ReLU: relu(relu(a·W1 + b1)·W2 + b2), computed here in plain JS', () => {
    const rng = createRng(3);
    const model = new SemanticMlpModel([createDense(5, 7, rng, 'h'), createDense(7, 4, rng, 'o')]);
    const a = Array.from({ length: 3 * 5 }, () => rng.next() * 4 - 2);
    const out = model.embedClasses(tf.tensor2d(a, [3, 5]));
    const got = Array.from(out.dataSync());
    out.dispose();
    const [k1, b1, k2, b2] = [model.layers[0].kernel, model.layers[0].bias, model.layers[1].kernel, model.layers[1].bias].map((t) => Array.from(t.dataSync()));
    const want: number[] = [];
    for (let r = 0; r < 3; r++) {
      const h = Array.from({ length: 7 }, (_, j) => Math.max(0, b1![j]! + a.slice(r * 5, r * 5 + 5).reduce((s, v, i) => s + v * k1![i * 7 + j]!, 0)));
      for (let j = 0; j < 4; j++) want.push(Math.max(0, b2![j]! + h.reduce((s, v, i) => s + v * k2![i * 4 + j]!, 0)));
    }
    expect(want.some((v) => v === 0)).toBe(true); // the ReLU is exercised
    got.forEach((v, k) => expect(v).toBeCloseTo(want[k]!, 5));
    model.dispose();
  });
});

describe('class semantics against independent computations', () => {
  const real = readRealClassSide();
  const rows = real.classNames.length;
  const cols = real.attributeNames.length;

  it("z-scores the real AwA2 matrix as numpy does (ddof 1, the four -1 left in)", () => {
    const z = zscoreColumns(real.continuous, rows, cols);
    reference.rows.forEach((row, r) => row.forEach((v, c) => expect(z[r * cols + c]).toBeCloseTo(v, 4)));
    // Every column of the result has mean 0 and sample standard deviation 1.
    for (let c = 0; c < cols; c++) {
      const column = Array.from({ length: rows }, (_, r) => z[r * cols + c]!);
      const mean = column.reduce((s, v) => s + v, 0) / rows;
      const sd = Math.sqrt(column.reduce((s, v) => s + (v - mean) ** 2, 0) / (rows - 1));
      expect(mean).toBeCloseTo(0, 5);
      expect(sd).toBeCloseTo(1, 5);
    }
  });

  it("builds xlsa17's att from original_att exactly as the release shipped it (real att_splits.mat)", () => {
    const mat = readMat5(new Uint8Array(readFileSync(path.join(SHARED_AWA2, 'att_splits.mat'))), 'att_splits.mat');
    const original = matToFloat32(getVariable(mat, 'original_att'), 'att_splits.mat', { transpose: true }).values;
    const shipped = matToFloat32(getVariable(mat, 'att'), 'att_splits.mat', { transpose: true }).values;
    const dataset = createDataset({
      id: 'real-class-side',
      name: 'real class side',
      featureDim: 1,
      features: new Float32Array(rows),
      labels: Int32Array.from({ length: rows }, (_, i) => i),
      classNames: real.classNames,
      attributeNames: real.attributeNames,
      classAttributes: zscoreColumns(original, rows, cols),
      splits: [{ name: 'x', description: '', seenClasses: [0], unseenClasses: [1], trainIndices: Int32Array.of(0), testSeenIndices: new Int32Array(0), testUnseenIndices: Int32Array.of(1) }],
      featureSource: { kind: 'release', network: 'none' },
      semanticSets: { original },
    });
    const att = resolveSemantics(dataset, 'protocol', 'eszsl');
    expect(att.name).toBe('att');
    let worst = 0;
    for (let k = 0; k < shipped.length; k++) worst = Math.max(worst, Math.abs(att.matrix[k]! - shipped[k]!));
    expect(worst).toBeLessThan(1e-6);
    // The seed's protocol is the z-scored matrix, the same as numpy's above.
    const seed = resolveSemantics(dataset, 'protocol', 'semantic-mlp');
    expect(seed.name).toBe('zscore');
    expect(seed.matrix[0]).toBeCloseTo(reference.rows[0]![0]!, 4);
    // Binary: thresholded at the overall mean, as the AwA2 binary matrix is (README: 20.79).
    const binary = resolveSemantics(dataset, 'binary', 'eszsl').matrix;
    const printed = readFileSync(path.join(SHARED_AWA2, 'predicate-matrix-binary.txt'), 'utf8').trim().split(/\s+/).map(Number);
    expect(Array.from(binary)).toEqual(printed);
  });
});
