/** The command line: argument parsing, and real runs of `npm run zsl` as a user types them. */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, test } from 'vitest';
import { parseArgs } from '../../src/cli/args.ts';

const run = promisify(execFile);
const zsl = (...args: string[]) => run('npx', ['tsx', 'src/cli/zsl.ts', ...args], { timeout: 120_000 });

describe('parseArgs', () => {
  test('reads a training command with its options', () => {
    const command = parseArgs(['train', 'demo', '--method', 'seed', '--epochs', '3', '--seed', '9', '--lr', '0.01', '--backend', 'cpu', '--json']);
    expect(command).toMatchObject({
      kind: 'train',
      source: 'demo',
      json: true,
      backend: 'cpu',
      config: { method: 'seed', epochs: 3, seed: 9, learningRate: 0.01, split: 'demo' },
    });
  });

  test('defaults the split to ps for a dataset path', () => {
    expect(parseArgs(['train', '/data/awa2'])).toMatchObject({ config: { split: 'ps' } });
  });

  test.each([
    [['frobnicate', 'demo'], /unknown command "frobnicate"/],
    [['train'], /needs a dataset/],
    [['train', 'demo', '--epochs'], /--epochs needs a value/],
    [['train', 'demo', '--epochs', 'many'], /--epochs expects a number, got "many"/],
    [['train', 'demo', '--backend', 'tpu'], /unknown backend "tpu"/],
    [['train', 'demo', '--method', 'magic'], /method.*expected one of/],
    [['train', 'demo', '--colour', 'red'], /unknown option --colour/],
  ])('rejects %j with a sentence', (argv, message) => {
    expect(() => parseArgs(argv)).toThrow(message);
  });
});

describe('npm run zsl', () => {
  test('train demo --json prints the protocol metrics as its last line', async () => {
    const { stdout } = await zsl('train', 'demo', '--method', 'seed', '--epochs', '2', '--hidden', '64', '--lr', '0.003', '--seed', '4', '--backend', 'cpu', '--json');
    const last = JSON.parse(stdout.trim().split('\n').at(-1)!);
    for (const key of ['method', 'split', 'backend', 'zsl_top1', 'zsl_top5', 'u', 's', 'h', 'seconds']) expect(last).toHaveProperty(key);
    expect(last).toMatchObject({ method: 'seed', split: 'demo', backend: 'cpu', epochs: 2, seed: 4 });
    expect(last.zsl_top1).toBeGreaterThan(2 * (100 / 8)); // percent; 8 unseen animals
    expect(last.zsl_top5).toBeGreaterThanOrEqual(last.zsl_top1);
  });

  test('trains on WebGPU under Node (Dawn on lavapipe)', async () => {
    const { stdout } = await zsl('train', 'demo', '--epochs', '1', '--hidden', '64', '--lr', '0.003', '--backend', 'webgpu', '--json');
    expect(JSON.parse(stdout.trim().split('\n').at(-1)!)).toMatchObject({ backend: 'webgpu' });
  });

  test('a bad option exits non-zero with one sentence and no stack trace', async () => {
    const error = (await zsl('train', 'demo', '--epochs', '0').catch((e: unknown) => e)) as { code: number; stderr: string };
    expect(error.code).toBe(1);
    expect(error.stderr.trim()).toBe('Error: variable "epochs": expected a whole number from 1 to 10000, got 0.');
  });

  test('--help lists the methods', async () => {
    const { stdout } = await zsl('--help');
    expect(stdout).toMatch(/--method <name>/);
    expect(stdout).toMatch(/seed\s+Seed/);
  });
});
