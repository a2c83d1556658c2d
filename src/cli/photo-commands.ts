/**
 * The command line's picture commands: `embed` (a photo → its feature vector),
 * `predict --photo` (a photo → the model's top classes) and `extract` (an image
 * folder → the AwA2 text layout). The same core as the worker: the backbone is
 * a ResNet weights file or a tfjs model, the preprocessing is the spec's.
 * Node only: never import from src/core or browser code.
 */
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { loadBackbone, modelArtifactsFromFiles, parseBackboneSpec, type BackboneModel, type BackboneSpec } from '../core/backbones/backbone.ts';
import { defaultPreprocessing, loadResNet, resNetSpec } from '../core/backbones/resnet-backbone.ts';
import { selectBackend } from '../core/compute/backend.ts';
import { classifyFeatures } from '../core/inference/classify.ts';
import { ZslError } from '../core/errors.ts';
import { FrozenModel, parseModel } from '../core/inference/frozen-model.ts';
import { embedPicture } from '../core/demos/picture-dataset.ts';
import type { BackboneOptions, Command } from './args.ts';
import { nodeProbes } from './node-backends.ts';
import { readImageFolder } from '../core/io/image-folder.ts';
import { extractImageFolder, extractionKey } from '../core/io/image-folder-features.ts';
import { nodeExtractionStore } from './node-extraction-store.ts';
import { filesFromPath } from './node-files.ts';
import { decodePicture, decodePictureFile } from './node-images.ts';

export interface NodeBackbone {
  model: BackboneModel;
  spec: BackboneSpec;
}

