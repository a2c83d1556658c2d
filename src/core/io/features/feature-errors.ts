/**
 * The sentences a feature-file parse fails with, and the error type that carries
 * them. A FeatureParseError keeps its bare message apart from its location, so a
 * parse of one part of a file can have its line number moved to the whole file's.
 * Pure TypeScript: no DOM, no Node modules, no tfjs.
 */
import { ZslError, type ErrorLocation } from '../../errors.ts';
import { BLANK_TAB, CR, NL, SPACE } from './feature-scanner.ts';

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

/** Thrown (with `outputOnly`) when the file has more rows than the output array holds. */
export class OutputFullError extends Error {
  constructor() {
    super('the feature file has more rows than the output array holds.');
    this.name = 'OutputFullError';
  }
}

function isDelimiter(c: number): boolean {
  return c === SPACE || c === BLANK_TAB || c === CR || c === NL;
}

/** The token's bytes as text, control and non-ASCII bytes escaped. */
export function tokenText(buf: Uint8Array, start: number, end: number): string {
  let s = '';
  for (let k = start; k < end; k++) {
    const b = buf[k]!;
    s += b >= 32 && b < 127 ? String.fromCharCode(b) : `\\x${b.toString(16).padStart(2, '0')}`;
  }
  return s;
}

/** Value `index` (1-based) of the line, starting at buf[start], is not a number. */
export function badToken(buf: Uint8Array, start: number, index: number, file: string, line: number): FeatureParseError {
  let end = start;
  while (!isDelimiter(buf[end]!)) end++;
  const text = tokenText(buf, start, Math.min(end, start + 40));
  const lower = text.toLowerCase().replace(/^[+-]/, '');
  const detail =
    lower === 'nan' || lower.startsWith('inf')
      ? `value ${index} is "${text}"; expected a finite number (NaN and Infinity are not allowed).`
      : `value ${index} is "${text}"; expected a decimal number such as 0.4512 or 1.5e-03.`;
  return new FeatureParseError(detail, { file, line });
}

/** Value `index` of the line, buf[start, end), is a number beyond float32. */
export function outOfRange(buf: Uint8Array, start: number, end: number, index: number, file: string, line: number): FeatureParseError {
  return new FeatureParseError(`value ${index} is "${tokenText(buf, start, end)}", outside the float32 range; expected a finite number.`, { file, line });
}

/** A line with more values than columns: counts them all (from buf[i], `before` already seen) for the message. */
export function tooManyValues(buf: Uint8Array, i: number, cols: number, before: number, file: string, line: number): FeatureParseError {
  let n = before;
  let c = buf[i]!;
  for (;;) {
    while (c === SPACE || c === BLANK_TAB || c === CR) c = buf[++i]!;
    if (c === NL) break;
    n++;
    while (!isDelimiter(c)) c = buf[++i]!;
  }
  return wrongCount(cols, n, file, line);
}

export function wrongCount(cols: number, found: number, file: string, line: number): FeatureParseError {
  return new FeatureParseError(`expected ${cols} values, found ${found}.`, { file, line });
}

export function blankLineInside(cols: number, file: string, line: number): FeatureParseError {
  return new FeatureParseError(`the line is empty; expected ${cols} values (blank lines are only allowed at the end of the file).`, { file, line });
}

export function noNumbers(file: string, empty: boolean): FeatureParseError {
  return new FeatureParseError(
    empty
      ? 'the file is empty; expected lines of space-separated numbers (one image per line).'
      : 'the file has no numbers; expected lines of space-separated numbers (one image per line).',
    { file },
  );
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
