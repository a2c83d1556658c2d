import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  embedImages,
  loadBackbone,
  loadBackboneDraft,
  modelArtifactsFromFiles,
  parseBackboneSpec,
  preprocess,
  preprocessBatch,
  type BackboneSpec,
} from '../../src/core/backbones/backbone.ts';
import { ZslError } from '../../src/core/errors.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const spec = (over: Partial<BackboneSpec> = {}): BackboneSpec => ({
  id: 'test',
  name: 'test',
  inputSize: 2,
  resize: 'stretch',
  scaling: { kind: 'unit' },
  outputDim: 4,
  featureSourceNetwork: 'test net',
  ...over,
});

/** RGBA pixels from [r, g, b] triples, row-major; alpha is set to 7 to show it is dropped. */
const rgba = (rgb: number[][]) => Uint8ClampedArray.from(rgb.flatMap(([r, g, b]) => [r!, g!, b!, 7]));
const values = (t: tf.Tensor) => {
  const out = Array.from(t.dataSync());
  t.dispose();
  return out;
};

describe('preprocess', () => {
  const pixels = rgba([[0, 51, 255], [255, 0, 0], [102, 204, 51], [0, 0, 0]]);

  test('unit scaling: 0…255 → 0…1, NHWC, alpha dropped', () => {
    const t = preprocess(pixels, 2, 2, spec());
    expect(t.shape).toEqual([1, 2, 2, 3]);
    const v = values(t);
    const expected = [0, 0.2, 1, 1, 0, 0, 0.4, 0.8, 0.2, 0, 0, 0];
    v.forEach((x, i) => expect(x).toBeCloseTo(expected[i]!, 6));
  });

  test('minus-one-one scaling: 0 → −1, 255 → 1', () => {
    const v = values(preprocess(pixels, 2, 2, spec({ scaling: { kind: 'minus-one-one' } })));
    expect(v[0]).toBeCloseTo(-1, 6);
    expect(v[2]).toBeCloseTo(1, 6);
    expect(v[1]).toBeCloseTo(51 / 127.5 - 1, 6);
  });

  test('mean-std scaling, per channel', () => {
    const scaling = { kind: 'mean-std' as const, mean: [0.5, 0.25, 0.1] as [number, number, number], std: [0.5, 0.25, 0.2] as [number, number, number] };
    const v = values(preprocess(pixels, 2, 2, spec({ scaling })));
    // pixel (0,0) = (0, 51, 255): (0 − 0.5)/0.5, (0.2 − 0.25)/0.25, (1 − 0.1)/0.2
    expect(v[0]).toBeCloseTo(-1, 5);
    expect(v[1]).toBeCloseTo(-0.2, 5);
    expect(v[2]).toBeCloseTo(4.5, 5);
  });

  test('caffe scaling: RGB → BGR, minus the ImageNet mean (B 103.939, G 116.779, R 123.68), no scaling', () => {
    const v = values(preprocess(pixels, 2, 2, spec({ scaling: { kind: 'caffe' } })));
    // pixel (0,0) = (r 0, g 51, b 255) → (255 − 103.939, 51 − 116.779, 0 − 123.68)
    expect(v.slice(0, 3).map((x) => Math.round(x * 1000) / 1000)).toEqual([151.061, -65.779, -123.68]);
    // pixel (0,1) = (255, 0, 0) → (−103.939, −116.779, 131.32)
    expect(v.slice(3, 6).map((x) => Math.round(x * 1000) / 1000)).toEqual([-103.939, -116.779, 131.32]);
  });

  // A 4 × 2 picture (wide): column k holds grey level 10·(k+1) in both rows.
  const wide = rgba([10, 20, 30, 40, 10, 20, 30, 40].map((g) => [g, g, g]));
  const grey = (v: number[]) => v.filter((_, i) => i % 3 === 0).map((x) => Math.round(x * 255 * 1000) / 1000);

  test('center-crop keeps the middle square', () => {
    expect(grey(values(preprocess(wide, 4, 2, spec({ resize: 'center-crop' }))))).toEqual([20, 30, 20, 30]);
  });

  test('stretch squeezes the whole picture (bilinear, half-pixel centres)', () => {
    expect(grey(values(preprocess(wide, 4, 2, spec())))).toEqual([15, 35, 15, 35]);
  });

  test('a big shrink is box-filtered first, so no pixel is skipped', () => {
    // 4 × 4 → 2 × 2: each output is the mean of a 2 × 2 block.
    const block = rgba([0, 40, 80, 120, 40, 0, 120, 80, 200, 200, 10, 10, 200, 200, 30, 50].map((g) => [g, g, g]));
    expect(grey(values(preprocess(block, 4, 4, spec())))).toEqual([20, 100, 200, 25]);
  });

  test('batches pictures of different sizes', () => {
    const t = preprocessBatch([{ pixels, width: 2, height: 2 }, { pixels: wide, width: 4, height: 2 }], spec());
    expect(t.shape).toEqual([2, 2, 2, 3]);
    t.dispose();
  });

  test('says what is wrong with the pixels', () => {
    expect(() => preprocess(pixels, 3, 2, spec())).toThrow(/expected 3 × 2 × 4 = 24 RGBA values, got 16/);
    expect(() => preprocess(pixels, 0, 2, spec())).toThrow(ZslError);
  });
});

