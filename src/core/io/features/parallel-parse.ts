/**
 * Parsing one feature file with several workers into ONE output array (backed by a
 * SharedArrayBuffer), with no join copy: each worker reads its own byte range from
 * the file and writes its rows straight into place.
 *
 * Where does a part's first row go? The row count is known up front (the labels
 * file is read first), so:
 *   - the first part is parsed front to back from row 0;
 *   - the last part is parsed back to front (chunks read from the end of its range,
 *     the lines of each chunk counted with indexOf, then parsed in order) so that
 *     its rows end at row `rows`: nobody needs to count the lines before it;
 *   - with more than two parts, the middle parts start at the line count of the
 *     parts before them, counted (indexOf over the bytes) by other workers meanwhile.
 * A parallel parse is only trusted when every part agrees (no blank line inside,
 * row counts that add up to `rows`, every value in the shared output); anything
 * else (a syntax error past the first part, a row hint that is wrong, odd blank
 * lines) falls back to the single-thread parse of the whole file, so results and
 * error messages (line numbers included) are exactly those of FeatureParser.
 *
 * Environment-neutral: the caller supplies positional reads and a way to run a
 * task in a worker (worker_threads in Node; in a cross-origin-isolated page a Web
 * Worker reading Blob slices ahead, read-ahead.ts). The single-thread parseFeatureStream stays the
 * default everywhere. Pure TypeScript: no DOM, no Node modules.
 */
import { CancelledError } from '../../errors.ts';
import {
  FeatureParseError,
  FeatureParser,
  checkFeatureSignature,
  type FeatureMatrix,
  type FeatureParseOptions,
} from './feature-parser.ts';
import { planFileRanges } from './feature-ranges.ts';

/** Reads up to into.length bytes of the file at `position` into `into`; returns how many were read (0 at the end). */
export type ReadAt = (into: Uint8Array, position: number) => number | Promise<number>;

/** One unit of work for a worker; plain data, so it can be posted. */
export interface PartTask {
  kind: 'parse' | 'count';
  /** Byte range [start, end) of the file; starts at a line start, ends after a newline or at the end of the file. */
  start: number;
  end: number;
  /** 'forward': rows written from `row` on; 'backward': the rows end just before `row`. */
  direction: 'forward' | 'backward';
  row: number;
  columns: number;
  /** The range ends at the end of the file (the last line may lack a newline; blank lines may follow the last row). */
  atEnd: boolean;
  /** File name for messages. */
  file: string;
  /** Read size; default 1 MiB. */
  chunkBytes?: number;
  /** For a worker that fetches its range ahead in blocks (read-ahead.ts): the block size; default READ_AHEAD_BLOCK. */
  blockBytes?: number;
  /**
   * Shared with the caller (and posted along, so it should live in a SharedArrayBuffer
   * when the task runs in another thread): control[0] ≠ 0 asks the task to stop
   * (it throws CancelledError at its next read); the task keeps the KiB it has
   * parsed so far in control[slot].
   */
  control?: Int32Array;
  slot?: number;
}

export interface PartResult {
  /** Rows written (parse) or newlines counted (count). */
  rows: number;
  lines: number;
  /** The part ends with blank lines (only fine at the end of the file). */
  trailingBlank: boolean;
}

/** A part that cannot be trusted in parallel: the caller parses the whole file on one thread instead. */
export class PartFallback extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'PartFallback';
  }
}

const NL = 10;
const CHUNK = 1 << 20;
/** Smallest part worth a worker by default (see ParallelParseOptions.minPartBytes). */
export const MIN_PART_BYTES = 32 << 20;

/** Worker side: runs one task, writing parsed rows into `output` (shared with the other workers). */
export async function runFeaturePart(task: PartTask, output: Float32Array, read: ReadAt): Promise<PartResult> {
  if (task.kind === 'count') return countPart(task, read);
  return task.direction === 'forward' ? parseForward(task, output, read) : parseBackward(task, output, read);
}

async function readFully(read: ReadAt, into: Uint8Array, position: number, length: number): Promise<number> {
  let got = 0;
  while (got < length) {
    const n = await read(into.subarray(got, length), position + got);
    if (n <= 0) break;
    got += n;
  }
  return got;
}

/** Between reads: stop when asked, and publish the KiB done (parse tasks only). */
function checkpoint(task: PartTask, bytesDone: number): void {
  const control = task.control;
  if (!control) return;
  if (Atomics.load(control, 0) !== 0) throw new CancelledError();
  if (task.slot !== undefined) Atomics.store(control, task.slot, Math.floor(bytesDone / 1024));
}

