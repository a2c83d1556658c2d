/**
 * From dropped files (a folder's files, zips, or both) to a validated ZslDataset:
 * recognise the layout, read the class side, parse labels and features with
 * progress and cancellation, build the PS and SS splits, then createDataset.
 * `inspectFiles` answers the same questions (sizes, counts, splits) without parsing
 * the feature file. Pure TypeScript: no DOM, no Node modules, no tfjs.
 */
import { BENCHMARKS, contentKey, recogniseBenchmark, type BenchmarkId } from '../data/dataset-identity.ts';
import { createDataset, type Split, type ZslDataset } from '../data/dataset.ts';
import { throwIfAborted, ZslError } from '../errors.ts';
import { splitFromClasses } from '../data/holdout-split.ts';
import { assertDisjoint, splitFromLocations, TRAIN_LOC_REFUSAL } from './build-splits.ts';
import { parseFeatureBytes, parseFeatureStream, type FeatureMatrix, type FeatureParseOptions } from './features/feature-parser.ts';
import { assertUsable, recogniseLayout, type LayoutDescription, type LayoutName } from './layout.ts';
import { getVariable, readMat5, type MatFile } from './mat5.ts';
import { matIndices, matStrings, matToFloat32 } from './mat5-values.ts';
import { DEFAULT_SEMANTIC, readClassSide, type ClassSide, type SemanticOptions, type SemanticRecord } from './read-semantics.ts';
import { readGenericImages } from './read-generic.ts';
import { readAll, type SourceFile } from './source-file.ts';
import { parseFilenames, parseLabels, parseNameList, resolveClasses } from './text-lists.ts';
import { expandZips } from './zip.ts';
import type { PhaseProgress } from '../progress.ts';

export interface BuildProgress extends PhaseProgress {
  bytesDone?: number;
  bytesTotal?: number;
  /** How the feature file is being parsed, e.g. "4 threads" or why it is one. */
  note?: string;
}

/** Options a feature-file parse gets from the build: the row count comes from the labels file. */
export type FeatureFileOptions = FeatureParseOptions & { rows: number; onNote?: (note: string) => void };

/**
 * Parses the feature file. The default streams it on the calling thread; the app's
 * worker and the command line pass one that parses byte ranges in parallel where
 * they can (parallel-parse.ts), with the same values and errors.
 */
export type FeatureFileParser = (file: SourceFile, options: FeatureFileOptions) => Promise<FeatureMatrix>;

export const streamFeatureFile: FeatureFileParser = (file, options) => parseFeatureStream(file.stream(), options);

export interface BuildOptions {
  semantic?: Partial<SemanticOptions>;
  onProgress?: (p: BuildProgress) => void;
  signal?: AbortSignal;
  id?: string;
  name?: string;
  /** Fraction of seen images held out as test-seen when the release has none (default 0.2). */
  holdout?: number;
  /** The att_splits.mat variable to train the proposed split on; only trainval_loc is accepted. */
  psTraining?: 'trainval_loc' | 'train_loc' | 'val_loc';
  /** How to parse the feature file; default streamFeatureFile (one thread). */
  parseFeatures?: FeatureFileParser;
}

export interface BuildResult {
  dataset: ZslDataset;
  semantic: SemanticRecord;
  layout: LayoutDescription;
  /** Image file names in row order, when the release has them. */
  imageFiles?: string[];
}

