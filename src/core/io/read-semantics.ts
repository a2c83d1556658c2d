/**
 * Reading the class side of a release: class names, attribute names and the class
 * × attribute matrix, from the AwA2 text files or from att_splits.mat, then filling
 * missing strengths and normalising as the SemanticOptions say. The options and what
 * was done are returned so the dataset records them.
 * Pure TypeScript: no DOM, no Node modules.
 */
import type { SemanticSets } from '../data/class-semantics.ts';
import { ZslError } from '../errors.ts';
import { normaliseAttributes, NORMALISATIONS, type SemanticNormalisation } from '../data/semantic.ts';
import type { LayoutDescription } from './layout.ts';
import { readMat5, getVariable, type MatFile } from './mat5.ts';
import { matStrings, matToFloat32 } from './mat5-values.ts';
import { countMissing, fillMissing, MISSING_FILLS, parsePredicateMatrix, type MissingFill } from './predicate-matrix.ts';
import { readGenericClassSide } from './read-generic.ts';
import { readAll } from './source-file.ts';
import { parseIndexedNames } from './text-lists.ts';

/**
 * How the class attributes are read: the one type for it (the page's form, the
 * kept settings, the worker's requests, the CLI and the parsers all use it), and
 * every value each part may take.
 */
export interface SemanticOptions {
  source: 'continuous' | 'binary';
  normalise: SemanticNormalisation;
  missing: MissingFill;
}

export const SEMANTIC_CHOICES: { readonly [K in keyof SemanticOptions]: ReadonlyArray<SemanticOptions[K]> } = {
  source: ['continuous', 'binary'],
  normalise: NORMALISATIONS,
  missing: MISSING_FILLS,
};

/** The seed notebook's choice: continuous strengths, z-scored columns, -1 left in. */
export const DEFAULT_SEMANTIC: SemanticOptions = { source: 'continuous', normalise: 'zscore', missing: 'keep' };

export interface SemanticRecord extends SemanticOptions {
  /** Where the matrix came from and what was done to it, in one sentence. */
  description: string;
  /** How many -1 (missing) strengths the raw matrix had. */
  missingCount: number;
}

export interface ClassSide {
  classNames: string[];
  attributeNames: string[];
  /** classes × attributes, row-major, after fill and normalisation. */
  classAttributes: Float32Array;
  semantic: SemanticRecord;
  /** The release's raw matrices, so that a run can choose another one than the loaded. */
  sets: SemanticSets;
  /** att_splits.mat when present (for the splits). */
  attSplits?: MatFile;
}

