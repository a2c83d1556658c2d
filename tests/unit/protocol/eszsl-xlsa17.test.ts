// ESZSL with the app's defaults (γ = 10³, λ = 1) on xlsa17 folders shaped like the five
// benchmarks equals an independent numpy ESZSL on the same files within 0.5 point,
// and each folder is recognised and named as its benchmark.
import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildDataset } from '../../../src/core/io/build-dataset.ts';
import { findSplit } from '../../../src/core/data/dataset.ts';
import { defaultConfig } from '../../../src/core/methods/catalog.ts';
import { trainAndEvaluate } from '../../../src/core/training/train-and-evaluate.ts';
import { SHAPES, shapedRelease, type ShapeName } from '../helpers/xlsa17-shaped.ts';

interface Reference { zsl_top1: number; u: number; s: number; h: number; images: number; checksum_features: number; checksum_original: number }
const reference = JSON.parse(readFileSync(new URL('./eszsl-reference.json', import.meta.url), 'utf8')) as {
  gamma: number;
  lambda: number;
  datasets: Record<ShapeName, Reference>;
};
const LABELS: Record<ShapeName, string> = { SUN: 'SUN', CUB: 'CUB', AWA1: 'AwA1', AWA2: 'AwA2', APY: 'aPY' };

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe.each(Object.keys(SHAPES) as ShapeName[])('ESZSL on an xlsa17 %s-shaped folder', (name) => {
  it('matches the numpy reference within 0.5 point on T1, u and s, and is named as its benchmark', async () => {
    const release = shapedRelease(name);
    const ref = reference.datasets[name];
    // The generated data are the reference's data.
    expect(release.checksums.features).toBeCloseTo(ref.checksum_features, 6);
    expect(release.checksums.original).toBeCloseTo(ref.checksum_original, 6);
    const { dataset } = await buildDataset(release.files);
    expect(dataset.numSamples).toBe(ref.images);
    expect(dataset.name).toBe(`${LABELS[name]} (xlsa17 release)`);
    expect(dataset.id.startsWith(`${name.toLowerCase()}-`)).toBe(true);
    const config = defaultConfig('eszsl', 'ps');
    expect(config.params).toMatchObject({ featureReg: reference.gamma, attributeReg: reference.lambda });
    const { model, run } = await trainAndEvaluate(dataset, findSplit(dataset, 'ps'), config, 'cpu', { epochTestImages: 0 });
    model.dispose();
    expect(run.semantics.name).toBe('att');
    expect(run.heldOutForCurves).toBe(0);
    const ours = run.evaluation;
    expect(Math.abs(100 * ours.zslTop1 - ref.zsl_top1)).toBeLessThanOrEqual(0.5);
    expect(Math.abs(100 * ours.u - ref.u)).toBeLessThanOrEqual(0.5);
    expect(Math.abs(100 * ours.s - ref.s)).toBeLessThanOrEqual(0.5);
  }, 120_000);
});
