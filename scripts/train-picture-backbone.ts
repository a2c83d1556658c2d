/**
 * Trains the picture demo's backbone, deterministically, and writes it to
 * public/backbones/picture-world/ (model.json, weights.bin, backbone.json):
 *   npx tsx scripts/train-picture-backbone.ts [--steps 500] [--seed 1] [--out public/backbones/picture-world]
 *
 * The pre-training task is NOT the demo's class list: four softmax heads predict
 * the shape, the colour, the pattern and the size separately, from renders of the
 * 96 combinations outside the demo's default unseen set (PICTURE_UNSEEN), the way
 * ImageNet pre-training teaches features of visual properties. Only the feature
 * extractor (picture → 128 pooled ReLU features, non-negative like ResNet's) is
 * shipped; the heads are thrown away.
 *
 * Why not model.fit on a Layers model: tfjs-backend-wasm (the fast backend under
 * Node here) has no Conv2DBackpropFilter kernel, and the cpu backend is ~20× slower.
 * So training uses its own convolution with hand-written gradients (conv3x3), and
 * the weights are then copied into an ordinary Layers model of conv2d layers,
 * checked to give the same features, and saved.
 *
 * Determinism: seeded pictures (createRng), seeded initial weights, a fixed
 * order, Adam, single-threaded wasm. Node only; imports the core, never the UI.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { preprocessBatch, type BackboneSpec } from '../src/core/backbones/backbone.ts';
import {
  PICTURE_ATTRIBUTE_GROUPS,
  PICTURE_CLASSES,
  PICTURE_UNSEEN,
  pictureClassName,
  renderPicture,
  type PictureClass,
} from '../src/core/demos/picture-world.ts';
import { createRng, type Rng } from '../src/core/compute/rng.ts';

const args = process.argv.slice(2);
const flag = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1]! : fallback;
};
const STEPS = Number(flag('steps', '500'));
const SEED = Number(flag('seed', '1'));
const OUT = path.resolve(flag('out', 'public/backbones/picture-world'));
const BATCH = 64;
const SIZE = 32;
/** Channels of the 3×3 convolutions; a 2×2 max-pool follows all but the last. */
const FILTERS = [16, 32, 64, 128];
const LEARNING_RATE = 2e-3;

const require = createRequire(import.meta.url);
setWasmPaths(`${path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'))}/`);
tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);

const unseen = new Set(PICTURE_UNSEEN);
const pretrainClasses = PICTURE_CLASSES.filter((c) => !unseen.has(pictureClassName(c)));
const heldOutClasses = PICTURE_CLASSES.filter((c) => unseen.has(pictureClassName(c)));

/** Per-group class indices of a picture, e.g. circle → 0 in the shape head. */
const groupTargets = (c: PictureClass) => PICTURE_ATTRIBUTE_GROUPS.map(({ group, values }) => values.indexOf(c[group]));

function renderBatch(rng: Rng, n: number, pick: (k: number) => PictureClass) {
  const pictures: Array<{ pixels: Uint8ClampedArray; width: number; height: number }> = [];
  const targets: number[][] = [];
  for (let k = 0; k < n; k++) {
    const c = pick(k);
    pictures.push({ pixels: renderPicture(c, rng, SIZE), width: SIZE, height: SIZE });
    targets.push(groupTargets(c));
  }
  return { pictures, targets };
}

/** Mean and standard deviation of each channel over many training pictures, as fractions of 255. */
function measureScaling(rng: Rng): BackboneSpec['scaling'] {
  const sums = [0, 0, 0];
  const squares = [0, 0, 0];
  let count = 0;
  for (let k = 0; k < 1024; k++) {
    const pixels = renderPicture(pretrainClasses[rng.int(pretrainClasses.length)]!, rng, SIZE);
    for (let i = 0; i < pixels.length; i += 4) {
      for (let ch = 0; ch < 3; ch++) {
        const v = pixels[i + ch]! / 255;
        sums[ch]! += v;
        squares[ch]! += v * v;
      }
      count++;
    }
  }
  const round = (v: number) => Math.round(v * 1000) / 1000;
  const mean = sums.map((s) => s / count);
  const std = squares.map((s, ch) => Math.sqrt(s / count - mean[ch]! ** 2));
  return { kind: 'mean-std', mean: mean.map(round) as [number, number, number], std: std.map(round) as [number, number, number] };
}

interface Params {
  convs: Array<{ kernel: tf.Variable; bias: tf.Variable }>;
  heads: Array<{ kernel: tf.Variable; bias: tf.Variable }>;
}

