/**
 * Streaming parser for text feature files (AwA2-features.txt: N lines of D
 * space-separated decimals) into one row-major Float32Array. Works on Uint8Array
 * chunks with a byte-level loop: no per-token strings, no regular expressions.
 * One pass over the bytes: the common token (sign, at most 9 digits around an
 * optional point) is accumulated in an int32 (fraction digits four at a time) and
 * converted with one correctly rounded division by an exact power of ten; up to
 * 15 significant digits with |exponent| ≤ 22 are converted exactly in doubles;
 * anything else falls back to Number.parseFloat on the token. So every value
 * equals Math.fround(Number.parseFloat(token)).
 * With a row hint (the labels count) the output is allocated once and written in
 * place; `output` lets a caller supply it (parallel-parse.ts gives each worker a
 * view of one SharedArrayBuffer).
 * Pure TypeScript: no DOM, no Node modules, no tfjs.
 */
import { CancelledError, ZslError, type ErrorLocation } from '../../errors.ts';

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
  /**
   * Write the values into this array (e.g. one backed by a SharedArrayBuffer) from
   * row `outputRow`; needs `columns`. Should the file have more rows than fit, the
   * parser moves to an array of its own and carries on (see FeatureParser.inOutput).
   */
  output?: Float32Array;
  /** First row written in `output`; default 0. */
  outputRow?: number;
  /** With `output`: throw OutputFullError instead of moving to an array of its own when the rows do not fit. */
  outputOnly?: boolean;
}

/** Thrown (with `outputOnly`) when the file has more rows than the output array holds. */
export class OutputFullError extends Error {
  constructor() {
    super('the feature file has more rows than the output array holds.');
    this.name = 'OutputFullError';
  }
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
/** Exact powers of ten (10^0 … 10^22 are all exactly representable doubles). */
const POW10 = new Float64Array(23);
POW10[0] = 1;
for (let k = 1; k < POW10.length; k++) POW10[k] = POW10[k - 1]! * 10;
const F32_MAX = 3.4028234663852886e38;

/** Incremental parser: push() chunks in order, then finish(). */
export class FeatureParser {
  private readonly file: string;
  private cols: number;
  private readonly rowsHint: number;
  private readonly bytesTotal: number;
  private out: Float32Array;
  /** The caller's output array while the parser still writes into it. */
  private readonly given: Float32Array | null;
  private readonly outputOnly: boolean;
  /** Index in `out` of the first value (outputRow × columns; 0 without `output`). */
  private readonly base: number;
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
  /** End of the token the slow path just read (a second return value). */
  private tokenEnd = 0;

  constructor(options: FeatureParseOptions) {
    this.file = options.file;
    this.cols = options.columns ?? -1;
    this.rowsHint = options.rows ?? 0;
    this.bytesTotal = options.bytesTotal ?? 0;
    this.line = options.startLine ?? 1;
    this.firstLine = this.line;
    this.given = options.output ?? null;
    this.out = this.given ?? new Float32Array(0);
    this.outputOnly = this.given !== null && options.outputOnly === true;
    this.base = this.given ? (options.outputRow ?? 0) * this.cols : 0;
    if (this.given && this.cols <= 0) throw new Error('FeatureParser: `output` needs `columns`.');
    this.count = this.base;
  }

  get bytes(): number {
    return this.bytesDone;
  }

  get rowsDone(): number {
    return this.rows;
  }

  /** Line number of the next line to be parsed. */
  get nextLine(): number {
    return this.line;
  }

  /** The line number of the first of the blank lines seen after the last row, or 0. */
  get trailingBlankLine(): number {
    return this.blankLine;
  }

  /** True while every value went into the `output` array given to the constructor (it never had to grow). */
  get inOutput(): boolean {
    return this.given !== null && this.out === this.given;
  }

  /** Moves the write position to a row of the output (for a part parsed in pieces, back to front). */
  seekRow(row: number): void {
    this.count = row * this.cols;
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
    const skip = checkFeatureSignature(head, this.file);
    this.bytesDone += skip;
    this.consume(skip > 0 ? head.subarray(skip) : head);
  }

