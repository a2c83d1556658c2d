/**
 * A reader for MATLAB MAT-file version 5 (what xlsa17's res101.mat and
 * att_splits.mat are): the 128-byte header, either byte order, miMATRIX and
 * zlib-compressed miCOMPRESSED elements, the small data element format, numeric
 * classes, char and (nested) cell arrays. Numeric data stays as raw bytes until a
 * helper in mat5-values.ts converts it, so a 600 MB double matrix becomes float32
 * without a Float64Array copy. MAT v7.3 (HDF5) is refused with a clear message.
 * Pure TypeScript + fflate: no DOM, no Node modules.
 */
import { Unzlib, unzlibSync } from 'fflate';
import { ZslError } from '../errors.ts';

export type MatClass =
  | 'cell' | 'struct' | 'object' | 'char' | 'sparse' | 'double' | 'single'
  | 'int8' | 'uint8' | 'int16' | 'uint16' | 'int32' | 'uint32' | 'int64' | 'uint64';

const CLASS_NAMES: Record<number, MatClass> = {
  1: 'cell', 2: 'struct', 3: 'object', 4: 'char', 5: 'sparse', 6: 'double', 7: 'single', 8: 'int8',
  9: 'uint8', 10: 'int16', 11: 'uint16', 12: 'int32', 13: 'uint32', 14: 'int64', 15: 'uint64',
};

/** Data element types (miINT8 …) and their byte sizes. */
export const MI = { INT8: 1, UINT8: 2, INT16: 3, UINT16: 4, INT32: 5, UINT32: 6, SINGLE: 7, DOUBLE: 9, INT64: 12, UINT64: 13, MATRIX: 14, COMPRESSED: 15, UTF8: 16, UTF16: 17, UTF32: 18 } as const;
export const MI_SIZE: Record<number, number> = { 1: 1, 2: 1, 3: 2, 4: 2, 5: 4, 6: 4, 7: 4, 9: 8, 12: 8, 13: 8, 16: 1, 17: 2, 18: 4 };

/** Raw numeric storage: `count` values of element type `type` in `bytes`. */
export interface MatRaw {
  type: number;
  bytes: Uint8Array;
  count: number;
  littleEndian: boolean;
}

export type MatValue =
  | { kind: 'numeric'; name: string; class: MatClass; dims: number[]; logical: boolean; real: MatRaw; imag?: MatRaw }
  | { kind: 'char'; name: string; class: 'char'; dims: number[]; text: string }
  | { kind: 'cell'; name: string; class: 'cell'; dims: number[]; cells: MatValue[] }
  | { kind: 'unsupported'; name: string; class: MatClass; dims: number[] };

export interface MatFile {
  file: string;
  header: string;
  littleEndian: boolean;
  variables: Map<string, MatValue>;
}

const HDF5_SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

/** Cells inside cells deeper than this are refused: real files nest one or two levels. */
export const MAX_NESTING = 32;

/** Parses a whole MAT v5 file held in memory; anything malformed becomes a ZslError naming the file. */
export function readMat5(bytes: Uint8Array, file: string): MatFile {
  try {
    return readMat5Unchecked(bytes, file);
  } catch (error) {
    if (error instanceof ZslError) throw error;
    // A corrupt length or offset can still reach past a buffer; say so instead of crashing.
    const reason = error instanceof Error ? error.message : String(error);
    throw new ZslError(`the file is corrupt (${reason}); expected a MATLAB 5.0 MAT-file. Download it again.`, { file });
  }
}