export async function buildDataset(files: SourceFile[], options: BuildOptions = {}): Promise<BuildResult> {
  const { signal } = options;
  const report = options.onProgress ?? (() => undefined);
  if (options.psTraining && options.psTraining !== 'trainval_loc') {
    throw new ZslError(TRAIN_LOC_REFUSAL, { file: 'att_splits.mat', variable: options.psTraining });
  }
  const semanticOptions = { ...DEFAULT_SEMANTIC, ...options.semantic };
  const hasZip = files.some((f) => /\.zip$/i.test(f.name));
  const featureStart = hasZip ? 0.3 : 0.05;
  const layout = await describe(files, signal, (done, total) =>
    report({ phase: 'Reading the archive', fraction: total > 0 ? (0.3 * done) / total : 0, bytesDone: done, bytesTotal: total }),
  );
  assertUsable(layout);
  report({ phase: 'Reading classes and attributes', fraction: featureStart });
  const side = await readClassSide(layout, semanticOptions, signal);
  let note: string | undefined;
  const images = await readImages(layout, side, signal, options.parseFeatures ?? streamFeatureFile, (fraction, bytes, newNote) => {
    note = newNote ?? note;
    report({ phase: 'Parsing features', fraction: featureStart + (0.95 - featureStart) * fraction, ...bytes, ...(note ? { note } : {}) });
  });
  throwIfAborted(signal);
  report({ phase: 'Building splits', fraction: 0.96 });
  const splits = await buildSplits(layout, side, images.labels, options.holdout, signal);
  const network = images.network;
  const identity = nameDataset(layout, side, images);
  const dataset = createDataset({
    id: options.id ?? identity.id,
    name: options.name ?? identity.name,
    features: images.features,
    featureDim: images.featureDim,
    labels: images.labels,
    classNames: side.classNames,
    attributeNames: side.attributeNames,
    classAttributes: side.classAttributes,
    splits,
    featureSource: { kind: 'release', network },
    semanticSets: side.sets,
    ...(identity.benchmark ? { benchmark: identity.benchmark } : {}),
  });
  report({ phase: 'Done', fraction: 1 });
  return { dataset, semantic: side.semantic, layout, ...(images.imageFiles ? { imageFiles: images.imageFiles } : {}) };
}

/** The benchmark it is (or a plain description) and a content-keyed id, so no other dataset ever shares it. */
function nameDataset(layout: LayoutDescription, side: ClassSide, images: Images): { id: string; name: string; benchmark: BenchmarkId | null } {
  const paths = Object.values(layout.files).map((f) => f.path);
  const benchmark = recogniseBenchmark({ paths, classNames: side.classNames, attributes: side.attributeNames.length, images: images.labels.length });
  const release = layout.layout === 'xlsa17' ? 'xlsa17 release' : layout.layout === 'mixed' ? 'text features + xlsa17 splits' : layout.layout === 'generic' ? 'own features' : 'text release';
  const what = benchmark ? BENCHMARKS[benchmark].label : `${side.classNames.length} classes × ${side.attributeNames.length} attributes`;
  const key = contentKey({ ...images, classNames: side.classNames, attributeNames: side.attributeNames }).slice(0, 12);
  return { id: `${(benchmark ?? layout.layout).toLowerCase()}-${key}`, name: `${what} (${release})`, benchmark };
}

export interface InspectResult {
  layout: LayoutName;
  /** What was read: the layout and counts only (the feature file's first line), or every feature value. */
  checked: 'layout' | 'every value';
  images: number;
  feature_dim: number;
  classes: number;
  attributes: number;
  splits: {
    ps?: { trainval: number; test_seen: number; test_unseen: number; derived: boolean };
    ss?: { train: number; test: number };
    /** The generic layout's split from its class lists. */
    given?: { train: number; test_seen: number; test_unseen: number };
  };
  missing: string[];
  files: Record<string, string>;
}

export interface InspectOptions extends Pick<BuildOptions, 'signal' | 'semantic' | 'holdout' | 'parseFeatures' | 'onProgress'> {
  /** Parse every value of the feature file (a bad value anywhere is reported with its line); default: the layout only. */
  full?: boolean;
}

/**
 * Counts and splits. Quick by default: the feature file's first line only (res101.mat
 * is read whole: it has no cheaper index). With `full`, every feature value is parsed,
 * exactly as a build parses it.
 */
export async function inspectFiles(files: SourceFile[], options: InspectOptions = {}): Promise<InspectResult> {
  const layout = await describe(files, options.signal);
  assertUsable(layout);
  const side = await readClassSide(layout, { ...DEFAULT_SEMANTIC, ...options.semantic }, options.signal);
  let labels: Int32Array;
  let featureDim: number;
  if (layout.files.features && !options.full) {
    labels = await readLabels(layout, side.classNames.length, options.signal);
    featureDim = await firstLineColumns(layout.files.features, options.signal);
  } else {
    const report = options.onProgress ?? (() => undefined);
    const images = await readImages(layout, side, options.signal, options.parseFeatures ?? streamFeatureFile, (fraction, bytes, note) =>
      report({ phase: 'Parsing features', fraction, ...bytes, ...(note ? { note } : {}) }),
    );
    labels = images.labels;
    featureDim = images.featureDim;
  }
  const splits = await buildSplits(layout, side, labels, options.holdout, options.signal);
  const ps = splits.find((s) => s.name === 'ps');
  const ss = splits.find((s) => s.name === 'ss');
  const given = splits.find((s) => s.name === 'given');
  return {
    layout: layout.layout,
    checked: options.full || !layout.files.features ? 'every value' : 'layout',
    images: labels.length,
    feature_dim: featureDim,
    classes: side.classNames.length,
    attributes: side.attributeNames.length,
    splits: {
      ...(ps ? { ps: { trainval: ps.trainIndices.length, test_seen: ps.testSeenIndices.length, test_unseen: ps.testUnseenIndices.length, derived: !side.attSplits } } : {}),
      ...(ss ? { ss: { train: ss.trainIndices.length + ss.testSeenIndices.length, test: ss.testUnseenIndices.length } } : {}),
      ...(given ? { given: { train: given.trainIndices.length, test_seen: given.testSeenIndices.length, test_unseen: given.testUnseenIndices.length } } : {}),
    },
    missing: layout.missing,
    files: Object.fromEntries(Object.entries(layout.files).map(([role, f]) => [role, f.path])),
  };
}

