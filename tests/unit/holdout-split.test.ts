import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/core/compute/rng.ts';
import { holdOutSplit, splitFromClasses } from '../../src/core/data/holdout-split.ts';

// 4 classes of 12, 12, 11 and 11 images, interleaved so image order is not class order.
const labels = Int32Array.from({ length: 46 }, (_, i) => i % 4);
const count = (c: number) => labels.filter((l) => l === c).length;

describe('the one hold-out split', () => {
  it('holds out round(n × fraction) of each seen class and every unseen image, disjointly', () => {
    const split = holdOutSplit({ name: 't', description: 'd', seenClasses: [2, 0, 1], unseenClasses: [3], labels, fraction: 0.3 });
    const all = [...split.trainIndices, ...split.testSeenIndices, ...split.testUnseenIndices];
    expect(new Set(all).size).toBe(all.length);
    expect(all.length).toBe(labels.length);
    for (const c of [0, 1, 2]) {
      const held = [...split.testSeenIndices].filter((i) => labels[i] === c).length;
      expect(held).toBe(Math.round(count(c) * 0.3));
    }
    expect([...split.testUnseenIndices].every((i) => labels[i] === 3)).toBe(true);
    expect(split.testUnseenIndices.length).toBe(count(3));
    // The class lists are kept as given.
    expect(split.seenClasses).toEqual([2, 0, 1]);
  });

  it('always leaves a seen class at least one training image', () => {
    const split = holdOutSplit({ name: 't', description: 'd', seenClasses: [0, 1], unseenClasses: [2], labels, fraction: 1 });
    for (const c of [0, 1]) expect([...split.trainIndices].filter((i) => labels[i] === c).length).toBe(1);
  });

  it('is the same on every call with the default seed, and follows a given generator', () => {
    const a = splitFromClasses('x', 'T', [0, 1, 2], [3], labels);
    const b = splitFromClasses('x', 'T', [2, 1, 0, 0], [3], labels);
    expect(b.testSeenIndices).toEqual(a.testSeenIndices);
    expect(b.seenClasses).toEqual([0, 1, 2]);
    const c = holdOutSplit({ name: 'x', description: '', seenClasses: [0, 1, 2], unseenClasses: [3], labels, rng: createRng(5) });
    const d = holdOutSplit({ name: 'x', description: '', seenClasses: [0, 1, 2], unseenClasses: [3], labels, rng: createRng(5) });
    expect(d.testSeenIndices).toEqual(c.testSeenIndices);
  });
});
