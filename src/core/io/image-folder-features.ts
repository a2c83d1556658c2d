/**
 * Turns an image-folder dataset into features: every picture is embedded by the
 * given function (the worker's backbone, or the CLI's), with progress, time left and
 * cancel; the result is an ordinary dataset (kept in IndexedDB like a parsed
 * release) whose features are marked as coming from that backbone. Features
 * are kept batch by batch as they come (a FeatureBatchStore), so dropping the
 * same folder again with the same backbone resumes an interrupted extraction.
 * Pure TypeScript: no DOM, no React, no Node modules (runs in the worker, the CLI and Node tests).
 */
import { contentKey } from '../data/dataset-identity.ts';
import type { BackboneSpec } from '../backbones/backbone.ts';
import { createDataset, type ZslDataset } from '../data/dataset.ts';
import { isCancelled, throwIfAborted, ZslError } from '../errors.ts';
import { splitFromClasses } from '../data/holdout-split.ts';
import type { ImageFolder } from './image-folder.ts';
import type { SourceFile } from './source-file.ts';
import { normaliseAttributes } from '../data/semantic.ts';
import type { Progress } from '../progress.ts';
import type { SemanticOptions } from './read-semantics.ts';

/** Where an extraction keeps its finished batches (the worker's extraction store implements it in IndexedDB). */
export interface FeatureBatchStore {
  /** The features kept for a job, picture after picture; null when none are kept. */
  read(job: string): Promise<{ rows: number; features: Float32Array } | null>;
  /** Keeps the features of pictures first … first + rows − 1. */
  append(job: string, first: number, rows: number, features: Float32Array): Promise<void>;
}

export interface ExtractionOptions {
  /** Where finished batches are kept, and the job's key (see extractionKey). */
  keep?: { store: FeatureBatchStore; job: string };
  /** A batch is kept after this many pictures, or this many milliseconds, whichever comes first. */
  batchPictures?: number;
  batchMs?: number;
  now?: () => number;
}

/**
 * The key of an extraction: a digest of every picture's path, size and date (in
 * the folder's order) and of the backbone with its preprocessing. The same folder
 * with the same backbone gives the same key; any change gives another.
 */
