/**
 * A minimal .npy (version 1.0) writer for test fixtures: a row-major float32 or
 * float64 matrix, header padded so the data starts on a 64-byte boundary as
 * numpy.save does. Test-only code; the reader is checked against files numpy
 * itself wrote (scripts/reference/write_npy_fixtures.py).
 */
export function writeNpy(values: ArrayLike<number>, rows: number, cols: number, dtype: 'f4' | 'f8' = 'f4'): Uint8Array {
  let header = `{'descr': '<${dtype}', 'fortran_order': False, 'shape': (${rows}, ${cols}), }`;
  const total = 10 + header.length + 1;
  header += ' '.repeat((64 - (total % 64)) % 64) + '\n';
  const width = dtype === 'f4' ? 4 : 8;
  const out = new Uint8Array(10 + header.length + rows * cols * width);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  const view = new DataView(out.buffer);
  view.setUint16(8, header.length, true);
  out.set(new TextEncoder().encode(header), 10);
  const start = 10 + header.length;
  for (let k = 0; k < rows * cols; k++) {
    if (width === 4) view.setFloat32(start + 4 * k, values[k]!, true);
    else view.setFloat64(start + 8 * k, values[k]!, true);
  }
  return out;
}
