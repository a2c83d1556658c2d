/** The command line: argument parsing, and real runs of `npm run zsl` as a user types them. */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { zipSync } from 'fflate';
import { makeFixture, PER_CLASS } from './io/helpers/fixtures.ts';
import { genericRelease } from './io/helpers/generic-release.ts';
import { shapedRelease } from './helpers/xlsa17-shaped.ts';
import { describe, expect, test } from 'vitest';
import { parseArgs } from '../../src/cli/args.ts';

const run = promisify(execFile);
const zsl = (...args: string[]) => run('npx', ['tsx', 'src/cli/zsl.ts', ...args], { timeout: 120_000 });

describe('parseArgs', () => {
  test('reads a training command with its options', () => {
    const command = parseArgs(['train', 'demo', '--method', 'semantic-mlp', '--epochs', '3', '--seed', '9', '--lr', '0.01', '--backend', 'cpu', '--json']);
    expect(command).toMatchObject({
      kind: 'train',
      source: 'demo',
      json: true,
      backend: 'cpu',
      config: { method: 'semantic-mlp', seed: 9, split: 'demo', params: { epochs: 3, learningRate: 0.01 } },
    });
    // The method's old id, from before it was renamed, still names it.
    expect(parseArgs(['train', 'demo', '--method', 'seed', '--epochs', '3'])).toMatchObject({ config: { method: 'semantic-mlp', params: { epochs: 3 } } });
  });

  test('takes the class semantics by name, the method’s protocol by default, and holds nothing out by default', () => {
    expect(parseArgs(['train', '/data/cub', '--method', 'eszsl'])).toMatchObject({ config: { semantics: 'protocol', validationFraction: 0 } });
    expect(parseArgs(['train', '/data/cub', '--method', 'eszsl', '--semantics', 'original_att'])).toMatchObject({ config: { semantics: 'original_att' } });
    expect(() => parseArgs(['train', 'demo', '--semantics', 'word2vec'])).toThrow(/--semantics expects protocol, att, original_att, zscore, binary, loaded, got "word2vec"/);
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
    [['train', 'demo', '--method', 'magic'], /unknown method "magic"/],
    [['train', 'demo', '--margin', '2'], /--margin is not a setting of semantic-mlp/],
    [['train', 'demo', '--colour', 'red'], /unknown option --colour/],
  ])('rejects %j with a sentence', (argv, message) => {
    expect(() => parseArgs(argv)).toThrow(message);
  });
});

describe('npm run zsl', () => {
  test('train demo --json prints the protocol metrics as its last line', async () => {
    const { stdout } = await zsl('train', 'demo', '--method', 'semantic-mlp', '--epochs', '2', '--hidden', '64', '--lr', '0.003', '--seed', '4', '--backend', 'cpu', '--json');
    const last = JSON.parse(stdout.trim().split('\n').at(-1)!);
    for (const key of ['method', 'split', 'backend', 'zsl_top1', 'zsl_top5', 'u', 's', 'h', 'seconds']) expect(last).toHaveProperty(key);
    expect(last).toMatchObject({ method: 'semantic-mlp', split: 'demo', backend: 'cpu', epochs: 2, seed: 4 });
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
    for (const method of ['semantic-mlp', 'eszsl', 'sae', 'devise', 'ale', 'sje', 'cvae']) expect(stdout).toMatch(new RegExp(`^  ${method}\\s`, 'm'));
  });
});

