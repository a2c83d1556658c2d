/**
 * A tiny MAT v5 writer for test fixtures (test-only code): numeric matrices in
 * several storage types, char rows, (nested) cell arrays, optionally zlib-compressed
 * (miCOMPRESSED) and in either byte order.
 */
import { zlibSync } from 'fflate';

export type MatClassName = 'double' | 'single' | 'uint16' | 'uint8' | 'int32';
export type WriteValue =
  | { kind: 'numeric'; class: MatClassName; dims: number[]; data: ArrayLike<number>; storage?: MatClassName }
  | { kind: 'char'; text: string }
  | { kind: 'cell'; dims: number[]; cells: WriteValue[] };

const CLASS_ID: Record<MatClassName | 'char' | 'cell', number> = { cell: 1, char: 4, double: 6, single: 7, uint8: 9, uint16: 11, int32: 12 };
const MI_TYPE: Record<MatClassName, number> = { double: 9, single: 7, uint8: 2, uint16: 4, int32: 5 };
const WIDTH: Record<MatClassName, number> = { double: 8, single: 4, uint8: 1, uint16: 2, int32: 4 };

export interface WriteOptions {
  compress?: boolean;
  bigEndian?: boolean;
  header?: string;
}

export function writeMat5(variables: Record<string, WriteValue>, options: WriteOptions = {}): Uint8Array {
  const le = !options.bigEndian;
  const header = new Uint8Array(128).fill(32);
  header.set(new TextEncoder().encode((options.header ?? 'MATLAB 5.0 MAT-file, Platform: test, Created by the test writer').slice(0, 116)));
  header.fill(0, 116, 124);
  const hv = new DataView(header.buffer);
  hv.setUint16(124, 0x0100, le);
  header.set(le ? [0x49, 0x4d] : [0x4d, 0x49], 126);
  const parts: Uint8Array[] = [header];
  for (const [name, value] of Object.entries(variables)) {
    const matrix = element(14, matrixBody(name, value, le), le);
    if (options.compress) {
      const z = zlibSync(matrix);
      const tag = new Uint8Array(8);
      const tv = new DataView(tag.buffer);
      tv.setUint32(0, 15, le);
      tv.setUint32(4, z.length, le);
      parts.push(tag, z);
    } else parts.push(matrix);
  }
  return concat(parts);
}

function matrixBody(name: string, value: WriteValue, le: boolean): Uint8Array {
  const classId = value.kind === 'numeric' ? CLASS_ID[value.class] : CLASS_ID[value.kind];
  const flags = new Uint8Array(8);
  new DataView(flags.buffer).setUint32(0, classId, le);
  const dims = value.kind === 'char' ? [1, value.text.length] : value.dims;
  const dimBytes = new Uint8Array(4 * dims.length);
  dims.forEach((d, k) => new DataView(dimBytes.buffer).setInt32(4 * k, d, le));
  const parts = [element(6, flags, le), element(5, dimBytes, le), element(1, new TextEncoder().encode(name), le)];
  if (value.kind === 'numeric') {
    const storage = value.storage ?? value.class;
    parts.push(element(MI_TYPE[storage], encodeNumbers(value.data, storage, le), le));
  } else if (value.kind === 'char') {
    const codes = new Uint8Array(2 * value.text.length);
    for (let k = 0; k < value.text.length; k++) new DataView(codes.buffer).setUint16(2 * k, value.text.charCodeAt(k), le);
    parts.push(element(4, codes, le));
  } else {
    for (const cell of value.cells) parts.push(element(14, matrixBody('', cell, le), le));
  }
  return concat(parts);
}

function encodeNumbers(data: ArrayLike<number>, storage: MatClassName, le: boolean): Uint8Array {
  const w = WIDTH[storage];
  const out = new Uint8Array(w * data.length);
  const view = new DataView(out.buffer);
  for (let k = 0; k < data.length; k++) {
    const x = data[k]!;
    if (storage === 'double') view.setFloat64(8 * k, x, le);
    else if (storage === 'single') view.setFloat32(4 * k, x, le);
    else if (storage === 'uint8') view.setUint8(k, x);
    else if (storage === 'uint16') view.setUint16(2 * k, x, le);
    else view.setInt32(4 * k, x, le);
  }
  return out;
}

/** A data element; data of 1–4 bytes (not matrices) uses the small data element format. */
function element(type: number, data: Uint8Array, le: boolean): Uint8Array {
  if (type !== 14 && data.length > 0 && data.length <= 4) {
    const out = new Uint8Array(8);
    const v = new DataView(out.buffer);
    v.setUint32(0, (data.length << 16) | type, le);
    out.set(data, 4);
    return out;
  }
  const padded = (data.length + 7) & ~7;
  const out = new Uint8Array(8 + padded);
  const v = new DataView(out.buffer);
  v.setUint32(0, type, le);
  v.setUint32(4, data.length, le);
  out.set(data, 8);
  return out;
}

export function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

export const num = (cls: MatClassName, dims: number[], data: ArrayLike<number>, storage?: MatClassName): WriteValue => ({ kind: 'numeric', class: cls, dims, data, ...(storage ? { storage } : {}) });
export const chars = (text: string): WriteValue => ({ kind: 'char', text });
export const cellOfStrings = (names: string[], nested = false): WriteValue => ({
  kind: 'cell',
  dims: [names.length, 1],
  cells: names.map((n) => (nested ? { kind: 'cell', dims: [1, 1], cells: [chars(n)] } : chars(n))),
});