function countNewlines(bytes: Uint8Array): number {
  let k = 0;
  for (let j = bytes.indexOf(NL); j >= 0; j = bytes.indexOf(NL, j + 1)) k++;
  return k;
}

async function countPart(task: PartTask, read: ReadAt): Promise<PartResult> {
  const buf = new Uint8Array(task.chunkBytes ?? CHUNK);
  let lines = 0;
  for (let pos = task.start; pos < task.end; ) {
    checkpoint(task, 0);
    const n = await readFully(read, buf, pos, Math.min(buf.length, task.end - pos));
    if (n === 0) throw new PartFallback('the file is shorter than planned');
    lines += countNewlines(buf.subarray(0, n));
    pos += n;
  }
  return { rows: lines, lines, trailingBlank: false };
}

async function parseForward(task: PartTask, output: Float32Array, read: ReadAt): Promise<PartResult> {
  const parser = new FeatureParser({ file: task.file, columns: task.columns, output, outputRow: task.row, outputOnly: true });
  let size = task.chunkBytes ?? CHUNK;
  let buf = new Uint8Array(size + 1);
  let pos = task.start;
  let lo = 0;
  while (pos < task.end) {
    checkpoint(task, pos - task.start);
    const n = await readFully(read, buf, pos, Math.min(size, task.end - pos));
    if (n === 0) throw new PartFallback('the file is shorter than planned');
    if (pos === 0) lo = checkFeatureSignature(buf.subarray(0, n), task.file);
    let hi: number;
    if (pos + n >= task.end) {
      hi = n;
      if (buf[n - 1] !== NL) {
        if (!task.atEnd) throw new PartFallback('a part does not end at a newline');
        buf[n] = NL; // the last line of the file, without its newline
        hi = n + 1;
      }
    } else {
      hi = buf.lastIndexOf(NL, n - 1) + 1;
      if (hi <= lo) {
        // A line longer than the buffer: read again with a bigger one.
        size *= 2;
        buf = new Uint8Array(size + 1);
        continue;
      }
    }
    parser.parseLines(buf, lo, hi);
    pos += Math.min(hi, n);
    lo = 0;
  }
  return { rows: parser.rowsDone, lines: parser.nextLine - 1, trailingBlank: parser.trailingBlankLine !== 0 };
}

function isBlank(c: number): boolean {
  return c === 32 || c === 9 || c === 13 || c === NL;
}

async function parseBackward(task: PartTask, output: Float32Array, read: ReadAt): Promise<PartResult> {
  if (task.start === 0) throw new PartFallback('the first part is parsed front to back');
  const parser = new FeatureParser({ file: task.file, columns: task.columns, output, outputOnly: true });
  let size = task.chunkBytes ?? CHUNK;
  let buf = new Uint8Array(size + 1);
  let endRow = task.row;
  let lines = 0;
  let trailingBlank = false;
  let first = true;
  // Bytes [task.start, top) are left to parse; `top` is always at a line start (or the end).
  let top = task.end;
  while (top > task.start) {
    checkpoint(task, task.end - top);
    const from = Math.max(task.start, top - size);
    const n = await readFully(read, buf, from, top - from);
    if (n !== top - from) throw new PartFallback('the file is shorter than planned');
    let hi = n;
    if (first) {
      if (buf[n - 1] !== NL) {
        if (!task.atEnd) throw new PartFallback('a part does not end at a newline');
        buf[n] = NL;
        hi = n + 1;
      }
      // Blank lines after the last row (allowed at the end of the file) are counted, not parsed.
      let p = hi - 1;
      while (p >= 0 && isBlank(buf[p]!)) p--;
      if (p < 0) throw new PartFallback('a part of blank lines only');
      const contentEnd = buf.indexOf(NL, p) + 1;
      const blank = countNewlines(buf.subarray(contentEnd, hi));
      if (blank > 0 && !task.atEnd) throw new PartFallback('blank lines inside the file');
      lines += blank;
      trailingBlank = blank > 0;
      hi = contentEnd;
      first = false;
    }
    let lo = 0;
    if (from > task.start) {
      // The first line in the buffer is cut: it is read again with the next chunk.
      lo = buf.indexOf(NL) + 1;
      if (lo >= hi) {
        size *= 2;
        buf = new Uint8Array(size + 1);
        if (top === task.end) {
          first = true;
          lines = 0;
        }
        continue;
      }
    }
    const k = countNewlines(buf.subarray(lo, hi));
    if (k > endRow) throw new PartFallback('more rows than expected');
    const before = parser.rowsDone;
    parser.seekRow(endRow - k);
    parser.parseLines(buf, lo, hi);
    if (parser.rowsDone - before !== k || parser.trailingBlankLine !== 0) throw new PartFallback('blank lines inside the file');
    endRow -= k;
    lines += k;
    top = from + lo;
  }
  return { rows: task.row - endRow, lines, trailingBlank };
}