describe('npm run zsl on release files', () => {
  const fixture = makeFixture();
  const root = mkdtempSync(path.join(tmpdir(), 'zsl-cli-'));
  for (const [relative, bytes] of Object.entries(fixture.text)) {
    mkdirSync(path.dirname(path.join(root, relative)), { recursive: true });
    writeFileSync(path.join(root, relative), bytes);
  }
  const zip = path.join(root, 'release.zip');
  writeFileSync(zip, zipSync(fixture.text));
  const folder = path.join(root, Object.keys(fixture.text)[0]!.split('/')[0]!);

  test.each([['folder', folder], ['zip', zip]])('inspect reads a %s of the AwA2 text release', async (_, target) => {
    const { stdout } = await zsl('inspect', target, '--json');
    const result = JSON.parse(stdout.trim().split('\n').at(-1)!);
    expect(result).toMatchObject({ layout: 'awa2-text', images: fixture.labels.length, feature_dim: 16, classes: 6, attributes: 5 });
    expect(result.splits.ss).toEqual({ train: 4 * PER_CLASS, test: 2 * PER_CLASS });
    expect(result.splits.ps.test_unseen).toBe(2 * PER_CLASS);
  });

  test('inspect --full reads every value: a bad value on the last line is reported with its line; quick mode says it only checked the layout', async () => {
    const broken = mkdtempSync(path.join(tmpdir(), 'zsl-cli-last-'));
    let lines = 0;
    for (const [relative, bytes] of Object.entries(fixture.text)) {
      mkdirSync(path.dirname(path.join(broken, relative)), { recursive: true });
      let text: string | null = null;
      if (relative.endsWith('-features.txt')) {
        const rows = new TextDecoder().decode(bytes).trimEnd().split('\n');
        lines = rows.length;
        rows[lines - 1] = rows[lines - 1]!.replace(/ \S+$/, ' 0.5.1');
        text = `${rows.join('\n')}\n`;
      }
      writeFileSync(path.join(broken, relative), text ?? bytes);
    }
    const quick = await zsl('inspect', broken, '--json');
    expect(JSON.parse(quick.stdout.trim().split('\n').at(-1)!)).toMatchObject({ checked: 'layout', feature_dim: 16 });
    expect(quick.stderr).toMatch(/first line only; --full reads every value/);
    const error = (await zsl('inspect', broken, '--full', '--json').catch((e: unknown) => e)) as { code: number; stderr: string };
    expect(error.code).toBe(1);
    expect(error.stderr.trim()).toBe(`Error: AwA2-features.txt, line ${lines}: value 16 is "0.5.1"; expected a decimal number such as 0.4512 or 1.5e-03.`);
    const good = await zsl('inspect', folder, '--full', '--json');
    expect(JSON.parse(good.stdout.trim().split('\n').at(-1)!)).toMatchObject({ checked: 'every value', images: fixture.labels.length });
  });

  test('train reads the release with --split ss', async () => {
    const { stdout } = await zsl('train', folder, '--split', 'ss', '--epochs', '1', '--hidden', '16', '--batch-size', '8', '--backend', 'cpu', '--json');
    expect(JSON.parse(stdout.trim().split('\n').at(-1)!)).toMatchObject({ split: 'ss', backend: 'cpu' });
  });

  test('training the proposed split on train_loc is refused, with the reason', async () => {
    const error = (await zsl('train', folder, '--ps-training', 'train_loc', '--backend', 'cpu').catch((e: unknown) => e)) as { code: number; stderr: string };
    expect(error.code).toBe(1);
    expect(error.stderr).toMatch(/att_splits\.mat, variable "train_loc": train_loc and val_loc cannot be used to train a GZSL model: they overlap test_seen_loc/);
  });

  test('a malformed release exits non-zero with the same clear message', async () => {
    const broken = mkdtempSync(path.join(tmpdir(), 'zsl-cli-bad-'));
    for (const [relative, bytes] of Object.entries(fixture.text)) {
      mkdirSync(path.dirname(path.join(broken, relative)), { recursive: true });
      const text = relative.endsWith('-labels.txt') ? new TextDecoder().decode(bytes).replace(/^1$/m, '51') : null;
      writeFileSync(path.join(broken, relative), text ?? bytes);
    }
    const error = (await zsl('inspect', broken, '--json').catch((e: unknown) => e)) as { code: number; stderr: string };
    expect(error.code).toBe(1);
    expect(error.stderr).toMatch(/^Error: AwA2-labels\.txt, line \d+: .*51/m);
    expect(error.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('npm run zsl on the generic layout and on xlsa17 folders', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'zsl-cli-generic-'));
  const write = (files: Record<string, Uint8Array>) => {
    for (const [relative, bytes] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(root, relative)), { recursive: true });
      writeFileSync(path.join(root, relative), bytes);
    }
  };
  write(genericRelease('my-dataset/').files);

  test('trains ESZSL on a small .npy dataset, on its given split, with att built from the table', async () => {
    const { stdout } = await zsl('train', path.join(root, 'my-dataset'), '--method', 'eszsl', '--backend', 'cpu', '--json');
    const last = JSON.parse(stdout.trim().split('\n').at(-1)!);
    expect(last).toMatchObject({ dataset: '6 classes × 4 attributes (own features)', benchmark: null, split: 'given', semantics: 'att', held_out_for_curves: 0 });
    expect(last.zsl_top1).toBeGreaterThan(90);
  });

  test('a CUB-shaped xlsa17 folder is named CUB and trained on att, all of trainval_loc', async () => {
    const release = shapedRelease('CUB');
    const files: Record<string, Uint8Array> = {};
    for (const file of release.files) files[file.path] = new Uint8Array(await new Response(file.stream()).arrayBuffer());
    write(files);
    const { stdout } = await zsl('train', path.join(root, 'xlsa17/data/CUB'), '--method', 'eszsl', '--backend', 'cpu', '--json');
    const last = JSON.parse(stdout.trim().split('\n').at(-1)!);
    expect(last).toMatchObject({ dataset: 'CUB (xlsa17 release)', benchmark: 'CUB', split: 'ps', semantics: 'att', held_out_for_curves: 0 });
    const other = await zsl('train', path.join(root, 'xlsa17/data/CUB'), '--method', 'eszsl', '--semantics', 'zscore', '--backend', 'cpu', '--json');
    expect(JSON.parse(other.stdout.trim().split('\n').at(-1)!)).toMatchObject({ semantics: 'zscore' });
  });
});

