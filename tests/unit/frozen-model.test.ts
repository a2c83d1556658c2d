/** Export and import: every method's frozen model ranks test images exactly as the trained model did. */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, expect, test } from 'vitest';
import { gatherRows } from '../../src/core/data/dataset.ts';
import { generateDemoDataset } from '../../src/core/demos/demo-dataset.ts';
import { FrozenModel, parseModel, serialiseModel } from '../../src/core/inference/frozen-model.ts';
import { defaultConfig, METHOD_NAMES, type MethodName } from '../../src/core/methods/catalog.ts';
import type { ZslModel } from '../../src/core/methods/types.ts';
import { datasetForMethod, freezeRun, trainAndEvaluate } from '../../src/core/training/train-and-evaluate.ts';
import { rankClasses } from '../../src/core/inference/search.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const demo = generateDemoDataset({ seed: 4, imagesPerClass: 20, featureDim: 24 });
const split = demo.splits[0]!;
const quick: Partial<Record<MethodName, Record<string, number>>> = {
  'semantic-mlp': { epochs: 2, hiddenUnits: 32, learningRate: 3e-3 },
  devise: { epochs: 2, learningRate: 1e-2 },
  ale: { epochs: 2, learningRate: 1e-2 },
  sje: { epochs: 2, learningRate: 1e-2 },
  sae: { lambda: 100 },
  cvae: { epochs: 2, hiddenUnits: 32, latentDim: 8, syntheticPerClass: 30, classifierEpochs: 3 },
};

test.each(METHOD_NAMES)('%s: the exported file classifies identically after import', async (method) => {
  const config = defaultConfig(method, 'demo');
  config.params = { ...config.params, ...quick[method] };
  const { model, run } = await trainAndEvaluate(demo, split, config, 'cpu', { epochTestImages: 0 });
  const data = datasetForMethod(demo, run.config);
  const a = data.attributeNames.length;
  const frozen = await freezeRun(model, demo, split, run);
  const text = serialiseModel(frozen);
  const imported = new FrozenModel(parseModel(text));
  const test = split.testUnseenIndices;
  const features = gatherRows(data.features, data.featureDim, test);
  const rank = (m: ZslModel, classes: number[]) =>
    rankClasses(m, features, data.featureDim, classes, gatherRows(data.classAttributes, a, classes), { k: 5 });
  const all = data.classNames.map((_, c) => c);
  expect(await rank(imported, split.unseenClasses)).toEqual(await rank(model, split.unseenClasses));
  expect(await rank(imported, all)).toEqual(await rank(model, all));
  expect(imported.data.classNames).toEqual(data.classNames);
  expect(imported.data.featureSource).toEqual(data.featureSource);
  model.dispose();
  imported.dispose();
});

test('a damaged or foreign file is refused with a sentence', () => {
  expect(() => parseModel('{"hello": 1}', 'x.json')).toThrow(/x\.json: is not a Zero-Shot Studio model/);
  expect(() => parseModel('not json', 'x.json')).toThrow(/x\.json: is not a Zero-Shot Studio model/);
  expect(() =>
    parseModel(JSON.stringify({ format: 'zero-shot-studio-model', version: 99 }), 'new.json'),
  ).toThrow(/newer version/);
});

test("a file exported when the seed notebook's MLP was called 'seed' loads, under its current id, and classifies the same", async () => {
  const config = defaultConfig('semantic-mlp', 'demo');
  config.params = { ...config.params, ...quick['semantic-mlp'] };
  const { model, run } = await trainAndEvaluate(demo, split, config, 'cpu', { epochTestImages: 0 });
  const frozen = await freezeRun(model, demo, split, run);
  // The file as the app wrote it before the rename: the same model, method "seed".
  const old = serialiseModel({ ...frozen, method: 'seed' });
  expect(JSON.parse(old).method).toBe('seed');
  const loaded = parseModel(old, 'old.json');
  expect(loaded.method).toBe('semantic-mlp');
  const a = new FrozenModel(parseModel(serialiseModel(frozen)));
  const b = new FrozenModel(loaded);
  const features = gatherRows(demo.features, demo.featureDim, split.testUnseenIndices);
  const rank = (m: ZslModel) =>
    rankClasses(m, features, demo.featureDim, split.unseenClasses, gatherRows(demo.classAttributes, demo.attributeNames.length, split.unseenClasses), { k: 3 });
  expect(await rank(b)).toEqual(await rank(a));
  for (const m of [model, a, b]) m.dispose();
});