export interface ParallelParseOptions extends Omit<FeatureParseOptions, 'output' | 'outputRow' | 'outputOnly' | 'startLine'> {
  /** Expected rows (the labels count); required: it places the last part. */
  rows: number;
  /** File size in bytes. */
  size: number;
  /** Number of parts (workers); 1 means a single-thread parse. */
  parts: number;
  /** Positional reads on the calling side: for planning the cuts, the first line and the fallback. */
  read: ReadAt;
  /** Runs one task on a worker that writes into `output`; resolves with its result or rejects with its error. */
  runTask: (task: PartTask, output: Float32Array) => Promise<PartResult>;
  /** Allocates the shared output; default new Float32Array(new SharedArrayBuffer(4 × length)). */
  allocate?: (length: number) => Float32Array;
  /** Smallest part worth a worker (starting one costs ~50–100 ms, ~30 MB of parsing); default 32 MiB. */
  minPartBytes?: number;
  /** Read size for workers and the fallback; default 1 MiB. */
  chunkBytes?: number;
  /** Passed on to the tasks (PartTask.blockBytes). */
  blockBytes?: number;
  /** Called with a reason when the parallel result is discarded for a single-thread parse. */
  onFallback?: (reason: string) => void;
}

/**
 * Parses a file with `parts` workers into one shared output, or on one thread when
 * the file is small, the first line is not a plain row, or any part disagrees.
 * The result (values, rows, cols, lines, or the error thrown) equals that of
 * parseFeatureStream on the same bytes with the same options.
 */