describe('every method from the command line', () => {
  test.each([
    ['eszsl', []],
    ['sae', ['--lambda', '100']],
    ['devise', ['--epochs', '2', '--lr', '0.01']],
    ['ale', ['--epochs', '2', '--lr', '0.01']],
    ['sje', ['--epochs', '2', '--lr', '0.01']],
    ['cvae', ['--epochs', '3', '--hidden', '32', '--latent', '8', '--lr', '0.003', '--beta', '0.1', '--synthetic', '50', '--classifier-epochs', '5']],
  ])('%s trains on the demo, calibrated, and reports its settings', async (method, extra) => {
    const { stdout } = await zsl('train', 'demo', '--method', method, ...extra, '--calibrate', '--backend', 'cpu', '--json');
    const last = JSON.parse(stdout.trim().split('\n').at(-1)!);
    expect(last).toMatchObject({ method, calibration: 'holdout', backend: 'cpu' });
    expect(last.zsl_top1).toBeGreaterThan(100 / 8);
    expect(typeof last.gamma).toBe('number');
    expect(last.attributes).toBe('l2');
  });
});

test('--tune chooses settings on held-out seen classes and reports them', async () => {
  const { stdout, stderr } = await zsl('train', 'demo', '--method', 'eszsl', '--tune', 'featureReg,attributeReg', '--backend', 'cpu', '--json');
  const last = JSON.parse(stdout.trim().split('\n').at(-1)!);
  expect(last.tuned).toEqual(['featureReg', 'attributeReg']);
  expect([1e1, 1e2, 1e3, 1e4]).toContain(last.feature_reg);
  expect([0.1, 1, 10]).toContain(last.attribute_reg);
  expect(stderr.match(/held-out ZSL top-1/g)).toHaveLength(12); // 4 × 3 combinations
  await expect(zsl('train', 'demo', '--method', 'eszsl', '--tune', 'attributes')).rejects.toMatchObject({
    stderr: expect.stringMatching(/variable "tune": expected settings of eszsl that can be searched \(featureReg, attributeReg\)/),
  });
});
