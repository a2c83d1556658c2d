// The per-epoch GZSL test curve uses the γ the final model uses: γ is chosen on held-out
// seen classes before the final fit, so the last epoch's point equals the final model
// evaluated with the run's γ on the same sampled images.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, expect, test } from 'vitest';
import { findSplit } from '../../../src/core/data/dataset.ts';
import { generateDemoDataset } from '../../../src/core/demos/demo-dataset.ts';
import { evaluateModel } from '../../../src/core/evaluation/evaluate.ts';
import { defaultConfig } from '../../../src/core/methods/catalog.ts';
import { datasetForMethod, trainAndEvaluate, type EpochReport } from '../../../src/core/training/train-and-evaluate.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

test('the last epoch’s GZSL point is the final model at the calibrated γ', async () => {
  const dataset = generateDemoDataset({ seed: 7, imagesPerClass: 30, featureDim: 32 });
  const split = findSplit(dataset, 'demo');
  const base = defaultConfig('devise', 'demo');
  const config = { ...base, calibration: 'holdout' as const, params: { ...base.params, epochs: 2, learningRate: 0.01 } };
  const epochs: EpochReport[] = [];
  const { model, run } = await trainAndEvaluate(dataset, split, config, 'cpu', { epochTestImages: 60, onEpoch: (e) => epochs.push(e) });
  try {
    expect(run.calibration.gamma).not.toBe(0);
    const last = epochs.at(-1)!.test!;
    const again = await evaluateModel(model, datasetForMethod(dataset, run.config), split, { gamma: run.calibration.gamma, maxImages: 60 });
    expect(last.h).toBeCloseTo(again.h, 6);
    expect(last.zslTop1).toBeCloseTo(again.zslTop1, 6);
    // And not the uncalibrated figure, which the curves showed before.
    const uncalibrated = await evaluateModel(model, datasetForMethod(dataset, run.config), split, { gamma: 0, maxImages: 60 });
    expect(uncalibrated.h).not.toBeCloseTo(last.h, 6);
  } finally {
    model.dispose();
  }
});
