/**
 * Read-ahead block reads (src/core/io/features/read-ahead.ts), the way the browser's
 * parse workers read their part of a File: every byte served equals the file's, each
 * block is fetched once and one ahead of use, few blocks are held, and the parallel
 * parse over such reads (block edges inside tokens, inside lines, lines longer than a
 * block) gives exactly the single-thread result and errors.
 */
import { describe, expect, it } from 'vitest';
import { parseFeatureStream } from '../../../src/core/io/features/feature-parser.ts';
import { parseFeatureFileParallel, runFeaturePart, type PartTask } from '../../../src/core/io/features/parallel-parse.ts';
import { blobRange, readAhead, type FetchRange } from '../../../src/core/io/features/read-ahead.ts';
import { createRng } from '../../../src/core/compute/rng.ts';
import { chunkedStream, encode } from './helpers/streams.ts';

/** A fetch over bytes in memory that records every call and how many fetched blocks are not yet dropped by the reader. */
function recordingFetch(bytes: Uint8Array) {
  const calls: Array<[number, number]> = [];
  const fetch: FetchRange = async (start, end) => {
    calls.push([start, end]);
    await Promise.resolve();
    return bytes.slice(start, end);
  };
  return { fetch, calls };
}

function text(seed: number, rows: number, cols: number): string {
  const rng = createRng(seed);
  return Array.from({ length: rows }, () =>
    Array.from({ length: cols }, () => {
      const x = (rng.next() - 0.2) * 10 ** (rng.int(10) - 6);
      return rng.next() < 0.5 ? x.toExponential(rng.int(7)) : x.toPrecision(1 + rng.int(8));
    }).join(' '),
  ).join('\n');
}

describe('read-ahead block reads', () => {
  const bytes = encode(text(1, 40, 9) + '\n');

  it('serves every byte of its range, going forward and backward, whatever the read size', async () => {
    for (const direction of ['forward', 'backward'] as const) {
      for (const [block, chunk] of [[7, 3], [64, 100], [1000, 64], [bytes.length, 17]] as const) {
        const start = 13;
        const end = bytes.length - 5;
        const { fetch, calls } = recordingFetch(bytes);
        const read = readAhead(fetch, { start, end, direction }, block);
        const got = new Uint8Array(end - start);
        const order = [];
        for (let p = start; p < end; p += chunk) order.push(p);
        if (direction === 'backward') order.reverse();
        for (const p of order) {
          const into = got.subarray(p - start, Math.min(end, p + chunk) - start);
          let done = 0;
          while (done < into.length) done += await read(into.subarray(done), p + done);
        }
        expect(Buffer.from(got).equals(Buffer.from(bytes.subarray(start, end)))).toBe(true);
        // Each block once, none outside the range, laid from the start (forward) or the end (backward).
        const keys = calls.map(([a, b]) => `${a}-${b}`);
        expect(new Set(keys).size).toBe(keys.length);
        expect(calls.length).toBe(Math.ceil((end - start) / block));
        for (const [a, b] of calls) {
          expect(a).toBeGreaterThanOrEqual(start);
          expect(b).toBeLessThanOrEqual(end);
          if (direction === 'forward') expect((a - start) % block).toBe(0);
          else expect((end - b) % block).toBe(0);
        }
      }
    }
  });

  it('fetches the next block before it is needed, and drops the ones passed', async () => {
    const starts: number[] = [];
    const fetch: FetchRange = async (start, end) => {
      starts.push(start);
      return bytes.slice(start, end);
    };
    const read = readAhead(fetch, { start: 0, end: 1000, direction: 'forward' }, 100);
    const into = new Uint8Array(10);
    await read(into, 0);
    // Block 0 for this read, block 1 already on its way.
    expect(starts).toEqual([0, 100]);
    await read(into, 105);
    expect(starts).toEqual([0, 100, 200]);
    // Block 0 is dropped once passed: reading it again fetches it again.
    await read(into, 5);
    expect(starts).toEqual([0, 100, 200, 0]);
    await read(into, 995);
    // A jump skips the blocks between: only the block read and nothing past the end.
    expect(starts).toEqual([0, 100, 200, 0, 900]);
    // Outside the range: fetched directly, exactly what was asked.
    const outside = new Uint8Array(4);
    expect(await read(outside, 1000)).toBe(4);
    expect(Array.from(outside)).toEqual(Array.from(bytes.subarray(1000, 1004)));
    expect(starts.at(-1)).toBe(1000);
  });

  it('refills the memory of dropped blocks instead of asking for new memory', async () => {
    for (const direction of ['forward', 'backward'] as const) {
      const given: Array<ArrayBufferLike | null> = [];
      const fetch: FetchRange = async (start, end, into) => {
        given.push(into?.buffer ?? null);
        const out = into ? into.subarray(0, end - start) : new Uint8Array(100);
        out.set(bytes.subarray(start, end));
        return out.subarray(0, end - start);
      };
      const read = readAhead(fetch, { start: 0, end: 1000, direction }, 100);
      const got = new Uint8Array(1000);
      const order = Array.from({ length: 50 }, (_, i) => i * 20);
      if (direction === 'backward') order.reverse();
      for (const p of order) {
        let done = 0;
        while (done < 20) done += await read(got.subarray(p + done, p + 20), p + done);
      }
      expect(Buffer.from(got).equals(Buffer.from(bytes.subarray(0, 1000)))).toBe(true);
      expect(given.length).toBe(10);
      // After the first blocks, every fetch reuses the memory of one dropped before: at most 3 buffers in all.
      expect(given.slice(4).every((b) => b !== null)).toBe(true);
      expect(new Set(given.filter((b) => b !== null)).size).toBeLessThanOrEqual(3);
    }
  });

  it('reads a Blob through blobRange, into given memory too', async () => {
    const blob = new Blob([bytes.slice()]);
    const memory = new Uint8Array(64);
    const filled = await blobRange(blob)(10, 60, memory);
    expect(Array.from(filled)).toEqual(Array.from(bytes.subarray(10, 60)));
  });

  it('reads a Blob through blobRange', async () => {
    const blob = new Blob([bytes.slice()]);
    const read = readAhead(blobRange(blob), { start: 0, end: bytes.length, direction: 'backward' }, 50);
    const into = new Uint8Array(30);
    // Up to the edge of its block (blocks of 50 laid from the end), then the rest from the next block.
    const first = await read(into, 120);
    expect(first).toBe(((bytes.length - 121) % 50) + 1);
    expect(first).toBeLessThan(30);
    expect(await read(into.subarray(first), 120 + first)).toBe(30 - first);
    expect(Array.from(into)).toEqual(Array.from(bytes.subarray(120, 150)));
  });

  it('a failed fetch fails the read, and one fetched ahead and never used stays quiet', async () => {
    const fetch: FetchRange = async (start) => {
      if (start >= 100) throw new Error('the file could not be read');
      return bytes.slice(start, start + 100);
    };
    const read = readAhead(fetch, { start: 0, end: 300, direction: 'forward' }, 100);
    expect(await read(new Uint8Array(10), 0)).toBe(10);
    await expect(read(new Uint8Array(10), 150)).rejects.toThrow('the file could not be read');
  });
});

