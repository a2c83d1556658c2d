// The generic layout for any zero-shot dataset: features.npy, labels, an attribute
// table, class lists; it loads and trains, and every malformed case is a sentence.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { findSplit } from '../../../src/core/data/dataset.ts';
import { buildDataset, inspectFiles } from '../../../src/core/io/build-dataset.ts';
import { recogniseLayout } from '../../../src/core/io/layout.ts';
import { defaultConfig } from '../../../src/core/methods/catalog.ts';
import { trainAndEvaluate } from '../../../src/core/training/train-and-evaluate.ts';
import { GENERIC_ATTRIBUTES, GENERIC_CLASSES, GENERIC_UNSEEN, genericRelease } from './helpers/generic-release.ts';
import { sourceFiles } from './helpers/fixtures.ts';
import { encode } from './helpers/streams.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const ROOT = 'my-dataset/';
const withFiles = (patch: Record<string, Uint8Array | null>) => {
  const files = { ...genericRelease(ROOT).files };
  for (const [name, bytes] of Object.entries(patch)) {
    if (bytes === null) delete files[`${ROOT}${name}`];
    else files[`${ROOT}${name}`] = bytes;
  }
  return sourceFiles(files);
};

describe('the generic layout', () => {
  it('is recognised from features.npy and loads with names, attributes, labels and the given split', async () => {
    const { files, attributes } = genericRelease(ROOT, 'f8');
    expect(recogniseLayout(sourceFiles(files)).layout).toBe('generic');
    const { dataset } = await buildDataset(sourceFiles(files));
    expect(dataset.name).toBe('6 classes × 4 attributes (own features)');
    expect(dataset.classNames).toEqual(GENERIC_CLASSES);
    expect(dataset.attributeNames).toEqual(GENERIC_ATTRIBUTES);
    expect([dataset.numSamples, dataset.featureDim]).toEqual([72, 8]);
    expect(Array.from(dataset.labels.subarray(0, 3))).toEqual([0, 0, 0]);
    expect(Array.from(dataset.semanticSets!.original!)).toEqual(attributes.flat().map(Math.fround));
    const split = findSplit(dataset, 'given');
    expect(split.unseenClasses.map((c) => dataset.classNames[c])).toEqual(GENERIC_UNSEEN);
    const { model, run } = await trainAndEvaluate(dataset, split, defaultConfig('eszsl', 'given'), 'cpu', { epochTestImages: 0 });
    model.dispose();
    expect(run.semantics.name).toBe('att');
    // Features are a linear map of the attributes plus small noise: the two unseen classes are told apart.
    expect(run.evaluation.zslTop1).toBeGreaterThan(0.9);
  });

  it('is inspected like the releases: counts and the given split, without training', async () => {
    const report = await inspectFiles(sourceFiles(genericRelease(ROOT).files));
    // 4 seen classes × 12 images, a fixed 20% of each held out as test-seen; 2 unseen × 12.
    expect(report).toMatchObject({ layout: 'generic', images: 72, feature_dim: 8, classes: 6, attributes: 4, splits: { given: { train: 40, test_seen: 8, test_unseen: 24 } } });
  });

  it('orders the attribute table by classes.txt, and needs no classes.txt when the table names the classes', async () => {
    const { dataset: listed } = await buildDataset(withFiles({ 'classes.txt': encode([...GENERIC_CLASSES].reverse().join('\n')) }));
    expect(listed.classNames).toEqual([...GENERIC_CLASSES].reverse());
    const { dataset: unlisted } = await buildDataset(withFiles({ 'classes.txt': null }));
    expect(unlisted.classNames).toEqual(GENERIC_CLASSES);
    expect(Array.from(listed.semanticSets!.original!.subarray(0, 4))).toEqual(Array.from(unlisted.semanticSets!.original!.subarray(20, 24)));
  });

  it('reads a TSV table without a header (attributes named by number)', async () => {
    const { attributes } = genericRelease(ROOT);
    const tsv = GENERIC_CLASSES.map((name, c) => [name, ...attributes[c]!].join('\t')).join('\n');
    const { dataset } = await buildDataset(withFiles({ 'attributes.csv': null, 'attributes.tsv': encode(tsv) }));
    expect(dataset.attributeNames).toEqual(['attribute 1', 'attribute 2', 'attribute 3', 'attribute 4']);
  });

  it.each([
    ['labels.txt missing', { 'labels.txt': null }, /labels\.txt is missing: it gives the class \(name or number\) of each row of the features \.npy file/],
    ['no attribute table', { 'attributes.csv': null }, /attributes\.csv \(or \.tsv\) is missing/],
    ['no split lists', { 'testclasses.txt': null }, /No split was found: expected trainclasses\.txt \(the seen classes\) and testclasses\.txt/],
    ['an unknown label', { 'labels.txt': encode('red fox\nzebra\n') }, /labels\.txt, line 2: the label "zebra" is neither a class name nor a class number from 1 to 6/],
    ['a label number out of range', { 'labels.txt': encode('7\n') }, /labels\.txt, line 1: the label "7" is neither a class name nor a class number from 1 to 6/],
    ['fewer labels than rows', { 'labels.txt': encode('red fox\n') }, /features\.npy: has 72 rows of features but labels\.txt has 1 labels; expected one label per row/],
    ['a header that does not fit', { 'attributes.csv': encode('class,furry,flies,swims,big\nred fox,1,2,3\n') }, /attributes\.csv, line 1: the header names 4 attributes but line 2 has 3 values; expected one value per attribute/],
    ['a short table row', { 'attributes.csv': encode('class,furry,flies,swims,big\nred fox,1,2,3,4\nsnow owl,1,2,3\n') }, /attributes\.csv, line 3: has 3 values; expected 4 \(one per attribute, after the class name\)/],
    ['a word in the table', { 'attributes.csv': encode('class,furry,flies,swims,big\nred fox,1,2,x,4\n') }, /attributes\.csv, line 2: column 4 is "x"; expected a number/],
    ['a class missing from the table', { 'attributes.csv': encode('class,furry,flies,swims,big\nred fox,1,2,3,4\n') }, /attributes\.csv: has no row for the class "snow owl" \(line 2 of classes\.txt\)/],
    ['an integer .npy', { 'features.npy': (() => { const b = genericRelease(ROOT).files[`${ROOT}features.npy`]!.slice(); b.set(encode('<i4'), b.indexOf(0x3c)); return b; })() }, /features\.npy: holds values of type '<i4'; expected float32/],
    ['a text file named .npy', { 'features.npy': encode('1 2 3\n') }, /features\.npy: is not a NumPy \.npy file/],
    ['an unknown class in a split list', { 'testclasses.txt': encode('sea otter\nunicorn\n') }, /testclasses\.txt, line 2: the class "unicorn" is not in the class list/],
  ])('%s: a sentence naming the file and what was expected', async (_, patch, message) => {
    await expect(buildDataset(withFiles(patch))).rejects.toThrow(message);
  });
});
