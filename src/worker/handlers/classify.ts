/**
 * Request handlers that ask the current model about inputs: an image of the
 * loaded dataset, pixels or a picture file embedded by the
 * backbone, and the 2-D map of the model's embedding space.
 * Must not import DOM or React code, nor host.ts (the host composes the handlers).
 */
import { findSplit, type Split, type ZslDataset } from '../../core/data/dataset.ts';
import type { FrozenModelData } from '../../core/inference/frozen-model.ts';
import { ZslError } from '../../core/errors.ts';
import { datasetForMethod } from '../../core/training/train-and-evaluate.ts';
import { classifyFeatures } from '../../core/inference/classify.ts';
import { embedPicture, redrawPicture } from '../../core/demos/picture-dataset.ts';
import { PICTURE_CLASSES } from '../../core/demos/picture-world.ts';
import type { ImageClassification } from '../protocol.ts';
import { embeddingMap } from '../../core/inference/embedding-map.ts';
import { isResNetSpec } from '../../core/backbones/resnet-backbone.ts';
import type { Handlers, HostContext } from '../host-context.ts';
import type { SpaceNote } from '../protocol.ts';

type ClassifyKind = 'classify-image' | 'classify-pixels' | 'classify-image-file' | 'embedding-map';

/** Which part of the model's split an image is in, said to the user beside the answer. */
type ImageSet = 'test image of an unseen class' | 'test image of a seen class' | 'training image' | 'image';

function splitOf(data: ZslDataset, frozen: FrozenModelData): Split | null {
  const name = (frozen.run as { split?: unknown } | null)?.split;
  return typeof name === 'string' ? (data.splits.find((s) => s.name === name) ?? null) : null;
}

function imageSetOf(data: ZslDataset, frozen: FrozenModelData, index: number): ImageSet {
  const split = splitOf(data, frozen);
  if (!split) return 'image';
  if (split.testUnseenIndices.includes(index)) return 'test image of an unseen class';
  if (split.testSeenIndices.includes(index)) return 'test image of a seen class';
  return split.trainIndices.includes(index) ? 'training image' : 'image';
}

/**
 * A random image whose true class is among the candidates: in ZSL a test image
 * of an unseen class, in GZSL any test image; from the model's own split.
 */
function randomCandidateImage(data: ZslDataset, frozen: FrozenModelData, scope: 'unseen' | 'all'): { index: number; from: ImageSet } {
  const split = splitOf(data, frozen);
  const unseen = new Set(frozen.unseenClasses);
  const pool: ArrayLike<number> = split
    ? scope === 'unseen'
      ? split.testUnseenIndices
      : [...split.testUnseenIndices, ...split.testSeenIndices]
    : Array.from(data.labels.keys()).filter((i) => scope === 'all' || unseen.has(data.labels[i]!));
  if (pool.length === 0) throw new ZslError(scope === 'unseen' ? 'this dataset has no image of an unseen class to pick.' : 'this dataset has no test image to pick.');
  const index = pool[Math.floor(Math.random() * pool.length)]!;
  return { index, from: split ? imageSetOf(data, frozen, index) : 'image' };
}

