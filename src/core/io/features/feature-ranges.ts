/**
 * Splitting a feature file into byte ranges that start and end at line boundaries,
 * so several workers can parse parts in parallel and the results can be joined in
 * order. Line numbers in errors stay right: in-memory splits know each part's first
 * line; file splits re-base a part's error with withLineOffset once the lines of the
 * earlier parts are known. Joining copies every part once: parallel-parse.ts instead
 * has the workers write into one shared output (no join, ~1× memory) and uses
 * planFileRanges from here for its cuts. Pure TypeScript: no DOM, no Node modules.
 */
import { withLineOffset, type FeatureMatrix } from './feature-parser.ts';
import { ZslError } from '../../errors.ts';

export interface ByteRange {
  start: number;
  end: number;
  /** 1-based line number of the first byte, when known. */
  startLine?: number;
}

const NL = 10;

/** Splits bytes in memory into up to `parts` ranges at newlines, each with its first line number. */
export function splitAtNewlines(bytes: Uint8Array, parts: number, firstLine = 1): ByteRange[] {
  const ranges: ByteRange[] = [];
  let start = 0;
  let line = firstLine;
  for (let k = 1; k <= parts && start < bytes.length; k++) {
    let end = k === parts ? bytes.length : Math.floor((bytes.length * k) / parts);
    if (end < start) end = start;
    if (end < bytes.length) {
      const nl = bytes.indexOf(NL, Math.max(start, end - 1));
      end = nl < 0 ? bytes.length : nl + 1;
    }
    ranges.push({ start, end, startLine: line });
    for (let i = bytes.indexOf(NL, start); i >= 0 && i < end; i = bytes.indexOf(NL, i + 1)) line++;
    start = end;
  }
  return ranges;
}

/**
 * Plans ranges over a file of `size` bytes without reading it: `peek(offset, length)`
 * reads a few bytes near each cut to move it just past a newline. startLine is unknown.
 */
export async function planFileRanges(
  size: number,
  parts: number,
  peek: (offset: number, length: number) => Promise<Uint8Array>,
): Promise<ByteRange[]> {
  const cuts: number[] = [0];
  for (let k = 1; k < parts; k++) {
    let offset = Math.max(cuts[cuts.length - 1]!, Math.floor((size * k) / parts) - 1);
    let cut = -1;
    while (offset < size) {
      const window = await peek(offset, 1 << 16);
      if (window.length === 0) break;
      const nl = window.indexOf(NL);
      if (nl >= 0) {
        cut = offset + nl + 1;
        break;
      }
      offset += window.length;
    }
    if (cut < 0 || cut >= size) break;
    cuts.push(cut);
  }
  cuts.push(size);
  const ranges: ByteRange[] = [];
  for (let k = 0; k + 1 < cuts.length; k++) {
    if (cuts[k + 1]! > cuts[k]!) ranges.push({ start: cuts[k]!, end: cuts[k + 1]! });
  }
  return ranges;
}

/** The outcome of parsing one part with startLine 1 (an error is kept until its offset is known). */
export type PartResult = { ok: true; matrix: FeatureMatrix } | { ok: false; error: unknown };

/**
 * Joins parts in order into one matrix; the first failing part's error is re-based
 * to its line in the whole file. Parts must have been parsed with startLine 1.
 */
export function joinFeatureParts(parts: PartResult[], file: string): FeatureMatrix {
  let linesBefore = 0;
  let cols = -1;
  let rows = 0;
  for (const part of parts) {
    if (!part.ok) throw withLineOffset(part.error, linesBefore);
    if (cols < 0) cols = part.matrix.cols;
    else if (part.matrix.cols !== cols) {
      throw new ZslError(`expected ${cols} values, found ${part.matrix.cols}.`, { file, line: linesBefore + 1 });
    }
    linesBefore += part.matrix.lines;
    rows += part.matrix.rows;
  }
  const values = new Float32Array(rows * Math.max(0, cols));
  let offset = 0;
  for (const part of parts) {
    if (!part.ok) continue;
    values.set(part.matrix.values, offset);
    offset += part.matrix.values.length;
  }
  return { values, rows, cols, lines: linesBefore };
}
