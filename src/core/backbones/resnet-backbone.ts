/**
 * A ResNet weights file the user brought (Keras .h5 or torchvision .safetensors)
 * → a backbone: the Layers model and its spec, with the preprocessing its
 * weights were trained with. The four preprocessing variants (caffe or ImageNet
 * mean/std, stretched or centre-cropped) are named here once, for the spec, the
 * verification against a release and the command line.
 * No DOM; tfjs only.
 */
import * as tf from '@tensorflow/tfjs';
import type { BackboneSpec, PixelScaling } from './backbone.ts';
import { throwIfAborted, ZslError } from '../errors.ts';
import { kerasResNet } from './keras-weights.ts';
import { buildResNet, resNetName, resNetOutputDim, type ResNetWeights, type WeightLayout } from './resnet.ts';
import { torchvisionResNet } from './torchvision-weights.ts';

export type ScalingId = 'caffe' | 'torchvision';

export interface ResNetPreprocessing {
  scaling: ScalingId;
  resize: BackboneSpec['resize'];
}

export const SCALINGS: Record<ScalingId, { label: string; scaling: PixelScaling }> = {
  caffe: { label: 'caffe (BGR, minus the ImageNet mean)', scaling: { kind: 'caffe' } },
  torchvision: {
    label: 'ImageNet mean/std (pixels/255)',
    scaling: { kind: 'mean-std', mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] },
  },
};

/**
 * Each layout's own preprocessing, and stretch: the release's features (the GBU
 * benchmark's) were taken from the whole picture, never a crop of it.
 */
export function defaultPreprocessing(layout: WeightLayout): ResNetPreprocessing {
  return { scaling: layout === 'keras' ? 'caffe' : 'torchvision', resize: 'stretch' };
}

/** Every variant, the layout's own first: what verification tries. */
export function preprocessingVariants(layout: WeightLayout): ResNetPreprocessing[] {
  const own = defaultPreprocessing(layout);
  const all: ResNetPreprocessing[] = [];
  for (const scaling of [own.scaling, own.scaling === 'caffe' ? 'torchvision' : 'caffe'] as ScalingId[]) {
    for (const resize of ['stretch', 'center-crop'] as const) all.push({ scaling, resize });
  }
  return all;
}

export function describePreprocessing(p: ResNetPreprocessing): string {
  return `${p.scaling === 'caffe' ? 'caffe' : 'ImageNet mean/std'} preprocessing, ${p.resize === 'stretch' ? 'stretch' : 'centre crop'}`;
}

/** What a weights file holds, once read: enough to name its feature space. */
export interface ResNetInfo {
  /** "ResNet-101". */
  name: string;
  layout: WeightLayout;
  outputDim: number;
  /** The weights file's name and size, so two different files never share a feature space. */
  file: string;
  bytes: number;
}

export function resNetSpec(info: ResNetInfo, preprocessing: ResNetPreprocessing, inputSize = 224): BackboneSpec {
  const weights = info.layout === 'keras' ? 'Keras weights' : 'torchvision weights';
  return {
    id: `resnet:${info.layout}:${info.file}:${info.bytes}:${preprocessing.scaling}:${preprocessing.resize}:${inputSize}`,
    name: `${info.name} (${weights})`,
    inputSize,
    resize: preprocessing.resize,
    scaling: SCALINGS[preprocessing.scaling].scaling,
    outputDim: info.outputDim,
    featureSourceNetwork: `${info.name} (${weights} ${info.file}, ${describePreprocessing(preprocessing)}, ${inputSize} px)`,
  };
}

/** Whether a spec is a ResNet read from weights (one that may reproduce a ResNet release's space). */
export const isResNetSpec = (spec: BackboneSpec) => spec.id.startsWith('resnet:');

/** The spec's preprocessing back from its id (for trying the other variants on a loaded ResNet). */
export function parseResNetSpecId(spec: BackboneSpec): { info: ResNetInfo; preprocessing: ResNetPreprocessing; inputSize: number } | null {
  const m = /^resnet:(keras|torchvision):(.*):(\d+):(caffe|torchvision):(stretch|center-crop):(\d+)$/.exec(spec.id);
  if (!m) return null;
  return {
    info: { name: spec.name.replace(/ \((Keras|torchvision) weights\)$/, ''), layout: m[1] as WeightLayout, outputDim: spec.outputDim, file: m[2]!, bytes: Number(m[3]) },
    preprocessing: { scaling: m[4] as ScalingId, resize: m[5] as BackboneSpec['resize'] },
    inputSize: Number(m[6]),
  };
}

/** Whether a file name looks like ResNet weights this app reads. */
export const isWeightsFileName = (name: string) => /\.(h5|hdf5|keras|safetensors)$/i.test(name);

/** Reads the weights by their content (HDF5's signature, or a safetensors JSON header), whatever the file is called. */
export function readResNetWeights(buffer: ArrayBuffer, file: string): ResNetWeights {
  const head = new Uint8Array(buffer, 0, Math.min(9, buffer.byteLength));
  const hdf5 = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a].every((b, i) => head[i] === b);
  if (hdf5) return kerasResNet(buffer, file);
  if (head.length === 9 && head[8] === 0x7b) return torchvisionResNet(buffer, file);
  throw new ZslError(
    'is neither HDF5 nor safetensors; expected Keras ResNet weights (.h5, e.g. resnet101_weights_tf_dim_ordering_tf_kernels_notop.h5) or a torchvision ResNet state_dict (.safetensors).',
    { file },
  );
}

export interface LoadedResNet {
  model: tf.LayersModel;
  info: ResNetInfo;
}

/** Weights file bytes → the built network (folding reports progress; a cancel stops between layers). */
export async function loadResNet(
  buffer: ArrayBuffer,
  file: string,
  options: { signal?: AbortSignal; onProgress?: (fraction: number) => void } = {},
): Promise<LoadedResNet> {
  const weights = readResNetWeights(buffer, file);
  throwIfAborted(options.signal);
  const info: ResNetInfo = { name: resNetName(weights), layout: weights.layout, outputDim: resNetOutputDim(weights), file, bytes: buffer.byteLength };
  let last = 0;
  const model = buildResNet(weights, (done, total) => {
    if (done - last >= 8 || done === total) {
      last = done;
      options.onProgress?.(done / total);
    }
  });
  if (options.signal?.aborted) {
    model.dispose();
    throwIfAborted(options.signal);
  }
  return { model, info };
}

/** The model's artifacts, to keep it in IndexedDB as other backbones are kept. */
export async function modelArtifacts(model: tf.LayersModel): Promise<tf.io.ModelArtifacts> {
  let artifacts: tf.io.ModelArtifacts | null = null;
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      artifacts = a;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  return artifacts!;
}
