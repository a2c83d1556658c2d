/** The text feature parser: numeric correctness, chunking, layout quirks, parallel parts and the shared-output parallel parse. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FeatureParseError, FeatureParser, OutputFullError, parseFeatureBytes, parseFeatureStream } from '../../../src/core/io/features/feature-parser.ts';
import { joinFeatureParts, splitAtNewlines, type PartResult } from '../../../src/core/io/features/feature-ranges.ts';
import { parseFeatureFileParallel, runFeaturePart, type ParallelParseOptions, type PartTask } from '../../../src/core/io/features/parallel-parse.ts';
import { createRng } from '../../../src/core/compute/rng.ts';
import { chunkedStream, encode } from './helpers/streams.ts';

function randomDecimal(rng: ReturnType<typeof createRng>): string {
  const kind = rng.int(8);
  const mag = 10 ** (rng.int(12) - 6);
  const x = (rng.next() - 0.3) * mag;
  switch (kind) {
    case 0: return x.toFixed(rng.int(10));
    case 1: return x.toExponential(rng.int(8));
    case 2: return x.toExponential(rng.int(20)).replace('e', 'E');
    case 3: return String(x); // up to 17 significant digits: slow path
    case 4: return x.toPrecision(1 + rng.int(21));
    case 5: return `${rng.int(1000)}`;
    case 6: return `${rng.next() < 0.5 ? '+' : '-'}${rng.int(100)}.${String(rng.int(1e6)).padStart(6, '0')}e${rng.int(60) - 30}`;
    default: return (rng.next() * 1e-40).toExponential(6); // float32 subnormals and underflow
  }
}

describe('feature parser numbers', () => {
  it('matches Math.fround(Number.parseFloat) on 20,000 random decimals', () => {
    const rng = createRng(11);
    const tokens = Array.from({ length: 20_000 }, () => randomDecimal(rng));
    const text = `${tokens.map((t, i) => (i % 100 === 99 ? `${t}\n` : `${t} `)).join('')}`;
    const { values, rows, cols } = parseFeatureBytes(encode(text), { file: 'random.txt' });
    expect(rows).toBe(200);
    expect(cols).toBe(100);
    let mismatches = 0;
    tokens.forEach((t, i) => {
      if (!Object.is(values[i], Math.fround(Number.parseFloat(t)))) mismatches++;
    });
    expect(mismatches).toBe(0);
  });

  it('rounds decimals next to float32 rounding midpoints like Number.parseFloat', () => {
    // 15-digit decimals of the midpoint between two neighbouring float32 values: any
    // loss of precision before the final rounding (float32 accumulation, a truncated
    // mantissa) sends some of them the wrong way.
    const rng = createRng(5);
    const tokens: string[] = [];
    const f32 = new Float32Array(1);
    const u32 = new Uint32Array(f32.buffer);
    while (tokens.length < 50_000) {
      f32[0] = rng.next() * 2;
      const low = f32[0];
      u32[0]! += 1;
      const mid = (low + f32[0]!) / 2;
      tokens.push(mid.toPrecision(15));
    }
    const { values } = parseFeatureBytes(encode(tokens.join('\n')), { file: 'mid.txt' });
    const mismatches = tokens.filter((t, i) => !Object.is(values[i], Math.fround(Number.parseFloat(t)))).length;
    expect(mismatches).toBe(0);
  });

  it('matches Math.fround(Number.parseFloat) on %g-style tokens of every length, in any chunking', async () => {
    // As C's %g prints them (0.00357558, 4.5118e-08, 12.5, 0) and longer: 1 to 17 significant
    // digits, exponents of one to three digits, 10 to 15 digits with leading zeros (past the int32 path).
    const rng = createRng(23);
    const tokens: string[] = [];
    for (let k = 0; k < 30_000; k++) {
      const x = -Math.log(1 - rng.next()) * 0.45 * 10 ** (rng.next() < 0.2 ? -1 - rng.int(40) : rng.int(4) - 1);
      const digits = 1 + rng.int(k % 3 === 0 ? 17 : 7);
      const kind = rng.int(4);
      tokens.push(
        kind === 0 ? x.toPrecision(digits)
        : kind === 1 ? x.toExponential(digits - 1).replace(/e([+-])(\d)$/, 'e$10$2')
        : kind === 2 ? x.toFixed(Math.min(20, digits + 4))
        : rng.next() < 0.1 ? '0' : `-${x.toPrecision(digits)}`,
      );
    }
    const text = encode(`${tokens.map((t, i) => (i % 50 === 49 ? `${t}\n` : `${t} `)).join('')}`);
    for (const chunkSize of [1, 3, 5, 4096, text.length]) {
      const { values } = await parseFeatureStream(chunkedStream(text, chunkSize), { file: 'g.txt', columns: 50 });
      const mismatches = tokens.filter((t, i) => !Object.is(values[i], Math.fround(Number.parseFloat(t))));
      expect(mismatches).toEqual([]);
    }
  });

  it('parses exponents, signs, leading dots and long mantissas', () => {
    const tokens = ['1.5e-03', '-2E+2', '.5', '5.', '+0.25', '0.000000000000000000000000123456789', '123456789012345678901234', '-0'];
    const { values } = parseFeatureBytes(encode(tokens.join(' ')), { file: 'f.txt' });
    expect(Array.from(values)).toEqual(tokens.map((t) => Math.fround(Number.parseFloat(t))));
    expect(Object.is(values[7], -0)).toBe(true);
  });
});

describe('feature parser layout', () => {
  const rows = [
    [0.1, 0.2, 0.3],
    [1.5e-3, 4, 5.25],
    [7, 8, 9],
  ];
  const expected = rows.flat().map(Math.fround);

  it.each([
    ['LF with trailing newline', '0.1 0.2 0.3\n1.5e-03 4 5.25\n7 8 9\n'],
    ['CRLF', '0.1 0.2 0.3\r\n1.5e-03 4 5.25\r\n7 8 9\r\n'],
    ['no final newline', '0.1 0.2 0.3\n1.5e-03 4 5.25\n7 8 9'],
    ['leading and trailing blanks, tabs', '  0.1\t0.2 0.3  \n 1.5e-03   4 5.25 \t\n7 8 9   '],
    ['trailing blank lines', '0.1 0.2 0.3\n1.5e-03 4 5.25\n7 8 9\n\n  \n\r\n'],
    ['byte order mark', '\uFEFF0.1 0.2 0.3\n1.5e-03 4 5.25\n7 8 9\n'],
  ])('%s', async (_name, text) => {
    for (const chunkSize of [1, 2, 3, 7, 1 << 16]) {
      const m = await parseFeatureStream(chunkedStream(encode(text), chunkSize), { file: 'f.txt' });
      expect([m.rows, m.cols]).toEqual([3, 3]);
      expect(Array.from(m.values)).toEqual(expected);
    }
  });

  it('allocates once from a row hint and grows without one', () => {
    const text = Array.from({ length: 500 }, (_, r) => `${r} ${r + 0.5}`).join('\n');
    for (const options of [{ rows: 500 }, { rows: 10 }, {}, { bytesTotal: 100 }, { columns: 2, bytesTotal: 5000 }, { columns: 2 }]) {
      const m = parseFeatureBytes(encode(text), { file: 'f.txt', ...options });
      expect(m.values.length).toBe(1000);
      expect(m.values[999]).toBe(499.5);
      expect(m.values[2 * 321]).toBe(321);
    }
  });

  it('reports progress and stops on abort', async () => {
    const text = encode('1 2\n'.repeat(1000));
    const seen: number[] = [];
    await parseFeatureStream(chunkedStream(text, 512), { file: 'f.txt', onProgress: (b) => seen.push(b) });
    expect(seen.at(-1)).toBe(text.length);
    expect(seen.length).toBeGreaterThan(3);
    const controller = new AbortController();
    const aborting = parseFeatureStream(chunkedStream(text, 512), {
      file: 'f.txt',
      signal: controller.signal,
      onProgress: (b) => b > 1000 && controller.abort(),
    });
    await expect(aborting).rejects.toThrow(/Cancelled/);
  });

  it('parses parts split at newlines to the same matrix, with right line numbers in errors', () => {
    const lines = Array.from({ length: 97 }, (_, r) => `${r} ${r / 7} ${r * 3}`);
    const bytes = encode(lines.join('\n'));
    const whole = parseFeatureBytes(bytes, { file: 'f.txt' });
    for (const parts of [1, 2, 3, 8]) {
      const ranges = splitAtNewlines(bytes, parts);
      expect(ranges[0]!.start).toBe(0);
      expect(ranges.at(-1)!.end).toBe(bytes.length);
      const results: PartResult[] = ranges.map((r) => ({
        ok: true,
        matrix: parseFeatureBytes(bytes.subarray(r.start, r.end), { file: 'f.txt' }),
      }));
      expect(joinFeatureParts(results, 'f.txt').values).toEqual(whole.values);
    }
    // A bad line in the third part: both ways of numbering name line 80.
    lines[79] = '1 2';
    const bad = encode(lines.join('\n'));
    const ranges = splitAtNewlines(bad, 3);
    const results: PartResult[] = ranges.map((r) => {
      try {
        return { ok: true, matrix: parseFeatureBytes(bad.subarray(r.start, r.end), { file: 'f.txt', columns: 3 }) };
      } catch (error) {
        return { ok: false, error };
      }
    });
    expect(() => joinFeatureParts(results, 'f.txt')).toThrow('f.txt, line 80: expected 3 values, found 2.');
    const third = ranges[2]!;
    expect(() =>
      parseFeatureBytes(bad.subarray(third.start, third.end), { file: 'f.txt', columns: 3, startLine: third.startLine }),
    ).toThrow('f.txt, line 80: expected 3 values, found 2.');
  });

  it('exposes an incremental push/finish API', () => {
    const parser = new FeatureParser({ file: 'f.txt' });
    for (const piece of ['1 2', ' 3\n4', ' 5 6\n']) parser.push(encode(piece));
    expect(Array.from(parser.finish().values)).toEqual([1, 2, 3, 4, 5, 6]);
  });
});

describe('parallel parse into one shared output', () => {
  /** Runs the parts in-process (as a worker would) over bytes in memory. */
  function parallel(bytes: Uint8Array, rows: number, parts: number, extra: Partial<ParallelParseOptions> = {}) {
    const fallbacks: string[] = [];
    const read = (into: Uint8Array, position: number) => {
      const piece = bytes.subarray(position, position + into.length);
      into.set(piece);
      return piece.length;
    };
    const tasks: PartTask[] = [];
    const result = parseFeatureFileParallel({
      file: 'f.txt',
      rows,
      size: bytes.length,
      parts,
      read,
      minPartBytes: 1,
      chunkBytes: 64,
      runTask: (task, output) => {
        tasks.push(task);
        return runFeaturePart(task, output, read);
      },
      onFallback: (reason) => fallbacks.push(reason),
      ...extra,
    });
    return { result, fallbacks, tasks };
  }

  function single(bytes: Uint8Array, rows: number) {
    return parseFeatureStream(chunkedStream(bytes, 1 << 16), { file: 'f.txt', rows });
  }

  function randomFile(seed: number, rows: number, cols: number, eol = '\n'): string {
    const rng = createRng(seed);
    return Array.from({ length: rows }, () => Array.from({ length: cols }, () => randomDecimal(rng)).join(' ')).join(eol);
  }

  it.each([
    ['LF, final newline', randomFile(1, 61, 7) + '\n'],
    ['no final newline', randomFile(2, 40, 5)],
    ['CRLF and trailing blank lines', randomFile(3, 33, 9, '\r\n') + '\r\n\r\n  \n\n'],
    ['byte order mark, tabs, a line longer than a read', '\uFEFF' + randomFile(4, 25, 40).replace(/ /g, '\t')],
  ])('%s: identical to the single-thread parse, with 2, 3 and 5 workers', async (_name, text) => {
    const bytes = encode(text);
    const expected = await single(bytes, 0);
    for (const parts of [2, 3, 5]) {
      const { result, fallbacks, tasks } = parallel(bytes, expected.rows, parts);
      const m = await result;
      expect(fallbacks).toEqual([]);
      expect(tasks.filter((t) => t.kind === 'parse').length).toBe(parts);
      expect(tasks.some((t) => t.direction === 'backward')).toBe(true);
      expect(m.values.buffer).toBeInstanceOf(SharedArrayBuffer);
      expect([m.rows, m.cols, m.lines]).toEqual([expected.rows, expected.cols, expected.lines]);
      expect(Buffer.from(m.values.buffer, m.values.byteOffset, m.values.byteLength).equals(Buffer.from(expected.values.buffer, expected.values.byteOffset, expected.values.byteLength))).toBe(true);
    }
  });

  it('names the right line for an error in the second half (and the first)', async () => {
    const lines = randomFile(6, 120, 6).split('\n');
    for (const [bad, fix] of [
      [100, (l: string) => l.replace(/ \S+$/, '')], // a value short
      [97, (l: string) => l.replace(/ /, ' 1.5x ')], // a bad token
      [118, (l: string) => `${l} 7`], // a value too many
      [103, () => ''], // a blank line in the middle
      [9, (l: string) => l.replace(/ /, ' nan ')], // in the first part
    ] as const) {
      const broken = lines.slice();
      broken[bad - 1] = fix(broken[bad - 1]!);
      const bytes = encode(broken.join('\n'));
      const message = await single(bytes, 120).then(
        () => 'no error',
        (error: Error) => error.message,
      );
      expect(message).toMatch(/^f\.txt, line \d+: /);
      for (const parts of [2, 4]) {
        const { result, fallbacks } = parallel(bytes, 120, parts);
        await expect(result).rejects.toThrow(message);
        // The first part's error is already the file's first; a later part's error is found again on one thread.
        expect(fallbacks.length).toBe(bad === 9 ? 0 : 1);
      }
    }
  });

  it('gives the single-thread result when the row hint is wrong or the file is odd', async () => {
    const text = randomFile(7, 50, 4) + '\n';
    for (const [body, rows] of [
      [text, 49],
      [text, 51],
      [text, 500],
      ['\n' + text, 50], // a leading blank line
      [text.replace('\n', '\n\n'), 50], // a blank line inside
    ] as const) {
      const bytes = encode(body);
      const expected = await single(bytes, rows).then(
        (m) => ({ rows: m.rows, cols: m.cols, lines: m.lines, values: Array.from(m.values) }),
        (error: Error) => error.message,
      );
      for (const parts of [2, 3]) {
        const got = await parallel(bytes, rows, parts).result.then(
          (m) => ({ rows: m.rows, cols: m.cols, lines: m.lines, values: Array.from(m.values) }),
          (error: Error) => error.message,
        );
        expect(got).toEqual(expected);
      }
    }
  });

  it('reports progress, and stops every part when cancelled', async () => {
    const bytes = encode(randomFile(8, 200, 6) + '\n');
    const seen: [number, number][] = [];
    const m = await parallel(bytes, 200, 2, { onProgress: (b, r) => seen.push([b, r]) }).result;
    expect(m.rows).toBe(200);
    expect(seen.at(-1)).toEqual([bytes.length, 200]);
    const controller = new AbortController();
    let reads = 0;
    const read = (into: Uint8Array, position: number) => {
      if (++reads === 30) controller.abort();
      const piece = bytes.subarray(position, position + into.length);
      into.set(piece);
      return piece.length;
    };
    const tasks: PartTask[] = [];
    const cancelled = parseFeatureFileParallel({
      file: 'f.txt', rows: 200, size: bytes.length, parts: 2, read, minPartBytes: 1, chunkBytes: 64, signal: controller.signal,
      runTask: (task, output) => {
        tasks.push(task);
        return runFeaturePart(task, output, read);
      },
    });
    await expect(cancelled).rejects.toThrow(/Cancelled/);
    expect(reads).toBeLessThan(40);
    expect(tasks.length).toBe(2);
  });

  it('stays on one thread for small files', async () => {
    const bytes = encode('1 2\n3 4\n');
    const { result, fallbacks, tasks } = parallel(bytes, 2, 2, { minPartBytes: 1 << 20 });
    expect(Array.from((await result).values)).toEqual([1, 2, 3, 4]);
    expect(tasks).toEqual([]);
    expect(fallbacks.length).toBe(1);
  });
});

