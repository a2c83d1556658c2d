/**
 * The text parts of the generic layout, for any zero-shot dataset (own or CLIP
 * features): a class × attribute table as CSV or TSV (optional header row of
 * attribute names, optional first column of class names), a class list (one
 * name a line, or "1<tab>name"), and per-image labels (class names or 1-based
 * class numbers). Every malformed case is a sentence naming the file, the line
 * and what was expected. Pure TypeScript: no DOM, no Node modules.
 */
import { ZslError } from '../errors.ts';
import { textLines } from './text-lists.ts';

export interface AttributeTable {
  /** From the first column, when it holds names. */
  classNames: string[] | null;
  /** From the header row, when there is one. */
  attributeNames: string[] | null;
  rows: number;
  cols: number;
  /** rows × cols, row-major. */
  values: Float32Array;
}

const isNumber = (cell: string) => cell.trim() !== '' && Number.isFinite(Number(cell));
const clip = (text: string) => (text.length > 40 ? `${text.slice(0, 40)}…` : text);

/** Splits a CSV/TSV line; double-quoted cells may hold the delimiter. */
function cells(text: string, delimiter: string): string[] {
  const out: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"' && cell.trim() === '') quoted = true;
    else if (ch === delimiter) {
      out.push(cell.trim());
      cell = '';
    } else cell += ch;
  }
  out.push(cell.trim());
  return out;
}

export function parseAttributeTable(bytes: Uint8Array, file: string): AttributeTable {
  const lines = textLines(bytes, file);
  const delimiter = /\.tsv$/i.test(file) || (lines[0]!.text.includes('\t') && !lines[0]!.text.includes(',')) ? '\t' : ',';
  const table = lines.map((l) => ({ line: l.line, cells: cells(l.text, delimiter) }));
  const first = table[0]!.cells;
  // A header names the attributes: its cells after the first are not all numbers.
  const hasHeader = first.slice(1).some((c) => !isNumber(c)) || (first.length === 1 && !isNumber(first[0]!));
  const body = hasHeader ? table.slice(1) : table;
  if (body.length === 0) throw new ZslError('has a header but no rows; expected one row of attribute values per class.', { file });
  const named = body.some((r) => !isNumber(r.cells[0]!));
  const offset = named ? 1 : 0;
  const cols = body[0]!.cells.length - offset;
  if (cols < 1) throw new ZslError(`line ${body[0]!.line} has no attribute values; expected a class name and one value per attribute.`, { file, line: body[0]!.line });
  if (hasHeader && first.length - 1 !== cols && first.length !== cols) {
    throw new ZslError(`the header names ${first.length - (named ? 1 : 0)} attributes but line ${body[0]!.line} has ${cols} values; expected one value per attribute.`, { file, line: table[0]!.line });
  }
  const values = new Float32Array(body.length * cols);
  const classNames: string[] = [];
  body.forEach(({ line, cells: row }, r) => {
    if (row.length - offset !== cols) {
      throw new ZslError(`has ${row.length - offset} values; expected ${cols} (one per attribute${named ? ', after the class name' : ''}), separated by "${delimiter === '\t' ? 'tab' : ','}".`, { file, line });
    }
    if (named) classNames.push(row[0]!);
    for (let c = 0; c < cols; c++) {
      const cell = row[c + offset]!;
      if (!isNumber(cell)) throw new ZslError(`column ${c + 1 + offset} is "${clip(cell)}"; expected a number.`, { file, line });
      values[r * cols + c] = Number(cell);
    }
  });
  const attributeNames = hasHeader ? (first.length === cols ? first : first.slice(1)) : null;
  return { classNames: named ? classNames : null, attributeNames, rows: body.length, cols, values };
}

/** One class name a line; "1<tab>name" (AwA's classes.txt) is read as the name. */
export function parseClassList(bytes: Uint8Array, file: string): string[] {
  const names = textLines(bytes, file).map(({ text }) => /^\d+\s+(\S.*)$/.exec(text)?.[1]?.trim() ?? text);
  const seen = new Map<string, number>();
  names.forEach((name, k) => {
    const first = seen.get(name);
    if (first !== undefined) throw new ZslError(`"${clip(name)}" is listed again (first on line ${first + 1}); expected each class once.`, { file, line: k + 1 });
    seen.set(name, k);
  });
  return names;
}

/** One label a line: a class name from the class list, or a class number from 1 to the number of classes. */
export function parseClassLabels(bytes: Uint8Array, file: string, classNames: string[]): Int32Array {
  const index = new Map(classNames.map((name, i) => [name, i]));
  const lines = textLines(bytes, file);
  const out = new Int32Array(lines.length);
  lines.forEach(({ line, text }, k) => {
    const name = text.trim();
    const byName = index.get(name);
    if (byName !== undefined) {
      out[k] = byName;
      return;
    }
    const n = Number(name);
    if (/^\d+$/.test(name) && n >= 1 && n <= classNames.length) {
      out[k] = n - 1;
      return;
    }
    throw new ZslError(`the label "${clip(name)}" is neither a class name nor a class number from 1 to ${classNames.length}; expected one of the classes (e.g. "${classNames[0] ?? ''}").`, { file, line });
  });
  return out;
}
