// The .npy reader against files numpy.save wrote (scripts/reference/write_npy_fixtures.py).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readNpyMatrix } from '../../../src/core/io/npy.ts';

const file = (name: string) => new Uint8Array(readFileSync(new URL(`./npy/${name}`, import.meta.url)));
const EXPECTED = [0.5, -1.25, 3.0, 1e-3, 2.5, -7.75];

describe('readNpyMatrix', () => {
  it.each(['f8-c.npy', 'f4-c.npy', 'f4-fortran.npy', 'f8-big-endian.npy', 'f4-v2.npy'])('reads %s as the 2 × 3 matrix numpy saved, row-major', (name) => {
    const m = readNpyMatrix(file(name), name);
    expect([m.rows, m.cols]).toEqual([2, 3]);
    expect(Array.from(m.values)).toEqual(EXPECTED.map(Math.fround));
  });

  it.each([
    ['i8.npy', file('i8.npy'), /i8\.npy: holds values of type '<i8'; expected float32 \('<f4'\) or float64 \('<f8'\)/],
    ['f4-3d.npy', file('f4-3d.npy'), /f4-3d\.npy: has shape \(2, 2, 2\); expected a 2-D array of images × feature values/],
    ['cut.npy', file('f4-c.npy').subarray(0, 140), /cut\.npy: holds 12 bytes of data; expected 24 for shape \(2, 3\) of float32 \(the file is cut short\)/],
    ['text.npy', new TextEncoder().encode('0.5 1.25\n3 4\n'), /text\.npy: is not a NumPy \.npy file/],
    ['header.npy', file('f4-c.npy').subarray(0, 40), /header\.npy: is cut short inside its header/],
  ])('refuses %s with a sentence naming the file and what was expected', (name, bytes, message) => {
    expect(() => readNpyMatrix(bytes, name)).toThrow(message);
  });

  it('refuses non-finite features with their row and column', () => {
    const bytes = file('f4-c.npy').slice();
    new DataView(bytes.buffer).setFloat32(bytes.length - 8, Number.NaN, true);
    expect(() => readNpyMatrix(bytes, 'nan.npy')).toThrow(/nan\.npy: row 2, column 2 is NaN; expected finite feature values/);
  });
});