describe('caller-supplied output', () => {
  it('writes rows in place from outputRow, and moves to its own array only when they do not fit', () => {
    const output = new Float32Array(10).fill(-1);
    const m = parseFeatureBytes(encode('1 2\n3 4\n'), { file: 'f.txt', columns: 2, output, outputRow: 1 });
    expect(Array.from(output)).toEqual([-1, -1, 1, 2, 3, 4, -1, -1, -1, -1]);
    expect(m.values.buffer).toBe(output.buffer);
    expect(Array.from(m.values)).toEqual([1, 2, 3, 4]);
    const small = new Float32Array(4);
    const grown = parseFeatureBytes(encode('1 2\n3 4\n5 6\n'), { file: 'f.txt', columns: 2, output: small, outputRow: 1 });
    expect(Array.from(grown.values)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(grown.values.buffer).not.toBe(small.buffer);
    expect(() => parseFeatureBytes(encode('1 2\n3 4\n5 6\n'), { file: 'f.txt', columns: 2, output: small, outputOnly: true })).toThrow(OutputFullError);
  });
});

describe('Node worker_threads host (src/cli/feature-workers.ts)', () => {
  it('parses a file on disk in workers exactly as on one thread, errors included', async () => {
    const { parseFeatureFileInWorkers } = await import('../../../src/cli/feature-workers.ts');
    const dir = mkdtempSync(path.join(os.tmpdir(), 'zsl-parse-'));
    try {
      const rng = createRng(9);
      const lines = Array.from({ length: 300 }, () => Array.from({ length: 20 }, () => randomDecimal(rng)).join(' '));
      const good = path.join(dir, 'good.txt');
      writeFileSync(good, lines.join('\n') + '\n');
      const expected = parseFeatureBytes(new Uint8Array(readFileSync(good)), { file: 'good.txt', rows: 300 });
      for (const workers of [2, 3]) {
        const fallbacks: string[] = [];
        const m = await parseFeatureFileInWorkers(good, { rows: 300, workers, minPartBytes: 1, chunkBytes: 4096, onFallback: (r) => fallbacks.push(r) });
        expect(fallbacks).toEqual([]);
        expect(m.values.buffer).toBeInstanceOf(SharedArrayBuffer);
        expect([m.rows, m.cols, m.lines]).toEqual([expected.rows, expected.cols, expected.lines]);
        expect(Array.from(m.values)).toEqual(Array.from(expected.values));
      }
      for (const bad of [5, 290]) {
        const broken = lines.slice();
        broken[bad - 1] = broken[bad - 1]!.replace(' ', ' 0x12 ');
        const file = path.join(dir, `bad-${bad}.txt`);
        writeFileSync(file, broken.join('\n'));
        const run = parseFeatureFileInWorkers(file, { rows: 300, workers: 2, minPartBytes: 1 });
        await expect(run).rejects.toThrow(`bad-${bad}.txt, line ${bad}: value 2 is "0x12"`);
        await expect(run).rejects.toBeInstanceOf(FeatureParseError);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