/** He-normal convolutions and Glorot-normal heads, drawn from the seeded generator. */
function initParams(rng: Rng): Params {
  const normal = (shape: number[], std: number) => {
    const values = new Float32Array(shape.reduce((a, b) => a * b, 1));
    for (let i = 0; i < values.length; i++) values[i] = rng.normal() * std;
    return tf.variable(tf.tensor(values, shape));
  };
  let channels = 3;
  const convs = FILTERS.map((filters) => {
    const layer = { kernel: normal([3, 3, channels, filters], Math.sqrt(2 / (9 * channels))), bias: tf.variable(tf.zeros([filters])) };
    channels = filters;
    return layer;
  });
  const heads = PICTURE_ATTRIBUTE_GROUPS.map(({ values }) => ({
    kernel: normal([channels, values.length], Math.sqrt(2 / (channels + values.length))),
    bias: tf.variable(tf.zeros([values.length])),
  }));
  return { convs, heads };
}

/**
 * A 'same' 3×3 convolution whose forward pass is tf.conv2d and whose gradients
 * use only kernels wasm has and runs fast: the input's gradient is a convolution
 * with the flipped kernel, the kernel's gradient a matrix product of patches
 * (transposed explicitly: wasm's transposed matrix products are ~10× slower).
 */
const conv3x3 = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
  const [x, kernel, save] = args as [tf.Tensor4D, tf.Tensor4D, tf.GradSaveFunc];
  save([x, kernel]);
  return {
    value: tf.conv2d(x, kernel, 1, 'same'),
    gradFunc: (dy, saved) => {
      const [input, k] = saved as [tf.Tensor4D, tf.Tensor4D];
      const [n, h, w, c] = input.shape;
      const filters = k.shape[3];
      const grad = dy as tf.Tensor4D;
      const dx = tf.conv2d(grad, tf.transpose(tf.reverse(k, [0, 1]), [0, 1, 3, 2]), 1, 'same');
      const padded = tf.pad(input, [[0, 0], [1, 1], [1, 1], [0, 0]]);
      const shifts: tf.Tensor4D[] = [];
      for (let dr = 0; dr < 3; dr++) for (let dc = 0; dc < 3; dc++) shifts.push(tf.slice(padded, [0, dr, dc, 0], [n, h, w, c]));
      const patches = tf.reshape(tf.concat(shifts, 3), [n * h * w, 9 * c]);
      const dyT = tf.transpose(tf.reshape(grad, [n * h * w, filters]));
      const dk = tf.reshape(tf.transpose(tf.matMul(dyT, patches)), [3, 3, c, filters]);
      return [dx, dk];
    },
  };
}) as (x: tf.Tensor4D, kernel: tf.Tensor) => tf.Tensor4D;

function features(params: Params, x: tf.Tensor4D): tf.Tensor2D {
  let h = x;
  params.convs.forEach(({ kernel, bias }, i) => {
    h = tf.relu(tf.add(conv3x3(h, kernel), bias));
    if (i < params.convs.length - 1) h = tf.maxPool(h, 2, 2, 'valid');
  });
  return tf.mean(h, [1, 2]) as tf.Tensor2D;
}

function headLogits(params: Params, feats: tf.Tensor2D): tf.Tensor2D[] {
  return params.heads.map(({ kernel, bias }) => tf.add(tf.matMul(feats, kernel), bias) as tf.Tensor2D);
}

/** The shipped network: the same weights in standard Layers (conv2d, max-pool, global average pool). */
function toLayersModel(params: Params): tf.LayersModel {
  const input = tf.input({ shape: [SIZE, SIZE, 3], name: 'picture' });
  let x: tf.SymbolicTensor = input;
  const convLayers = params.convs.map(({ kernel }, i) => {
    const layer = tf.layers.conv2d({ filters: kernel.shape[3]!, kernelSize: 3, padding: 'same', activation: 'relu', name: `conv${i + 1}` });
    x = layer.apply(x) as tf.SymbolicTensor;
    if (i < params.convs.length - 1) x = tf.layers.maxPooling2d({ poolSize: 2, name: `pool${i + 1}` }).apply(x) as tf.SymbolicTensor;
    return layer;
  });
  const output = tf.layers.globalAveragePooling2d({ name: 'features' }).apply(x) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: output, name: 'picture_world_backbone' });
  convLayers.forEach((layer, i) => layer.setWeights([params.convs[i]!.kernel, params.convs[i]!.bias]));
  return model;
}

