/**
 * A reader for NumPy's .npy format (versions 1–3): the magic string, a header
 * dictionary ('descr', 'fortran_order', 'shape'), then the raw array. Reads a
 * 2-D float32 or float64 matrix, either byte order, C or Fortran order, into a
 * row-major Float32Array; anything else is refused with a sentence naming the
 * file and what was expected. Format: numpy.org/doc/stable/reference/generated/numpy.lib.format.html
 * Pure TypeScript: no DOM, no Node modules.
 */
import { ZslError } from '../errors.ts';

export interface NpyMatrix {
  rows: number;
  cols: number;
  /** rows × cols, row-major. */
  values: Float32Array;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

export function readNpyMatrix(bytes: Uint8Array, file: string): NpyMatrix {
  const fail = (message: string): never => {
    throw new ZslError(message, { file });
  };
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) {
    fail('is not a NumPy .npy file (it does not start with \\x93NUMPY); expected features saved with numpy.save.');
  }
  const major = bytes[6]!;
  if (major < 1 || major > 3) fail(`is .npy version ${major}.${bytes[7]}; expected version 1, 2 or 3.`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = major === 1 ? view.getUint16(8, true) : bytes.length >= 12 ? view.getUint32(8, true) : fail('is cut short inside its header; expected a complete .npy file.');
  const start = major === 1 ? 10 : 12;
  if (start + headerLength > bytes.length) fail('is cut short inside its header; expected a complete .npy file.');
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(start, start + headerLength));
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) {
    fail(`has a header without 'descr', 'fortran_order' and 'shape' ("${header.trim().slice(0, 60)}"); expected a file written by numpy.save.`);
  }
  const type = /^([<>|=])?f(4|8)$/.exec(descr!);
  if (!type) fail(`holds values of type '${descr}'; expected float32 ('<f4') or float64 ('<f8') features (use array.astype('float32')).`);
  const width = Number(type![2]);
  const littleEndian = type![1] !== '>';
  const shape = shapeText!.split(',').map((t) => t.trim()).filter((t) => t.length > 0).map(Number);
  if (shape.length !== 2 || shape.some((n) => !Number.isInteger(n) || n < 0)) {
    fail(`has shape (${shapeText}); expected a 2-D array of images × feature values (N, D).`);
  }
  const [rows, cols] = shape as [number, number];
  if (rows === 0 || cols === 0) fail(`has shape (${rows}, ${cols}); expected at least one image and one feature value.`);
  const dataStart = start + headerLength;
  const expected = rows * cols * width;
  if (bytes.length - dataStart < expected) {
    fail(`holds ${bytes.length - dataStart} bytes of data; expected ${expected} for shape (${rows}, ${cols}) of ${width === 4 ? 'float32' : 'float64'} (the file is cut short).`);
  }
  const values = new Float32Array(rows * cols);
  const at = (k: number) => (width === 4 ? view.getFloat32(dataStart + 4 * k, littleEndian) : view.getFloat64(dataStart + 8 * k, littleEndian));
  if (fortran === 'True') {
    for (let c = 0; c < cols; c++) for (let r = 0; r < rows; r++) values[r * cols + c] = at(c * rows + r);
  } else if (width === 4 && littleEndian && dataStart % 4 === 0 && bytes.byteOffset % 4 === 0) {
    values.set(new Float32Array(bytes.buffer, bytes.byteOffset + dataStart, rows * cols));
  } else {
    for (let k = 0; k < rows * cols; k++) values[k] = at(k);
  }
  for (let k = 0; k < values.length; k++) {
    if (!Number.isFinite(values[k]!)) {
      fail(`row ${Math.floor(k / cols) + 1}, column ${(k % cols) + 1} is ${values[k]}; expected finite feature values.`);
    }
  }
  return { rows, cols, values };
}