describe('parseBackboneSpec', () => {
  test('keeps the spec and drops extra fields', () => {
    const parsed = parseBackboneSpec({ ...spec({ scaling: { kind: 'mean-std', mean: [0.1, 0.2, 0.3], std: [1, 1, 1] } }), provenance: { seed: 1 } });
    expect(parsed).toEqual(spec({ scaling: { kind: 'mean-std', mean: [0.1, 0.2, 0.3], std: [1, 1, 1] } }));
  });

  test('names the bad field', () => {
    expect(() => parseBackboneSpec({ ...spec(), inputSize: 0 })).toThrow(/inputSize.*positive whole number/);
    expect(() => parseBackboneSpec({ ...spec(), resize: 'fit' })).toThrow(/resize/);
    expect(() => parseBackboneSpec({ ...spec(), scaling: { kind: 'mean-std', mean: [0, 0, 0], std: [1, 0, 1] } })).toThrow(/scaling.std/);
  });
});

/** A tiny Layers model: 4×4×3 → conv → global average pool → 4 features. */
async function tinyLayersArtifacts(): Promise<{ artifacts: tf.io.ModelArtifacts; model: tf.LayersModel }> {
  const model = tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [4, 4, 3], filters: 4, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }), biasInitializer: 'ones' }),
      tf.layers.globalAveragePooling2d({}),
    ],
  });
  let artifacts: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      artifacts = a;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  return { artifacts: artifacts!, model };
}

const input = () => tf.tidy(() => tf.linspace(0, 1, 48).reshape([1, 4, 4, 3]) as tf.Tensor4D);