describe('the parallel parse over read-ahead reads', () => {
  const single = (bytes: Uint8Array, rows: number) => parseFeatureStream(chunkedStream(bytes, 1 << 16), { file: 'f.txt', rows });

  function parallel(bytes: Uint8Array, rows: number, parts: number, block: number, chunk: number) {
    const fallbacks: string[] = [];
    const plain = (into: Uint8Array, position: number) => {
      const piece = bytes.subarray(position, position + into.length);
      into.set(piece);
      return piece.length;
    };
    const fetch: FetchRange = async (start, end) => bytes.slice(start, end);
    const result = parseFeatureFileParallel({
      file: 'f.txt', rows, size: bytes.length, parts, read: plain, minPartBytes: 1, chunkBytes: chunk, blockBytes: block,
      // As the browser's workers do: each task reads its own range through read-ahead blocks of the task's size.
      runTask: (task: PartTask, output) => runFeaturePart(task, output, readAhead(fetch, task, task.blockBytes)),
      onFallback: (reason) => fallbacks.push(reason),
    });
    return { result, fallbacks };
  }

  it('block edges inside tokens and lines, and lines longer than a block: identical to one thread', async () => {
    const bytes = encode(`${text(2, 60, 11)}\n`);
    const expected = await single(bytes, 60);
    const lineBytes = bytes.indexOf(10);
    for (const [block, chunk] of [[5, 64], [97, 32], [lineBytes - 1, 1000], [4096, 64]] as const) {
      for (const parts of [2, 3]) {
        const { result, fallbacks } = parallel(bytes, 60, parts, block, chunk);
        const m = await result;
        expect(fallbacks).toEqual([]);
        expect([m.rows, m.cols, m.lines]).toEqual([expected.rows, expected.cols, expected.lines]);
        expect(Buffer.from(m.values.buffer, m.values.byteOffset, m.values.byteLength).equals(Buffer.from(expected.values.buffer))).toBe(true);
      }
    }
  });

  it('an error in either part still names the file, its line and what was expected', async () => {
    const lines = text(3, 80, 6).split('\n');
    for (const [bad, fix, expected] of [
      [5, (l: string) => l.replace(' ', ' 4.5e- '), 'value 2 is "4.5e-"'],
      [77, (l: string) => l.replace(/ \S+$/, ''), 'expected 6 values, found 5'],
    ] as const) {
      const broken = lines.slice();
      broken[bad - 1] = fix(broken[bad - 1]!);
      const bytes = encode(broken.join('\n'));
      const message = await single(bytes, 80).then(() => 'no error', (error: Error) => error.message);
      expect(message).toContain(`f.txt, line ${bad}: `);
      expect(message).toContain(expected);
      for (const block of [7, 300]) await expect(parallel(bytes, 80, 2, block, 64).result).rejects.toThrow(message);
    }
  });
});
