/**
 * Image backbones: a network that turns a picture into a feature vector, with the
 * preprocessing it was trained with declared next to it (input size, resize and
 * crop, pixel scaling, output size), so a picture dropped in the app is prepared
 * exactly as the backbone's training pictures were. Loads Layers and Graph models
 * alike, from a URL or any tfjs IOHandler. tfjs only: no DOM.
 */
import * as tf from '@tensorflow/tfjs';
import { ZslError } from '../errors.ts';

export type PixelScaling =
  /** 0…255 → 0…1. */
  | { kind: 'unit' }
  /** 0…255 → −1…1 (MobileNet, Inception). */
  | { kind: 'minus-one-one' }
  /** (v / 255 − mean) / std per channel (ImageNet ResNets; ours, measured on its training pictures). */
  | { kind: 'mean-std'; mean: [number, number, number]; std: [number, number, number] }
  /** Caffe's: RGB → BGR, minus the ImageNet mean per channel (B 103.939, G 116.779, R 123.68), no scaling (Keras's ResNets). */
  | { kind: 'caffe' };

/** The ImageNet channel means Caffe subtracts, in its BGR order. */
export const CAFFE_MEAN_BGR = [103.939, 116.779, 123.68] as const;

export interface BackboneSpec {
  id: string;
  name: string;
  /** The square side the network takes. */
  inputSize: number;
  /** 'stretch' resizes the whole picture; 'center-crop' first cuts the largest centred square. */
  resize: 'stretch' | 'center-crop';
  scaling: PixelScaling;
  /** Length of the feature vector. */
  outputDim: number;
  /** Recorded as the dataset's FeatureSource.network: pictures are only comparable in the same space. */
  featureSourceNetwork: string;
  /**
   * Layers models only: read the features at this layer instead of the model's
   * output (e.g. MobileNet's "conv_pw_13_relu", before its classifier); a feature
   * map there is average-pooled over height and width.
   */
  outputLayer?: string;
}

/** A spec whose output size is not known yet: it is measured when the model loads (a preprocessing preset). */
export type BackboneDraft = Omit<BackboneSpec, 'outputDim'>;

export type BackboneModel = tf.LayersModel | tf.GraphModel;

/**
 * RGBA pixels (row-major, as ImageData holds them) → the network's input
 * [1, inputSize, inputSize, 3]. Alpha is dropped. Big shrinks are box-filtered
 * by the whole factor first, since bilinear resizing alone samples only a few
 * source pixels and would alias a large canvas drawing into noise.
 */
export function preprocess(pixels: Uint8ClampedArray, width: number, height: number, spec: BackboneSpec): tf.Tensor4D {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new ZslError(`expected a positive whole picture size, got ${width} × ${height}.`, { variable: 'picture' });
  }
  if (pixels.length !== width * height * 4) {
    throw new ZslError(`expected ${width} × ${height} × 4 = ${width * height * 4} RGBA values, got ${pixels.length}.`, {
      variable: 'picture',
    });
  }
  return tf.tidy(() => {
    const rgba = tf.tensor4d(Float32Array.from(pixels), [1, height, width, 4]);
    let image: tf.Tensor4D = tf.slice(rgba, [0, 0, 0, 0], [1, height, width, 3]);
    if (spec.resize === 'center-crop' && width !== height) {
      const side = Math.min(width, height);
      image = tf.slice(image, [0, Math.floor((height - side) / 2), Math.floor((width - side) / 2), 0], [1, side, side, 3]);
    }
    const [h, w] = [image.shape[1], image.shape[2]];
    const factor = Math.min(Math.floor(h / spec.inputSize), Math.floor(w / spec.inputSize));
    if (factor >= 2) image = tf.avgPool(image, factor, factor, 'valid');
    if (image.shape[1] !== spec.inputSize || image.shape[2] !== spec.inputSize) {
      image = tf.image.resizeBilinear(image, [spec.inputSize, spec.inputSize], false, true);
    }
    return scalePixels(image, spec.scaling);
  });
}

/** Many pictures → one batch [N, inputSize, inputSize, 3]. */
export function preprocessBatch(
  pictures: ReadonlyArray<{ pixels: Uint8ClampedArray; width: number; height: number }>,
  spec: BackboneSpec,
): tf.Tensor4D {
  if (pictures.length === 0) throw new ZslError('expected at least one picture.', { variable: 'pictures' });
  return tf.tidy(() => tf.concat(pictures.map((p) => preprocess(p.pixels, p.width, p.height, spec)), 0));
}

