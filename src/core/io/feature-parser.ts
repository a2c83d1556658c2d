/**
 * Streaming parser for text feature files (AwA2-features.txt: N lines of D
 * space-separated decimals) into one row-major Float32Array. Works on Uint8Array
 * chunks with a byte-level loop: no per-token strings, no regular expressions.
 * Mantissas of up to 15 significant digits with |exponent| ≤ 22 are converted
 * exactly (one correctly rounded double operation, then float32), anything else
 * falls back to Number.parseFloat on the token, so every value equals
 * Math.fround(Number.parseFloat(token)).
 * Pure TypeScript: no DOM, no Node modules, no tfjs.
 */
import { CancelledError, ZslError, type ErrorLocation } from '../errors.ts';

/** A ZslError that keeps its bare message, so a parallel parse can move its line number. */
export class FeatureParseError extends ZslError {
  readonly detail: string;
  constructor(detail: string, location: ErrorLocation) {
    super(detail, location);
    this.detail = detail;
  }
}

/** Re-bases the line number of an error from a part parsed with startLine 1. */
export function withLineOffset(error: unknown, linesBefore: number): unknown {
  if (error instanceof FeatureParseError && error.location.line !== undefined) {
    return new FeatureParseError(error.detail, { ...error.location, line: error.location.line + linesBefore });
  }
  return error;
}

export interface FeatureParseOptions {
  /** File name for messages, e.g. "AwA2-features.txt". */
  file: string;
  /** Expected values per line; taken from the first line when absent. */
  columns?: number;
  /** Expected number of rows (e.g. from the labels file): the output is allocated once. */
  rows?: number;
  /** Total bytes, for progress and for estimating the row count when `rows` is absent. */
  bytesTotal?: number;
  /** Line number of the first byte (for a part of a file); default 1. */
  startLine?: number;
  /** Called after each chunk; rowsDone helps when the size is unknown (a zip entry from a streaming zipper). */
  onProgress?: (bytesDone: number, rowsDone: number) => void;
  signal?: AbortSignal;
}

export interface FeatureMatrix {
  /** rows × cols, row-major, exactly rows × cols long. */
  values: Float32Array;
  rows: number;
  cols: number;
  /** Lines consumed, including blank trailing lines. */
  lines: number;
}

const NL = 10;
const POW10 = Float64Array.from({ length: 23 }, (_, i) => 10 ** i);
const F32_MAX = 3.4028234663852886e38;

/** Incremental parser: push() chunks in order, then finish(). */
export class FeatureParser {
  private readonly file: string;
  private cols: number;
  private rowsHint: number;
  private readonly bytesTotal: number;
  private out = new Float32Array(0);
  private count = 0;
  private rows = 0;
  private line: number;
  private readonly firstLine: number;
  private blankLine = 0;
  private carry = new Uint8Array(0);
  private carryLen = 0;
  private bytesDone = 0;
  private started = false;
  private head: Uint8Array = new Uint8Array(0);

  constructor(options: FeatureParseOptions) {
    this.file = options.file;
    this.cols = options.columns ?? -1;
    this.rowsHint = options.rows ?? 0;
    this.bytesTotal = options.bytesTotal ?? 0;
    this.line = options.startLine ?? 1;
    this.firstLine = this.line;
  }

  get bytes(): number {
    return this.bytesDone;
  }

  get rowsDone(): number {
    return this.rows;
  }

  push(chunk: Uint8Array): void {
    if (!this.started) {
      // Hold the first bytes until there are enough to recognise a signature or a BOM.
      const head = concatBytes(this.head, chunk);
      if (head.length < 4) {
        this.head = head;
        return;
      }
      this.start(head);
      return;
    }
    this.consume(chunk);
  }

  private start(head: Uint8Array): void {
    this.started = true;
    this.head = new Uint8Array(0);
    if (head.length === 0) return;
    const body = this.checkSignature(head);
    this.bytesDone += head.length - body.length;
    this.consume(body);
  }

  private consume(input: Uint8Array): void {
    // A plain Uint8Array view (Node hands out Buffers) keeps the hot loop monomorphic.
    const chunk = input.constructor === Uint8Array ? input : new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
    this.bytesDone += chunk.length;
    let pos = 0;
    if (this.carryLen > 0) {
      const nl = chunk.indexOf(NL);
      if (nl < 0) {
        this.append(chunk);
        return;
      }
      this.append(chunk.subarray(0, nl + 1));
      this.parseRange(this.carry, 0, this.carryLen);
      this.carryLen = 0;
      pos = nl + 1;
    }
    const last = chunk.lastIndexOf(NL);
    if (last >= pos) {
      this.parseRange(chunk, pos, last + 1);
      pos = last + 1;
    }
    if (pos < chunk.length) this.append(chunk.subarray(pos));
  }

