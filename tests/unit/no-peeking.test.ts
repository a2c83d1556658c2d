/**
 * No method reads test images, test labels or unseen classes while training,
 * tuning or calibrating: two datasets that differ only there must give the same
 * model, the same chosen settings and the same γ, bit for bit.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, expect, test } from 'vitest';
import { gatherRows, type ZslDataset } from '../../src/core/data/dataset.ts';
import { generateDemoDataset } from '../../src/core/demos/demo-dataset.ts';
import { defaultConfig, METHOD_INFO, METHOD_NAMES, type MethodName, type TrainConfig } from '../../src/core/methods/catalog.ts';
import { datasetForMethod, trainAndEvaluate } from '../../src/core/training/train-and-evaluate.ts';
import { createRng } from '../../src/core/compute/rng.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const base = generateDemoDataset({ seed: 2, imagesPerClass: 24, featureDim: 16 });
const split = base.splits[0]!;

/** The same dataset with every test image's features and label, and every unseen class's attributes, replaced. */
function tampered(dataset: ZslDataset): ZslDataset {
  const rng = createRng(99);
  const features = dataset.features.slice();
  const labels = dataset.labels.slice();
  const test = [...split.testSeenIndices, ...split.testUnseenIndices];
  for (const i of test) for (let d = 0; d < dataset.featureDim; d++) features[i * dataset.featureDim + d] = rng.next() * 3;
  // Test-seen images get another seen label, test-unseen images another unseen label.
  const relabel = (indices: Int32Array, classes: number[]) => {
    for (const i of indices) labels[i] = classes[rng.int(classes.length)]!;
  };
  relabel(split.testSeenIndices, split.seenClasses);
  relabel(split.testUnseenIndices, split.unseenClasses);
  const attributes = dataset.classAttributes.slice();
  const a = dataset.attributeNames.length;
  for (const c of split.unseenClasses) for (let j = 0; j < a; j++) attributes[c * a + j] = rng.normal();
  return { ...dataset, features, labels, classAttributes: attributes };
}

const fast: Partial<Record<MethodName, Record<string, number>>> = {
  'semantic-mlp': { epochs: 1, hiddenUnits: 16, batchSize: 128 },
  devise: { epochs: 1, batchSize: 128 },
  ale: { epochs: 1, batchSize: 128 },
  sje: { epochs: 1, batchSize: 128 },
  sae: { lambda: 100 },
  cvae: { epochs: 1, hiddenUnits: 16, latentDim: 4, syntheticPerClass: 20, classifierEpochs: 2, batchSize: 128 },
};

test.each(METHOD_NAMES)('%s trains, tunes and calibrates without looking at test data', async (method) => {
  const config: TrainConfig = {
    ...defaultConfig(method, 'demo'),
    calibration: 'holdout',
    tune: METHOD_INFO[method].params.filter((p) => p.grid).slice(0, 1).map((p) => p.key),
  };
  config.params = { ...config.params, ...fast[method] };
  const probe = tf.tensor2d(base.features.subarray(0, 5 * 16), [5, 16]);
  const seenAttributes = (d: ZslDataset) =>
    tf.tensor2d(gatherRows(datasetForMethod(d, config).classAttributes, d.attributeNames.length, split.seenClasses), [split.seenClasses.length, d.attributeNames.length]);
  const outcome = async (dataset: ZslDataset) => {
    const { model, run } = await trainAndEvaluate(dataset, split, config, 'cpu', { epochTestImages: 0 });
    const attributes = seenAttributes(dataset);
    const prototypes = model.prepareClasses ? await model.prepareClasses(attributes, {}) : model.embedClasses(attributes);
    const out = {
      features: Array.from(await model.embedFeatures(probe).data()),
      prototypes: Array.from(await prototypes.data()),
      gamma: run.calibration.gamma,
      chosen: run.tuning?.chosen ?? null,
      evaluation: run.evaluation,
    };
    tf.dispose([attributes, prototypes]);
    model.dispose();
    return out;
  };
  const a = await outcome(base);
  const b = await outcome(tampered(base));
  probe.dispose();
  expect(b.features).toEqual(a.features);
  expect(b.prototypes).toEqual(a.prototypes);
  expect(b.gamma).toBe(a.gamma);
  expect(b.chosen).toEqual(a.chosen);
  // The tampering did reach the test data: the evaluations differ.
  expect(b.evaluation).not.toEqual(a.evaluation);
});
