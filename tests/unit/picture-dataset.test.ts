import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { loadBackbone, modelArtifactsFromFiles, parseBackboneSpec, type BackboneModel, type BackboneSpec } from '../../src/core/backbones/backbone.ts';
import { nodeProbes } from '../../src/cli/node-backends.ts';
import { findSplit, gatherRows } from '../../src/core/data/dataset.ts';
import { defaultConfig } from '../../src/core/methods/catalog.ts';
import { embedPicture, generatePictureDataset, PICTURE_SPLIT, redrawPicture } from '../../src/core/demos/picture-dataset.ts';
import { attributesOf, PICTURE_CLASSES, PICTURE_UNSEEN, pictureClassName, renderPicture } from '../../src/core/demos/picture-world.ts';
import { createRng } from '../../src/core/compute/rng.ts';
import { datasetForMethod, trainAndEvaluate } from '../../src/core/training/train-and-evaluate.ts';
import { rankClasses } from '../../src/core/inference/search.ts';

const concat = (rows: Float32Array[]) => {
  const out = new Float32Array(rows.reduce((n, r) => n + r.length, 0));
  rows.reduce((offset, r) => (out.set(r, offset), offset + r.length), 0);
  return out;
};

/** The backbone exactly as the app ships it, read from public/ with no network. */
const DIR = path.resolve(import.meta.dirname, '../../public/backbones/picture-world');
let spec: BackboneSpec;
let model: BackboneModel;
/** The pictures are embedded on wasm (XNNPACK convolutions: seconds, where cpu takes over a minute); the methods run on cpu. */
let embedBackend: 'wasm' | 'cpu';

beforeAll(async () => {
  const wasmReady = (await nodeProbes.wasm!('wasm').catch(() => 'failed')) === null && (await tf.setBackend('wasm').catch(() => false));
  embedBackend = wasmReady ? 'wasm' : 'cpu';
  await tf.setBackend(embedBackend);
  spec = parseBackboneSpec(JSON.parse(readFileSync(path.join(DIR, 'backbone.json'), 'utf8')));
  const json = JSON.parse(readFileSync(path.join(DIR, 'model.json'), 'utf8')) as tf.io.ModelJSON;
  const weightFiles = Object.fromEntries(
    json.weightsManifest.flatMap((g) => g.paths).map((name) => {
      const bytes = readFileSync(path.join(DIR, name));
      return [name, bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length) as ArrayBuffer];
    }),
  );
  model = await loadBackbone(spec, { handler: tf.io.fromMemory(modelArtifactsFromFiles(json, weightFiles)) });
});

afterAll(() => model?.dispose());

