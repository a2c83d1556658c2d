/** The most confused pairs, checked against shares worked out by hand. */
import { expect, test } from 'vitest';
import { mostConfused } from '../../src/ui/runs/confused-pairs.ts';

test('off-diagonal cells by share of their row, largest first; the diagonal and empty cells are left out', () => {
  // Row totals 10, 10, 10: shares (0→1) 0.3, (0→2) 0.2, (1→2) 0.6, (2→0) 0.1.
  const matrix = [
    [5, 3, 2],
    [0, 4, 6],
    [1, 0, 9],
  ];
  expect(mostConfused(matrix, 10)).toEqual([
    { row: 1, column: 2, count: 6, share: 0.6 },
    { row: 0, column: 1, count: 3, share: 0.3 },
    { row: 0, column: 2, count: 2, share: 0.2 },
    { row: 2, column: 0, count: 1, share: 0.1 },
  ]);
  expect(mostConfused(matrix, 2).map((c) => [c.row, c.column])).toEqual([
    [1, 2],
    [0, 1],
  ]);
});

test('equal shares go to the larger count; a perfect matrix has no pairs', () => {
  expect(mostConfused([[0, 2, 2], [4, 0, 4], [0, 0, 1]], 3).map((c) => [c.row, c.column, c.count])).toEqual([
    [1, 0, 4],
    [1, 2, 4],
    [0, 1, 2],
  ]);
  expect(mostConfused([[3, 0], [0, 3]], 5)).toEqual([]);
});
