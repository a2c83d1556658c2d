/**
 * The generic layout for any zero-shot dataset: features as a NumPy .npy matrix
 * (N × D, float32 or float64), labels.txt (a class name or 1-based number per
 * row), attributes.csv / .tsv (one row per class), an optional classes.txt, and
 * the seen / unseen class lists. Reads the class side and the images; the
 * splits are built from the class lists by build-dataset.
 * Pure TypeScript: no DOM, no Node modules.
 */
import type { SemanticSets } from '../data/class-semantics.ts';
import { ZslError } from '../errors.ts';
import { normaliseAttributes } from '../data/semantic.ts';
import { parseAttributeTable, parseClassLabels, parseClassList } from './generic-tables.ts';
import type { LayoutDescription } from './layout.ts';
import { readNpyMatrix } from './npy.ts';
import { countMissing, fillMissing } from './predicate-matrix.ts';
import type { SemanticOptions, SemanticRecord } from './read-semantics.ts';
import { readAll } from './source-file.ts';
import { parseIndexedNames } from './text-lists.ts';

export interface GenericClassSide {
  classNames: string[];
  attributeNames: string[];
  classAttributes: Float32Array;
  semantic: SemanticRecord;
  sets: SemanticSets;
}

export async function readGenericClassSide(layout: LayoutDescription, options: SemanticOptions, signal?: AbortSignal): Promise<GenericClassSide> {
  const f = layout.files;
  const tableFile = f.attributeTable!;
  const table = parseAttributeTable(await readAll(tableFile, signal), tableFile.name);
  const listed = f.classes ? parseClassList(await readAll(f.classes, signal), f.classes.name) : null;
  const classNames = listed ?? table.classNames;
  if (!classNames) {
    throw new ZslError('names no classes and there is no classes.txt; expected a first column of class names or a classes.txt beside it.', { file: tableFile.name });
  }
  let raw = table.values;
  if (listed && table.classNames) raw = reorder(table.values, table.classNames, listed, table.cols, tableFile.name, f.classes!.name);
  else if (table.rows !== classNames.length) {
    throw new ZslError(`has ${table.rows} rows; expected ${classNames.length}, one per class of ${f.classes?.name ?? 'the class list'}.`, { file: tableFile.name });
  }
  const predicates = f.predicates ? parseIndexedNames(await readAll(f.predicates, signal), f.predicates.name) : null;
  if (predicates && predicates.length !== table.cols) {
    throw new ZslError(`has ${table.cols} attribute columns but ${f.predicates!.name} names ${predicates.length}; expected one name per column.`, { file: tableFile.name });
  }
  const attributeNames = table.attributeNames ?? predicates ?? Array.from({ length: table.cols }, (_, k) => `attribute ${k + 1}`);
  const c = classNames.length;
  const a = table.cols;
  let source = raw;
  let from = tableFile.name;
  if (options.source === 'binary') {
    const mean = raw.reduce((s, v) => s + v, 0) / raw.length;
    source = raw.map((v) => (v > mean ? 1 : 0));
    from = `${tableFile.name} thresholded at its mean (${mean.toFixed(2)})`;
  }
  const missingCount = options.source === 'continuous' ? countMissing(raw) : 0;
  const classAttributes = normaliseAttributes(fillMissing(source, c, a, options.missing), c, a, options.normalise);
  const how = options.normalise === 'zscore' ? 'each attribute z-scored over the classes' : options.normalise === 'l2' ? 'each class L2-normalised' : 'not normalised';
  return {
    classNames,
    attributeNames,
    classAttributes,
    semantic: { ...options, missingCount, description: `${options.source} attributes from ${from}, ${how}.` },
    sets: { original: raw },
  };
}

/** The table's rows in the class list's order; every listed class must have exactly one row. */
function reorder(values: Float32Array, tableNames: string[], listed: string[], cols: number, tableFile: string, listFile: string): Float32Array {
  const rowOf = new Map<string, number>();
  tableNames.forEach((name, r) => {
    if (rowOf.has(name)) throw new ZslError(`names the class "${name}" twice; expected one row per class.`, { file: tableFile });
    rowOf.set(name, r);
  });
  const out = new Float32Array(listed.length * cols);
  listed.forEach((name, k) => {
    const r = rowOf.get(name);
    if (r === undefined) throw new ZslError(`has no row for the class "${name}" (line ${k + 1} of ${listFile}); expected one row per class.`, { file: tableFile });
    out.set(values.subarray(r * cols, (r + 1) * cols), k * cols);
  });
  if (tableNames.length !== listed.length) {
    const extra = tableNames.find((name) => !listed.includes(name))!;
    throw new ZslError(`has a row for "${extra}", which is not in ${listFile}; expected the same classes in both.`, { file: tableFile });
  }
  return out;
}

export async function readGenericImages(layout: LayoutDescription, classNames: string[], signal?: AbortSignal) {
  const f = layout.files;
  const labels = parseClassLabels(await readAll(f.labels!, signal), f.labels!.name, classNames);
  const matrix = readNpyMatrix(await readAll(f.npyFeatures!, signal), f.npyFeatures!.name);
  if (matrix.rows !== labels.length) {
    throw new ZslError(`has ${matrix.rows} rows of features but ${f.labels!.name} has ${labels.length} labels; expected one label per row.`, { file: f.npyFeatures!.name });
  }
  return { features: matrix.values, featureDim: matrix.cols, labels, network: `${f.npyFeatures!.name} (own features)` };
}
