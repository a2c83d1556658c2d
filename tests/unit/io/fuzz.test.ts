/**
 * Hostile input for every parser: random truncation, flipped bytes, huge numbers,
 * very long lines and deep MAT nesting. Never a hang, never an uncaught or
 * unexplained exception: either a dataset or a ZslError naming the file.
 */
import { describe, expect, test } from 'vitest';
import { ZslError } from '../../../src/core/errors.ts';
import { buildDataset } from '../../../src/core/io/build-dataset.ts';
import { readMat5 } from '../../../src/core/io/mat5.ts';
import { createRng } from '../../../src/core/compute/rng.ts';
import { makeFixture, sourceFiles } from './helpers/fixtures.ts';
import { writeMat5, type WriteValue } from './helpers/mat5-writer.ts';

const fixture = makeFixture();
const TIME_LIMIT_MS = 5_000;

/** Builds the dataset and classifies the outcome; a hang fails the test. */
async function outcome(record: Record<string, Uint8Array>): Promise<'ok' | 'explained'> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${TIME_LIMIT_MS} ms`)), TIME_LIMIT_MS);
  });
  try {
    await Promise.race([buildDataset(sourceFiles(record, 4096)), hang]);
    return 'ok';
  } catch (error) {
    if (error instanceof ZslError && /\S+\.(txt|mat)/.test(error.message)) return 'explained';
    throw new Error(`unexplained failure: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
  } finally {
    clearTimeout(timer);
  }
}

type Mutation = (bytes: Uint8Array, rng: ReturnType<typeof createRng>) => Uint8Array;

const mutations: Record<string, Mutation> = {
  truncate: (bytes, rng) => bytes.subarray(0, rng.int(bytes.length)),
  'flip bytes': (bytes, rng) => {
    const out = bytes.slice();
    for (let k = 0; k < 1 + rng.int(8); k++) out[rng.int(out.length)] = rng.int(256);
    return out;
  },
  'huge number': (bytes, rng) => splice(bytes, rng.int(bytes.length), new TextEncoder().encode(' 1e999999 123456789012345678901234567890 ')),
  'very long line': (bytes, rng) => splice(bytes, rng.int(bytes.length), new TextEncoder().encode('9'.repeat(200_000))),
  'NUL bytes': (bytes, rng) => splice(bytes, rng.int(bytes.length), new Uint8Array(64)),
};

function splice(bytes: Uint8Array, at: number, insert: Uint8Array): Uint8Array {
  const out = new Uint8Array(bytes.length + insert.length);
  out.set(bytes.subarray(0, at));
  out.set(insert, at);
  out.set(bytes.subarray(at), at + insert.length);
  return out;
}

describe.each([
  ['the AwA2 text release', fixture.text],
  ['the xlsa17 release', fixture.xlsa],
])('fuzzing %s', (_, release) => {
  test.each(Object.keys(mutations))('%s: every file, 8 seeds each', async (name) => {
    const outcomes: string[] = [];
    for (const path of Object.keys(release)) {
      for (let seed = 0; seed < 8; seed++) {
        const rng = createRng(seed * 7919 + path.length);
        const mutated = { ...release, [path]: mutations[name]!(release[path]!, rng) };
        outcomes.push(await outcome(mutated));
      }
    }
    expect(outcomes.length).toBe(Object.keys(release).length * 8);
    // Most mutations must be caught: a fuzzer whose inputs all parse is not testing anything.
    expect(outcomes.filter((o) => o === 'explained').length).toBeGreaterThan(0);
  });
});

test('deeply nested cells in a MAT file are refused with a message, not a stack overflow', () => {
  let value: WriteValue = { kind: 'char', text: 'x' };
  for (let depth = 0; depth < 200; depth++) value = { kind: 'cell', dims: [1, 1], cells: [value] };
  const bytes = writeMat5({ allclasses_names: value });
  let error: unknown;
  try {
    readMat5(bytes, 'att_splits.mat');
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(ZslError);
  expect((error as ZslError).message).toMatch(/att_splits\.mat/);
});
