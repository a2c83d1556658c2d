import { expect, test } from 'vitest';
import { pca2d } from '../../src/core/inference/projection.ts';
import { createRng } from '../../src/core/compute/rng.ts';

test('finds the directions of largest spread, in order', () => {
  // Points spread 10 along (1,1,0)/√2, 3 along (0,0,1), 0.1 along (1,-1,0)/√2.
  const rng = createRng(2);
  const rows = 400;
  const points = new Float32Array(rows * 3);
  for (let r = 0; r < rows; r++) {
    const a = rng.normal() * 10;
    const b = rng.normal() * 3;
    const c = rng.normal() * 0.1;
    points.set([a / Math.SQRT2 + c / Math.SQRT2 + 5, a / Math.SQRT2 - c / Math.SQRT2 - 2, b + 1], r * 3);
  }
  const out = pca2d(points, rows, 3);
  const variance = (k: number) => {
    let mean = 0;
    for (let r = 0; r < rows; r++) mean += out[r * 2 + k]! / rows;
    let v = 0;
    for (let r = 0; r < rows; r++) v += (out[r * 2 + k]! - mean) ** 2 / rows;
    return v;
  };
  expect(Math.sqrt(variance(0))).toBeGreaterThan(8);
  expect(Math.sqrt(variance(0))).toBeLessThan(12);
  expect(Math.sqrt(variance(1))).toBeGreaterThan(2.4);
  expect(Math.sqrt(variance(1))).toBeLessThan(3.6);
  // The first coordinate is the (1,1,0) direction: it tracks x + y of the input.
  let corr = 0;
  for (let r = 0; r < rows; r++) corr += out[r * 2]! * (points[r * 3]! + points[r * 3 + 1]! - 3);
  expect(Math.abs(corr)).toBeGreaterThan(0);
});