  private consume(input: Uint8Array): void {
    // A plain Uint8Array view (Node hands out Buffers) keeps the hot loop monomorphic.
    const chunk = plainBytes(input);
    this.bytesDone += chunk.length;
    let pos = 0;
    if (this.carryLen > 0) {
      // Only the one line that straddles the chunks is copied (typically a few kB per chunk).
      const nl = chunk.indexOf(NL);
      if (nl < 0) {
        this.append(chunk);
        return;
      }
      this.append(chunk.subarray(0, nl + 1));
      this.parseLines(this.carry, 0, this.carryLen);
      this.carryLen = 0;
      pos = nl + 1;
    }
    const last = chunk.lastIndexOf(NL);
    if (last >= pos) {
      this.parseLines(chunk, pos, last + 1);
      pos = last + 1;
    }
    if (pos < chunk.length) this.append(chunk.subarray(pos));
  }

  finish(): FeatureMatrix {
    if (!this.started) this.start(this.head);
    if (this.carryLen > 0) {
      this.append(Uint8Array.of(NL));
      this.parseLines(this.carry, 0, this.carryLen);
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
    const values =
      this.base === 0 && this.out.length === used ? this.out
      : this.out === this.given ? this.out.subarray(this.base, this.base + used)
      : this.out.slice(this.base, this.base + used);
    this.out = new Float32Array(0);
    return { values, rows: this.rows, cols: this.cols, lines: this.line - this.firstLine };
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

  /** Makes room for at least one more row (called at most once per row, never per value). */
  private reserve(count: number): Float32Array {
    if (this.outputOnly) throw new OutputFullError();
    const cols = Math.max(1, this.cols);
    // Before the first row (no row hint used yet) a small scratch array grows freely.
    const rows = this.rows === 0 && this.given === null ? Math.ceil(Math.max(1024, this.out.length * 2, count + cols) / cols) : Math.max(16, Math.ceil((this.out.length / cols) * 1.5), Math.ceil((count + cols) / cols));
    const next = new Float32Array(rows * cols);
    next.set(this.out.subarray(0, count));
    this.out = next;
    return next;
  }

  /** After the first row: allocates the output once, from the row hint or from the size of that row. */
  private allocate(count: number, firstLineBytes: number): Float32Array {
    let rows = this.rowsHint;
    if (rows <= 0) rows = this.bytesTotal > 0 ? Math.ceil((this.bytesTotal / Math.max(1, firstLineBytes)) * 1.02) + 1 : 1024;
    const next = new Float32Array(Math.max(rows, 1) * this.cols);
    next.set(this.out.subarray(0, count));
    this.out = next;
    return next;
  }

  /**
   * Parses the complete lines in buf[start, end); buf[end - 1] must be a newline.
   * The hot loop reads each byte once: the common token (optional sign, at most 9
   * digits around an optional point) is accumulated in an int32 and converted with
   * one correctly rounded division by an exact power of ten; anything else (an
   * exponent, more digits, a malformed token) goes to slowToken().
   */
  parseLines(buf: Uint8Array, start: number, end: number): void {
    let out = this.out;
    let count = this.count;
    let cols = this.cols;
    // The values of one row fit below `limit`: a row is checked for room once, not every value.
    let limit: number;
    const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    const len = buf.length;
    let i = start;
    while (i < end) {
      const lineStart = i;
      const rowStart = count;
      if (cols > 0 && count + cols > out.length) {
        this.count = count;
        out = this.reserve(count);
      }
      limit = cols > 0 ? count + cols : out.length;
      let c = buf[i]!;
      for (;;) {
        if (c <= 32) {
          while (c === 32 || c === 9 || c === 13) c = buf[++i]!;
          if (c === NL) break;
        }
        const tokenStart = i;
        let neg = false;
        if (c < 48) {
          if (c === 45) {
            neg = true;
            c = buf[++i]!;
          } else if (c === 43) c = buf[++i]!;
        }
        let m = 0;
        const intStart = i;
        let d = c - 48;
        while (d >>> 0 < 10) {
          m = (m * 10 + d) | 0;
          d = buf[++i]! - 48;
        }
        let digits = i - intStart;
        let frac = 0;
        if (d === -2) {
          const fracStart = ++i;
          // Four digits at a time (SWAR on a little-endian 32-bit load) while they last.
          while (i + 4 <= len) {
            const x = view.getInt32(i, true);
            if ((x & 0xf0f0f0f0 | ((x + 0x06060606) & 0xf0f0f0f0) >>> 4) !== 0x33333333) break;
            let t = x - 0x30303030;
            t = (t * 10 + (t >>> 8)) & 0x00ff00ff;
            t = (t * 100 + (t >>> 16)) & 0xffff;
            m = (m * 10000 + t) | 0;
            i += 4;
          }
          d = buf[i]! - 48;
          while (d >>> 0 < 10) {
            m = (m * 10 + d) | 0;
            d = buf[++i]! - 48;
          }
          frac = i - fracStart;
          digits += frac;
        }
        c = d + 48;
        let value: number;
        if (digits - 1 >>> 0 < 9 && (c === 32 || c === NL || c === 9 || c === 13)) {
          // At most 9 digits: m is exact, and m / 10^frac is one correctly rounded operation.
          value = frac === 0 ? m : m / POW10[frac]!;
          if (neg) value = -value;
        } else {
          this.count = count;
          value = this.slowToken(buf, tokenStart, count - rowStart + 1);
          i = this.tokenEnd;
          c = buf[i]!;
        }
        if (count >= limit) {
          if (cols > 0) {
            // More values than columns: count the rest of the line for the message.
            this.count = count;
            throw this.tooMany(buf, i, cols, count - rowStart);
          }
          this.count = count;
          out = this.reserve(count);
          limit = out.length;
        }
        out[count++] = value;
      }
      i++; // past the newline
      const n = count - rowStart;
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
        } else if (n !== cols) {
          this.count = count;
          throw new FeatureParseError(`expected ${cols} values, found ${n}.`, { file: this.file, line: this.line });
        }
        if (this.rows === 0 && this.given === null) out = this.allocate(count, i - lineStart);
        this.rows++;
      }
      this.line++;
    }
    this.count = count;
  }