export function classifyHandlers(ctx: HostContext): Handlers<ClassifyKind> {
  const { env, models, requireBackbone, requireDataset } = ctx;

  /**
   * Embeds pixels with the backbone and classifies them. A model trained in the
   * backbone's own space is asked at once; one trained on a ResNet release is asked
   * through a ResNet read from weights, with a note saying whether that backbone
   * was verified to reproduce the release. Any other pairing is refused, saying
   * what to load first.
   */
  const classifyPixels = async (pixels: Uint8ClampedArray, width: number, height: number, scope: 'unseen' | 'all', k: number) => {
    const { model, frozen } = models.require();
    if (!frozen) throw new ZslError('This model cannot classify outside its run (it could not be frozen).');
    const { model: net, spec } = await requireBackbone();
    const own = frozen.featureSource.network === spec.featureSourceNetwork;
    const throughResNet = !own && isResNetSpec(spec) && frozen.featureSource.kind === 'release' && frozen.featureDim === spec.outputDim;
    if (!own && !throughResNet) {
      const release = frozen.featureSource.kind === 'release';
      throw new ZslError(
        `This model was trained on features from ${frozen.featureSource.network}, but pictures are embedded by the ${spec.name} backbone (${spec.featureSourceNetwork}). ` +
          (release
            ? `To classify a photo, load ${frozen.featureDim === 2048 ? 'ResNet-101' : `ResNet weights giving ${frozen.featureDim} features`} first (Keras .h5 or torchvision .safetensors, in the backbone row), or re-extract the dataset's features from its pictures with the backbone you have.`
            : 'Train a model on pictures embedded by this backbone (the picture demo for drawings, or an image folder), or load the backbone the model was trained with.'),
      );
    }
    const features = await embedPicture(net, spec, pixels, width, height);
    const result = await classifyFeatures(model, frozen, features, scope, k);
    if (own) return result;
    const verified = ctx.verification?.specId === spec.id && ctx.verification.network === frozen.featureSource.network ? ctx.verification.result : null;
    const space: SpaceNote = verified
      ? { status: verified.same ? 'same' : 'differs', text: verified.text }
      : {
          status: 'not-verified',
          text: `Not verified: ${spec.featureSourceNetwork} was not compared with ${frozen.featureSource.network}. Drop some of the release's own pictures on the backbone row to measure it.`,
        };
    return { ...result, space };
  };

  /** The picture demo's image, redrawn from its seed when the backbone that embedded it is still the one in use. */
  const pictureOf = async (data: ZslDataset, index: number): Promise<ImageClassification['picture']> => {
    const seed = /^pictures-(\d+)$/.exec(data.id);
    if (!seed || data.featureSource.kind !== 'backbone') return null;
    const { spec } = await requireBackbone().catch(() => ({ spec: null }));
    if (!spec || spec.featureSourceNetwork !== data.featureSource.network) return null;
    const size = spec.inputSize;
    return { pixels: redrawPicture(Number(seed[1]), data.numSamples / PICTURE_CLASSES.length, size, index), width: size, height: size };
  };

  return {
    async 'classify-image'(request) {
      const data = requireDataset();
      const { model, frozen } = models.require();
      if (!frozen) throw new ZslError('This model cannot classify outside its run (it could not be frozen).');
      if (frozen.featureDim !== data.featureDim || frozen.featureSource.network !== data.featureSource.network) {
        throw new ZslError(
          `This model expects ${frozen.featureDim}-value features from ${frozen.featureSource.network}; the loaded dataset has ${data.featureDim}-value features from ${data.featureSource.network}.`,
        );
      }
      const trainedOn = models.datasetId();
      if ((trainedOn !== null && trainedOn !== data.id) || frozen.classNames.join('\n') !== data.classNames.join('\n')) {
        throw new ZslError(`This model was trained on ${trainedOn ?? 'other classes'}, not on the loaded dataset: train one here, or load its dataset.`);
      }
      const { index, from } = request.imageIndex === 'random' ? randomCandidateImage(data, frozen, request.scope) : { index: request.imageIndex, from: null };
      if (!Number.isInteger(index) || index < 0 || index >= data.numSamples) {
        throw new ZslError(`there is no image ${index + 1}; the dataset has ${data.numSamples}.`, { variable: 'image' });
      }
      const features = data.features.slice(index * data.featureDim, (index + 1) * data.featureDim);
      const trueClassId = data.labels[index]!;
      const result = await classifyFeatures(model, frozen, features, request.scope, request.k, { rankOf: [trueClassId] });
      return {
        ...result,
        trueClass: data.classNames[trueClassId]!,
        trueClassId,
        trueSeen: frozen.seenClasses.includes(trueClassId),
        trueRank: result.rankOf[trueClassId] ?? null,
        imageIndex: index,
        imageSet: from ?? imageSetOf(data, frozen, index),
        picture: await pictureOf(data, index),
      };
    },
    async 'classify-pixels'(request) {
      return classifyPixels(request.pixels, request.width, request.height, request.scope, request.k);
    },
    async 'classify-image-file'(request) {
      if (!env.decodeImage) throw new ZslError('Images cannot be decoded here.');
      if (request.file.size > 50e6) throw new ZslError(`is ${(request.file.size / 1e6).toFixed(0)} MB; expected a picture under 50 MB.`, { file: request.file.name });
      const image = await env.decodeImage(request.file).catch(() => {
        throw new ZslError('could not be decoded; expected a JPEG, PNG or WebP picture.', { file: request.file.name });
      });
      return classifyPixels(image.pixels, image.width, image.height, request.scope, request.k);
    },
    async 'embedding-map'(request) {
      const data = requireDataset();
      const { model, run } = models.require();
      if (!run || run.datasetId !== data.id) throw new ZslError('The embedding map needs the dataset this model was trained on: load it first.');
      const methodData = datasetForMethod(data, run.config);
      const points = await embeddingMap(model, methodData, findSplit(methodData, run.split), request.maxImages);
      return { points, method: run.method };
    },
  };
}