/** Reads the first line of a feature file to count its columns. */
async function firstLineColumns(file: SourceFile, signal?: AbortSignal): Promise<number> {
  const reader = file.stream().getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      throwIfAborted(signal);
      const { done, value } = await reader.read();
      if (done) break;
      const nl = value.indexOf(10);
      chunks.push(nl >= 0 ? value.subarray(0, nl + 1) : value);
      total += chunks[chunks.length - 1]!.length;
      if (nl >= 0) break;
    }
  } finally {
    await reader.cancel().catch(() => undefined);
    reader.releaseLock();
  }
  const line = new Uint8Array(total);
  let offset = 0;
  for (const c of chunks) {
    line.set(c, offset);
    offset += c.length;
  }
  return parseFeatureBytes(line, { file: file.name }).cols;
}

/**
 * Expands zips and recognises the layout, for showing what was found before a build.
 * Pass the same expanded files to buildDataset to avoid reading the archives again.
 */
export async function describeFiles(files: SourceFile[], signal?: AbortSignal, onZip?: (done: number, total: number) => void): Promise<{ files: SourceFile[]; layout: LayoutDescription }> {
  if (files.length === 0) throw new ZslError('no files were given; expected the AwA2 text release, the xlsa17 release, or a zip of either.');
  const expanded = await expandZips(files, { ...(signal ? { signal } : {}), ...(onZip ? { onProgress: onZip } : {}) });
  return { files: expanded, layout: recogniseLayout(expanded) };
}

async function describe(files: SourceFile[], signal?: AbortSignal, onZip?: (done: number, total: number) => void): Promise<LayoutDescription> {
  return (await describeFiles(files, signal, onZip)).layout;
}

async function readLabels(layout: LayoutDescription, numClasses: number, signal?: AbortSignal): Promise<Int32Array> {
  const file = layout.files.labels!;
  return parseLabels(await readAll(file, signal), file.name, numClasses);
}

interface Images {
  features: Float32Array;
  featureDim: number;
  labels: Int32Array;
  network: string;
  imageFiles?: string[];
}

type ImageProgress = (fraction: number, bytes?: { bytesDone: number; bytesTotal: number }, note?: string) => void;

