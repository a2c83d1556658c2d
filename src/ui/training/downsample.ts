/**
 * Keeps long curves cheap to draw: at most `maxPoints` points, chosen by
 * min/max per bucket so spikes survive. Pure TypeScript (tested in Node).
 */

export interface XY {
  x: number;
  y: number;
}

export function downsampleMinMax(points: readonly XY[], maxPoints: number): XY[] {
  if (points.length <= maxPoints) return points.slice();
  if (maxPoints < 4) throw new RangeError('maxPoints must be at least 4');
  // The first and last points are always kept; the rest go into buckets of two.
  const buckets = Math.floor((maxPoints - 2) / 2);
  const inner = points.length - 2;
  const out: XY[] = [points[0]!];
  for (let b = 0; b < buckets; b++) {
    const start = 1 + Math.floor((b * inner) / buckets);
    const end = 1 + Math.floor(((b + 1) * inner) / buckets);
    if (end <= start) continue;
    let min = start;
    let max = start;
    for (let i = start + 1; i < end; i++) {
      if (points[i]!.y < points[min]!.y) min = i;
      if (points[i]!.y > points[max]!.y) max = i;
    }
    if (min === max) out.push(points[min]!);
    else for (const i of min < max ? [min, max] : [max, min]) out.push(points[i]!);
  }
  out.push(points[points.length - 1]!);
  return out;
}

/** Exponential moving average with bias correction (as TensorBoard's smoothing). */
export function smooth(values: readonly number[], weight: number): number[] {
  const out: number[] = [];
  let last = 0;
  let n = 0;
  for (const value of values) {
    n++;
    last = last * weight + (1 - weight) * value;
    out.push(last / (1 - weight ** n));
  }
  return out;
}
