/**
 * Image backbones: a network that turns a picture into a feature vector, with the
 * preprocessing it was trained with declared next to it (input size, resize and
 * crop, pixel scaling, output size), so a picture dropped in the app is prepared
 * exactly as the backbone's training pictures were. Loads Layers and Graph models
 * alike, from a URL or any tfjs IOHandler. tfjs only: no DOM.
 */
import * as tf from '@tensorflow/tfjs';
import { ZslError } from './errors.ts';

export type PixelScaling =
  /** 0…255 → 0…1. */
  | { kind: 'unit' }
  /** 0…255 → −1…1 (MobileNet, Inception). */
  | { kind: 'minus-one-one' }
  /** (v / 255 − mean) / std per channel (ImageNet ResNets; ours, measured on its training pictures). */
  | { kind: 'mean-std'; mean: [number, number, number]; std: [number, number, number] };

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
}

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
  const model = isGraphModel(artifacts) ? await tf.loadGraphModel(memory) : await tf.loadLayersModel(memory);
  try {
    checkAgainstSpec(model, spec, where);
  } catch (error) {
    model.dispose();
    throw error;
  }
  return model;
}

function isGraphModel(artifacts: tf.io.ModelArtifacts): boolean {
  if (artifacts.format === 'graph-model') return true;
  if (artifacts.format === 'layers-model') return false;
  const topology = artifacts.modelTopology as { node?: unknown } | undefined;
  return topology !== undefined && !(topology instanceof ArrayBuffer) && Array.isArray(topology.node);
}

/** A zero picture through the model: its output must have outputDim values. */
function checkAgainstSpec(model: BackboneModel, spec: BackboneSpec, where: string): void {
  let dims: number;
  try {
    dims = tf.tidy(() => embedImages(model, tf.zeros([1, spec.inputSize, spec.inputSize, 3])).shape[1]);
  } catch (error) {
    throw new ZslError(
      `the backbone does not take ${spec.inputSize} × ${spec.inputSize} RGB pictures as its spec says (${(error as Error).message}).`,
      { file: where },
    );
  }
  if (dims !== spec.outputDim) {
    throw new ZslError(`the backbone gives ${dims} features per picture; its spec says ${spec.outputDim}.`, { file: where });
  }
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
  if (raw.kind === 'unit' || raw.kind === 'minus-one-one') scaling = { kind: raw.kind };
  else if (raw.kind === 'mean-std') scaling = { kind: 'mean-std', mean: triple('scaling.mean', raw.mean, false), std: triple('scaling.std', raw.std, true) };
  else scaling = fail('scaling.kind', '"unit", "minus-one-one" or "mean-std"', raw.kind);
  return {
    id: text('id'),
    name: text('name'),
    inputSize: positive('inputSize'),
    resize,
    scaling,
    outputDim: positive('outputDim'),
    featureSourceNetwork: text('featureSourceNetwork'),
  };
}