async function readImages(layout: LayoutDescription, side: ClassSide, signal: AbortSignal | undefined, parseFeatures: FeatureFileParser, progress: ImageProgress): Promise<Images> {
  const f = layout.files;
  if (layout.layout === 'generic') {
    const images = await readGenericImages(layout, side.classNames, signal);
    progress(1);
    return images;
  }
  if (f.features) {
    const labels = await readLabels(layout, side.classNames.length, signal);
    const imageFiles = f.filenames ? parseFilenames(await readAll(f.filenames, signal), f.filenames.name) : undefined;
    if (imageFiles && imageFiles.length !== labels.length) {
      throw new ZslError(`has ${imageFiles.length} names but ${f.labels!.name} has ${labels.length} labels; expected one name per image.`, { file: f.filenames!.name, line: Math.min(imageFiles.length, labels.length) + 1 });
    }
    const total = f.features.size;
    let note: string | undefined;
    const matrix = await parseFeatures(f.features, {
      file: f.features.name,
      rows: labels.length,
      bytesTotal: total,
      // A lazy zip entry may not know its size: then count rows against the labels.
      onProgress: (done, rowsDone) =>
        total > 0 ? progress(done / total, { bytesDone: done, bytesTotal: total }, note) : progress(rowsDone / labels.length, undefined, note),
      onNote: (text) => {
        note = text;
      },
      ...(signal ? { signal } : {}),
    });
    if (matrix.rows !== labels.length) {
      throw new ZslError(
        `has ${matrix.rows} lines of features but ${f.labels!.name} has ${labels.length} labels; expected one label per feature line.`,
        { file: f.features.name, line: Math.min(matrix.rows, labels.length) + 1 },
      );
    }
    return { features: matrix.values, featureDim: matrix.cols, labels, network: `${layout.network ?? 'unknown network'} (AwA2 release)`, ...(imageFiles ? { imageFiles } : {}) };
  }
  const file = f.res101!;
  const bytes = await readAll(file, signal);
  progress(1, { bytesDone: bytes.length, bytesTotal: bytes.length });
  const mat: MatFile = readMat5(bytes, file.name);
  const features = matToFloat32(getVariable(mat, 'features'), file.name, { transpose: true });
  const labels = matIndices(getVariable(mat, 'labels'), file.name, side.classNames.length);
  if (labels.length !== features.rows) {
    throw new ZslError(`has ${labels.length} labels but features has ${features.rows} columns; expected one label per image.`, { file: file.name, variable: 'labels' });
  }
  // image_files names each feature column's picture (".../JPEGImages/antelope/antelope_10001.jpg"); kept by base name.
  const files = mat.variables.get('image_files');
  const imageFiles = files ? matStrings(files, file.name).map((p) => p.slice(p.replace(/\\/g, '/').lastIndexOf('/') + 1)) : undefined;
  if (imageFiles && imageFiles.length !== labels.length) {
    throw new ZslError(`has ${imageFiles.length} image_files but ${labels.length} labels; expected one name per image.`, { file: file.name, variable: 'image_files' });
  }
  return { features: features.values, featureDim: features.cols, labels, network: 'ResNet101 (xlsa17 res101.mat)', ...(imageFiles ? { imageFiles } : {}) };
}

async function buildSplits(layout: LayoutDescription, side: ClassSide, labels: Int32Array, holdout?: number, signal?: AbortSignal): Promise<Split[]> {
  const f = layout.files;
  const splits: Split[] = [];
  const att = side.attSplits;
  if (layout.layout === 'generic') {
    const seenFile = (f.trainvalClassesProposed ?? f.trainClasses)!;
    const unseenFile = (f.testClassesProposed ?? f.testClasses)!;
    splits.push(await fromLists('given', `The split of ${seenFile.name} / ${unseenFile.name}`, seenFile, unseenFile));
    return splits;
  }
  if (att) {
    const n = labels.length;
    const locs = {
      trainval: matIndices(getVariable(att, 'trainval_loc'), att.file, n),
      testSeen: matIndices(getVariable(att, 'test_seen_loc'), att.file, n),
      testUnseen: matIndices(getVariable(att, 'test_unseen_loc'), att.file, n),
    };
    splits.push(splitFromLocations(locs, labels, side.classNames, att.file));
  } else if (f.trainvalClassesProposed && f.testClassesProposed) {
    splits.push(await fromLists('ps', 'Proposed split (trainvalclasses-proposed.txt / testclasses-proposed.txt)', f.trainvalClassesProposed, f.testClassesProposed));
  }
  if (f.trainClasses && f.testClasses) {
    splits.push(await fromLists('ss', 'Standard split (trainclasses.txt / testclasses.txt; several test classes are in ImageNet-1K, so results are inflated)', f.trainClasses, f.testClasses));
  }
  return splits;

  async function fromLists(name: string, title: string, seenFile: SourceFile, unseenFile: SourceFile): Promise<Split> {
    const seenLines = parseNameList(await readAll(seenFile, signal), seenFile.name);
    const unseenLines = parseNameList(await readAll(unseenFile, signal), unseenFile.name);
    const seen = resolveClasses(seenLines, side.classNames, seenFile.name);
    const unseen = resolveClasses(unseenLines, side.classNames, unseenFile.name);
    assertDisjoint(seen, unseen.map((index, k) => ({ index, line: unseenLines[k]!.line })), side.classNames, { seen: seenFile.name, unseen: unseenFile.name });
    return splitFromClasses(name, title, seen, unseen, labels, holdout);
  }
}
