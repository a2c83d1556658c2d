import { describe, expect, test } from 'vitest';
import { ZslError } from '../../src/core/errors.ts';
import {
  attributeList,
  attributesOf,
  attributeVector,
  describePictureClass,
  PICTURE_ATTRIBUTES,
  PICTURE_CLASS_NAMES,
  PICTURE_CLASSES,
  PICTURE_UNSEEN,
  pictureClassName,
  renderPicture,
  valuesMissingFromSeen,
  type PictureClass,
} from '../../src/core/demos/picture-world.ts';
import { createRng } from '../../src/core/compute/rng.ts';

describe('the picture world', () => {
  test('has every combination once, with a readable name that parses back', () => {
    expect(PICTURE_CLASSES).toHaveLength(4 * 5 * 3 * 2);
    expect(new Set(PICTURE_CLASS_NAMES).size).toBe(PICTURE_CLASSES.length);
    for (const c of PICTURE_CLASSES) expect(attributesOf(pictureClassName(c))).toEqual(c);
    expect(PICTURE_CLASS_NAMES).toContain('large red striped circle');
    expect(PICTURE_CLASS_NAMES).toContain('small blue square');
    expect(attributesOf('Small BLUE plain square')).toEqual({ shape: 'square', colour: 'blue', pattern: 'plain', size: 'small' });
  });

  test('says what is wrong with a name it cannot read', () => {
    expect(() => attributesOf('large red striped hexagon')).toThrow(/"hexagon".*not a picture attribute/);
    expect(() => attributesOf('large red circle square')).toThrow(/two shapes/);
    expect(() => attributesOf('red circle')).toThrow(/no size/);
    expect(() => attributesOf('red circle')).toThrow(ZslError);
  });

  test('describes a class for a student', () => {
    const c = attributesOf('large red striped circle');
    expect(attributeList(c)).toEqual(['large', 'red', 'striped', 'circle']);
    expect(describePictureClass(c)).toBe('a large red circle with stripes');
  });

  test('gives one-hot attribute vectors, one value per group', () => {
    const c: PictureClass = { shape: 'star', colour: 'yellow', pattern: 'dotted', size: 'small' };
    const vector = attributeVector(c);
    expect(vector).toHaveLength(PICTURE_ATTRIBUTES.length);
    const on = PICTURE_ATTRIBUTES.filter((_, i) => vector[i] === 1);
    expect(on).toEqual(['star', 'yellow', 'dotted', 'small']);
    expect(vector.reduce((a, b) => a + b, 0)).toBe(4);
  });

  test('keeps every attribute value among the seen classes of the default split', () => {
    expect(PICTURE_UNSEEN).toHaveLength(24);
    expect(valuesMissingFromSeen(PICTURE_UNSEEN)).toEqual([]);
    const allGreen = PICTURE_CLASSES.filter((c) => c.colour === 'green').map(pictureClassName);
    expect(valuesMissingFromSeen(allGreen)).toEqual(['green']);
  });
});

describe('renderPicture', () => {
  const red: PictureClass = { shape: 'circle', colour: 'red', pattern: 'plain', size: 'large' };
  const reddish = (pixels: Uint8ClampedArray) => {
    let count = 0;
    for (let i = 0; i < pixels.length; i += 4) if (pixels[i]! > pixels[i + 1]! + 60 && pixels[i]! > pixels[i + 2]! + 60) count++;
    return count / (pixels.length / 4);
  };

  test('draws opaque RGBA pixels of the asked size, replayable from a seed', () => {
    const a = renderPicture(red, createRng(3), 24);
    expect(a).toHaveLength(24 * 24 * 4);
    for (let i = 3; i < a.length; i += 4) expect(a[i]).toBe(255);
    expect(renderPicture(red, createRng(3), 24)).toEqual(a);
    expect(renderPicture(red, createRng(4), 24)).not.toEqual(a);
  });

  test('draws the colour and the size it is asked for', () => {
    const rng = createRng(11);
    const mean = (c: PictureClass) => {
      let sum = 0;
      for (let k = 0; k < 20; k++) sum += reddish(renderPicture(c, rng, 32));
      return sum / 20;
    };
    const large = mean(red);
    const small = mean({ ...red, size: 'small' });
    expect(large).toBeGreaterThan(0.2);
    expect(small).toBeGreaterThan(0.02);
    expect(large).toBeGreaterThan(2 * small);
    expect(mean({ ...red, colour: 'blue' })).toBeLessThan(0.01);
  });

  test('rejects a picture too small to draw in', () => {
    expect(() => renderPicture(red, createRng(1), 4)).toThrow(/at least 8 pixels/);
  });
});