/** Selects the backend, then reads the backbone: ResNet weights by their content, or a model.json with backbone.json beside it. */
export async function loadNodeBackbone(options: BackboneOptions, log: (line: string) => void): Promise<NodeBackbone> {
  const backend = await selectBackend(options.backend, nodeProbes);
  log(`Backend: ${backend.name}${backend.notes.length ? ` (${backend.notes.join(' ')})` : ''}`);
  const file = options.path;
  const bytes = await readFile(file).catch(() => {
    throw new ZslError('the backbone cannot be read; expected a ResNet .h5 or .safetensors file, or a tfjs model.json.', { file });
  });
  if (path.basename(file) === 'model.json') {
    if (options.preprocessing || options.resize) throw new ZslError('--preprocessing and --resize are for ResNet weights; a tfjs model\'s backbone.json declares its own.');
    const folder = path.dirname(file);
    const json = (text: string, name: string) => {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        throw new ZslError('is not valid JSON.', { file: name });
      }
    };
    const specPath = path.join(folder, 'backbone.json');
    const specText = await readFile(specPath, 'utf8').catch(() => {
      throw new ZslError('is missing: it declares the model\'s input size, resize, pixel scaling and output size.', { file: specPath });
    });
    const spec = parseBackboneSpec(json(specText, specPath), specPath);
    const modelJson = json(bytes.toString('utf8'), file) as tf.io.ModelJSON;
    const weights: Record<string, ArrayBuffer> = {};
    for (const group of modelJson.weightsManifest ?? []) {
      for (const name of group.paths) {
        const data = await readFile(path.join(folder, name)).catch(() => null);
        if (data) weights[name] = data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer;
      }
    }
    const model = await loadBackbone(spec, { handler: tf.io.fromMemory(modelArtifactsFromFiles(modelJson, weights)) });
    return { model, spec };
  }
  const started = performance.now();
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  const { model, info } = await loadResNet(buffer, path.basename(file));
  const own = defaultPreprocessing(info.layout);
  const preprocessing = { scaling: options.preprocessing ?? own.scaling, resize: options.resize ?? own.resize };
  const spec = resNetSpec(info, preprocessing, options.inputSize ?? 224);
  log(`Backbone: ${spec.featureSourceNetwork}, ${info.outputDim} features, read in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return { model, spec };
}

export async function embedCommand(command: Extract<Command, { kind: 'embed' }>, log: (line: string) => void): Promise<void> {
  const { model, spec } = await loadNodeBackbone(command.backbone, log);
  const picture = await decodePictureFile(command.photo);
  const feature = await embedPicture(model, spec, picture.pixels, picture.width, picture.height);
  model.dispose();
  if (command.json) console.log(JSON.stringify({ dim: feature.length, network: spec.featureSourceNetwork, feature: Array.from(feature) }));
  else console.log(`${feature.length} features (${spec.featureSourceNetwork}): ${Array.from(feature.subarray(0, 8), (v) => v.toPrecision(4)).join(' ')} …`);
}

/** A photo → the top classes of an exported model; refused when the model's features are another length than the backbone's. */
export async function predictPhotoCommand(command: Extract<Command, { kind: 'predict' }>, log: (line: string) => void): Promise<void> {
  const photo = command.photo!;
  const text = await readFile(command.model, 'utf8').catch(() => {
    throw new ZslError('the file cannot be read; expected a model file exported by Zero-Shot Studio.', { file: command.model });
  });
  const frozen = parseModel(text, command.model);
  const { model: net, spec } = await loadNodeBackbone(photo.backbone, log);
  if (spec.outputDim !== frozen.featureDim) {
    net.dispose();
    throw new ZslError(`the model expects ${frozen.featureDim}-value features from ${frozen.featureSource.network}; the backbone gives ${spec.outputDim}.`, { file: command.model });
  }
  if (frozen.featureSource.network !== spec.featureSourceNetwork) {
    log(`Note: the model was trained on features from ${frozen.featureSource.network}; the photo is embedded by ${spec.featureSourceNetwork}. Not verified to be the same feature space.`);
  }
  const picture = await decodePictureFile(photo.photo);
  const feature = await embedPicture(net, spec, picture.pixels, picture.width, picture.height);
  net.dispose();
  const model = new FrozenModel(frozen);
  const result = await classifyFeatures(model, frozen, feature, command.scope, 5);
  model.dispose();
  const top = result.top.map((t) => ({ class: t.name, score: t.score, seen: t.seen }));
  if (command.json) console.log(JSON.stringify({ model: frozen.method, scope: command.scope, photo: photo.photo, network: spec.featureSourceNetwork, top }));
  else console.log(`${photo.photo}: ${top.map((t) => `${t.class}${t.seen ? '' : ' (unseen)'}`).join(', ')}`);
}

/**
 * An image folder (pictures in one folder per class, with the class side) → the
 * AwA2 text layout under `out`: Features/<network>/AwA2-features.txt, -labels.txt,
 * -filenames.txt, and the class files copied beside them, so `out` trains like the
 * release. Features are appended to out/.extraction/ batch by batch; running the
 * same command again resumes from there.
 */
export async function extractCommand(command: Extract<Command, { kind: 'extract' }>, log: (line: string) => void): Promise<void> {
  const { model, spec } = await loadNodeBackbone(command.backbone, log);
  const files = await filesFromPath(command.folder, { expandZip: false });
  const folder = await readImageFolder(files);
  const job = await extractionKey(folder, spec);
  const store = nodeExtractionStore(path.join(command.out, '.extraction'));
  const abort = new AbortController();
  process.once('SIGINT', () => abort.abort());
  let lastShown = 0;
  const { dataset, resumed } = await extractImageFolder(
    folder,
    async (file) => {
      const bytes = new Uint8Array(await new Response(file.stream()).arrayBuffer());
      const picture = decodePicture(bytes, file.path);
      return embedPicture(model, spec, picture.pixels, picture.width, picture.height);
    },
    spec.featureSourceNetwork,
    { source: 'continuous', normalise: 'none', missing: 'keep' },
    abort.signal,
    (p) => {
      if (performance.now() - lastShown < 1000 && p.fraction < 1) return;
      lastShown = performance.now();
      const eta = p.etaSeconds === null ? '' : `, ${Math.ceil(p.etaSeconds)} s left`;
      log(`${p.phase}: ${(p.fraction * 100).toFixed(0)}%${p.detail ? `, ${p.detail}` : ''}${eta}`);
    },
    { keep: { store, job } },
  );
  model.dispose();
  const network = spec.name.replace(/ \([^()]*\)$/, '').replace(/[^A-Za-z0-9]+/g, '') + `-${spec.id.split(':')[1] ?? 'tfjs'}-${spec.resize}`;
  const featuresDir = path.join(command.out, 'Features', network);
  await mkdir(featuresDir, { recursive: true });
  const dim = dataset.featureDim;
  const lines: string[] = [];
  for (let i = 0; i < dataset.numSamples; i++) {
    lines.push(Array.from(dataset.features.subarray(i * dim, (i + 1) * dim), (v) => Number(v.toPrecision(7)).toString()).join(' '));
  }
  await writeFile(path.join(featuresDir, 'AwA2-features.txt'), `${lines.join('\n')}\n`);
  await writeFile(path.join(featuresDir, 'AwA2-labels.txt'), `${Array.from(dataset.labels, (l) => l + 1).join('\n')}\n`);
  await writeFile(path.join(featuresDir, 'AwA2-filenames.txt'), `${folder.images.map(({ file }) => file.name).join('\n')}\n`);
  const classFiles = /^(classes|predicates|predicate-matrix-(continuous|binary)|testclasses(-proposed)?|trainclasses|trainvalclasses-proposed)\.txt$/i;
  for (const file of files) {
    if (classFiles.test(file.name)) await copyFile(path.join(command.folder, file.path), path.join(command.out, file.name));
  }
  // The standard split's seen list, when the folder names only the unseen classes: the rest.
  if (!files.some((f) => /^trainclasses\.txt$/i.test(f.name))) {
    const unseen = new Set(folder.unseenClasses);
    await writeFile(path.join(command.out, 'trainclasses.txt'), `${folder.classNames.filter((_, c) => !unseen.has(c)).join('\n')}\n`);
  }
  await store.clear();
  const summary = { pictures: dataset.numSamples, resumed, dim, network: spec.featureSourceNetwork, features: path.join(featuresDir, 'AwA2-features.txt') };
  if (command.json) console.log(JSON.stringify(summary));
  else console.log(`${summary.pictures} pictures embedded (${resumed} resumed), ${dim} features each: ${summary.features}`);
}