function scalePixels(image: tf.Tensor4D, scaling: PixelScaling): tf.Tensor4D {
  switch (scaling.kind) {
    case 'unit':
      return tf.div(image, 255);
    case 'minus-one-one':
      return tf.sub(tf.div(image, 127.5), 1);
    case 'mean-std': {
      const mean = tf.tensor1d(scaling.mean.map((m) => m * 255));
      const std = tf.tensor1d(scaling.std.map((s) => s * 255));
      return tf.div(tf.sub(image, mean), std);
    }
    case 'caffe':
      return tf.sub(tf.reverse(image, -1), tf.tensor1d([...CAFFE_MEAN_BGR]));
  }
}

/** A preprocessed batch → its features, N × outputDim (pooled maps are flattened). The caller owns the result. */
export function embedImages(model: BackboneModel, batch: tf.Tensor4D): tf.Tensor2D {
  return tf.tidy(() => {
    const out = model.predict(batch);
    const first = Array.isArray(out) ? out[0] : out instanceof tf.Tensor ? out : Object.values(out)[0];
    if (!first) throw new ZslError('the backbone produced no output.', { variable: 'backbone' });
    return tf.reshape(first, [batch.shape[0], -1]) as tf.Tensor2D;
  });
}

export type BackboneSource = { url: string; fetchFunc?: typeof fetch } | { handler: tf.io.IOHandler };

/**
 * Loads a backbone saved as a tfjs Layers model or Graph model (told apart by
 * model.json's `format`, or by the shape of its topology when that is missing)
 * and checks it against its spec.
 */
export async function loadBackbone(spec: BackboneSpec, source: BackboneSource): Promise<BackboneModel> {
  return (await loadChecked(spec, source, spec.outputDim)).model;
}

/** Loads a backbone whose output size is measured (a zero picture through it) and returns the completed spec. */
export async function loadBackboneDraft(draft: BackboneDraft, source: BackboneSource): Promise<{ model: BackboneModel; spec: BackboneSpec }> {
  const { model, outputDim } = await loadChecked(draft, source, null);
  return { model, spec: { ...draft, outputDim } };
}

async function loadChecked(spec: BackboneDraft, source: BackboneSource, outputDim: number | null): Promise<{ model: BackboneModel; outputDim: number }> {
  const handler = 'handler' in source ? source.handler : tf.io.http(source.url, source.fetchFunc ? { fetchFunc: source.fetchFunc } : {});
  if (!handler.load) throw new ZslError('this model source cannot be read.', { variable: 'backbone' });
  const where = 'url' in source ? source.url : spec.id;
  let artifacts: tf.io.ModelArtifacts;
  try {
    artifacts = await handler.load();
  } catch (error) {
    throw new ZslError(`the backbone could not be read (${(error as Error).message}).`, { file: where });
  }
  const memory = tf.io.fromMemory(artifacts);
  let model: BackboneModel;
  try {
    model = isGraphModel(artifacts) ? await tf.loadGraphModel(memory) : await tf.loadLayersModel(memory);
  } catch (error) {
    throw new ZslError(`is not a TensorFlow.js model this app can run (${(error as Error).message}).`, { file: where });
  }
  try {
    if (spec.outputLayer) model = cutAt(model, spec.outputLayer, where);
    return { model, outputDim: checkAgainstSpec(model, spec, outputDim, where) };
  } catch (error) {
    model.dispose();
    throw error;
  }
}

/**
 * A Layers model read at one of its layers, average-pooled when that layer gives
 * a feature map. The layers after it (a classifier head) are disposed, so the
 * new model owns every weight it keeps and disposing it frees them all.
 */
function cutAt(model: BackboneModel, layerName: string, where: string): tf.LayersModel {
  if (!(model instanceof tf.LayersModel)) {
    throw new ZslError(`outputLayer "${layerName}" is for Layers models; this is a graph model, whose output is used as it is.`, { file: where });
  }
  let layer: tf.layers.Layer;
  try {
    layer = model.getLayer(layerName);
  } catch {
    const names = model.layers.map((l) => l.name);
    throw new ZslError(`has no layer "${layerName}"; its last layers are ${names.slice(-4).join(', ')}.`, { file: where });
  }
  let output = layer.output as tf.SymbolicTensor;
  if (Array.isArray(output)) throw new ZslError(`layer "${layerName}" has several outputs; expected one.`, { file: where });
  if (output.shape.length === 4) output = tf.layers.globalAveragePooling2d({}).apply(output) as tf.SymbolicTensor;
  const cut = tf.model({ inputs: model.inputs, outputs: output });
  const kept = new Set(cut.layers);
  for (const other of model.layers) {
    if (kept.has(other)) continue;
    try {
      other.dispose();
    } catch {
      // a layer without weights that was never used on its own: nothing to free
    }
  }
  return cut;
}

function isGraphModel(artifacts: tf.io.ModelArtifacts): boolean {
  if (artifacts.format === 'graph-model') return true;
  if (artifacts.format === 'layers-model') return false;
  const topology = artifacts.modelTopology as { node?: unknown } | undefined;
  return topology !== undefined && !(topology instanceof ArrayBuffer) && Array.isArray(topology.node);
}