describe('loadBackbone', () => {
  const tinySpec = spec({ inputSize: 4, outputDim: 4 });

  test('loads a Layers model from an IOHandler and embeds like the original', async () => {
    const { artifacts, model } = await tinyLayersArtifacts();
    const loaded = await loadBackbone(tinySpec, { handler: tf.io.fromMemory(artifacts) });
    const x = input();
    const a = embedImages(model, x);
    const b = embedImages(loaded, x);
    expect(b.shape).toEqual([1, 4]);
    expect(values(b)).toEqual(values(a));
    x.dispose();
    model.dispose();
    loaded.dispose();
  });

  test('refuses a model whose output or input disagrees with its spec', async () => {
    const { artifacts, model } = await tinyLayersArtifacts();
    model.dispose();
    await expect(loadBackbone({ ...tinySpec, outputDim: 8 }, { handler: tf.io.fromMemory(artifacts) })).rejects.toThrow(
      /gives 4 features per picture; its spec says 8/,
    );
    await expect(loadBackbone({ ...tinySpec, inputSize: 5 }, { handler: tf.io.fromMemory(artifacts) })).rejects.toThrow(
      /does not take 5 × 5 RGB pictures/,
    );
  });

  test('loads a Graph model, told apart by its format', async () => {
    // A hand-written graph: the mean over height and width of the input (3 features).
    const artifacts: tf.io.ModelArtifacts = {
      format: 'graph-model',
      modelTopology: {
        node: [
          { name: 'picture', op: 'Placeholder', attr: { dtype: { type: 'DT_FLOAT' }, shape: { shape: { dim: [{ size: '-1' }, { size: '4' }, { size: '4' }, { size: '3' }] } } } },
          { name: 'axes', op: 'Const', attr: { dtype: { type: 'DT_INT32' }, value: { tensor: { dtype: 'DT_INT32', tensorShape: { dim: [{ size: '2' }] } } } } },
          { name: 'features', op: 'Mean', input: ['picture', 'axes'], attr: { T: { type: 'DT_FLOAT' }, Tidx: { type: 'DT_INT32' }, keep_dims: { b: false } } },
        ],
        versions: { producer: 1 },
      },
      weightSpecs: [{ name: 'axes', shape: [2], dtype: 'int32' }],
      weightData: Int32Array.from([1, 2]).buffer,
    };
    const loaded = await loadBackbone(spec({ inputSize: 4, outputDim: 3 }), { handler: tf.io.fromMemory(artifacts) });
    expect(loaded).toBeInstanceOf(tf.GraphModel);
    const x = input();
    const v = values(embedImages(loaded, x));
    const expected = values(tf.mean(x, [1, 2]));
    v.forEach((value, i) => expect(value).toBeCloseTo(expected[i]!, 6));
    x.dispose();
    loaded.dispose();
  });

  describe('from a URL', () => {
    let server: Server;
    let base: string;
    let files: Record<string, Buffer>;
    let original: tf.LayersModel;

    beforeAll(async () => {
      const { artifacts, model } = await tinyLayersArtifacts();
      original = model;
      const weights = Buffer.from(artifacts.weightData as ArrayBuffer);
      const modelJson = {
        format: artifacts.format,
        generatedBy: artifacts.generatedBy,
        modelTopology: artifacts.modelTopology,
        weightsManifest: [{ paths: ['tiny.bin'], weights: artifacts.weightSpecs }],
      };
      files = { '/tiny/model.json': Buffer.from(JSON.stringify(modelJson)), '/tiny/tiny.bin': weights };
      server = createServer((request, response) => {
        const body = files[request.url ?? ''];
        response.writeHead(body ? 200 : 404, { 'content-type': request.url?.endsWith('.json') ? 'application/json' : 'application/octet-stream' });
        response.end(body ?? 'not found');
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });

    afterAll(async () => {
      original.dispose();
      await new Promise((resolve) => server.close(resolve));
    });

    test('loads model.json and its weights over HTTP', async () => {
      const loaded = await loadBackbone(tinySpec, { url: `${base}/tiny/model.json`, fetchFunc: fetch });
      const x = input();
      expect(values(embedImages(loaded, x))).toEqual(values(embedImages(original, x)));
      x.dispose();
      loaded.dispose();
    });

    test('says which URL could not be read', async () => {
      await expect(loadBackbone(tinySpec, { url: `${base}/missing/model.json`, fetchFunc: fetch })).rejects.toThrow(/missing\/model\.json/);
    });

    test('modelArtifactsFromFiles rebuilds the same model from the served files', async () => {
      const json = JSON.parse(files['/tiny/model.json']!.toString()) as tf.io.ModelJSON;
      const bin = files['/tiny/tiny.bin']!;
      const artifacts = modelArtifactsFromFiles(json, { 'tiny.bin': bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.length) as ArrayBuffer });
      const loaded = await loadBackbone(tinySpec, { handler: tf.io.fromMemory(artifacts) });
      const x = input();
      expect(values(embedImages(loaded, x))).toEqual(values(embedImages(original, x)));
      x.dispose();
      loaded.dispose();
      expect(() => modelArtifactsFromFiles(json, {})).toThrow(/"tiny.bin".*missing/);
    });
  });
});

describe('a backbone read at one of its layers', () => {
  /** Input 4×4×3 → conv "features" (5 filters) → flatten → dense "head" (a classifier the backbone must not use). */
  async function withHead(): Promise<{ artifacts: tf.io.ModelArtifacts; model: tf.LayersModel }> {
    const input = tf.input({ shape: [4, 4, 3] });
    const features = tf.layers
      .conv2d({ name: 'features', filters: 5, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }), biasInitializer: 'ones' })
      .apply(input) as tf.SymbolicTensor;
    const head = tf.layers.dense({ name: 'head', units: 3 }).apply(tf.layers.flatten().apply(features)) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: head });
    let artifacts: tf.io.ModelArtifacts | undefined;
    await model.save(tf.io.withSaveHandler(async (a) => ((artifacts = a), { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } })));
    return { artifacts: artifacts!, model };
  }

  test('outputLayer cuts before the head and average-pools the feature map; disposing frees every weight', async () => {
    const { artifacts, model } = await withHead();
    const before = tf.memory().numTensors;
    const loaded = await loadBackbone(spec({ inputSize: 4, outputDim: 5, outputLayer: 'features' }), { handler: tf.io.fromMemory(artifacts) });
    const x = input();
    const expected = tf.tidy(() => tf.mean(tf.model({ inputs: model.inputs, outputs: model.getLayer('features').output }).predict(x) as tf.Tensor, [1, 2]));
    const got = embedImages(loaded, x);
    expect(got.shape).toEqual([1, 5]);
    const want = values(expected);
    values(got).forEach((v, i) => expect(v).toBeCloseTo(want[i]!, 5));
    x.dispose();
    loaded.dispose();
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  test('names a missing layer', async () => {
    const { artifacts, model } = await withHead();
    model.dispose();
    await expect(loadBackbone(spec({ inputSize: 4, outputDim: 5, outputLayer: 'conv_pw_13_relu' }), { handler: tf.io.fromMemory(artifacts) })).rejects.toThrow(
      /has no layer "conv_pw_13_relu"; its last layers are .*features.*head/,
    );
  });

  test('a draft spec (a preprocessing preset) gets its output size measured', async () => {
    const { artifacts, model } = await withHead();
    model.dispose();
    const { outputDim: _, ...draft } = spec({ inputSize: 4, outputLayer: 'features' });
    const { model: loaded, spec: complete } = await loadBackboneDraft(draft, { handler: tf.io.fromMemory(artifacts) });
    expect(complete).toEqual({ ...draft, outputDim: 5 });
    loaded.dispose();
  });

  test('backbone.json may name the layer', () => {
    expect(parseBackboneSpec({ ...spec(), outputLayer: 'conv_pw_13_relu' }).outputLayer).toBe('conv_pw_13_relu');
    expect(() => parseBackboneSpec({ ...spec(), outputLayer: 3 })).toThrow(/outputLayer/);
  });
});