  /** Any token the fast path does not take; returns its value and leaves its end in tokenEnd. */
  private slowToken(buf: Uint8Array, tokenStart: number, index: number): number {
    let i = tokenStart;
    let c = buf[i]!;
    let neg = false;
    if (c === 45) {
      neg = true;
      c = buf[++i]!;
    } else if (c === 43) c = buf[++i]!;
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
      throw this.tokenError(buf, tokenStart, i, index);
    }
    this.tokenEnd = i;
    // Up to 15 significant digits (leading zeros included) and |exp| ≤ 22: exact in one operation.
    if (digits <= 15 && exp >= -22 && exp <= 22) {
      const value = exp < 0 ? mant / POW10[-exp]! : mant * POW10[exp]!;
      return neg ? -value : value;
    }
    const value = Number.parseFloat(tokenText(buf, tokenStart, i));
    if (!(Math.abs(value) <= F32_MAX)) {
      throw new FeatureParseError(
        `value ${index} is "${tokenText(buf, tokenStart, i)}", outside the float32 range; expected a finite number.`,
        { file: this.file, line: this.line },
      );
    }
    return value;
  }

  /** The error for a line with more values than columns, after counting them all. */
  private tooMany(buf: Uint8Array, i: number, cols: number, before: number): FeatureParseError {
    let n = before + 1;
    let c = buf[i]!;
    for (;;) {
      while (c === 32 || c === 9 || c === 13) c = buf[++i]!;
      if (c === NL) break;
      n++;
      while (!(c === 32 || c === 9 || c === 13 || c === NL)) c = buf[++i]!;
    }
    return new FeatureParseError(`expected ${cols} values, found ${n}.`, { file: this.file, line: this.line });
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

/**
 * Rejects files that are plainly not text (PNG, JPEG, zip, MAT, gzip) from their
 * first 4 bytes; returns how many leading bytes to skip (3 for a UTF-8 BOM, else 0).
 */
export function checkFeatureSignature(head: Uint8Array, file: string): number {
  const b0 = head[0];
  const b1 = head[1];
  const b2 = head[2];
  const b3 = head[3];
  const what =
    b0 === 0x89 && b1 === 0x50 && b2 === 0x4e && b3 === 0x47 ? 'a PNG image'
    : b0 === 0xff && b1 === 0xd8 ? 'a JPEG image'
    : b0 === 0x50 && b1 === 0x4b && b2 === 3 && b3 === 4 ? 'a zip archive (unzip it or drop the .zip itself)'
    : b0 === 0x4d && b1 === 0x41 && b2 === 0x54 && b3 === 0x4c ? 'a MATLAB .mat file'
    : b0 === 0x1f && b1 === 0x8b ? 'a gzip archive'
    : null;
  if (what) {
    throw new FeatureParseError(`this is ${what}, not a text feature file; expected lines of space-separated numbers.`, { file });
  }
  // A UTF-8 byte order mark is not part of the first number.
  return b0 === 0xef && b1 === 0xbb && b2 === 0xbf ? 3 : 0;
}

/** A plain Uint8Array view of the same bytes (Node's Buffer would make the hot loop polymorphic). */
export function plainBytes(input: Uint8Array): Uint8Array {
  return input.constructor === Uint8Array ? input : new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
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
