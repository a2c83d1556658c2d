/**
 * The command line's picture commands as a user types them: `embed` equals the
 * float64 torch reference forward of the same weights (committed fixtures),
 * `extract` writes the AwA2 text layout that `train` reads, and `predict --photo`
 * names the photo among the unseen classes; bad inputs get one sentence.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, test } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { parseArgs } from '../../src/cli/args.ts';
import { filesFromPath } from '../../src/cli/node-files.ts';
import { loadResNet, resNetSpec } from '../../src/core/backbones/resnet-backbone.ts';
import { extractionKey } from '../../src/core/io/image-folder-features.ts';
import { readImageFolder } from '../../src/core/io/image-folder.ts';
import { encodePng } from '../e2e/png.ts';
import { FIXTURES, fixtureFile, maxRelativeError, reference, testPicture } from './backbones/resnet-fixtures.ts';

const run = promisify(execFile);
const zsl = (...args: string[]) => run('npx', ['tsx', 'src/cli/zsl.ts', ...args], { timeout: 180_000, maxBuffer: 1 << 26 });
const fixture = (name: string) => fileURLToPath(new URL(name, FIXTURES));
const dir = mkdtempSync(path.join(tmpdir(), 'zsl-photo-'));
const square = path.join(dir, 'square.png');
writeFileSync(square, encodePng(testPicture(224, 224), 224, 224));
const lastJson = (stdout: string) => JSON.parse(stdout.trim().split('\n').at(-1)!) as Record<string, unknown>;

describe('parseArgs for pictures', () => {
  test('embed, predict --photo and extract', () => {
    expect(parseArgs(['embed', 'a.jpg', '--backbone', 'w.h5', '--preprocessing', 'torchvision', '--resize', 'center-crop', '--json'])).toEqual({
      kind: 'embed',
      photo: 'a.jpg',
      json: true,
      backbone: { path: 'w.h5', backend: 'auto', preprocessing: 'torchvision', resize: 'center-crop' },
    });
    expect(parseArgs(['predict', 'm.json', '--photo', 'a.jpg', '--backbone', 'w.safetensors', '--scope', 'all'])).toMatchObject({
      kind: 'predict',
      source: null,
      scope: 'all',
      photo: { photo: 'a.jpg', backbone: { path: 'w.safetensors' } },
    });
    expect(parseArgs(['extract', 'pics', '--backbone', 'w.h5', '--out', 'o'])).toMatchObject({ kind: 'extract', folder: 'pics', out: 'o' });
  });

  test.each([
    [['embed', 'a.jpg'], /embed needs --backbone <weights>/],
    [['embed', 'a.jpg', '--backbone', 'w.h5', '--preprocessing', 'vgg'], /--preprocessing expects caffe or torchvision, got "vgg"/],
    [['embed', 'a.jpg', '--backbone', 'w.h5', '--resize', 'fit'], /--resize expects stretch or center-crop/],
    [['extract', 'pics', '--backbone', 'w.h5'], /"extract" needs --out <folder>/],
    [['predict', 'm.json'], /"predict" needs a model file and a dataset or a photo/],
    [['predict', 'm.json', 'demo', '--backbone', 'w.h5'], /--backbone and its options go with --photo/],
  ])('rejects %j with a sentence', (argv, message) => {
    expect(() => parseArgs(argv)).toThrow(message);
  });
});

describe('npm run zsl -- embed', () => {
  test.each([
    ['keras.h5', 'keras', 'caffe', []],
    ['keras.h5', 'keras', 'torchvision', ['--preprocessing', 'torchvision']],
    ['torchvision.safetensors', 'torchvision', 'torchvision', []],
  ] as const)('%s (%s weights, %s preprocessing) equals the torch reference forward', async (file, weights, scaling, extra) => {
    const { stdout } = await zsl('embed', square, '--backbone', fixture(file), ...extra, '--backend', 'cpu', '--json');
    const out = lastJson(stdout) as { dim: number; feature: number[] };
    const expected = reference.outputs.find((o) => o.weights === weights && o.scaling === scaling && o.resize === 'stretch')!;
    expect(out.dim).toBe(128);
    expect(maxRelativeError(out.feature, expected.feature)).toBeLessThanOrEqual(1e-4);
  });

  test('a picture that is not one exits non-zero with one sentence', async () => {
    const bad = path.join(dir, 'broken.jpg');
    writeFileSync(bad, new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]));
    const error = (await zsl('embed', bad, '--backbone', fixture('keras.h5'), '--backend', 'cpu').catch((e: unknown) => e)) as { code: number; stderr: string };
    expect(error.code).toBe(1);
    expect(error.stderr.trim().split('\n').at(-1)).toMatch(/^Error: .*broken\.jpg: could not be decoded \(.*\); expected a JPEG or PNG picture\.$/);
  });

  test('weights that are not ResNet weights exit with a sentence naming what was expected', async () => {
    const notes = path.join(dir, 'notes.h5');
    writeFileSync(notes, 'just some text');
    const error = (await zsl('embed', square, '--backbone', notes, '--backend', 'cpu').catch((e: unknown) => e)) as { code: number; stderr: string };
    expect(error.code).toBe(1);
    expect(error.stderr).toMatch(/Error: notes\.h5: is neither HDF5 nor safetensors; expected Keras ResNet weights/);
  });
});

/** Six classes of two pictures each, the class side beside them (two classes unseen). */
function writePictureFolder(name = 'Pictures'): string {
  const root = path.join(dir, name);
  const classes = ['cat', 'dog', 'fox', 'owl', 'yak', 'emu'];
  const indexed = (names: string[]) => names.map((n, i) => `${String(i + 1).padStart(6)}\t${n}`).join('\n') + '\n';
  mkdirSync(root, { recursive: true });
  writeFileSync(path.join(root, 'classes.txt'), indexed(classes));
  writeFileSync(path.join(root, 'predicates.txt'), indexed(['red', 'green', 'blue', 'striped']));
  writeFileSync(path.join(root, 'predicate-matrix-continuous.txt'), classes.map((_, c) => [0, 1, 2, 3].map((a) => ((c * 7 + a * 13) % 10) * 10).join(' ')).join('\n'));
  writeFileSync(path.join(root, 'testclasses.txt'), 'owl\nemu\n');
  classes.forEach((name, c) => {
    mkdirSync(path.join(root, 'JPEGImages', name), { recursive: true });
    for (let k = 0; k < 2; k++) {
      const pixels = testPicture(40 + c * 8 + k, 48);
      writeFileSync(path.join(root, 'JPEGImages', name, `${name}_${10001 + k}.png`), encodePng(pixels, 40 + c * 8 + k, 48));
    }
  });
  return root;
}

