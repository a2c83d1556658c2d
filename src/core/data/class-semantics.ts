/**
 * Which class × attribute matrix a run trains and evaluates on. A release can
 * carry several (xlsa17's `att` and `original_att`, AwA2's continuous and binary
 * text matrices); each method's published protocol used one of them, and that is
 * the default: `att` as shipped for the classical methods, the seed notebook's
 * z-scored continuous matrix for its semantic MLP. Every other choice stays
 * available and the one used is recorded with each run.
 * Pure TypeScript: no DOM, no tfjs.
 */
import type { ZslDataset } from './dataset.ts';
import { ZslError } from '../errors.ts';
import { l2Rows, zscoreColumns } from './semantic.ts';

/** The matrices a run can use. */
export type SemanticsName = 'att' | 'original_att' | 'zscore' | 'binary' | 'loaded';
/** What a configuration asks for: a matrix by name, or the method's own protocol. */
export type SemanticsChoice = 'protocol' | SemanticsName;

/** The raw matrices a release provides beside the one loaded (classes × attributes, row-major). */
export interface SemanticSets {
  /** Continuous strengths as released (AwA's 0…100 scale, -1 = missing kept). */
  original?: Float32Array;
  /** xlsa17's `att` exactly as shipped (each class L2-normalised). */
  att?: Float32Array;
  /** 0/1 attributes (the release's binary matrix). */
  binary?: Float32Array;
}

export const SEMANTICS_CHOICES: Record<SemanticsChoice, string> = {
  protocol: "the method's published protocol",
  att: 'att (xlsa17, each class L2-normalised)',
  original_att: 'original_att (raw continuous strengths)',
  zscore: 'continuous, each attribute z-scored over the classes',
  binary: 'binary (0/1)',
  loaded: 'as loaded (the Dataset panel’s choice)',
};

/** What each method's published protocol trains on. */
export function protocolSemantics(method: string): SemanticsName {
  return method === 'semantic-mlp' ? 'zscore' : 'att';
}

export interface ResolvedSemantics {
  name: SemanticsName;
  /** classes × attributes, row-major. */
  matrix: Float32Array;
  /** One sentence for the run's record. */
  description: string;
}

/** Whether `name` can be built from what this dataset holds. */
export function hasSemantics(dataset: ZslDataset, name: SemanticsName): boolean {
  const sets = dataset.semanticSets ?? {};
  if (name === 'loaded') return true;
  if (name === 'att') return sets.att !== undefined || sets.original !== undefined;
  if (name === 'binary') return sets.binary !== undefined || sets.original !== undefined;
  return sets.original !== undefined;
}

/**
 * The matrix a run uses. 'protocol' falls back to the loaded matrix when the
 * dataset has no raw matrix to build the protocol's from (a demo of one-hot
 * pictures, a dataset stored by an older version).
 */
export function resolveSemantics(dataset: ZslDataset, choice: SemanticsChoice, method: string): ResolvedSemantics {
  const wanted = choice === 'protocol' ? protocolSemantics(method) : choice;
  const name: SemanticsName = choice === 'protocol' && !hasSemantics(dataset, wanted) ? 'loaded' : wanted;
  const rows = dataset.classNames.length;
  const cols = dataset.attributeNames.length;
  const sets = dataset.semanticSets ?? {};
  const original = sets.original;
  const missing = () => {
    throw new ZslError(`this dataset has no continuous attribute matrix to build "${name}" from; choose "as loaded".`, { variable: 'semantics' });
  };
  switch (name) {
    case 'loaded':
      return { name, matrix: dataset.classAttributes, description: 'the class attributes as loaded' };
    case 'att':
      if (sets.att) return { name, matrix: sets.att, description: 'att as shipped in att_splits.mat' };
      return { name, matrix: l2Rows(original ?? missing(), rows, cols), description: 'att: the continuous matrix, each class L2-normalised (as xlsa17 builds att)' };
    case 'original_att':
      return { name, matrix: original ?? missing(), description: 'original_att: the raw continuous strengths' };
    case 'zscore':
      return { name, matrix: zscoreColumns(original ?? missing(), rows, cols), description: 'the continuous matrix, each attribute z-scored over the classes (-1 kept)' };
    case 'binary': {
      if (sets.binary) return { name, matrix: sets.binary, description: 'the binary (0/1) matrix' };
      const values = original ?? missing();
      const mean = values.reduce((s, v) => s + v, 0) / values.length;
      return { name, matrix: values.map((v) => (v > mean ? 1 : 0)), description: `binary: the continuous matrix thresholded at its mean (${mean.toFixed(2)})` };
    }
  }
}

/** Checks the optional matrices against the dataset's shape. */
export function validateSemanticSets(sets: SemanticSets, classes: number, attributes: number): void {
  for (const [key, values] of Object.entries(sets) as Array<[keyof SemanticSets, Float32Array | undefined]>) {
    if (!values) continue;
    if (values.length !== classes * attributes) {
      throw new ZslError(`expected ${classes} × ${attributes} values, got ${values.length}.`, { variable: `semanticSets.${key}` });
    }
    const bad = values.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) throw new ZslError(`value ${bad + 1} is ${values[bad]}; expected a finite number.`, { variable: `semanticSets.${key}` });
  }
}
