/** The text feature parser: numeric correctness, chunking, layout quirks, parallel parts. */
import { describe, expect, it } from 'vitest';
import { FeatureParser, parseFeatureBytes, parseFeatureStream } from '../../../src/core/io/feature-parser.ts';
import { joinFeatureParts, splitAtNewlines, type PartResult } from '../../../src/core/io/feature-ranges.ts';
import { createRng } from '../../../src/core/rng.ts';
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
    for (const options of [{ rows: 500 }, { rows: 10 }, {}, { bytesTotal: 100 }]) {
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
