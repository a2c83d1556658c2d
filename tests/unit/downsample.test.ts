import { describe, expect, test } from 'vitest';
import { downsampleMinMax, smooth } from '../../src/ui/training/downsample.ts';
import { lossCurve, MAX_CHART_POINTS } from '../../src/ui/store.ts';

describe('downsampleMinMax', () => {
  const points = Array.from({ length: 100_000 }, (_, i) => ({ x: i, y: Math.sin(i / 500) }));

  test('keeps at most the budget, in order, with both ends', () => {
    const out = downsampleMinMax(points, 300);
    expect(out.length).toBeLessThanOrEqual(300);
    expect(out.length).toBeGreaterThan(250);
    expect(out[0]).toBe(points[0]);
    expect(out.at(-1)).toBe(points.at(-1));
    for (let i = 1; i < out.length; i++) expect(out[i]!.x).toBeGreaterThan(out[i - 1]!.x);
  });

  test('keeps spikes that plain striding would drop', () => {
    const spiky = points.map((p) => ({ ...p, y: 0 }));
    spiky[12_345] = { x: 12_345, y: 99 };
    expect(downsampleMinMax(spiky, 200).some((p) => p.y === 99)).toBe(true);
  });

  test('returns short series unchanged', () => {
    expect(downsampleMinMax(points.slice(0, 10), 300)).toEqual(points.slice(0, 10));
  });
});

test('smoothing is bias-corrected: a constant series stays constant', () => {
  expect(smooth([2, 2, 2, 2], 0.9).map((v) => +v.toFixed(12))).toEqual([2, 2, 2, 2]);
  const s = smooth([0, 10], 0.5);
  expect(s[1]).toBeCloseTo((0.5 * 0 * 0.5 + 0.5 * 10) / (1 - 0.25), 12);
});

test('the chart curve of a 100,000-step run stays within the drawing budget', () => {
  const steps = Array.from({ length: 100_000 }, (_, i) => ({ step: i + 1, epoch: 1, loss: 1 / (1 + i) }));
  const curve = lossCurve(steps);
  expect(curve.length).toBeLessThanOrEqual(MAX_CHART_POINTS);
  expect(curve[0]!.step).toBe(1);
  expect(curve.at(-1)!.step).toBe(100_000);
});