describe('npm run zsl -- extract, then train and predict --photo', () => {
  test('writes the AwA2 text layout, which trains; a photo is named among the unseen classes', async () => {
    const folder = writePictureFolder();
    const out = path.join(dir, 'Extracted');
    const { stdout, stderr } = await zsl('extract', folder, '--backbone', fixture('torchvision.safetensors'), '--input-size', '64', '--out', out, '--backend', 'cpu', '--json');
    expect(stderr).toMatch(/Extracting features with the backbone \(12 of 12 pictures\): 100%/);
    expect(lastJson(stdout)).toMatchObject({ pictures: 12, resumed: 0, dim: 128 });
    const features = path.join(out, 'Features', 'ResNetblocks1211-torchvision-stretch');
    const rows = readFileSync(path.join(features, 'AwA2-features.txt'), 'utf8').trim().split('\n');
    expect(rows).toHaveLength(12);
    expect(rows[0]!.split(' ')).toHaveLength(128);
    expect(readFileSync(path.join(features, 'AwA2-labels.txt'), 'utf8')).toBe('1\n1\n2\n2\n3\n3\n4\n4\n5\n5\n6\n6\n');
    expect(readFileSync(path.join(features, 'AwA2-filenames.txt'), 'utf8').split('\n')[0]).toBe('cat_10001.png');
    expect(readFileSync(path.join(out, 'trainclasses.txt'), 'utf8')).toBe('cat\ndog\nfox\nyak\n');
    expect(existsSync(path.join(out, '.extraction'))).toBe(false);

    const model = path.join(dir, 'model.json');
    await zsl('train', out, '--split', 'ss', '--method', 'eszsl', '--backend', 'cpu', '--save', model, '--json');
    const photo = path.join(dir, 'photo.png');
    writeFileSync(photo, encodePng(testPicture(60, 48), 60, 48));
    const predicted = await zsl('predict', model, '--photo', photo, '--backbone', fixture('torchvision.safetensors'), '--input-size', '64', '--backend', 'cpu', '--json');
    const result = lastJson(predicted.stdout) as { top: Array<{ class: string; seen: boolean }> };
    expect(result.top.map((t) => t.class).sort()).toEqual(['emu', 'owl']);
    expect(result.top.every((t) => !t.seen)).toBe(true);
  });
});

