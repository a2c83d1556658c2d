/**
 * Turns an image-folder dataset into features: every picture is decoded and
 * embedded by the current backbone in the worker, with progress, time left and
 * cancel; the result is an ordinary dataset (kept in IndexedDB like a parsed
 * release) whose features are marked as coming from that backbone.
 * No DOM beyond Blob, no React.
 */
import { createDataset, type ZslDataset } from '../core/dataset.ts';
import { throwIfAborted, ZslError } from '../core/errors.ts';
import { splitFromClasses } from '../core/io/build-splits.ts';
import type { ImageFolder } from '../core/io/image-folder.ts';
import type { SourceFile } from '../core/io/source-file.ts';
import { normaliseAttributes } from '../core/semantic.ts';
import type { Progress } from '../core/train-loop.ts';
import type { SemanticChoice } from './protocol.ts';

export async function extractImageFolder(
  folder: ImageFolder,
  embed: (file: SourceFile) => Promise<Float32Array>,
  network: string,
  semantic: SemanticChoice,
  signal: AbortSignal,
  onProgress: (progress: Progress) => void,
  now: () => number = () => performance.now(),
): Promise<ZslDataset> {
  const started = now();
  const rows: Float32Array[] = [];
  for (const [i, { file }] of folder.images.entries()) {
    throwIfAborted(signal);
    const features = await embed(file).catch((error: unknown) => {
      throw error instanceof ZslError ? error : new ZslError('could not be decoded; expected a JPEG, PNG or WebP picture.', { file: file.path });
    });
    rows.push(features);
    if (i % 8 === 0 || i === folder.images.length - 1) {
      const done = (i + 1) / folder.images.length;
      const seconds = (now() - started) / 1000;
      onProgress({
        phase: `Extracting features with the backbone (${i + 1} of ${folder.images.length} pictures)`,
        fraction: done,
        etaSeconds: (seconds / done) * (1 - done),
        detail: `${((i + 1) / Math.max(seconds, 1e-3)).toFixed(1)} pictures/s`,
      });
    }
  }
  const featureDim = rows[0]!.length;
  const features = new Float32Array(rows.length * featureDim);
  rows.forEach((row, i) => features.set(row, i * featureDim));
  const labels = Int32Array.from(folder.images, (image) => image.label);
  const numClasses = folder.classNames.length;
  const unseen = new Set(folder.unseenClasses);
  const seen = folder.classNames.map((_, c) => c).filter((c) => !unseen.has(c));
  const split = splitFromClasses('folder', `Classes in ${folder.unseenFrom} kept unseen`, seen, folder.unseenClasses, labels);
  return createDataset({
    id: `image-folder-${numClasses}x${rows.length}-${network}`,
    name: `Image folder (${rows.length} pictures, ${numClasses} classes)`,
    featureDim,
    features,
    labels,
    classNames: folder.classNames,
    attributeNames: folder.attributeNames,
    classAttributes: normaliseAttributes(folder.classAttributes, numClasses, folder.attributeNames.length, semantic.normalise),
    splits: [split],
    featureSource: { kind: 'backbone', network },
  });
}