  finish(): FeatureMatrix {
    if (!this.started) this.start(this.head);
    if (this.carryLen > 0) {
      this.append(Uint8Array.of(NL));
      this.parseRange(this.carry, 0, this.carryLen);
      this.carryLen = 0;
    }
    if (this.rows === 0) {
      throw new FeatureParseError(
        this.bytesDone === 0
          ? 'the file is empty; expected lines of space-separated numbers (one image per line).'
          : 'the file has no numbers; expected lines of space-separated numbers (one image per line).',
        { file: this.file },
      );
    }
    const used = this.rows * this.cols;
    const values = this.out.length === used ? this.out : this.out.slice(0, used);
    this.out = new Float32Array(0);
    return { values, rows: this.rows, cols: this.cols, lines: this.line - this.firstLine };
  }

  private checkSignature(chunk: Uint8Array): Uint8Array {
    const b0 = chunk[0];
    const b1 = chunk[1];
    const b2 = chunk[2];
    const b3 = chunk[3];
    const what =
      b0 === 0x89 && b1 === 0x50 && b2 === 0x4e && b3 === 0x47 ? 'a PNG image'
      : b0 === 0xff && b1 === 0xd8 ? 'a JPEG image'
      : b0 === 0x50 && b1 === 0x4b && b2 === 3 && b3 === 4 ? 'a zip archive (unzip it or drop the .zip itself)'
      : b0 === 0x4d && b1 === 0x41 && b2 === 0x54 && b3 === 0x4c ? 'a MATLAB .mat file'
      : b0 === 0x1f && b1 === 0x8b ? 'a gzip archive'
      : null;
    if (what) {
      throw new FeatureParseError(`this is ${what}, not a text feature file; expected lines of space-separated numbers.`, {
        file: this.file,
      });
    }
    // A UTF-8 byte order mark is not part of the first number.
    return b0 === 0xef && b1 === 0xbb && b2 === 0xbf ? chunk.subarray(3) : chunk;
  }

  private append(bytes: Uint8Array): void {
    const need = this.carryLen + bytes.length;
    if (need > this.carry.length) {
      const next = new Uint8Array(Math.max(need, this.carry.length * 2, 1024));
      next.set(this.carry.subarray(0, this.carryLen));
      this.carry = next;
    }
    this.carry.set(bytes, this.carryLen);
    this.carryLen = need;
  }

  private allocate(firstLineBytes: number): void {
    let rows = this.rowsHint;
    if (rows <= 0) {
      rows = this.bytesTotal > 0 ? Math.ceil((this.bytesTotal / Math.max(1, firstLineBytes)) * 1.02) + 1 : 1024;
    }
    this.rowsHint = rows;
    const next = new Float32Array(rows * this.cols);
    next.set(this.out.subarray(0, this.count));
    this.out = next;
  }

  private grow(): void {
    const cols = Math.max(1, this.cols);
    const rows = Math.max(16, Math.ceil((this.out.length / cols) * 1.5));
    const next = new Float32Array(rows * cols);
    next.set(this.out.subarray(0, this.count));
    this.out = next;
  }

