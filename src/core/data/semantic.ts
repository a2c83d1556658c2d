/**
 * Class attribute preprocessing: how raw attribute strengths become the class
 * semantic vectors the methods see. The choice is recorded with the dataset.
 * Pure TypeScript: no DOM, no tfjs.
 */

export const NORMALISATIONS = ['zscore', 'l2', 'none'] as const;
export type SemanticNormalisation = (typeof NORMALISATIONS)[number];

/** z-score each attribute (column) over the classes, as the seed notebook does. Constant columns become 0. */
export function zscoreColumns(matrix: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(matrix.length);
  for (let c = 0; c < cols; c++) {
    let mean = 0;
    for (let r = 0; r < rows; r++) mean += matrix[r * cols + c]!;
    mean /= rows;
    let variance = 0;
    for (let r = 0; r < rows; r++) variance += (matrix[r * cols + c]! - mean) ** 2;
    // Sample standard deviation (n - 1), as pandas/torch .std() default to.
    const std = Math.sqrt(variance / Math.max(1, rows - 1));
    for (let r = 0; r < rows; r++) out[r * cols + c] = std > 0 ? (matrix[r * cols + c]! - mean) / std : 0;
  }
  return out;
}

/** L2-normalise each class (row), as xlsa17's `att` columns are. Zero rows stay zero. */
export function l2Rows(matrix: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(matrix.length);
  for (let r = 0; r < rows; r++) {
    let norm = 0;
    for (let c = 0; c < cols; c++) norm += matrix[r * cols + c]! ** 2;
    norm = Math.sqrt(norm);
    for (let c = 0; c < cols; c++) out[r * cols + c] = norm > 0 ? matrix[r * cols + c]! / norm : 0;
  }
  return out;
}

export function normaliseAttributes(
  matrix: Float32Array,
  rows: number,
  cols: number,
  how: SemanticNormalisation,
): Float32Array {
  if (how === 'zscore') return zscoreColumns(matrix, rows, cols);
  if (how === 'l2') return l2Rows(matrix, rows, cols);
  return Float32Array.from(matrix);
}