export async function parseFeatureFileParallel(options: ParallelParseOptions): Promise<FeatureMatrix> {
  const { size, read, file } = options;
  const chunk = options.chunkBytes ?? CHUNK;
  const allocate = options.allocate ?? ((length: number) => new Float32Array(new SharedArrayBuffer(length * 4)));
  if (options.signal?.aborted) throw new CancelledError();
  const parts = Math.min(Math.floor(options.parts), Math.floor(size / (options.minPartBytes ?? MIN_PART_BYTES)));
  const cols = options.rows > 0 && parts >= 2 ? await firstRowColumns(read, size, file, options.columns) : 0;
  if (cols <= 0) return parseOnOneThread(options, null, 0, 'single thread: small file, no row count or an unusual first line');

  const ranges = await planFileRanges(size, parts, async (offset, length) => {
    const buf = new Uint8Array(length);
    return buf.subarray(0, await readFully(read, buf, offset, length));
  });
  const output = allocate(options.rows * cols);
  if (ranges.length < 2) return parseOnOneThread(options, output, cols, 'single thread: the file has too few lines to split');

  const last = ranges.length - 1;
  // control[0]: stop; control[1 + k]: KiB parsed by part k (see PartTask.control).
  const shared = typeof SharedArrayBuffer !== 'undefined' && output.buffer instanceof SharedArrayBuffer;
  const control = new Int32Array(shared ? new SharedArrayBuffer(4 * (last + 2)) : new ArrayBuffer(4 * (last + 2)));
  const stop = () => Atomics.store(control, 0, 1);
  options.signal?.addEventListener('abort', stop);
  const report = () => {
    let kib = 0;
    for (let k = 1; k < control.length; k++) kib += Atomics.load(control, k);
    const done = Math.min(size, kib * 1024);
    options.onProgress?.(done, Math.floor((options.rows * done) / size));
  };
  const timer = options.onProgress ? setInterval(report, 100) : null;
  const task = (k: number, kind: PartTask['kind'], direction: PartTask['direction'], row: number): PartTask => ({
    kind,
    start: ranges[k]!.start,
    end: ranges[k]!.end,
    direction,
    row,
    columns: cols,
    atEnd: ranges[k]!.end === size,
    file,
    chunkBytes: chunk,
    ...(options.blockBytes !== undefined ? { blockBytes: options.blockBytes } : {}),
    control,
    ...(kind === 'parse' ? { slot: 1 + k } : {}),
  });
  // Parts 1 … last-1 start after the lines of the parts before them; these counts run alongside.
  const counted = Array.from({ length: Math.max(0, last - 1) }, (_, k) => options.runTask(task(k, 'count', 'forward', 0), output));
  const parsed: Promise<PartResult>[] = [options.runTask(task(0, 'parse', 'forward', 0), output)];
  for (let k = 1; k < last; k++) {
    const row = Promise.all(counted.slice(0, k)).then((cs) => cs.reduce((sum, c) => sum + c.lines, 0));
    parsed.push(row.then((r) => options.runTask(task(k, 'parse', 'forward', r), output)));
  }
  parsed.push(options.runTask(task(last, 'parse', 'backward', options.rows), output));
  let settled: PromiseSettledResult<PartResult>[];
  try {
    settled = await Promise.allSettled([...parsed, ...counted]);
  } finally {
    if (timer !== null) clearInterval(timer);
    options.signal?.removeEventListener('abort', stop);
  }
  if (options.signal?.aborted) throw new CancelledError();

  const first = settled[0]!;
  // The first part is parsed exactly as the single-thread parser would: its syntax errors are the file's first.
  if (first.status === 'rejected' && first.reason instanceof FeatureParseError) throw first.reason;
  const failed = settled.find((s) => s.status === 'rejected');
  if (failed) return parseOnOneThread(options, output, cols, `single thread: a part failed (${describe(failed.reason)})`);
  const results = settled.slice(0, parsed.length).map((s) => (s as PromiseFulfilledResult<PartResult>).value);
  const counts = settled.slice(parsed.length).map((s) => (s as PromiseFulfilledResult<PartResult>).value);
  let rows = 0;
  let lines = 0;
  for (let k = 0; k <= last; k++) {
    const r = results[k]!;
    if (k < last && r.trailingBlank) return parseOnOneThread(options, output, cols, 'single thread: blank lines inside the file');
    if (k < last - 1 && r.rows !== counts[k]!.lines) return parseOnOneThread(options, output, cols, 'single thread: a part has blank lines');
    rows += r.rows;
    lines += r.lines;
  }
  if (rows !== options.rows) return parseOnOneThread(options, output, cols, `single thread: ${rows} rows, not the ${options.rows} expected`);
  options.onProgress?.(size, rows);
  return { values: output, rows, cols, lines };
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The column count of the first line when it is a plain row of numbers; 0 otherwise (the fallback decides). */
async function firstRowColumns(read: ReadAt, size: number, file: string, columns: number | undefined): Promise<number> {
  for (let length = 1 << 16; ; length *= 4) {
    const buf = new Uint8Array(Math.min(length, size) + 1);
    const n = await readFully(read, buf, 0, Math.min(length, size));
    const nl = buf.subarray(0, n).indexOf(NL);
    if (nl < 0 && n < size) continue;
    if (nl < 0) return 0;
    try {
      const parser = new FeatureParser({ file, ...(columns !== undefined ? { columns } : {}) });
      parser.push(buf.subarray(0, nl + 1));
      const m = parser.finish();
      return m.lines === 1 && m.rows === 1 ? m.cols : 0;
    } catch {
      return 0;
    }
  }
}

/** The single-thread parse of the whole file through `read`, into `output` (of `cols` columns) when given. */
async function parseOnOneThread(options: ParallelParseOptions, output: Float32Array | null, cols: number, reason: string): Promise<FeatureMatrix> {
  options.onFallback?.(reason);
  const { read, size } = options;
  const parser = new FeatureParser({
    file: options.file,
    rows: options.rows,
    bytesTotal: size,
    // Line 1 is a row of `cols` values (see firstRowColumns), so giving `columns` changes nothing but lets the
    // parser write into the output already allocated.
    ...(output ? { columns: cols, output } : options.columns !== undefined ? { columns: options.columns } : {}),
  });
  const buf = new Uint8Array(options.chunkBytes ?? CHUNK);
  for (let pos = 0; pos < size; ) {
    if (options.signal?.aborted) throw new CancelledError();
    const n = await readFully(read, buf, pos, Math.min(buf.length, size - pos));
    if (n === 0) break;
    parser.push(buf.subarray(0, n));
    pos += n;
    options.onProgress?.(parser.bytes, parser.rowsDone);
  }
  return parser.finish();
}