  /** Parses the complete lines in buf[start, end); buf[end - 1] is a newline. */
  private parseRange(buf: Uint8Array, start: number, end: number): void {
    let out = this.out;
    let count = this.count;
    let cols = this.cols;
    let i = start;
    while (i < end) {
      const lineStart = i;
      let n = 0;
      let c = buf[i]!;
      for (;;) {
        while (c === 32 || c === 9 || c === 13) c = buf[++i]!;
        if (c === NL) break;
        const tokenStart = i;
        let neg = false;
        if (c === 45) {
          neg = true;
          c = buf[++i]!;
        } else if (c === 43) c = buf[++i]!;
        // Digits accumulate without per-digit branches; the digit count (leading zeros
        // included) decides afterwards whether the fast path is exact.
        let mant = 0;
        const intStart = i;
        let d = c - 48;
        while (d >>> 0 < 10) {
          mant = mant * 10 + d;
          d = buf[++i]! - 48;
        }
        let digits = i - intStart;
        let exp = 0;
        if (d === -2) {
          const fracStart = ++i;
          d = buf[i]! - 48;
          while (d >>> 0 < 10) {
            mant = mant * 10 + d;
            d = buf[++i]! - 48;
          }
          exp = fracStart - i;
          digits += i - fracStart;
        }
        c = d + 48;
        let valid = digits > 0;
        if (valid && (c === 101 || c === 69)) {
          c = buf[++i]!;
          let eneg = false;
          if (c === 45) {
            eneg = true;
            c = buf[++i]!;
          } else if (c === 43) c = buf[++i]!;
          let e = 0;
          const expStart = i;
          d = c - 48;
          while (d >>> 0 < 10) {
            if (e < 100000) e = e * 10 + d;
            d = buf[++i]! - 48;
          }
          c = d + 48;
          if (i === expStart) valid = false;
          exp += eneg ? -e : e;
        }
        if (!valid || !(c === 32 || c === 9 || c === 13 || c === NL)) {
          while (!(c === 32 || c === 9 || c === 13 || c === NL)) c = buf[++i]!;
          this.count = count;
          throw this.tokenError(buf, tokenStart, i, n + 1);
        }
        let value: number;
        if (digits <= 15 && exp >= -22 && exp <= 22) {
          value = exp < 0 ? mant / POW10[-exp]! : mant * POW10[exp]!;
          if (neg) value = -value;
        } else {
          value = Number.parseFloat(tokenText(buf, tokenStart, i));
          if (!(Math.abs(value) <= F32_MAX)) {
            this.count = count;
            throw new FeatureParseError(
              `value ${n + 1} is "${tokenText(buf, tokenStart, i)}", outside the float32 range; expected a finite number.`,
              { file: this.file, line: this.line },
            );
          }
        }
        if (count >= out.length) {
          this.count = count;
          this.grow();
          out = this.out;
        }
        out[count++] = value;
        n++;
      }
      i++; // past the newline
      if (n === 0) {
        if (this.rows > 0 && this.blankLine === 0) this.blankLine = this.line;
      } else {
        if (this.blankLine !== 0) {
          this.count = count;
          throw new FeatureParseError(
            `the line is empty; expected ${cols} values (blank lines are only allowed at the end of the file).`,
            { file: this.file, line: this.blankLine },
          );
        }
        if (cols < 0) {
          cols = n;
          this.cols = n;
        }
        if (n !== cols) {
          this.count = count;
          throw new FeatureParseError(`expected ${cols} values, found ${n}.`, { file: this.file, line: this.line });
        }
        if (this.rows === 0) {
          this.count = count;
          this.allocate(i - lineStart);
          out = this.out;
        }
        this.rows++;
      }
      this.line++;
    }
    this.count = count;
  }

  private tokenError(buf: Uint8Array, start: number, end: number, index: number): FeatureParseError {
    const text = tokenText(buf, start, Math.min(end, start + 40));
    const lower = text.toLowerCase().replace(/^[+-]/, '');
    const expected =
      lower === 'nan' || lower.startsWith('inf')
        ? `value ${index} is "${text}"; expected a finite number (NaN and Infinity are not allowed).`
        : `value ${index} is "${text}"; expected a decimal number such as 0.4512 or 1.5e-03.`;
    return new FeatureParseError(expected, { file: this.file, line: this.line });
  }
}

function concatBytes(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

function tokenText(buf: Uint8Array, start: number, end: number): string {
  let s = '';
  for (let k = start; k < end; k++) {
    const b = buf[k]!;
    s += b >= 32 && b < 127 ? String.fromCharCode(b) : `\\x${b.toString(16).padStart(2, '0')}`;
  }
  return s;
}

/** Parses a whole stream, reporting bytes done after each chunk. */
export async function parseFeatureStream(
  stream: ReadableStream<Uint8Array>,
  options: FeatureParseOptions,
): Promise<FeatureMatrix> {
  const parser = new FeatureParser(options);
  const reader = stream.getReader();
  try {
    for (;;) {
      if (options.signal?.aborted) throw new CancelledError();
      const { done, value } = await reader.read();
      if (done) break;
      parser.push(value);
      options.onProgress?.(parser.bytes, parser.rowsDone);
    }
  } catch (error) {
    await reader.cancel().catch(() => undefined);
    throw error;
  } finally {
    reader.releaseLock();
  }
  return parser.finish();
}

/** Parses bytes already in memory (a part of a file, or a small fixture). */
export function parseFeatureBytes(bytes: Uint8Array, options: FeatureParseOptions): FeatureMatrix {
  const parser = new FeatureParser(options);
  parser.push(bytes);
  return parser.finish();
}
