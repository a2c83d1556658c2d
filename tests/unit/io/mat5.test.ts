/** The MAT v5 reader on the real xlsa17 att_splits.mat and on written fixtures. */
import { describe, expect, it } from 'vitest';
import { getVariable, readMat5 } from '../../../src/core/io/mat5.ts';
import { matIndices, matNumbers, matStrings, matToFloat32 } from '../../../src/core/io/mat5-values.ts';
import { parseIndexedNames } from '../../../src/core/io/text-lists.ts';
import { parsePredicateMatrix } from '../../../src/core/io/predicate-matrix.ts';
import { cellOfStrings, chars, num, writeMat5 } from './helpers/mat5-writer.ts';
import { readShared } from './real-files.ts';

describe('real att_splits.mat', () => {
  const mat = readMat5(readShared('att_splits.mat'), 'att_splits.mat');

  it('names the 50 classes in classes.txt order', () => {
    const classes = parseIndexedNames(readShared('classes.txt'), 'classes.txt');
    expect(classes).toHaveLength(50);
    expect(matStrings(getVariable(mat, 'allclasses_names'), mat.file)).toEqual(classes);
  });

  it('has att 85 × 50 with unit-norm columns and original_att equal to the continuous matrix', () => {
    const att = getVariable(mat, 'att');
    expect(att.dims).toEqual([85, 50]);
    const byClass = matToFloat32(att, mat.file, { transpose: true });
    expect([byClass.rows, byClass.cols]).toEqual([50, 85]);
    for (let c = 0; c < 50; c++) {
      let norm = 0;
      for (let a = 0; a < 85; a++) norm += byClass.values[c * 85 + a]! ** 2;
      expect(Math.sqrt(norm)).toBeCloseTo(1, 5);
    }
    const original = matToFloat32(getVariable(mat, 'original_att'), mat.file, { transpose: true });
    const text = parsePredicateMatrix(readShared('predicate-matrix-continuous.txt'), 'predicate-matrix-continuous.txt', {
      classes: 50, attributes: 85, kind: 'continuous',
    });
    let worst = 0;
    for (let k = 0; k < text.length; k++) worst = Math.max(worst, Math.abs(text[k]! - original.values[k]!));
    expect(worst).toBeLessThanOrEqual(0.01);
    // The MATLAB view (85 rows × 50 columns) is the transpose of the class view.
    const matlab = matToFloat32(getVariable(mat, 'original_att'), mat.file, { transpose: false });
    expect([matlab.rows, matlab.cols]).toEqual([85, 50]);
    expect(matlab.values[3 * 50 + 7]).toBe(original.values[7 * 85 + 3]);
  });

  it('has the split locations with the published sizes, 1-based and disjoint where they must be', () => {
    const counts = Object.fromEntries(
      ['trainval_loc', 'test_seen_loc', 'test_unseen_loc', 'train_loc', 'val_loc'].map((name) => [name, matNumbers(getVariable(mat, name), mat.file).length]),
    );
    expect(counts).toEqual({ trainval_loc: 23527, test_seen_loc: 5882, test_unseen_loc: 7913, train_loc: 20218, val_loc: 9191 });
    const trainval = matIndices(getVariable(mat, 'trainval_loc'), mat.file, 37322);
    const testSeen = new Set(matIndices(getVariable(mat, 'test_seen_loc'), mat.file, 37322));
    const unseen = matIndices(getVariable(mat, 'test_unseen_loc'), mat.file, 37322);
    expect(trainval.some((i) => testSeen.has(i))).toBe(false);
    expect(trainval.length + testSeen.size + unseen.length).toBe(37322);
    const train = matIndices(getVariable(mat, 'train_loc'), mat.file, 37322);
    expect(train.some((i) => testSeen.has(i))).toBe(true); // why train_loc is refused
    // uint16 arithmetic would wrap: the largest index is above 65,535 / 2 and sums must not overflow.
    expect(Math.max(...unseen) + Math.max(...trainval)).toBeGreaterThan(65_535);
  });
});

describe('written MAT v5 files', () => {
  const vars = {
    features: num('double', [4, 3], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12.5]),
    f32: num('single', [2, 2], [0.5, -1.5, 2.25, 3]),
    small: num('int32', [1, 1], [-7]),
    bytes: num('uint8', [1, 3], [0, 128, 255]),
    idx: num('double', [3, 1], [1, 40000, 2], 'uint16'),
    word: chars('zebra'),
    names: cellOfStrings(['a', 'bb', 'ccc']),
    nested: cellOfStrings(['x+y', 'z'], true),
  };

  it.each([
    ['plain little-endian', {}],
    ['compressed', { compress: true }],
    ['big-endian', { bigEndian: true }],
    ['compressed big-endian', { compress: true, bigEndian: true }],
  ])('reads back %s', (_name, options) => {
    const mat = readMat5(writeMat5(vars, options), 'test.mat');
    expect(mat.littleEndian).toBe(!('bigEndian' in options));
    const features = matToFloat32(getVariable(mat, 'features'), 'test.mat', { transpose: false });
    expect([features.rows, features.cols]).toEqual([4, 3]);
    expect(Array.from(features.values)).toEqual([1, 5, 9, 2, 6, 10, 3, 7, 11, 4, 8, 12.5]);
    expect(Array.from(matToFloat32(getVariable(mat, 'features'), 'test.mat', { transpose: true }).values)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12.5]);
    expect(Array.from(matNumbers(getVariable(mat, 'f32'), 'test.mat'))).toEqual([0.5, -1.5, 2.25, 3]);
    expect(Array.from(matNumbers(getVariable(mat, 'small'), 'test.mat'))).toEqual([-7]);
    expect(Array.from(matNumbers(getVariable(mat, 'bytes'), 'test.mat'))).toEqual([0, 128, 255]);
    expect(Array.from(matIndices(getVariable(mat, 'idx'), 'test.mat', 40000))).toEqual([0, 39999, 1]);
    expect(matStrings(getVariable(mat, 'word'), 'test.mat')).toEqual(['zebra']);
    expect(matStrings(getVariable(mat, 'names'), 'test.mat')).toEqual(['a', 'bb', 'ccc']);
    expect(matStrings(getVariable(mat, 'nested'), 'test.mat')).toEqual(['x+y', 'z']);
  });

  it('names the variable and the range when an index is out of range', () => {
    const mat = readMat5(writeMat5(vars), 'test.mat');
    expect(() => matIndices(getVariable(mat, 'idx'), 'test.mat', 100)).toThrow(
      'test.mat, variable "idx": entry 2 is 40000; expected a 1-based index from 1 to 100.',
    );
    expect(() => getVariable(mat, 'att')).toThrow(/variable "att": expected a variable "att"; the file has: features, f32/);
  });
});
