/**
 * The bad-input corpus: each malformed input must fail with a ZslError whose message
 * names the file, the line or variable, and what was expected.
 */
import { describe, expect, it } from 'vitest';
import { zipSync } from 'fflate';
import { ZslError, type ErrorLocation } from '../../../src/core/errors.ts';
import { buildDataset } from '../../../src/core/io/build-dataset.ts';
import { readMat5 } from '../../../src/core/io/mat5.ts';
import { openZip } from '../../../src/core/io/zip.ts';
import { parseFeatureBytes } from '../../../src/core/io/features/feature-parser.ts';
import { parseLabels } from '../../../src/core/io/text-lists.ts';
import { makeFixture, sourceFiles } from './helpers/fixtures.ts';
import { num, writeMat5 } from './helpers/mat5-writer.ts';
import { encode, memoryFile } from './helpers/streams.ts';
import { readShared } from './real-files.ts';

const fx = makeFixture();
const root = 'Animals_with_Attributes2/';
const FEATURES = `${root}Features/ResNet101/AwA2-features.txt`;
const LABELS = `${root}Features/ResNet101/AwA2-labels.txt`;
const ATT = 'xlsa17/data/AWA2/att_splits.mat';
const RES = 'xlsa17/data/AWA2/res101.mat';
const text = (path: string) => new TextDecoder().decode(fx.text[path]);
const lines = (path: string) => text(path).split('\n');
const withText = (changes: Record<string, string | Uint8Array | null>) => {
  const record: Record<string, Uint8Array> = { ...fx.text };
  for (const [path, value] of Object.entries(changes)) {
    if (value === null) delete record[path];
    else record[path] = typeof value === 'string' ? encode(value) : value;
  }
  return sourceFiles(record);
};
const editLine = (path: string, line: number, edit: (s: string) => string) => {
  const ls = lines(path);
  ls[line - 1] = edit(ls[line - 1]!);
  return ls.join('\n');
};

async function expectZslError(run: () => unknown, location: ErrorLocation, expected: RegExp): Promise<void> {
  let error: unknown;
  try {
    await run();
  } catch (e) {
    error = e;
  }
  expect(error, 'expected a ZslError').toBeInstanceOf(ZslError);
  const zsl = error as ZslError;
  expect(zsl.location).toMatchObject(location);
  if (location.file) expect(zsl.message).toContain(location.file);
  if (location.line !== undefined) expect(zsl.message).toContain(`line ${location.line}`);
  if (location.variable) expect(zsl.message).toContain(`variable "${location.variable}"`);
  expect(zsl.message).toMatch(expected);
}

const truncatedAtt = () => {
  const real = readShared('att_splits.mat');
  return real.subarray(0, Math.floor(real.length * 0.6));
};
const corruptAtt = () => {
  const real = Uint8Array.from(readShared('att_splits.mat'));
  // Scramble the middle of the first compressed variable (allclasses_names), past its header.
  for (let k = 240; k < 400; k++) real[k] = (real[k]! * 31 + 7) & 0xff;
  return real;
};
const v73 = () => {
  const bytes = new Uint8Array(1024).fill(32);
  bytes.set(encode('MATLAB 7.3 MAT-file, Platform: GLNXA64, Created on: Mon Jan 1 2018 HDF5 schema 1.00 .'));
  bytes.set([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a], 512);
  return bytes;
};
const PNG = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 73, 72, 68, 82]);