function readMat5Unchecked(bytes: Uint8Array, file: string): MatFile {
  const headerText = new TextDecoder('latin1').decode(bytes.subarray(0, Math.min(116, bytes.length)));
  const isHdf5 = bytes.length >= 520 && HDF5_SIGNATURE.every((b, i) => bytes[512 + i] === b);
  if (/^MATLAB 7\.3/.test(headerText) || isHdf5) {
    throw new ZslError(
      'this is a MATLAB 7.3 (HDF5) MAT-file, which cannot be read here; expected a MAT-file version 5 to 7. Re-save it in MATLAB with save(..., \'-v7\') or use the AwA2 text release.',
      { file },
    );
  }
  if (bytes.length < 128) {
    throw new ZslError(`the file has ${bytes.length} bytes; expected a MAT-file with a 128-byte header.`, { file });
  }
  const e0 = bytes[126];
  const e1 = bytes[127];
  let littleEndian: boolean;
  if (e0 === 0x49 && e1 === 0x4d) littleEndian = true; // "IM"
  else if (e0 === 0x4d && e1 === 0x49) littleEndian = false; // "MI"
  else {
    throw new ZslError('the header has no "MI" byte-order mark at bytes 126–127; expected a MATLAB 5.0 MAT-file.', { file });
  }
  const variables = new Map<string, MatValue>();
  const reader = new ElementReader(bytes, littleEndian, file);
  let pos = 128;
  let index = 0;
  while (pos + 8 <= bytes.length) {
    index++;
    const tag = reader.tag(pos, `#${index}`);
    if (tag.type === MI.COMPRESSED) {
      const start = pos + 8;
      const end = start + tag.size;
      const compressed = bytes.subarray(start, Math.min(end, bytes.length));
      if (end > bytes.length) {
        const name = peekCompressedName(compressed, littleEndian) ?? `#${index}`;
        throw new ZslError(
          `the file ends ${end - bytes.length} bytes early inside this compressed variable; the file is truncated (download it again).`,
          { file, variable: name },
        );
      }
      let inflated: Uint8Array;
      try {
        inflated = unzlibSync(compressed);
      } catch (error) {
        const name = peekCompressedName(compressed, littleEndian) ?? `#${index}`;
        throw new ZslError(
          `the compressed data is corrupt (${error instanceof Error ? error.message : String(error)}); expected zlib data. Download the file again.`,
          { file, variable: name },
        );
      }
      const inner = new ElementReader(inflated, littleEndian, file);
      const innerTag = inner.tag(0, `#${index}`);
      if (innerTag.type !== MI.MATRIX) {
        throw new ZslError(`compressed element ${index} holds data type ${innerTag.type}; expected a matrix (type 14).`, { file });
      }
      const value = inner.matrix(8, innerTag.size, `#${index}`);
      variables.set(value.name, value);
      pos = end;
    } else if (tag.type === MI.MATRIX) {
      const value = reader.matrix(pos + 8, tag.size, `#${index}`);
      variables.set(value.name, value);
      pos = pos + 8 + pad8(tag.size);
    } else {
      pos = pos + 8 + pad8(tag.size);
    }
  }
  return { file, header: headerText.replace(/[\s\0]+$/, ''), littleEndian, variables };
}

/** The variable `name`, or a ZslError listing what the file has. */
export function getVariable(mat: MatFile, name: string): MatValue {
  const value = mat.variables.get(name);
  if (!value) {
    const known = [...mat.variables.keys()].join(', ') || 'no variables';
    throw new ZslError(`expected a variable "${name}"; the file has: ${known}.`, { file: mat.file, variable: name });
  }
  return value;
}

function pad8(n: number): number {
  return (n + 7) & ~7;
}