test('extract resumes an interrupted run from what <out>/.extraction holds', async () => {
  await tf.setBackend('cpu');
  const folder = writePictureFolder('Resumed');
  const out = path.join(dir, 'ResumedOut');
  // An earlier run embedded the first 4 pictures (kept as the value 7 here, to tell them apart) and was stopped.
  const { model, info } = await loadResNet(fixtureFile('torchvision.safetensors'), 'torchvision.safetensors');
  model.dispose();
  const spec = resNetSpec(info, { scaling: 'torchvision', resize: 'stretch' }, 64);
  const job = await extractionKey(await readImageFolder(await filesFromPath(folder, { expandZip: false })), spec);
  mkdirSync(path.join(out, '.extraction'), { recursive: true });
  writeFileSync(path.join(out, '.extraction', 'features.f32'), new Uint8Array(new Float32Array(4 * 128).fill(7).buffer));
  writeFileSync(path.join(out, '.extraction', 'job.json'), JSON.stringify({ job, rows: 4, dim: 128 }));
  const { stdout, stderr } = await zsl('extract', folder, '--backbone', fixture('torchvision.safetensors'), '--input-size', '64', '--out', out, '--backend', 'cpu', '--json');
  expect(lastJson(stdout)).toMatchObject({ pictures: 12, resumed: 4 });
  expect(stderr).toMatch(/resuming: 4 of 12 pictures already embedded/);
  const rows = readFileSync(path.join(out, 'Features', 'ResNetblocks1211-torchvision-stretch', 'AwA2-features.txt'), 'utf8').trim().split('\n');
  expect(rows.slice(0, 4).every((r) => r.split(' ').every((v) => v === '7'))).toBe(true);
  expect(rows[4]!.split(' ').some((v) => v !== '7')).toBe(true);
  expect(existsSync(path.join(out, '.extraction'))).toBe(false);
});

test('embed with a tfjs model.json and the backbone.json beside it (the picture world\'s)', async () => {
  const spec = JSON.parse(readFileSync('public/backbones/picture-world/backbone.json', 'utf8')) as { outputDim: number; featureSourceNetwork: string };
  const { stdout } = await zsl('embed', square, '--backbone', 'public/backbones/picture-world/model.json', '--backend', 'cpu', '--json');
  const out = lastJson(stdout) as { dim: number; network: string; feature: number[] };
  expect(out).toMatchObject({ dim: spec.outputDim, network: spec.featureSourceNetwork });
  expect(out.feature.every(Number.isFinite)).toBe(true);
  const refused = (await zsl('embed', square, '--backbone', 'public/backbones/picture-world/model.json', '--preprocessing', 'caffe').catch((e: unknown) => e)) as { stderr: string };
  expect(refused.stderr).toMatch(/--preprocessing and --resize are for ResNet weights/);
});
