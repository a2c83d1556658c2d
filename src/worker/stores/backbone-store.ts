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
import { defaultPreprocessing, isWeightsFileName, loadResNet, modelArtifacts, resNetSpec } from '../../core/backbones/resnet-backbone.ts';
import { throwIfAborted, ZslError } from '../../core/errors.ts';
import type { Progress } from '../../core/progress.ts';
import type { DroppedFile } from '../protocol.ts';

/** How loading a backbone goes: bytes read, then the network built, then kept. Cancelling stops it between steps. */
export interface BackboneLoadOptions {
  signal?: AbortSignal;
  onProgress?: (progress: Progress) => void;
}

const KEY = 'indexeddb://zero-shot-studio-backbone';

export interface LoadedBackbone {
  model: BackboneModel;
  spec: BackboneSpec;
  /** The model.json URL it was downloaded from. */
  source?: string;
}

/** `draft` is the preprocessing to use when no backbone.json is among the files (its output size is measured). */
export async function backboneFromFiles(
  files: DroppedFile[],
  draft?: BackboneDraft,
  options: BackboneLoadOptions = {},
): Promise<{ backbone: LoadedBackbone; artifacts: tf.io.ModelArtifacts }> {
  const weightsFile = files.find((f) => isWeightsFileName(f.file.name));
  if (weightsFile && !files.some((f) => f.file.name === 'model.json')) return resNetFromFile(weightsFile.file, options);
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

/** ResNet weights (.h5 or .safetensors, about 170 MB for ResNet-101): read with byte progress, built, with the layout's own preprocessing. */
async function resNetFromFile(file: File, { signal, onProgress }: BackboneLoadOptions): Promise<{ backbone: LoadedBackbone; artifacts: tf.io.ModelArtifacts }> {
  const buffer = await readWithProgress(file, signal, (done) =>
    onProgress?.({ phase: `Reading ${file.name}`, fraction: (0.3 * done) / Math.max(1, file.size), etaSeconds: null, detail: `${(done / 1e6).toFixed(0)} of ${(file.size / 1e6).toFixed(0)} MB` }),
  );
  onProgress?.({ phase: 'Building the network', fraction: 0.3, etaSeconds: null });
  const { model, info } = await loadResNet(buffer, file.name, { signal, onProgress: (f) => onProgress?.({ phase: 'Building the network', fraction: 0.3 + 0.5 * f, etaSeconds: null }) });
  const spec = resNetSpec(info, defaultPreprocessing(info.layout));
  return { backbone: { model, spec }, artifacts: await modelArtifacts(model) };
}

/** A file's bytes, read as a stream so the reading shows its progress and a cancel stops it. */
async function readWithProgress(file: File, signal: AbortSignal | undefined, onBytes: (done: number) => void): Promise<ArrayBuffer> {
  const out = new Uint8Array(file.size);
  const reader = file.stream().getReader();
  let done = 0;
  let shown = 0;
  try {
    for (;;) {
      throwIfAborted(signal);
      const { value, done: end } = await reader.read();
      if (end) break;
      if (done + value.length > out.length) throw new ZslError('grew while it was read; drop it again.', { file: file.name });
      out.set(value, done);
      done += value.length;
      if (done - shown > 4e6) {
        shown = done;
        onBytes(done);
      }
    }
  } finally {
    reader.releaseLock();
  }
  onBytes(done);
  return done === out.length ? out.buffer : out.slice(0, done).buffer;
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
