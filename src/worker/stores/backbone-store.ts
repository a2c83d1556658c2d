/**
 * Backbones the user brought (model.json, its weight files and backbone.json,
 * dropped together, or downloaded from a URL by the page, or ResNet weights) and
 * their keeping in the app's IndexedDB database, so they work offline after a
 * reload. The artifacts are stored as they came, with the spec (and the URL they
 * came from) beside them.
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
import { throwIfAborted, toUserMessage, ZslError } from '../../core/errors.ts';
import { DB_NAME, handled, inTransaction, openAppDatabase, type AppDatabase, type KeptBackboneRecord } from '../../storage/app-database.ts';
import type { Progress } from '../../core/progress.ts';
import type { DroppedFile } from '../protocol.ts';

/** How loading a backbone goes: bytes read, then the network built, then kept. Cancelling stops it between steps. */
export interface BackboneLoadOptions {
  signal?: AbortSignal;
  onProgress?: (progress: Progress) => void;
}

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

/** What a kept backbone is made of, before its network is built again. */
export interface KeptBackbone {
  artifacts: tf.io.ModelArtifacts;
  spec: BackboneSpec;
  source?: string;
}

/** Bytes per weight piece: far under Chromium's largest IndexedDB value (about 127 MiB). */
const CHUNK_BYTES = 32 * 1024 * 1024;

/** Every piece of one save, and every piece of every other save. */
const pieces = {
  of: (saveId: string) => IDBKeyRange.bound([saveId], [saveId, []]),
  before: (saveId: string) => IDBKeyRange.upperBound([saveId], true),
  after: (saveId: string) => IDBKeyRange.lowerBound([saveId, []], true),
};

/**
 * The backbone kept in the app's database between visits: its artifacts and spec
 * in 'backbones', its weight bytes in 32 MiB pieces in 'backbone-chunks', written
 * first, so a failed or interrupted keep leaves the one kept before in place.
 * A backbone kept by tfjs's own IndexedDB store (one value, which Chromium refuses
 * past about 127 MiB) is still restored, and is dropped once a new one is kept.
 */
export function createBackboneKeeper(name = DB_NAME) {
  let db: Promise<AppDatabase> | null = null;
  const open = () => (db ??= openAppDatabase(name, () => (db = null)));

  const keeper = {
    /** Keeps the artifacts and the spec for the next visit, replacing the one kept before; onFraction follows the bytes written. */
    async keep(artifacts: tf.io.ModelArtifacts, spec: BackboneSpec, source?: string, onFraction?: (fraction: number) => void): Promise<void> {
      const { weightData, ...rest } = artifacts;
      const buffers = weightData === undefined ? [] : Array.isArray(weightData) ? weightData : [weightData];
      const byteLength = buffers.reduce((sum, b) => sum + b.byteLength, 0);
      const database = await open();
      const saveId = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
      let chunks = 0;
      let written = 0;
      try {
        for (const buffer of buffers) {
          for (let at = 0; at < buffer.byteLength; at += CHUNK_BYTES) {
            const piece = buffer.slice(at, at + CHUNK_BYTES);
            const key: [string, number] = [saveId, chunks++];
            await inTransaction(database, ['backbone-chunks'], 'readwrite', (tx) => tx.objectStore('backbone-chunks').put(piece, key));
            onFraction?.((written += piece.byteLength) / Math.max(1, byteLength));
          }
        }
        const record: KeptBackboneRecord = { id: 'current', saveId, savedAt: Date.now(), artifacts: rest, spec, byteLength, chunks, ...(source ? { source } : {}) };
        await inTransaction(database, ['backbones', 'backbone-chunks'], 'readwrite', async (tx) => {
          const store = tx.objectStore('backbone-chunks');
          // The pieces of earlier saves (and of any crashed one) go with the record that replaces them.
          await Promise.all([
            handled(tx.objectStore('backbones').put(record)),
            handled(store.delete(pieces.before(saveId))),
            handled(store.delete(pieces.after(saveId))),
          ]);
        });
      } catch (error) {
        await inTransaction(database, ['backbone-chunks'], 'readwrite', (tx) => tx.objectStore('backbone-chunks').delete(pieces.of(saveId))).catch(() => undefined);
        if (error instanceof DOMException && error.name === 'QuotaExceededError') {
          throw new ZslError(`The browser refused to keep the backbone (${(byteLength / 1e6).toFixed(0)} MB): storage is full. Delete a stored dataset or free space.`);
        }
        throw new ZslError(`The browser could not keep the backbone: ${toUserMessage(error)}`);
      }
      await tf.io.removeModel(LEGACY_KEY).catch(() => undefined);
    },

    /** The kept backbone's parts, or null when none is kept; a damaged one is an error. */
    async read(): Promise<KeptBackbone | null> {
      const database = await open();
      const record = await database.get('backbones', 'current');
      if (!record) return null;
      const bytes = new Uint8Array(record.byteLength);
      let at = 0;
      for (let i = 0; i < record.chunks; i++) {
        const piece = await database.get('backbone-chunks', [record.saveId, i]);
        if (!piece || at + piece.byteLength > bytes.length) throw new ZslError('The kept backbone is incomplete; load it again.');
        bytes.set(new Uint8Array(piece), at);
        at += piece.byteLength;
      }
      if (at !== bytes.length) throw new ZslError('The kept backbone is incomplete; load it again.');
      const artifacts = { ...(record.artifacts as tf.io.ModelArtifacts), weightData: bytes.buffer };
      return { artifacts, spec: parseBackboneSpec(record.spec), ...(record.source ? { source: record.source } : {}) };
    },

    /** The backbone kept by an earlier visit, built, or null when there is none (or it cannot be read any more). */
    async restore(): Promise<LoadedBackbone | null> {
      try {
        const kept = (await keeper.read()) ?? (await readLegacy());
        if (!kept) return null;
        const model = await loadBackbone(kept.spec, { handler: tf.io.fromMemory(kept.artifacts) });
        return { spec: kept.spec, model, ...(kept.source ? { source: kept.source } : {}) };
      } catch (error) {
        console.warn('the kept backbone could not be restored', error);
        return null;
      }
    },

    async forget(): Promise<void> {
      const database = await open();
      await inTransaction(database, ['backbones', 'backbone-chunks'], 'readwrite', async (tx) => {
        await Promise.all([handled(tx.objectStore('backbones').delete('current')), handled(tx.objectStore('backbone-chunks').clear())]);
      });
      await tf.io.removeModel(LEGACY_KEY).catch(() => undefined);
    },

    close(): void {
      void db?.then((d) => d.close()).catch(() => undefined);
      db = null;
    },
  };
  return keeper;
}

/** Where tfjs's own IndexedDB store kept backbones before they were kept in pieces. */
const LEGACY_KEY = 'indexeddb://zero-shot-studio-backbone';

async function readLegacy(): Promise<KeptBackbone | null> {
  const [handler] = tf.io.getLoadHandlers(LEGACY_KEY);
  const artifacts = await handler?.load?.().catch(() => null);
  const stored = artifacts?.userDefinedMetadata?.backbone;
  if (!artifacts || !stored) return null;
  const source = artifacts.userDefinedMetadata?.backboneSource;
  return { artifacts, spec: parseBackboneSpec(stored), ...(typeof source === 'string' ? { source } : {}) };
}