const cases: Array<[string, () => unknown, ErrorLocation, RegExp]> = [
  ['a feature line with one value too few', () => buildDataset(withText({ [FEATURES]: editLine(FEATURES, 17, (s) => s.slice(0, s.lastIndexOf(' '))) })),
    { file: 'AwA2-features.txt', line: 17 }, /expected 16 values, found 15\./],
  ['a non-numeric token', () => buildDataset(withText({ [FEATURES]: editLine(FEATURES, 9, (s) => s.replace(' ', ' 0.12abc ')) })),
    { file: 'AwA2-features.txt', line: 9 }, /value 2 is "0\.12abc"; expected a decimal number/],
  ['NaN in the features', () => buildDataset(withText({ [FEATURES]: editLine(FEATURES, 4, (s) => `NaN${s.slice(s.indexOf(' '))}`) })),
    { file: 'AwA2-features.txt', line: 4 }, /value 1 is "NaN"; expected a finite number/],
  ['-Infinity in the features', () => parseFeatureBytes(encode('1 2\n3 -Infinity\n'), { file: 'AwA2-features.txt' }),
    { file: 'AwA2-features.txt', line: 2 }, /value 2 is "-Infinity"; expected a finite number/],
  ['a value beyond float32', () => parseFeatureBytes(encode('1 2\n3 4\n5 1e39\n'), { file: 'AwA2-features.txt' }),
    { file: 'AwA2-features.txt', line: 3 }, /outside the float32 range/],
  ['a blank line inside the features', () => buildDataset(withText({ [FEATURES]: editLine(FEATURES, 12, () => '') })),
    { file: 'AwA2-features.txt', line: 12 }, /the line is empty; expected 16 values/],
  ['fewer labels than feature lines', () => buildDataset(withText({ [LABELS]: lines(LABELS).slice(0, 29).join('\n'), [`${root}Features/ResNet101/AwA2-filenames.txt`]: null })),
    { file: 'AwA2-features.txt', line: 30 }, /30 lines of features but AwA2-labels\.txt has 29 labels; expected one label per feature line/],
  ['fewer labels than file names', () => buildDataset(withText({ [LABELS]: lines(LABELS).slice(0, 28).join('\n') })),
    { file: 'AwA2-filenames.txt', line: 29 }, /has 30 names but AwA2-labels\.txt has 28 labels; expected one name per image/],
  ['label 0', () => buildDataset(withText({ [LABELS]: editLine(LABELS, 5, () => '0') })),
    { file: 'AwA2-labels.txt', line: 5 }, /found "0"; expected one class index from 1 to 6/],
  ['label 51 of 50 classes', () => parseLabels(encode('1\n50\n51\n'), 'AwA2-labels.txt', 50),
    { file: 'AwA2-labels.txt', line: 3 }, /found "51"; expected one class index from 1 to 50/],
  ['a label that is not a number', () => parseLabels(encode('1\n2\nx3\n'), 'AwA2-labels.txt', 50),
    { file: 'AwA2-labels.txt', line: 3 }, /found "x3"; expected one class index/],
  ['a split file naming an unknown class', () => buildDataset(withText({ [`${root}testclasses.txt`]: 'dalmatian\nunicorn\n' })),
    { file: 'testclasses.txt', line: 2 }, /the class "unicorn" is not in the class list/],
  ['a class both seen and unseen', () => buildDataset(withText({ [`${root}testclasses.txt`]: 'dalmatian\nbeaver\n' })),
    { file: 'testclasses.txt', line: 2 }, /"beaver" is also in trainclasses\.txt; expected a class to be either seen or unseen/],
  ['classes.txt with indices out of order', () => buildDataset(withText({ [`${root}classes.txt`]: editLine(`${root}classes.txt`, 3, (s) => s.replace('3', '4')) })),
    { file: 'classes.txt', line: 3 }, /the index is 4; expected 3/],
  ['a predicate matrix row with a missing column', () => buildDataset(withText({ [`${root}predicate-matrix-continuous.txt`]: editLine(`${root}predicate-matrix-continuous.txt`, 2, (s) => s.slice(0, -7)) })),
    { file: 'predicate-matrix-continuous.txt', line: 2 }, /expected 5 values, found 4 \(one per attribute in predicates\.txt\)/],
  ['a binary matrix with a 2', () => buildDataset(withText({ [`${root}predicate-matrix-binary.txt`]: editLine(`${root}predicate-matrix-binary.txt`, 6, (s) => `2${s.slice(1)}`) }), { semantic: { source: 'binary' } }),
    { file: 'predicate-matrix-binary.txt', line: 6 }, /value 1 is 2; expected 0 or 1/],
  ['an empty feature file', () => buildDataset(withText({ [FEATURES]: '' })),
    { file: 'AwA2-features.txt' }, /the file is empty; expected lines of space-separated numbers/],
  ['an empty classes.txt', () => buildDataset(withText({ [`${root}classes.txt`]: '' })),
    { file: 'classes.txt' }, /the file is empty/],
  ['a PNG dropped as the feature file', () => buildDataset(withText({ [FEATURES]: PNG })),
    { file: 'AwA2-features.txt' }, /this is a PNG image, not a text feature file/],
  ['a truncated att_splits.mat', () => readMat5(truncatedAtt(), 'att_splits.mat'),
    { file: 'att_splits.mat', variable: 'train_loc' }, /ends \d+ bytes early inside this compressed variable; the file is truncated/],
  ['a corrupt compressed att_splits.mat', () => readMat5(corruptAtt(), 'att_splits.mat'),
    { file: 'att_splits.mat', variable: 'allclasses_names' }, /the compressed data is corrupt .*expected zlib data/],
  ['a truncated uncompressed res101.mat', () => buildDataset(sourceFiles({ ...fx.xlsa, [RES]: fx.xlsa[RES]!.subarray(0, 2000) })),
    { file: 'res101.mat', variable: 'features' }, /ends \d+ bytes early inside this variable; expected a complete MAT-file/],
  ['a MAT v7.3 (HDF5) file', () => buildDataset(sourceFiles({ ...fx.xlsa, [ATT]: v73() })),
    { file: 'att_splits.mat' }, /MATLAB 7\.3 \(HDF5\).*Re-save it in MATLAB with save\(\.\.\., '-v7'\) or use the AwA2 text release/],
  ['att_splits.mat whose locations do not match the feature order', () => {
    const att = writeMat5({ allclasses_names: { kind: 'cell', dims: [6, 1], cells: ['antelope', 'grizzly+bear', 'killer+whale', 'beaver', 'dalmatian', 'persian+cat'].map((t) => ({ kind: 'char', text: t })) },
      original_att: num('double', [5, 6], fx.continuous), trainval_loc: num('double', [2, 1], [1, 30]), test_seen_loc: num('double', [1, 1], [2]), test_unseen_loc: num('double', [2, 1], [3, 29]) });
    return buildDataset(sourceFiles({ ...fx.text, [ATT]: att }));
  }, { file: 'att_splits.mat', variable: 'test_unseen_loc' }, /has images in both trainval_loc and test_unseen_loc; the image order of the features does not match/],
  ['a split location beyond the images', () => {
    const att = writeMat5({ allclasses_names: { kind: 'cell', dims: [6, 1], cells: ['antelope', 'grizzly+bear', 'killer+whale', 'beaver', 'dalmatian', 'persian+cat'].map((t) => ({ kind: 'char', text: t })) },
      original_att: num('double', [5, 6], fx.continuous), trainval_loc: num('double', [2, 1], [1, 31], 'uint16'), test_seen_loc: num('double', [1, 1], [2]), test_unseen_loc: num('double', [1, 1], [29]) });
    return buildDataset(sourceFiles({ ...fx.text, [ATT]: att }));
  }, { file: 'att_splits.mat', variable: 'trainval_loc' }, /entry 2 is 31; expected a 1-based index from 1 to 30/],
  ['a zip without the expected files', () => buildDataset([memoryFile('AwA2-data.zip', zipSync({ 'readme.txt': encode('hello'), 'img/a.jpg': PNG }))]),
    { }, /do not form a complete dataset\. No image features were found: expected Features\/<network>\/AwA2-features\.txt/],
  ['a file that is not a zip', () => openZip(memoryFile('AwA2.zip', PNG)),
    { file: 'AwA2.zip' }, /no files found in the archive|cannot be read/],
  ['a truncated zip', () => {
    const zip = zipSync({ 'a/classes.txt': fx.text[`${root}classes.txt`]! }, { level: 0 });
    return openZip(memoryFile('AwA2.zip', zip.subarray(0, 60)));
  }, { file: 'AwA2.zip' }, /expected a complete, uncorrupted zip archive/],
  ['duplicate files for one role', () => buildDataset(sourceFiles({ ...fx.text, 'copy/classes.txt': fx.text[`${root}classes.txt`]! })),
    { file: 'copy/classes.txt' }, /two files can play the same part: ".*classes\.txt" and "copy\/classes\.txt"; expected one classes\.txt/],
  ['training on train_loc', () => buildDataset(sourceFiles(fx.xlsa), { psTraining: 'val_loc' }),
    { variable: 'val_loc' }, /they overlap test_seen_loc/],
];

describe('bad inputs', () => {
  it('has a corpus of at least 15 cases', () => expect(cases.length).toBeGreaterThanOrEqual(15));
  it.each(cases)('%s', async (_name, run, location, expected) => {
    await expectZslError(run, location, expected);
  });
});