class ElementReader {
  private readonly view: DataView;
  constructor(
    private readonly bytes: Uint8Array,
    private readonly le: boolean,
    private readonly file: string,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  private truncated(variable: string, need: number): never {
    throw new ZslError(
      `the data ends ${need} bytes early inside this variable; expected a complete MAT-file (the file is truncated or corrupt).`,
      { file: this.file, variable },
    );
  }

  /** Reads a tag at pos: {type, size, dataStart, next}; handles the small data element format. */
  tag(pos: number, variable: string): { type: number; size: number; dataStart: number; next: number } {
    if (pos + 8 > this.bytes.length) this.truncated(variable, pos + 8 - this.bytes.length);
    const first = this.view.getUint32(pos, this.le);
    const upper = first >>> 16;
    if (upper !== 0) {
      // Small data element: type and size in one word, up to 4 bytes of data in the next.
      return { type: first & 0xffff, size: upper, dataStart: pos + 4, next: pos + 8 };
    }
    const size = this.view.getUint32(pos + 4, this.le);
    return { type: first, size, dataStart: pos + 8, next: pos + 8 + pad8(size) };
  }

  private sub(pos: number, variable: string, end: number) {
    const t = this.tag(pos, variable);
    if (t.dataStart + t.size > Math.min(end, this.bytes.length)) this.truncated(variable, t.dataStart + t.size - Math.min(end, this.bytes.length));
    return t;
  }

  /** Parses the body of a miMATRIX element of `size` bytes starting at `start`. */
  matrix(start: number, size: number, variable: string, depth = 0): MatValue {
    if (depth > MAX_NESTING) {
      throw new ZslError(`cells are nested more than ${MAX_NESTING} levels deep; expected a flat array or a cell of strings.`, { file: this.file, variable });
    }
    const end = start + size;
    if (size === 0) return { kind: 'numeric', name: '', class: 'double', dims: [0, 0], logical: false, real: { type: MI.DOUBLE, bytes: new Uint8Array(0), count: 0, littleEndian: this.le } };
    const flagsTag = this.sub(start, variable, end);
    const flags = this.view.getUint32(flagsTag.dataStart, this.le);
    const classId = flags & 0xff;
    const complex = (flags & 0x800) !== 0;
    const logical = (flags & 0x200) !== 0;
    const cls = CLASS_NAMES[classId];
    const dimsTag = this.sub(flagsTag.next, variable, end);
    const dims: number[] = [];
    for (let k = 0; k < dimsTag.size / 4; k++) dims.push(this.view.getInt32(dimsTag.dataStart + 4 * k, this.le));
    const nameTag = this.sub(dimsTag.next, variable, end);
    const name = new TextDecoder('latin1').decode(this.bytes.subarray(nameTag.dataStart, nameTag.dataStart + nameTag.size));
    const label = name || variable;
    if (!cls) throw new ZslError(`unknown array class ${classId}; expected a MATLAB class 1–15.`, { file: this.file, variable: label });
    const count = dims.reduce((a, b) => a * b, 1);
    let pos = nameTag.next;
    if (cls === 'cell') {
      const cells: MatValue[] = [];
      for (let k = 0; k < count; k++) {
        const t = this.sub(pos, label, end);
        if (t.type !== MI.MATRIX) throw new ZslError(`cell ${k + 1} has data type ${t.type}; expected a matrix.`, { file: this.file, variable: label });
        cells.push(this.matrix(t.dataStart, t.size, `${label}{${k + 1}}`, depth + 1));
        pos = t.next;
      }
      return { kind: 'cell', name, class: 'cell', dims, cells };
    }
    if (cls === 'struct' || cls === 'object' || cls === 'sparse') return { kind: 'unsupported', name, class: cls, dims };
    const realTag = this.sub(pos, label, end);
    const real = this.raw(realTag, label);
    if (cls === 'char') return { kind: 'char', name, class: 'char', dims, text: decodeChars(real) };
    if (real.count !== count) {
      throw new ZslError(`holds ${real.count} values; expected ${dims.join(' × ')} = ${count}.`, { file: this.file, variable: label });
    }
    const imag = complex ? this.raw(this.sub(realTag.next, label, end), label) : undefined;
    return { kind: 'numeric', name, class: cls, dims, logical, real, ...(imag ? { imag } : {}) };
  }

  private raw(t: { type: number; size: number; dataStart: number }, variable: string): MatRaw {
    const width = MI_SIZE[t.type];
    if (!width) throw new ZslError(`data type ${t.type} is not a numeric or text type.`, { file: this.file, variable });
    return { type: t.type, bytes: this.bytes.subarray(t.dataStart, t.dataStart + t.size), count: Math.floor(t.size / width), littleEndian: this.le };
  }
}

function decodeChars(raw: MatRaw): string {
  if (raw.type === MI.UTF8 || raw.type === MI.UINT8 || raw.type === MI.INT8) return new TextDecoder('utf-8').decode(raw.bytes);
  const view = new DataView(raw.bytes.buffer, raw.bytes.byteOffset, raw.bytes.byteLength);
  let text = '';
  const width = MI_SIZE[raw.type]!;
  for (let k = 0; k < raw.count; k++) {
    const code = width === 2 ? view.getUint16(2 * k, raw.littleEndian) : view.getUint32(4 * k, raw.littleEndian);
    text += String.fromCodePoint(code);
  }
  return text;
}

/** Decompresses the start of a (possibly corrupt or truncated) compressed element to find its variable name. */
function peekCompressedName(compressed: Uint8Array, littleEndian: boolean): string | undefined {
  const parts: Uint8Array[] = [];
  let total = 0;
  try {
    const stream = new Unzlib((chunk) => {
      parts.push(chunk);
      total += chunk.length;
    });
    // Small pushes, so that as much as possible comes out before a corrupt byte.
    for (let off = 0; off < compressed.length && total < 256; off += 4) stream.push(compressed.subarray(off, off + 4), false);
  } catch {
    // Keep whatever came out before the corruption.
  }
  const head = new Uint8Array(total);
  let offset = 0;
  for (const p of parts) {
    head.set(p, offset);
    offset += p.length;
  }
  try {
    const reader = new ElementReader(head, littleEndian, '');
    const value = reader.matrix(8, head.length - 8, '');
    return value.name || undefined;
  } catch {
    return scanName(head, littleEndian);
  }
}

/** Finds the name sub-element (the third) in a partial matrix header. */
function scanName(head: Uint8Array, le: boolean): string | undefined {
  if (head.length < 48) return undefined;
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  let pos = 8;
  for (let k = 0; k < 3 && pos + 8 <= head.length; k++) {
    const first = view.getUint32(pos, le);
    const small = first >>> 16 !== 0;
    const size = small ? first >>> 16 : view.getUint32(pos + 4, le);
    const dataStart = small ? pos + 4 : pos + 8;
    if (k === 2) {
      if (dataStart + size > head.length) return undefined;
      return new TextDecoder('latin1').decode(head.subarray(dataStart, dataStart + size)) || undefined;
    }
    pos = small ? pos + 8 : pos + 8 + pad8(size);
  }
  return undefined;
}
