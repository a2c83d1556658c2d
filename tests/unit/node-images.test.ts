/** The command line's picture decoding: PNG and JPEG, EXIF orientation found and applied, non-pictures refused. */
import jpeg from 'jpeg-js';
import { describe, expect, test } from 'vitest';
import { decodePicture, exifOrientation, orient } from '../../src/cli/node-images.ts';
import { ZslError } from '../../src/core/errors.ts';
import { encodePng } from '../e2e/png.ts';

/** A 3 × 2 picture whose pixel (x, y) has red = 10·x + y (so each pixel is told apart). */
const w = 3;
const h = 2;
const pixels = new Uint8ClampedArray(w * h * 4);
for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) pixels.set([10 * x + y, 0, 0, 255], (y * w + x) * 4);
const reds = (p: { pixels: Uint8ClampedArray; width: number; height: number }) =>
  Array.from({ length: p.height }, (_, y) => Array.from({ length: p.width }, (_, x) => p.pixels[(y * p.width + x) * 4]));

describe('orient', () => {
  // Stored rows: [0 10 20] / [1 11 21].
  test.each([
    [1, [[0, 10, 20], [1, 11, 21]]],
    [2, [[20, 10, 0], [21, 11, 1]]], // mirrored left-right
    [3, [[21, 11, 1], [20, 10, 0]]], // half turn
    [4, [[1, 11, 21], [0, 10, 20]]], // mirrored top-bottom
    [5, [[0, 1], [10, 11], [20, 21]]], // transposed
    [6, [[1, 0], [11, 10], [21, 20]]], // a quarter turn clockwise
    [7, [[21, 20], [11, 10], [1, 0]]], // transverse
    [8, [[20, 21], [10, 11], [0, 1]]], // a quarter turn anticlockwise
  ])('EXIF orientation %i', (orientation, expected) => {
    expect(reds(orient({ pixels, width: w, height: h }, orientation))).toEqual(expected);
  });
});

/** A JPEG's first bytes with an APP1 Exif segment holding one IFD entry: orientation (0x0112) = value. */
function exifHeader(value: number, little: boolean): Uint8Array {
  const tiff = new Uint8Array(8 + 2 + 12 + 4);
  const v = new DataView(tiff.buffer);
  tiff.set(little ? [0x49, 0x49] : [0x4d, 0x4d]);
  v.setUint16(2, 42, little);
  v.setUint32(4, 8, little);
  v.setUint16(8, 1, little);
  v.setUint16(10, 0x0112, little);
  v.setUint16(12, 3, little);
  v.setUint32(14, 1, little);
  v.setUint16(18, value, little);
  const segment = new Uint8Array(2 + 2 + 6 + tiff.length);
  segment.set([0xff, 0xe1]);
  new DataView(segment.buffer).setUint16(2, segment.length - 2);
  segment.set([0x45, 0x78, 0x69, 0x66, 0, 0], 4);
  segment.set(tiff, 10);
  return new Uint8Array([0xff, 0xd8, ...segment, 0xff, 0xda, 0, 2]);
}

test.each([true, false])('exifOrientation reads the tag (little-endian %s)', (little) => {
  expect(exifOrientation(exifHeader(6, little))).toBe(6);
  expect(exifOrientation(new Uint8Array([0xff, 0xd8, 0xff, 0xda, 0, 2]))).toBe(1);
});

test('a JPEG with EXIF orientation 6 decodes upright (turned a quarter clockwise)', () => {
  const encoded = jpeg.encode({ data: Buffer.from(new Uint8ClampedArray(8 * 4 * 4).fill(128)), width: 8, height: 4 }, 95).data;
  // Splice the Exif segment in after SOI.
  const exif = exifHeader(6, false);
  const withExif = new Uint8Array([...exif.subarray(0, exif.length - 4), ...encoded.subarray(2)]);
  const picture = decodePicture(withExif, 'phone.jpg');
  expect([picture.width, picture.height]).toEqual([4, 8]);
  expect(Math.abs(picture.pixels[0]! - 128)).toBeLessThan(4);
});

test('PNG decodes exactly', () => {
  const picture = decodePicture(encodePng(pixels, w, h), 'p.png');
  expect(reds(picture)).toEqual([[0, 10, 20], [1, 11, 21]]);
});

test.each([
  [new TextEncoder().encode('RIFF....WEBPVP8 '), /^x\.webp: is a WebP picture; the command line reads JPEG and PNG/],
  [new TextEncoder().encode('hello'), /^x\.webp: is not a JPEG or PNG picture\.$/],
  [new Uint8Array([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]), /^x\.webp: could not be decoded \(.*\); expected a JPEG or PNG picture\.$/],
])('a file that is not a readable picture gets a sentence', (bytes, message) => {
  expect(() => decodePicture(bytes, 'x.webp')).toThrow(ZslError);
  expect(() => decodePicture(bytes, 'x.webp')).toThrow(message);
});
