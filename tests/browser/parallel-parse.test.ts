/**
 * The app's parallel feature parse in Chromium: the app's worker and its sub-workers
 * reading byte ranges of a File in read-ahead blocks into one SharedArrayBuffer, in a cross-origin-isolated page
 * (this project's test server sends the COOP/COEP pair of a deployment). The result,
 * and every error with its line, must be those of the one-thread parse.
 */
import { describe, expect, test } from 'vitest';
import { parseFeatureBytes } from '../../src/core/io/features/feature-parser.ts';
import { fromBlob } from '../../src/core/io/source-file.ts';
import { browserFeatureParser, oneThreadReason, rememberBlob } from '../../src/worker/parallel-features.ts';

function featureText(rows: number, cols: number, seed: number): string[] {
  let state = seed;
  const rand = () => (state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 4294967296;
  return Array.from({ length: rows }, () =>
    Array.from({ length: cols }, () => {
      const v = -Math.log(1 - rand()) * 0.45 * (rand() < 0.2 ? 1e-5 : 1);
      return rand() < 0.5 ? v.toPrecision(1 + Math.floor(rand() * 7)) : v.toExponential(Math.floor(rand() * 6));
    }).join(' '),
  );
}

const asFile = (lines: string[], name: string) => {
  const file = new File([`${lines.join('\n')}\n`], name);
  return rememberBlob(fromBlob(file), file);
};

describe('parallel feature parse in the browser', () => {
  test('the page is cross-origin isolated, so the parse may share memory', () => {
    expect(crossOriginIsolated).toBe(true);
    expect(oneThreadReason(asFile(['1 2'], 'f.txt'), 4)).toBeNull();
  });

  test('sub-workers parse a File into one SharedArrayBuffer exactly as one thread does', async () => {
    const lines = featureText(400, 24, 3);
    const expected = parseFeatureBytes(new TextEncoder().encode(`${lines.join('\n')}\n`), { file: 'f.txt', rows: 400 });
    // Blocks of 1,000 bytes: their edges fall inside tokens and lines (a line is ~230 bytes) on every read.
    for (const [threads, parseHere, blockBytes] of [[2, true, 1000], [3, true, 4096], [2, false, 1000], [3, false, 77]] as const) {
      const notes: string[] = [];
      const parse = browserFeatureParser(threads, { minPartBytes: 1, chunkBytes: 4096, blockBytes, parseHere });
      const m = await parse(asFile(lines, 'f.txt'), { file: 'f.txt', rows: 400, onNote: (n) => notes.push(n) });
      expect(notes).toEqual([`${threads} threads`]);
      expect(m.values.buffer).toBeInstanceOf(SharedArrayBuffer);
      expect([m.rows, m.cols]).toEqual([400, 24]);
      expect(Array.from(m.values)).toEqual(Array.from(expected.values));
    }
  });

  test('an error in any part names its line in the whole file', async () => {
    for (const bad of [3, 398]) {
      const lines = featureText(400, 24, 5);
      lines[bad - 1] = lines[bad - 1]!.replace(' ', ' 1e ');
      for (const parseHere of [true, false]) {
        const parse = browserFeatureParser(2, { minPartBytes: 1, chunkBytes: 4096, blockBytes: 999, parseHere });
        await expect(parse(asFile(lines, 'bad.txt'), { file: 'bad.txt', rows: 400 })).rejects.toThrow(`bad.txt, line ${bad}: value 2 is "1e"`);
      }
    }
  });
});
