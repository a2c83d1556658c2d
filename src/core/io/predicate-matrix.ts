/**
 * The class × attribute matrices of the AwA2 release: predicate-matrix-binary.txt
 * (0/1) and predicate-matrix-continuous.txt (strengths 0…100, -1 = missing).
 * Rows are classes, columns attributes; counts are validated against classes.txt
 * and predicates.txt. Missing values can be kept, zeroed or replaced by the
 * column mean. Pure TypeScript: no DOM, no Node modules.
 */
import { ZslError } from '../errors.ts';
import { FeatureParseError, parseFeatureBytes } from './features/feature-parser.ts';

export const MISSING_FILLS = ['keep', 'zero', 'column-mean'] as const;
export type MissingFill = (typeof MISSING_FILLS)[number];
export type MatrixKind = 'binary' | 'continuous';

/** The marker for a missing strength in the continuous matrix. */
export const MISSING = -1;

export function parsePredicateMatrix(
  bytes: Uint8Array,
  file: string,
  expected: { classes: number; attributes: number; kind: MatrixKind },
): Float32Array {
  const { classes, attributes, kind } = expected;
  let matrix;
  try {
    matrix = parseFeatureBytes(bytes, { file, columns: attributes, rows: classes });
  } catch (error) {
    if (error instanceof FeatureParseError && /expected \d+ values, found/.test(error.detail)) {
      throw new ZslError(`${error.detail.replace(/\.$/, '')} (one per attribute in predicates.txt).`, error.location);
    }
    throw error;
  }
  if (matrix.rows !== classes) {
    throw new ZslError(`has ${matrix.rows} rows; expected ${classes} (one per class in classes.txt).`, { file, line: matrix.rows + 1 });
  }
  const values = matrix.values;
  for (let k = 0; k < values.length; k++) {
    const v = values[k]!;
    const ok = kind === 'binary' ? v === 0 || v === 1 : v === MISSING || (v >= 0 && v <= 100);
    if (!ok) {
      const what = kind === 'binary' ? 'expected 0 or 1' : 'expected a strength from 0 to 100, or -1 for missing';
      throw new ZslError(`value ${(k % attributes) + 1} is ${v}; ${what}.`, { file, line: Math.floor(k / attributes) + 1 });
    }
  }
  return values;
}

/** Counts the -1 entries of a continuous matrix. */
export function countMissing(matrix: Float32Array): number {
  let n = 0;
  for (const v of matrix) if (v === MISSING) n++;
  return n;
}

/** Returns a copy with -1 entries kept, set to 0, or set to the mean of the column's known values. */
export function fillMissing(matrix: Float32Array, rows: number, cols: number, fill: MissingFill): Float32Array {
  const out = Float32Array.from(matrix);
  if (fill === 'keep') return out;
  for (let c = 0; c < cols; c++) {
    let sum = 0;
    let known = 0;
    for (let r = 0; r < rows; r++) {
      const v = matrix[r * cols + c]!;
      if (v !== MISSING) {
        sum += v;
        known++;
      }
    }
    const replacement = fill === 'zero' || known === 0 ? 0 : sum / known;
    for (let r = 0; r < rows; r++) if (out[r * cols + c] === MISSING) out[r * cols + c] = replacement;
  }
  return out;
}
