/** The real AwA2 text files: class and attribute lists, predicate matrices, split lists. */
import { describe, expect, it } from 'vitest';
import { parseIndexedNames, parseLabels, parseNameList, resolveClasses } from '../../../src/core/io/text-lists.ts';
import { countMissing, fillMissing, parsePredicateMatrix } from '../../../src/core/io/predicate-matrix.ts';
import { encode } from './helpers/streams.ts';
import { readShared } from './real-files.ts';

const classes = parseIndexedNames(readShared('classes.txt'), 'classes.txt');
const predicates = parseIndexedNames(readShared('predicates.txt'), 'predicates.txt');

describe('real AwA2 text files', () => {
  it('lists 50 classes and 85 attributes (the last line has no newline)', () => {
    expect(classes).toHaveLength(50);
    expect([classes[0], classes[1], classes[49]]).toEqual(['antelope', 'grizzly+bear', 'dolphin']);
    expect(predicates).toHaveLength(85);
    expect([predicates[0], predicates[84]]).toEqual(['black', 'domestic']);
  });

  it('reads the continuous matrix with exactly four missing values, and the binary one as continuous > mean', () => {
    const dims = { classes: 50, attributes: 85 };
    const continuous = parsePredicateMatrix(readShared('predicate-matrix-continuous.txt'), 'predicate-matrix-continuous.txt', { ...dims, kind: 'continuous' });
    const binary = parsePredicateMatrix(readShared('predicate-matrix-binary.txt'), 'predicate-matrix-binary.txt', { ...dims, kind: 'binary' });
    expect(countMissing(continuous)).toBe(4);
    expect(Array.from(continuous.subarray(0, 4))).toEqual([-1, -1, -1, -1]);
    const mean = continuous.reduce((s, v) => s + v, 0) / continuous.length;
    expect(mean).toBeCloseTo(20.79, 1);
    const mismatches = continuous.filter((v, k) => (v > mean ? 1 : 0) !== binary[k]).length;
    expect(mismatches).toBe(0);
    const zeroed = fillMissing(continuous, 50, 85, 'zero');
    expect(countMissing(zeroed)).toBe(0);
    expect(zeroed[0]).toBe(0);
  });

  it('resolves the proposed split lists to 40 seen and 10 unseen classes', () => {
    const seen = resolveClasses(parseNameList(readShared('trainvalclasses-proposed.txt'), 'trainvalclasses-proposed.txt'), classes, 'trainvalclasses-proposed.txt');
    const unseen = resolveClasses(parseNameList(readShared('testclasses-proposed.txt'), 'testclasses-proposed.txt'), classes, 'testclasses-proposed.txt');
    expect(seen).toHaveLength(40);
    expect(unseen.map((i) => classes[i])).toEqual(['sheep', 'dolphin', 'bat', 'seal', 'blue+whale', 'rat', 'horse', 'walrus', 'giraffe', 'bobcat']);
    expect(new Set([...seen, ...unseen]).size).toBe(50);
  });

  it('parses labels with CRLF, blanks and no final newline', () => {
    expect(Array.from(parseLabels(encode(' 1\r\n50 \r\n\t7'), 'l.txt', 50))).toEqual([0, 49, 6]);
    expect(Array.from(parseLabels(encode('3\n3\n\n\n'), 'l.txt', 50))).toEqual([2, 2]);
    expect(() => parseLabels(encode('3\n\n3\n'), 'l.txt', 50)).toThrow('l.txt, line 2: the line is empty');
    expect(() => parseLabels(encode('3 4\n'), 'l.txt', 50)).toThrow('l.txt, line 1: found "3 4"');
  });
});