export async function extractionKey(folder: ImageFolder, spec: BackboneSpec): Promise<string> {
  const scaling = spec.scaling.kind === 'mean-std' ? `mean-std ${spec.scaling.mean.join(',')} ${spec.scaling.std.join(',')}` : spec.scaling.kind;
  const lines = [
    `backbone\t${spec.id}\t${spec.featureSourceNetwork}\t${spec.inputSize}\t${spec.resize}\t${scaling}\t${spec.outputDim}\t${spec.outputLayer ?? ''}`,
    ...folder.images.map(({ file }) => `${file.path}\t${file.size}\t${file.lastModified ?? ''}`),
  ];
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(lines.join('\n')));
  return `folder:${Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

/** "840 of 1,200 pictures already embedded". */
export const resumeText = (done: number, total: number) => `${done.toLocaleString('en')} of ${total.toLocaleString('en')} pictures already embedded`;

export async function extractImageFolder(
  folder: ImageFolder,
  embed: (file: SourceFile) => Promise<Float32Array>,
  network: string,
  semantic: SemanticOptions,
  signal: AbortSignal,
  onProgress: (progress: Progress) => void,
  { keep, batchPictures = 32, batchMs = 2000, now = () => performance.now() }: ExtractionOptions = {},
): Promise<{ dataset: ZslDataset; resumed: number }> {
  const total = folder.images.length;
  const rows: Float32Array[] = [];
  // What an interrupted extraction of this folder with this backbone already embedded.
  const kept = keep ? await keep.store.read(keep.job).catch(() => null) : null;
  if (kept && kept.rows > 0 && kept.rows <= total && kept.features.length % kept.rows === 0) {
    const dim = kept.features.length / kept.rows;
    for (let i = 0; i < kept.rows; i++) rows.push(kept.features.subarray(i * dim, (i + 1) * dim));
  }
  const resumed = rows.length;
  const phase = (done: number) =>
    `Extracting features with the backbone (${done.toLocaleString('en')} of ${total.toLocaleString('en')} pictures${resumed > 0 ? `; resuming: ${resumeText(resumed, total)}` : ''})`;
  if (resumed > 0) onProgress({ phase: phase(resumed), fraction: resumed / total, etaSeconds: null });

  // Rows embedded but not kept yet; kept in one write per batch. Failing to keep them never stops the extraction.
  let batchFirst = resumed;
  let lastKept = now();
  let keeping = keep;
  const keepBatch = async () => {
    const count = rows.length - batchFirst;
    if (!keeping || count === 0) return;
    const dim = rows[batchFirst]!.length;
    const batch = new Float32Array(count * dim);
    for (let i = 0; i < count; i++) batch.set(rows[batchFirst + i]!, i * dim);
    try {
      await keeping.store.append(keeping.job, batchFirst, count, batch);
    } catch (error) {
      console.warn('extracted features not kept; an interruption will start over', error);
      keeping = undefined;
    }
    batchFirst = rows.length;
    lastKept = now();
  };

  const started = now();
  try {
    for (let i = resumed; i < total; i++) {
      throwIfAborted(signal);
      const { file } = folder.images[i]!;
      const features = await embed(file).catch((error: unknown) => {
        throw error instanceof ZslError || isCancelled(error) ? error : new ZslError('could not be decoded; expected a JPEG, PNG or WebP picture.', { file: file.path });
      });
      if (rows.length > 0 && features.length !== rows[0]!.length) {
        throw new ZslError(`gave ${features.length} features where the pictures before gave ${rows[0]!.length}.`, { file: file.path });
      }
      rows.push(features);
      if (rows.length - batchFirst >= batchPictures || now() - lastKept >= batchMs) await keepBatch();
      if ((i - resumed) % 8 === 0 || i === total - 1) {
        const seconds = (now() - started) / 1000;
        const rate = (i + 1 - resumed) / Math.max(seconds, 1e-3);
        onProgress({
          phase: phase(i + 1),
          fraction: (i + 1) / total,
          etaSeconds: (total - i - 1) / rate,
          detail: `${rate.toFixed(1)} pictures/s`,
        });
      }
    }
  } catch (error) {
    // A cancel keeps what was embedded, so the same drop resumes from here.
    if (isCancelled(error)) await keepBatch();
    throw error;
  }
  const featureDim = rows[0]!.length;
  const features = new Float32Array(rows.length * featureDim);
  rows.forEach((row, i) => features.set(row, i * featureDim));
  const labels = Int32Array.from(folder.images, (image) => image.label);
  const numClasses = folder.classNames.length;
  const unseen = new Set(folder.unseenClasses);
  const seen = folder.classNames.map((_, c) => c).filter((c) => !unseen.has(c));
  const split = splitFromClasses('folder', `Classes in ${folder.unseenFrom} kept unseen`, seen, folder.unseenClasses, labels);
  const dataset = createDataset({
    // Keyed by content: another folder of the same size never replaces this one in the store.
    id: `image-folder-${contentKey({ classNames: folder.classNames, attributeNames: folder.attributeNames, labels, features, featureDim }).slice(0, 12)}`,
    name: `Image folder (${rows.length} pictures, ${numClasses} classes)`,
    featureDim,
    features,
    labels,
    classNames: folder.classNames,
    attributeNames: folder.attributeNames,
    classAttributes: normaliseAttributes(folder.classAttributes, numClasses, folder.attributeNames.length, semantic.normalise),
    splits: [split],
    featureSource: { kind: 'backbone', network },
    semanticSets: { original: folder.classAttributes },
  });
  return { dataset, resumed };
}