async function main() {
  await tf.setBackend('wasm');
  await tf.ready();
  const started = performance.now();
  const rng = createRng(SEED);
  const scaling = measureScaling(rng);
  const spec: BackboneSpec = {
    id: 'picture-world-cnn-v1',
    name: 'Picture world CNN (32 × 32, 128 features)',
    inputSize: SIZE,
    resize: 'center-crop',
    scaling,
    outputDim: FILTERS[FILTERS.length - 1]!,
    featureSourceNetwork: 'picture-world CNN v1 (32×32, 128-d pooled ReLU)',
  };
  const params = initParams(rng);
  const variables = [...params.convs, ...params.heads].flatMap((p) => [p.kernel, p.bias]);
  const optimizer = tf.train.adam(LEARNING_RATE);

  // A fixed evaluation set from the combinations the backbone never trains on.
  const evalRng = createRng(SEED + 1000);
  const evalSet = renderBatch(evalRng, heldOutClasses.length * 10, (k) => heldOutClasses[k % heldOutClasses.length]!);
  const evalX = preprocessBatch(evalSet.pictures, spec);
  const evaluate = (): number[] =>
    tf.tidy(() => {
      const logits = headLogits(params, features(params, evalX));
      return logits.map((l, g) => {
        const predicted = l.argMax(1).dataSync();
        let correct = 0;
        predicted.forEach((p, i) => (correct += p === evalSet.targets[i]![g] ? 1 : 0));
        return correct / predicted.length;
      });
    });

  let smoothed = NaN;
  for (let step = 1; step <= STEPS; step++) {
    const batch = renderBatch(rng, BATCH, () => pretrainClasses[rng.int(pretrainClasses.length)]!);
    const x = preprocessBatch(batch.pictures, spec);
    const ys = PICTURE_ATTRIBUTE_GROUPS.map(({ values }, g) =>
      tf.oneHot(tf.tensor1d(batch.targets.map((t) => t[g]!), 'int32'), values.length),
    );
    // Cosine decay to a tenth of the rate: a calm finish without a tuned schedule.
    (optimizer as unknown as { learningRate: number }).learningRate =
      LEARNING_RATE * (0.1 + 0.45 * (1 + Math.cos((Math.PI * (step - 1)) / STEPS)));
    const loss = optimizer.minimize(() => {
      const logits = headLogits(params, features(params, x));
      return tf.addN(logits.map((l, g) => tf.losses.softmaxCrossEntropy(ys[g]!, l))) as tf.Scalar;
    }, true, variables)!;
    const value = (await loss.data())[0]!;
    tf.dispose([loss, x, ...ys]);
    smoothed = Number.isNaN(smoothed) ? value : 0.9 * smoothed + 0.1 * value;
    if (step % 20 === 0 || step === STEPS) {
      const seconds = (performance.now() - started) / 1000;
      const line = `step ${step}/${STEPS}  loss ${smoothed.toFixed(3)}  ${seconds.toFixed(0)} s`;
      console.log(step % 60 === 0 || step === STEPS ? `${line}  held-out accuracy ${fmt(evaluate())}` : line);
    }
  }
  const heldOut = evaluate();

  const model = toLayersModel(params);
  const difference = tf.tidy(() => tf.max(tf.abs(tf.sub(model.predict(evalX) as tf.Tensor, features(params, evalX)))).dataSync()[0]!);
  if (!(difference < 1e-3)) throw new Error(`the Layers model differs from the trained network by ${difference}.`);
  await save(model, spec, {
    trainedBy: 'scripts/train-picture-backbone.ts',
    backend: 'wasm (single-threaded)',
    seed: SEED,
    steps: STEPS,
    batchSize: BATCH,
    pretrainedOn: `per-attribute softmax heads (shape, colour, pattern, size) on renders of the ${pretrainClasses.length} combinations outside PICTURE_UNSEEN`,
    heldOutAttributeAccuracy: Object.fromEntries(PICTURE_ATTRIBUTE_GROUPS.map(({ group }, g) => [group, round3(heldOut[g]!)])),
  });
  // The time is printed, not saved, so that a rerun writes byte-identical files.
  console.log(`held-out attribute accuracy ${fmt(heldOut)}; ${Math.round((performance.now() - started) / 1000)} s; saved to ${OUT}`);
}

const round3 = (v: number) => Math.round(v * 1000) / 1000;
const fmt = (accuracies: number[]) =>
  PICTURE_ATTRIBUTE_GROUPS.map(({ group }, g) => `${group} ${(accuracies[g]! * 100).toFixed(1)}%`).join(', ');

/** model.json + weights.bin in the tfjs web format, and backbone.json with the spec and how it was made. */
async function save(model: tf.LayersModel, spec: BackboneSpec, provenance: Record<string, unknown>) {
  mkdirSync(OUT, { recursive: true });
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const chunks = Array.isArray(artifacts.weightData) ? artifacts.weightData : [artifacts.weightData!];
      const weights = Buffer.concat(chunks.map((c) => Buffer.from(c)));
      writeFileSync(path.join(OUT, 'weights.bin'), weights);
      const json = {
        format: artifacts.format ?? 'layers-model',
        generatedBy: artifacts.generatedBy,
        convertedBy: null,
        modelTopology: artifacts.modelTopology,
        weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs }],
      };
      writeFileSync(path.join(OUT, 'model.json'), `${JSON.stringify(json)}\n`);
      return { modelArtifactsInfo: { dateSaved: new Date(0), modelTopologyType: 'JSON', weightDataBytes: weights.length } };
    }),
  );
  writeFileSync(path.join(OUT, 'backbone.json'), `${JSON.stringify({ ...spec, provenance }, null, 2)}\n`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
