/**
 * The line assembly of the text feature-file parser (AwA2-features.txt: N lines of
 * D space-separated decimals) into one row-major Float32Array: chunks in, the line
 * that straddles two chunks carried over, every line's values scanned by
 * features/feature-scanner.ts, rows counted and checked against the column count,
 * blank lines allowed only at the end, and every failure turned into a sentence
 * (features/feature-errors.ts). Every value equals Math.fround(Number.parseFloat(token)).
 * With a row hint (the labels count) the output is allocated once and written in
 * place; `output` lets a caller supply it (parallel-parse.ts gives each worker a
 * view of one SharedArrayBuffer).
 * Pure TypeScript: no DOM, no Node modules, no tfjs.
 */
import { CancelledError } from '../../errors.ts';
import {
  badToken,
  blankLineInside,
  checkFeatureSignature,
  noNumbers,
  outOfRange,
  OutputFullError,
  tooManyValues,
  wrongCount,
} from './feature-errors.ts';
import { BAD_TOKEN, LINE_DONE, LINE_FULL, NL, scanLine, type ScanState } from './feature-scanner.ts';

export { checkFeatureSignature, FeatureParseError, OutputFullError, withLineOffset } from './feature-errors.ts';

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

export interface FeatureMatrix {
  /** rows × cols, row-major, exactly rows × cols long. */
  values: Float32Array;
  rows: number;
  cols: number;
  /** Lines consumed, including blank trailing lines. */
  lines: number;
}

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
  /** Where the scanner stopped (its second and third return values). */
  private readonly scan: ScanState = { pos: 0, count: 0, tokenEnd: 0 };

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
      throw noNumbers(this.file, this.bytesDone === 0);
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

  /** Parses the complete lines in buf[start, end); buf[end - 1] must be a newline. */
  parseLines(buf: Uint8Array, start: number, end: number): void {
    let out = this.out;
    let count = this.count;
    let cols = this.cols;
    const scan = this.scan;
    const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    let i = start;
    while (i < end) {
      const lineStart = i;
      const rowStart = count;
      // The values of one row fit below `limit`: a row is checked for room once, not every value.
      if (cols > 0 && count + cols > out.length) {
        this.count = count;
        out = this.reserve(count);
      }
      let limit = cols > 0 ? count + cols : out.length;
      for (;;) {
        const status = scanLine(buf, view, i, out, count, limit, scan);
        count = scan.count;
        i = scan.pos;
        this.count = count;
        if (status === LINE_DONE) break;
        if (status === LINE_FULL) {
          if (cols > 0) throw tooManyValues(buf, i, cols, cols, this.file, this.line);
          out = this.reserve(count);
          limit = out.length;
        } else if (status === BAD_TOKEN) {
          throw badToken(buf, i, count - rowStart + 1, this.file, this.line);
        } else {
          throw outOfRange(buf, i, scan.tokenEnd, count - rowStart + 1, this.file, this.line);
        }
      }
      i++; // past the newline
      const n = count - rowStart;
      if (n === 0) {
        if (this.rows > 0 && this.blankLine === 0) this.blankLine = this.line;
      } else {
        if (this.blankLine !== 0) throw blankLineInside(cols, this.file, this.blankLine);
        if (cols < 0) {
          cols = n;
          this.cols = n;
        } else if (n !== cols) {
          throw wrongCount(cols, n, this.file, this.line);
        }
        if (this.rows === 0 && this.given === null) out = this.allocate(count, i - lineStart);
        this.rows++;
      }
      this.line++;
    }
    this.count = count;
  }
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
