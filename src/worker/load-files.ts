/**
 * Dropped files → dataset, inside the worker: recognise the layout first (so the
 * page can show what was found and what is missing), then parse with progress in
 * MB/s and time left. No DOM beyond File, no React.
 */
import type { ZslDataset } from '../core/data/dataset.ts';
import { ZslError } from '../core/errors.ts';
import { buildDataset, describeFiles } from '../core/io/build-dataset.ts';
import { dropKind, IMAGE_PATTERN } from '../core/io/image-folder.ts';
import { fileLabel } from '../core/io/layout.ts';
import { fromBlob, type SourceFile } from '../core/io/source-file.ts';
import type { Progress } from '../core/progress.ts';
import { browserFeatureParser, rememberBlob } from './parallel-features.ts';
import type { SemanticOptions } from '../core/io/read-semantics.ts';
import type { DroppedFile, StagedFiles } from './protocol.ts';

/** Beyond these a drop is refused up front, with a sentence (the real AwA2 feature file is 0.73 GB). */
export const LIMITS = { fileBytes: 4e9, files: 20_000 };

export const toSourceFiles = (files: DroppedFile[]): SourceFile[] => {
  if (files.length > LIMITS.files) {
    throw new ZslError(`${files.length.toLocaleString('en')} files were dropped; expected a release of at most ${LIMITS.files.toLocaleString('en')} files (drop its folder or zip, not a whole drive).`);
  }
  for (const { file, path } of files) {
    if (file.size > LIMITS.fileBytes) {
      throw new ZslError(`is ${(file.size / 1e9).toFixed(1)} GB; expected files under ${LIMITS.fileBytes / 1e9} GB (the AwA2 feature file is 0.73 GB).`, { file: path });
    }
  }
  return files.map(({ file, path }) => rememberBlob(fromBlob(file, path), file));
};

export async function stageFiles(files: DroppedFile[], token: number, signal: AbortSignal) {
  const { files: expanded, layout } = await describeFiles(toSourceFiles(files), signal);
  if (dropKind(expanded, layout) === 'image-folder') {
    const pictures = expanded.filter((f) => IMAGE_PATTERN.test(f.name)).length;
    const staged: StagedFiles = {
      token,
      layout: 'image-folder',
      found: [{ role: 'images', label: `${pictures} pictures in class folders`, path: expanded.find((f) => IMAGE_PATTERN.test(f.name))!.path.split('/').slice(0, -2).join('/') || '.' }],
      missing: [],
      duplicates: [],
      ignored: 0,
    };
    return { staged, expanded };
  }
  const staged: StagedFiles = {
    token,
    layout: layout.layout,
    found: Object.entries(layout.files).map(([role, file]) => ({ role, label: fileLabel(role as never), path: file.path })),
    missing: layout.missing,
    duplicates: layout.duplicates.map((d) => `${fileLabel(d.role)}: ${d.paths.join(', ')}`),
    ignored: layout.ignored.length,
  };
  return { staged, expanded };
}

export async function loadFiles(
  files: SourceFile[],
  semantic: SemanticOptions,
  signal: AbortSignal,
  onProgress: (progress: Progress) => void,
  now: () => number = () => performance.now(),
): Promise<{ dataset: ZslDataset; semantic: string; imageFiles?: string[] }> {
  const started = now();
  const result = await buildDataset(files, {
    semantic,
    signal,
    parseFeatures: browserFeatureParser(),
    onProgress: (p) => {
      const seconds = (now() - started) / 1000;
      const rate = p.bytesDone !== undefined && seconds > 0 ? p.bytesDone / 1e6 / seconds : null;
      const detail = [rate !== null ? `${rate.toFixed(0)} MB/s` : null, p.note ?? null].filter((d) => d !== null).join(' · ');
      onProgress({
        phase: p.phase,
        fraction: p.fraction,
        etaSeconds: p.fraction > 0.02 ? (seconds * (1 - p.fraction)) / p.fraction : null,
        detail: detail || undefined,
      });
    },
  });
  return { dataset: result.dataset, semantic: result.semantic.description, ...(result.imageFiles ? { imageFiles: result.imageFiles } : {}) };
}
