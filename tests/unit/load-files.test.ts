/** Dropped files: size limits and custom splits, as the worker applies them. */
import { expect, test } from 'vitest';
import { generateDemoDataset } from '../../src/core/demos/demo-dataset.ts';
import { withCustomSplit } from '../../src/core/data/holdout-split.ts';
import { LIMITS, toSourceFiles } from '../../src/worker/load-files.ts';

const fakeFile = (name: string, size: number) => ({ name, size, stream: () => new ReadableStream() }) as unknown as File;

test('a drop that is too large is refused with a sentence naming the file', () => {
  expect(() => toSourceFiles([{ file: fakeFile('AwA2-features.txt', 5e9), path: 'x/AwA2-features.txt' }])).toThrow(
    /x\/AwA2-features\.txt: is 5\.0 GB; expected files under 4 GB/,
  );
  const many = Array.from({ length: LIMITS.files + 1 }, (_, i) => ({ file: fakeFile(`f${i}`, 1), path: `f${i}` }));
  expect(() => toSourceFiles(many)).toThrow(/20,001 files were dropped; expected a release of at most 20,000 files/);
  expect(toSourceFiles([{ file: fakeFile('classes.txt', 10), path: 'a/classes.txt' }])[0]).toMatchObject({ path: 'a/classes.txt', name: 'classes.txt', size: 10 });
});

test('a custom split keeps the picked classes unseen and holds out seen images for GZSL', () => {
  const demo = generateDemoDataset({ seed: 1, imagesPerClass: 10, featureDim: 8 });
  const next = withCustomSplit(demo, [0, 3]);
  const split = next.splits.find((s) => s.name === 'custom')!;
  expect(split.unseenClasses).toEqual([0, 3]);
  expect(split.testUnseenIndices.length).toBe(20);
  expect(split.testSeenIndices.length).toBe((demo.classNames.length - 2) * 2);
  expect(() => withCustomSplit(demo, [])).toThrow(/pick at least one class/);
  expect(() => withCustomSplit(demo, demo.classNames.map((_, c) => c))).toThrow(/keep at least two classes seen/);
});