describe('the picture demo', () => {
  test('ships a small backbone that declares its preprocessing', () => {
    const bytes = ['model.json', 'weights.bin', 'backbone.json'].reduce((n, f) => n + readFileSync(path.join(DIR, f)).length, 0);
    expect(bytes).toBeLessThan(2 * 1024 * 1024);
    expect(spec.inputSize).toBe(32);
    expect(spec.scaling.kind).toBe('mean-std');
    expect(spec.outputDim).toBe(128);
  });

  test('recognises combinations never seen from their attributes', async () => {
    const fractions: number[] = [];
    const dataset = await generatePictureDataset({ model, spec, seed: 2024, imagesPerClass: 12, onProgress: (p) => fractions.push(p.fraction) });
    expect(dataset.featureSource).toEqual({ kind: 'backbone', network: spec.featureSourceNetwork });
    expect(dataset.numSamples).toBe(PICTURE_CLASSES.length * 12);
    expect(dataset.featureDim).toBe(128);
    expect(fractions.at(-1)).toBe(1);
    expect(dataset.features.every((v) => v >= 0)).toBe(true); // pooled ReLU features, like ResNet's
    const split = findSplit(dataset, PICTURE_SPLIT);
    expect(split.unseenClasses.map((c) => dataset.classNames[c])).toEqual([...PICTURE_UNSEEN]);
    expect(split.seenClasses).toHaveLength(96);

    await tf.setBackend('cpu');
    const config = defaultConfig('eszsl', PICTURE_SPLIT);
    const { model: zsl, run } = await trainAndEvaluate(dataset, split, config, 'cpu', { epochTestImages: 0 });
    await tf.setBackend(embedBackend);

    // As in the demo: one big drawing of each unseen combination (256 × 256, shrunk
    // by the backbone's own preprocessing), named among the unseen combinations.
    const rng = createRng(99);
    const drawings = await Promise.all(
      split.unseenClasses.map((c) => embedPicture(model, spec, renderPicture(PICTURE_CLASSES[c]!, rng, 256), 256, 256)),
    );
    const attributes = datasetForMethod(dataset, config).classAttributes;
    const width = dataset.attributeNames.length;
    const top1 = await rankClasses(zsl, concat(drawings), spec.outputDim, split.unseenClasses, gatherRows(attributes, width, split.unseenClasses), { k: 1 });
    zsl.dispose();
    const named = split.unseenClasses.filter((c, i) => top1[i] === c).length;
    // ZSL: 24 unseen combinations compete, so chance is 1/24 ≈ 4%. The unseen set
    // is chosen so any two unseen combinations differ in at least two of the four
    // attributes: a picture is still placed right when one attribute is misread.
    // The backbone reads each attribute of combinations it never trained on right
    // in 78–100% of pictures (backbone.json, heldOutAttributeAccuracy), so well
    // over 90% is expected; measured 98–99% with this seed. 80% is the bar: below
    // it a student would see one drawing in five misnamed and would not believe
    // that attributes alone can name an unseen thing. The margin absorbs 288 test
    // pictures' sampling noise and backend rounding.
    expect(run.evaluation.zslTop1).toBeGreaterThan(0.8);
    // GZSL: in the demo a drawing competes with all 120 combinations, seen ones
    // included, and nothing is calibrated. Measured H ≈ 0.7; 0.4 only says the
    // unseen ones are not swallowed by the seen ones (H is 0 when they are).
    expect(run.evaluation.h).toBeGreaterThan(0.4);
    // Big drawings are a slightly different input (finer anti-aliasing, noise
    // averaged away by the shrink); 18 of 24 allows for that and still convinces.
    expect(named).toBeGreaterThanOrEqual(18);
  });

  test('a dataset picture redrawn from the seed is the very picture that was embedded', async () => {
    const dataset = await generatePictureDataset({ model, spec, seed: 31, imagesPerClass: 2, batchSize: 64 });
    for (const index of [0, 77, dataset.numSamples - 1]) {
      const pixels = redrawPicture(31, 2, spec.inputSize, index);
      const features = await embedPicture(model, spec, pixels, spec.inputSize, spec.inputSize);
      const row = dataset.features.subarray(index * 128, (index + 1) * 128);
      for (let j = 0; j < 128; j++) expect(features[j]).toBeCloseTo(row[j]!, 4);
    }
    expect(() => redrawPicture(31, 2, spec.inputSize, dataset.numSamples)).toThrow(/there is no picture/);
  });

  test('embeds one large drawing like the dataset pictures, whatever its size', async () => {
    const c = attributesOf('large blue dotted square');
    const pixels = renderPicture(c, createRng(5), 256);
    const features = await embedPicture(model, spec, pixels, 256, 256);
    expect(features).toHaveLength(128);
    expect(features.every(Number.isFinite)).toBe(true);
  });

  test('refuses an unseen set that leaves an attribute with no seen example', async () => {
    const allStars = PICTURE_CLASSES.filter((c) => c.shape === 'star').map(pictureClassName);
    await expect(generatePictureDataset({ model, spec, unseen: allStars, imagesPerClass: 2 })).rejects.toThrow(/no seen combination is star/);
  });
});
