/**
 * Backbones the user brought (model.json, its weight files and backbone.json,
 * dropped together, or downloaded from a URL by the page) and their keeping in
 * IndexedDB, so they work offline after a reload. The artifacts are stored as
 * they came, with the spec (and the URL they came from) beside them.
 * Worker side: tfjs IO handlers only, no DOM, no React.
 */
import * as tf from '@tensorflow/tfjs';
import {
  loadBackbone,
  loadBackboneDraft,
  modelArtifactsFromFiles,
  parseBackboneSpec,
  type BackboneDraft,
  type BackboneModel,
  type BackboneSpec,
} from '../../core/backbones/backbone.ts';
import { ZslError } from '../../core/errors.ts';
import type { DroppedFile } from '../protocol.ts';

const KEY = 'indexeddb://zero-shot-studio-backbone';

export interface LoadedBackbone {
  model: BackboneModel;
  spec: BackboneSpec;
  /** The model.json URL it was downloaded from. */
  source?: string;
}

/** `draft` is the preprocessing to use when no backbone.json is among the files (its output size is measured). */
export async function backboneFromFiles(files: DroppedFile[], draft?: BackboneDraft): Promise<{ backbone: LoadedBackbone; artifacts: tf.io.ModelArtifacts }> {
  const find = (name: string) => files.find((f) => f.file.name === name);
  const modelFile = find('model.json');
  const specFile = find('backbone.json');
  if (!modelFile) throw new ZslError('model.json is missing: drop the backbone\'s model.json, its weight files and its backbone.json together.');
  if (!specFile && !draft) {
    throw new ZslError(
      'backbone.json is missing: it declares the input size, resize, pixel scaling and output size (see public/backbones/picture-world/backbone.json for an example).',
    );
  }
  const json = async (file: File) => {
    try {
      return JSON.parse(await file.text()) as unknown;
    } catch {
      throw new ZslError('is not valid JSON.', { file: file.name });
    }
  };
  const weights: Record<string, ArrayBuffer> = {};
  for (const { file } of files) if (file.name !== 'model.json' && file.name !== 'backbone.json') weights[file.name] = await file.arrayBuffer();
  const artifacts = modelArtifactsFromFiles((await json(modelFile.file)) as tf.io.ModelJSON, weights);
  const source = { handler: tf.io.fromMemory(artifacts) };
  if (specFile) {
    const spec = parseBackboneSpec(await json(specFile.file), specFile.path);
    return { backbone: { model: await loadBackbone(spec, source), spec }, artifacts };
  }
  return { backbone: await loadBackboneDraft(draft!, source), artifacts };
}

/** Keeps the artifacts and the spec for the next visit (replacing the one kept before). */
export async function keepBackbone(artifacts: tf.io.ModelArtifacts, spec: BackboneSpec, source?: string): Promise<void> {
  const [handler] = tf.io.getSaveHandlers(KEY);
  if (!handler?.save) throw new ZslError('This browser cannot keep backbones (no IndexedDB).');
  const metadata = { ...artifacts.userDefinedMetadata, backbone: spec as unknown as object, ...(source ? { backboneSource: source } : {}) };
  await handler.save({ ...artifacts, userDefinedMetadata: metadata });
}

/** The backbone kept by an earlier visit, or null when there is none (or it cannot be read any more). */
export async function restoreBackbone(): Promise<LoadedBackbone | null> {
  try {
    const [handler] = tf.io.getLoadHandlers(KEY);
    const artifacts = await handler?.load?.();
    const stored = artifacts?.userDefinedMetadata?.backbone;
    if (!artifacts || !stored) return null;
    const spec = parseBackboneSpec(stored);
    const source = artifacts.userDefinedMetadata?.backboneSource;
    return { spec, model: await loadBackbone(spec, { handler: tf.io.fromMemory(artifacts) }), ...(typeof source === 'string' ? { source } : {}) };
  } catch {
    return null; // nothing kept yet
  }
}

export async function forgetBackbone(): Promise<void> {
  await tf.io.removeModel(KEY).catch(() => undefined);
}
