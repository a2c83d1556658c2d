/**
 * The most confused pairs of a confusion matrix, for the results of datasets
 * with too many classes to read as a table. Pure TypeScript: no DOM, no React.
 */

export interface ConfusedCell {
  row: number;
  column: number;
  count: number;
  /** count / the row's total: the share of the true class's images given to the predicted one. */
  share: number;
}

/** Off-diagonal cells with a count, by share of their row (then count), largest first. */
export function mostConfused(matrix: number[][], limit: number): ConfusedCell[] {
  const cells: ConfusedCell[] = [];
  matrix.forEach((row, i) => {
    const total = row.reduce((a, b) => a + b, 0);
    row.forEach((count, j) => {
      if (i !== j && count > 0) cells.push({ row: i, column: j, count, share: total > 0 ? count / total : 0 });
    });
  });
  return cells.sort((a, b) => b.share - a.share || b.count - a.count).slice(0, limit);
}