export async function readClassSide(layout: LayoutDescription, options: SemanticOptions, signal?: AbortSignal): Promise<ClassSide> {
  if (layout.layout === 'generic') return readGenericClassSide(layout, options, signal);
  const f = layout.files;
  const attSplits = f.attSplits ? readMat5(await readAll(f.attSplits, signal), f.attSplits.name) : undefined;
  let classNames: string[] | undefined;
  if (f.classes) classNames = parseIndexedNames(await readAll(f.classes, signal), f.classes.name);
  if (attSplits) {
    const fromMat = matStrings(getVariable(attSplits, 'allclasses_names'), attSplits.file);
    if (classNames) assertSameClasses(classNames, fromMat, f.classes!.name, attSplits.file);
    classNames ??= fromMat;
  }
  if (!classNames) throw new ZslError('classes.txt is missing; expected it or att_splits.mat to name the classes.');
  const c = classNames.length;

  const predicates = f.predicates ? parseIndexedNames(await readAll(f.predicates, signal), f.predicates.name) : undefined;
  const original = attSplits ? matToFloat32(getVariable(attSplits, 'original_att'), attSplits.file, { transpose: true }) : undefined;
  if (original && original.rows !== c) {
    throw new ZslError(`is ${original.cols} × ${original.rows}; expected attributes × ${c} classes.`, { file: attSplits!.file, variable: 'original_att' });
  }
  if (original && predicates && original.cols !== predicates.length) {
    throw new ZslError(`has ${original.cols} attributes; expected ${predicates.length} (one per line of predicates.txt).`, { file: attSplits!.file, variable: 'original_att' });
  }
  const a = predicates?.length ?? original?.cols;
  if (a === undefined) throw new ZslError('predicates.txt is missing; expected it to name the attributes.');
  const attributeNames = predicates ?? Array.from({ length: a }, (_, k) => `attribute ${k + 1}`);

  let raw: Float32Array;
  let from: string;
  const textFile = options.source === 'binary' ? f.matrixBinary : f.matrixContinuous;
  if (textFile) {
    raw = parsePredicateMatrix(await readAll(textFile, signal), textFile.name, { classes: c, attributes: a, kind: options.source });
    from = textFile.name;
  } else if (options.source === 'continuous' && original) {
    raw = original.values;
    from = `${attSplits!.file} original_att`;
  } else if (options.source === 'continuous') {
    throw new ZslError('predicate-matrix-continuous.txt is missing; expected it (or att_splits.mat with original_att) for continuous attributes, or choose binary attributes.');
  } else {
    const continuous = f.matrixContinuous
      ? parsePredicateMatrix(await readAll(f.matrixContinuous, signal), f.matrixContinuous.name, { classes: c, attributes: a, kind: 'continuous' })
      : original?.values;
    if (!continuous) throw new ZslError('no attribute matrix was found; expected predicate-matrix-continuous.txt, predicate-matrix-binary.txt or att_splits.mat.');
    const mean = continuous.reduce((s, v) => s + v, 0) / continuous.length;
    raw = continuous.map((v) => (v > mean ? 1 : 0));
    from = `the continuous matrix thresholded at its mean (${mean.toFixed(2)}), as the AwA2 binary matrix is`;
  }
  const sets: SemanticSets = {};
  const parseText = async (file: NonNullable<typeof textFile>, kind: 'continuous' | 'binary') =>
    file === textFile ? raw : parsePredicateMatrix(await readAll(file, signal), file.name, { classes: c, attributes: a, kind });
  if (f.matrixContinuous) sets.original = await parseText(f.matrixContinuous, 'continuous');
  else if (original) sets.original = original.values;
  if (attSplits?.variables.has('att')) sets.att = readAtt(attSplits, c, a);
  if (f.matrixBinary) sets.binary = await parseText(f.matrixBinary, 'binary');
  const missingCount = options.source === 'continuous' ? countMissing(raw) : 0;
  let classAttributes: Float32Array;
  let description: string;
  if (!textFile && options.source === 'continuous' && options.normalise === 'l2' && options.missing === 'keep' && attSplits?.variables.has('att')) {
    classAttributes = sets.att!;
    description = `${attSplits.file} att (xlsa17's L2-normalised attributes).`;
  } else {
    classAttributes = normaliseAttributes(fillMissing(raw, c, a, options.missing), c, a, options.normalise);
    const fill = options.source === 'binary' || missingCount === 0 ? '' : `, ${missingCount} missing (-1) ${options.missing === 'keep' ? 'kept as -1' : options.missing === 'zero' ? 'set to 0' : 'set to the column mean'}`;
    description = `${options.source} attributes from ${from}${fill}, ${options.normalise === 'zscore' ? 'each attribute z-scored over the classes' : options.normalise === 'l2' ? 'each class L2-normalised' : 'not normalised'}.`;
  }
  return { classNames, attributeNames, classAttributes, semantic: { ...options, description, missingCount }, sets, ...(attSplits ? { attSplits } : {}) };
}

function readAtt(attSplits: MatFile, classes: number, attributes: number): Float32Array {
  const att = matToFloat32(getVariable(attSplits, 'att'), attSplits.file, { transpose: true });
  if (att.rows !== classes || att.cols !== attributes) {
    throw new ZslError(`is ${att.cols} × ${att.rows}; expected ${attributes} attributes × ${classes} classes, as original_att.`, { file: attSplits.file, variable: 'att' });
  }
  return att.values;
}

function assertSameClasses(text: string[], mat: string[], textFile: string, matFile: string): void {
  if (text.length !== mat.length) {
    throw new ZslError(`has ${mat.length} classes but ${textFile} has ${text.length}; expected the same classes in the same order.`, { file: matFile, variable: 'allclasses_names' });
  }
  const k = text.findIndex((name, i) => name !== mat[i]);
  if (k >= 0) {
    throw new ZslError(`class ${k + 1} is "${mat[k]}" but line ${k + 1} of ${textFile} is "${text[k]}"; expected the same classes in the same order.`, { file: matFile, variable: 'allclasses_names' });
  }
}
