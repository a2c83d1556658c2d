/**
 * Converting MAT v5 values (see mat5.ts) into what the app uses: numbers, a
 * row-major Float32Array, 0-based indices, strings from char arrays and cells.
 * MATLAB stores arrays column-major; every helper here says which order it returns.
 * Pure TypeScript: no DOM, no Node modules.
 */
import { ZslError } from '../errors.ts';
import { MI, type MatRaw, type MatValue } from './mat5.ts';

/** Decodes raw storage into doubles (integers of any width are exact below 2^53). */
export function rawToFloat64(raw: MatRaw): Float64Array {
  const out = new Float64Array(raw.count);
  decodeInto(raw, out);
  return out;
}

/** Decodes raw storage straight into float32, with no double copy. */
export function rawToFloat32(raw: MatRaw): Float32Array {
  const out = new Float32Array(raw.count);
  decodeInto(raw, out);
  return out;
}

function decodeInto(raw: MatRaw, out: Float32Array | Float64Array): void {
  const { bytes, count, littleEndian: le, type } = raw;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const aligned = (n: number) => (bytes.byteOffset % n === 0 ? bytes.buffer : bytes.slice().buffer);
  const offset = (n: number) => (bytes.byteOffset % n === 0 ? bytes.byteOffset : 0);
  if (le) {
    // Fast paths: little-endian data can be viewed directly (copied once if unaligned).
    if (type === MI.DOUBLE) return out.set(new Float64Array(aligned(8), offset(8), count));
    if (type === MI.SINGLE) return out.set(new Float32Array(aligned(4), offset(4), count));
    if (type === MI.UINT8) return out.set(bytes.subarray(0, count));
    if (type === MI.INT8) return out.set(new Int8Array(bytes.buffer, bytes.byteOffset, count));
    if (type === MI.UINT16) return out.set(new Uint16Array(aligned(2), offset(2), count));
    if (type === MI.INT16) return out.set(new Int16Array(aligned(2), offset(2), count));
    if (type === MI.INT32) return out.set(new Int32Array(aligned(4), offset(4), count));
    if (type === MI.UINT32) return out.set(new Uint32Array(aligned(4), offset(4), count));
  }
  for (let k = 0; k < count; k++) {
    switch (type) {
      case MI.DOUBLE: out[k] = view.getFloat64(8 * k, le); break;
      case MI.SINGLE: out[k] = view.getFloat32(4 * k, le); break;
      case MI.INT8: out[k] = view.getInt8(k); break;
      case MI.UINT8: out[k] = view.getUint8(k); break;
      case MI.INT16: out[k] = view.getInt16(2 * k, le); break;
      case MI.UINT16: out[k] = view.getUint16(2 * k, le); break;
      case MI.INT32: out[k] = view.getInt32(4 * k, le); break;
      case MI.UINT32: out[k] = view.getUint32(4 * k, le); break;
      case MI.INT64: out[k] = Number(view.getBigInt64(8 * k, le)); break;
      case MI.UINT64: out[k] = Number(view.getBigUint64(8 * k, le)); break;
      default: throw new ZslError(`data type ${type} is not numeric.`);
    }
  }
}

function numeric(value: MatValue, file: string) {
  if (value.kind !== 'numeric') {
    throw new ZslError(`is a ${value.class} array; expected a numeric matrix.`, { file, variable: value.name });
  }
  return value;
}

/** All values in MATLAB's column-major order, as doubles. */
export function matNumbers(value: MatValue, file: string): Float64Array {
  return rawToFloat64(numeric(value, file).real);
}

/**
 * A 2-D numeric variable as a row-major Float32Array. `transpose: false` gives
 * dims[0] rows × dims[1] columns (MATLAB's view); `transpose: true` gives dims[1] rows ×
 * dims[0] columns, which is the stored order itself (no reshuffle): use it for
 * res101.mat `features` (2048 × N → N × 2048) and att_splits.mat `att` (85 × 50 → 50 × 85).
 */
export function matToFloat32(value: MatValue, file: string, options: { transpose: boolean }): { values: Float32Array; rows: number; cols: number } {
  const v = numeric(value, file);
  if (v.dims.length !== 2) {
    throw new ZslError(`has ${v.dims.length} dimensions (${v.dims.join(' × ')}); expected a 2-D matrix.`, { file, variable: v.name });
  }
  const [d0, d1] = v.dims as [number, number];
  const stored = rawToFloat32(v.real);
  if (options.transpose) return { values: stored, rows: d1, cols: d0 };
  const out = new Float32Array(stored.length);
  for (let j = 0; j < d1; j++) for (let i = 0; i < d0; i++) out[i * d1 + j] = stored[j * d0 + i]!;
  return { values: out, rows: d0, cols: d1 };
}

/**
 * 1-based MATLAB indices (any integer or double class, e.g. uint16 `trainval_loc`) as
 * 0-based Int32Array, checked to be whole numbers in 1…max.
 */
export function matIndices(value: MatValue, file: string, max: number): Int32Array {
  const v = numeric(value, file);
  const numbers = rawToFloat64(v.real);
  const out = new Int32Array(numbers.length);
  for (let k = 0; k < numbers.length; k++) {
    const x = numbers[k]!;
    if (!Number.isInteger(x) || x < 1 || x > max) {
      throw new ZslError(`entry ${k + 1} is ${x}; expected a 1-based index from 1 to ${max}.`, { file, variable: v.name });
    }
    out[k] = x - 1;
  }
  return out;
}

/** Strings from a cell array of char (any nesting of 1-element cells) or from the rows of a char matrix. */
export function matStrings(value: MatValue, file: string): string[] {
  if (value.kind === 'cell') {
    return value.cells.map((cell, k) => {
      let inner: MatValue = cell;
      while (inner.kind === 'cell' && inner.cells.length === 1) inner = inner.cells[0]!;
      if (inner.kind !== 'char') {
        throw new ZslError(`cell ${k + 1} is a ${inner.class} array; expected text.`, { file, variable: value.name });
      }
      return charRows(inner)[0] ?? '';
    });
  }
  if (value.kind === 'char') return charRows(value);
  throw new ZslError(`is a ${value.class} array; expected text (a cell array of char).`, { file, variable: value.name });
}

/** Rows of a column-major char matrix, trailing blanks removed. */
function charRows(value: Extract<MatValue, { kind: 'char' }>): string[] {
  const rows = value.dims[0] ?? 0;
  const cols = value.text.length / Math.max(1, rows);
  const chars = Array.from(value.text);
  const out: string[] = [];
  for (let i = 0; i < rows; i++) {
    let s = '';
    for (let j = 0; j < cols; j++) s += chars[j * rows + i] ?? '';
    out.push(s.replace(/\s+$/, ''));
  }
  return rows === 0 ? [''] : out;
}