/** A zero picture through the model: its output must have outputDim values (when known); returns how many it has. */
function checkAgainstSpec(model: BackboneModel, spec: BackboneDraft, outputDim: number | null, where: string): number {
  let dims: number;
  try {
    dims = tf.tidy(() => embedImages(model, tf.zeros([1, spec.inputSize, spec.inputSize, 3])).shape[1]);
  } catch (error) {
    throw new ZslError(
      `the backbone does not take ${spec.inputSize} × ${spec.inputSize} RGB pictures as its spec says (${(error as Error).message}).`,
      { file: where },
    );
  }
  if (outputDim !== null && dims !== outputDim) {
    throw new ZslError(`the backbone gives ${dims} features per picture; its spec says ${outputDim}.`, { file: where });
  }
  return dims;
}

/**
 * A parsed model.json and its weight files by name (as in its weightsManifest) →
 * artifacts for tf.io.fromMemory: for files read from disk in Node, or dropped
 * into the page together.
 */
export function modelArtifactsFromFiles(modelJson: tf.io.ModelJSON, weightFiles: Record<string, ArrayBuffer>): tf.io.ModelArtifacts {
  if (!modelJson || typeof modelJson !== 'object' || !modelJson.modelTopology) {
    throw new ZslError('model.json has no modelTopology; is it a TensorFlow.js model?', { file: 'model.json' });
  }
  const manifest = modelJson.weightsManifest ?? [];
  const chunks: Uint8Array[] = [];
  for (const group of manifest) {
    for (const name of group.paths) {
      const base = name.split('/').pop()!;
      const file = weightFiles[name] ?? weightFiles[base];
      if (!file) throw new ZslError(`the weight file "${base}" that model.json lists is missing.`, { file: 'model.json' });
      chunks.push(new Uint8Array(file));
    }
  }
  const weightData = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let offset = 0;
  for (const chunk of chunks) {
    weightData.set(chunk, offset);
    offset += chunk.length;
  }
  return {
    modelTopology: modelJson.modelTopology,
    format: modelJson.format,
    generatedBy: modelJson.generatedBy,
    convertedBy: modelJson.convertedBy,
    weightSpecs: manifest.flatMap((group) => group.weights),
    weightData: weightData.buffer,
    ...(modelJson.signature ? { signature: modelJson.signature } : {}),
    ...(modelJson.userDefinedMetadata ? { userDefinedMetadata: modelJson.userDefinedMetadata } : {}),
  };
}

/** Checks a backbone.json (extra fields, such as its provenance, are kept out) and returns its spec. */
export function parseBackboneSpec(json: unknown, file = 'backbone.json'): BackboneSpec {
  const fail = (field: string, expected: string, got: unknown): never => {
    throw new ZslError(`expected ${expected}, got ${JSON.stringify(got)}.`, { file, variable: field });
  };
  const value = (json ?? {}) as Record<string, unknown>;
  const text = (field: string) => (typeof value[field] === 'string' && value[field] !== '' ? (value[field] as string) : fail(field, 'a text', value[field]));
  const positive = (field: string) =>
    Number.isInteger(value[field]) && (value[field] as number) > 0 ? (value[field] as number) : fail(field, 'a positive whole number', value[field]);
  const triple = (field: string, raw: unknown, positiveOnly: boolean): [number, number, number] =>
    Array.isArray(raw) && raw.length === 3 && raw.every((v) => typeof v === 'number' && Number.isFinite(v) && (!positiveOnly || v > 0))
      ? (raw as [number, number, number])
      : fail(field, positiveOnly ? 'three positive numbers' : 'three numbers', raw);
  const resize = value.resize === 'stretch' || value.resize === 'center-crop' ? value.resize : fail('resize', '"stretch" or "center-crop"', value.resize);
  const raw = (value.scaling ?? {}) as Record<string, unknown>;
  let scaling: PixelScaling;
  if (raw.kind === 'unit' || raw.kind === 'minus-one-one' || raw.kind === 'caffe') scaling = { kind: raw.kind };
  else if (raw.kind === 'mean-std') scaling = { kind: 'mean-std', mean: triple('scaling.mean', raw.mean, false), std: triple('scaling.std', raw.std, true) };
  else scaling = fail('scaling.kind', '"unit", "minus-one-one", "mean-std" or "caffe"', raw.kind);
  return {
    id: text('id'),
    name: text('name'),
    inputSize: positive('inputSize'),
    resize,
    scaling,
    outputDim: positive('outputDim'),
    featureSourceNetwork: text('featureSourceNetwork'),
    ...(value.outputLayer === undefined ? {} : { outputLayer: text('outputLayer') }),
  };
}
