/**
 * Parsers for the small text lists of the AwA2 release: index-tab-name lists
 * (classes.txt, predicates.txt: "     1\tantelope"), one-name-per-line lists
 * (trainclasses.txt, testclasses-proposed.txt), labels (one 1-based class index a
 * line) and image file names. They read bytes line by line; blank lines at the end
 * are ignored, and every error names the file and the 1-based line.
 * Pure TypeScript: no DOM, no Node modules.
 */
import { ZslError } from '../errors.ts';

export interface TextLine {
  /** 1-based line number. */
  line: number;
  /** The line without its end-of-line characters and surrounding blanks. */
  text: string;
}

/** Non-blank lines with their numbers. */
export function textLines(bytes: Uint8Array, file: string): TextLine[] {
  if (bytes.length === 0) throw new ZslError('the file is empty; expected one entry a line.', { file });
  if (bytes.includes(0)) throw new ZslError('the file contains binary data; expected plain text with one entry a line.', { file });
  const text = new TextDecoder('utf-8').decode(bytes);
  const out: TextLine[] = [];
  let line = 1;
  let start = 0;
  for (;;) {
    const nl = text.indexOf('\n', start);
    const raw = nl < 0 ? text.slice(start) : text.slice(start, nl);
    const trimmed = raw.trim();
    if (trimmed) out.push({ line, text: trimmed });
    if (nl < 0) break;
    start = nl + 1;
    line++;
  }
  if (out.length === 0) throw new ZslError('the file has only blank lines; expected one entry a line.', { file });
  return out;
}

/** "     1\tantelope" lines: indices must run 1, 2, 3, … ; returns the names in order. */
export function parseIndexedNames(bytes: Uint8Array, file: string): string[] {
  return textLines(bytes, file).map(({ line, text }, k) => {
    const match = /^(\d+)\s+(\S.*)$/.exec(text);
    if (!match) {
      throw new ZslError(`found "${clip(text)}"; expected an index, a tab and a name (e.g. "1\tantelope").`, { file, line });
    }
    if (Number(match[1]) !== k + 1) {
      throw new ZslError(`the index is ${match[1]}; expected ${k + 1} (indices must count up from 1).`, { file, line });
    }
    return match[2]!.trim();
  });
}

/** One name a line (trainclasses.txt, testclasses-proposed.txt), with line numbers. */
export function parseNameList(bytes: Uint8Array, file: string): TextLine[] {
  const lines = textLines(bytes, file);
  const seen = new Map<string, number>();
  for (const { line, text } of lines) {
    const first = seen.get(text);
    if (first !== undefined) throw new ZslError(`"${clip(text)}" is listed again (first on line ${first}); expected each class once.`, { file, line });
    seen.set(text, line);
  }
  return lines;
}

/** Maps listed names to 0-based class indices; an unknown name is an error naming the line and the class. */
export function resolveClasses(list: TextLine[], classNames: string[], file: string): number[] {
  const index = new Map(classNames.map((name, i) => [name, i]));
  return list.map(({ line, text }) => {
    const i = index.get(text);
    if (i === undefined) {
      throw new ZslError(`the class "${clip(text)}" is not in the class list; expected one of the ${classNames.length} classes (e.g. "${classNames[0] ?? ''}").`, { file, line });
    }
    return i;
  });
}

/** One 1-based class index a line → 0-based Int32Array, each checked against the class count. */
export function parseLabels(bytes: Uint8Array, file: string, numClasses: number): Int32Array {
  if (bytes.length === 0) throw new ZslError('the file is empty; expected one class index (1 to ' + numClasses + ') a line.', { file });
  const out = new Int32Array((bytes.length >> 1) + 16);
  let count = 0;
  let line = 1;
  let value = 0;
  let digits = 0;
  let ended = false;
  let blankSince = 0;
  const fail = (what: string): never => {
    throw new ZslError(`found "${clip(what)}"; expected one class index from 1 to ${numClasses}.`, { file, line });
  };
  for (let i = 0; i <= bytes.length; i++) {
    const c = i < bytes.length ? bytes[i]! : 10;
    if (c >= 48 && c <= 57) {
      if (ended) fail(lineText(bytes, i));
      value = value * 10 + (c - 48);
      digits++;
    } else if (c === 10) {
      if (digits > 0) {
        if (blankSince) throw new ZslError(`the line is empty; expected one class index from 1 to ${numClasses}.`, { file, line: blankSince });
        if (value < 1 || value > numClasses) fail(String(value));
        out[count++] = value - 1;
      } else if (count > 0 && !blankSince) blankSince = line;
      value = 0;
      digits = 0;
      ended = false;
      line++;
    } else if (c === 32 || c === 9 || c === 13) {
      if (digits > 0) ended = true;
    } else {
      fail(lineText(bytes, i));
    }
  }
  if (count === 0) throw new ZslError(`the file has no class indices; expected one from 1 to ${numClasses} a line.`, { file });
  return out.slice(0, count);
}

/** Image file names, one a line (AwA2-filenames.txt). */
export function parseFilenames(bytes: Uint8Array, file: string): string[] {
  return textLines(bytes, file).map((l) => l.text);
}

function lineText(bytes: Uint8Array, at: number): string {
  let start = at;
  while (start > 0 && bytes[start - 1] !== 10) start--;
  let end = at;
  while (end < bytes.length && bytes[end] !== 10) end++;
  return new TextDecoder().decode(bytes.subarray(start, Math.min(end, start + 40))).trim();
}

function clip(text: string): string {
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}
