/** The explainer's example: the closest unseen/seen pair and what tells them apart, checked by hand. */
import { expect, test } from 'vitest';
import { attributeAnalogy } from '../../../src/core/data/attribute-analogy.ts';

const classNames = ['horse', 'zebra', 'tiger', 'whale'];
const attributeNames = ['striped', 'hooves', 'water', 'big'];
// Standardised over the four classes: striped −1, 1, 1, −1; hooves 1, 1, −1, −1; water −0.58 ×3, 1.73; big constant.
// Squared distances: zebra–horse 4, zebra–whale 13.3, tiger–horse 8, tiger–whale 9.3: zebra is a horse plus stripes.
const classAttributes = [0, 1, 0, 1, 1, 1, 0, 1, 1, 0, 0, 1, 0, 0, 1, 1];

test('zebra = horse + striped: the closest pair, and only the attribute that differs', () => {
  expect(attributeAnalogy({ classNames, attributeNames, classAttributes, seenClasses: [0, 3], unseenClasses: [1, 2] })).toEqual({
    seen: 'horse',
    unseen: 'zebra',
    plus: ['striped'],
    minus: [],
  });
});

test('what the seen class has and the unseen one lacks is named too (tiger = horse + striped − hooves)', () => {
  expect(attributeAnalogy({ classNames, attributeNames, classAttributes, seenClasses: [0, 3], unseenClasses: [2] })).toEqual({
    seen: 'horse',
    unseen: 'tiger',
    plus: ['striped'],
    minus: ['hooves'],
  });
});

test('scale does not decide: an attribute in hundreds counts as much as one in units', () => {
  const scaled = classAttributes.map((v, i) => (i % 4 === 2 ? v * 100 : v));
  expect(attributeAnalogy({ classNames, attributeNames, classAttributes: scaled, seenClasses: [0, 3], unseenClasses: [1, 2] })?.unseen).toBe('zebra');
});

test('no example without both sides, or when the classes are identical', () => {
  expect(attributeAnalogy({ classNames, attributeNames, classAttributes, seenClasses: [], unseenClasses: [1] })).toBeNull();
  expect(attributeAnalogy({ classNames: ['a', 'b'], attributeNames: ['x'], classAttributes: [1, 1], seenClasses: [0], unseenClasses: [1] })).toBeNull();
});
