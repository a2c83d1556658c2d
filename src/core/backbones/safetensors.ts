/**
 * Reads a .safetensors file: an 8-byte little-endian header length, a JSON header
 * naming each tensor's dtype, shape and byte range, then the raw little-endian
 * data. F32, F16 and BF16 tensors are returned as float32. Also writes one (for
 * the tests and the fixture tools). Pure TypeScript: no DOM, no tfjs.
 */
import { ZslError } from '../errors.ts';

export interface NamedTensor {
  shape: number[];
  values: Float32Array;
}

interface HeaderEntry {
  dtype: string;
  shape: number[];
  data_offsets: [number, number];
}

const BYTES: Record<string, number> = { F32: 4, F16: 2, BF16: 2 };

/** The tensors of a safetensors file, read lazily by name (a 170 MB file is converted one tensor at a time). */
export function readSafetensors(buffer: ArrayBuffer, file: string): { names: string[]; get(name: string): NamedTensor | null; metadata: Record<string, string> } {
  if (buffer.byteLength < 8) throw new ZslError(`has ${buffer.byteLength} bytes; a .safetensors file starts with an 8-byte header length.`, { file });
  const view = new DataView(buffer);
  const headerLength = Number(view.getBigUint64(0, true));
  if (headerLength <= 1 || 8 + headerLength > buffer.byteLength) {
    throw new ZslError(`declares a ${headerLength}-byte header in a ${buffer.byteLength}-byte file; expected a .safetensors file (is it truncated?).`, { file });
  }
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(new Uint8Array(buffer, 8, headerLength))) as Record<string, unknown>;
  } catch {
    throw new ZslError('its header is not JSON; expected a .safetensors file.', { file });
  }
  const dataStart = 8 + headerLength;
  const dataBytes = buffer.byteLength - dataStart;
  const entries = new Map<string, HeaderEntry>();
  for (const [name, raw] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    const entry = raw as HeaderEntry;
    const [begin, end] = Array.isArray(entry?.data_offsets) ? entry.data_offsets : [NaN, NaN];
    if (!Array.isArray(entry?.shape) || !Number.isInteger(begin) || !Number.isInteger(end) || begin < 0 || end < begin) {
      throw new ZslError('has no valid shape and data_offsets; expected a .safetensors header entry.', { file, variable: name });
    }
    if (end > dataBytes) {
      throw new ZslError(`ends at byte ${end} of the data but the file has ${dataBytes}; the file is truncated.`, { file, variable: name });
    }
    entries.set(name, entry);
  }
  const metadata = (header.__metadata__ ?? {}) as Record<string, string>;
  return {
    names: [...entries.keys()],
    metadata,
    get(name) {
      const entry = entries.get(name);
      if (!entry) return null;
      const size = BYTES[entry.dtype];
      if (!size) throw new ZslError(`is stored as ${entry.dtype}; expected F32, F16 or BF16 weights.`, { file, variable: name });
      const count = entry.shape.reduce((n, d) => n * d, 1);
      const [begin, end] = entry.data_offsets;
      if (end - begin !== count * size) {
        throw new ZslError(`holds ${end - begin} bytes for shape ${entry.shape.join(' × ')} in ${entry.dtype}; expected ${count * size}.`, { file, variable: name });
      }
      return { shape: entry.shape, values: toFloat32(buffer, dataStart + begin, count, entry.dtype) };
    },
  };
}

function toFloat32(buffer: ArrayBuffer, offset: number, count: number, dtype: string): Float32Array {
  if (dtype === 'F32') {
    // Copied: the data of one tensor need not be 4-byte aligned, and the file's buffer may be let go.
    return new Float32Array(buffer.slice(offset, offset + count * 4));
  }
  const halves = new DataView(buffer, offset, count * 2);
  const out = new Float32Array(count);
  if (dtype === 'BF16') {
    const bits = new Uint32Array(out.buffer);
    for (let i = 0; i < count; i++) bits[i] = halves.getUint16(i * 2, true) << 16;
    return out;
  }
  for (let i = 0; i < count; i++) out[i] = halfToFloat(halves.getUint16(i * 2, true));
  return out;
}

function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const fraction = h & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 31) return fraction ? NaN : sign * Infinity;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}

/** Float32 tensors → the bytes of a .safetensors file (names sorted, as the reference writer does). */
export function writeSafetensors(tensors: Record<string, NamedTensor>): Uint8Array {
  const names = Object.keys(tensors).sort();
  const header: Record<string, HeaderEntry> = {};
  let offset = 0;
  for (const name of names) {
    const bytes = tensors[name]!.values.length * 4;
    header[name] = { dtype: 'F32', shape: tensors[name]!.shape, data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  // The data starts 8-byte aligned, padded with spaces as the reference writer does.
  const headerBytes = new Uint8Array(json.length + ((8 - (json.length % 8)) % 8)).fill(0x20);
  headerBytes.set(json);
  const out = new Uint8Array(8 + headerBytes.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  let at = 8 + headerBytes.length;
  for (const name of names) {
    const values = tensors[name]!.values;
    out.set(new Uint8Array(values.buffer, values.byteOffset, values.byteLength), at);
    at += values.byteLength;
  }
  return out;
}
