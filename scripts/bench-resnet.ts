/**
 * ResNet backbone speed: weights load time (read + build, a 170 MB ResNet-101
 * safetensors file with seeded random weights), first and later photo latency at
 * 224 px (decode + preprocess + forward) and extraction throughput in pictures
 * per second, per backend under Node (cpu, wasm; webgpu on Dawn when named), and
 * in headless Chromium through the production build (load the weights file, drop
 * photos, read the top 5) when --browser is given.
 *   npx tsx scripts/bench-resnet.ts [--depth 101|50|narrow] [--backends cpu,wasm] [--photos 4] [--extract 8]
 *     [--browser [--browser-backends webgpu,wasm] [--browser-limit 1200]]
 * --depth narrow: the 1-2-1-1 × 4 fixture-sized net, for a smoke run. --backends none: no Node rows.
 * --browser-limit: seconds each Chromium row may take in all; past it the row says so instead of waiting.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { decodePicture } from '../src/cli/node-images.ts';
import { nodeProbes } from '../src/cli/node-backends.ts';
import { loadResNet, resNetSpec, defaultPreprocessing } from '../src/core/backbones/resnet-backbone.ts';
import { selectBackend } from '../src/core/compute/backend.ts';
import { embedPicture } from '../src/core/demos/picture-dataset.ts';
import type { BackendName } from '../src/core/compute/backend-names.ts';
import { encodePng } from '../tests/e2e/png.ts';
import { randomResNetSafetensors } from '../tests/unit/helpers/random-resnet.ts';
import { median } from './bench-stats.ts';

const args = process.argv.slice(2);
const flag = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1]! : fallback;
};
const depth = flag('depth', '101');
const backends = flag('backends', 'cpu,wasm').split(',') as BackendName[];
const photos = Number(flag('photos', '4'));
const extract = Number(flag('extract', '8'));
const browserBackends = flag('browser-backends', 'webgpu,wasm').split(',');
/** Seconds each backend's Chromium row may take in all (SwiftShader WebGPU on a shared CPU can need many minutes a photo). */
const browserLimit = Number(flag('browser-limit', '1200'));
const BLOCKS: Record<string, { blocks: number[]; base: number }> = {
  '50': { blocks: [3, 4, 6, 3], base: 64 },
  '101': { blocks: [3, 4, 23, 3], base: 64 },
  narrow: { blocks: [1, 2, 1, 1], base: 4 },
};

/** A 640 × 480 photo-sized PNG (a smooth pattern, different per index). */
export function photoPng(i: number): Uint8Array {
  const [w, h] = [640, 480];
  const px = new Uint8ClampedArray(w * h * 4);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const k = (y * w + x) * 4;
      px[k] = (x + 3 * i) % 256;
      px[k + 1] = (y * 2 + 7 * i) % 256;
      px[k + 2] = ((x * y) >> 6) % 256;
      px[k + 3] = 255;
    }
  }
  return encodePng(px, w, h);
}

/**
 * The same architecture in Keras's layout as .h5, written by h5py (JavaScript has no HDF5 writer),
 * to time the .h5 reader (jsfive) at full size; null when Debian's python3-h5py is missing.
 */
function writeKerasH5(file: string): string | null {
  const script = `
import h5py, numpy as np, sys
blocks, base = ${JSON.stringify(blocks)}, ${base}
rng = np.random.default_rng(0)
names = []
def add(f, name, cin, cout, k):
    conv, bn = name + '_conv', name + '_bn'
    g = f.create_group(conv); g.attrs['weight_names'] = np.array([(conv + '/kernel:0').encode(), (conv + '/bias:0').encode()])
    g.create_dataset(conv + '/kernel:0', data=(rng.standard_normal((k, k, cin, cout), dtype=np.float32) * np.sqrt(2 / (cin * k * k))).astype(np.float32))
    g.create_dataset(conv + '/bias:0', data=np.zeros(cout, np.float32))
    g = f.create_group(bn); keys = ['gamma', 'beta', 'moving_mean', 'moving_variance']
    g.attrs['weight_names'] = np.array([(bn + '/' + key + ':0').encode() for key in keys])
    for key in keys: g.create_dataset(bn + '/' + key + ':0', data=(np.ones(cout) if key in ('gamma', 'moving_variance') else np.zeros(cout)).astype(np.float32))
    names.extend([conv, bn])
with h5py.File(sys.argv[1], 'w') as f:
    add(f, 'conv1', 3, base, 7); cin = base
    for s, count in enumerate(blocks):
        w = base * 2 ** s
        for b in range(count):
            name = 'conv%d_block%d' % (s + 2, b + 1)
            if b == 0: add(f, name + '_0', cin, 4 * w, 1)
            add(f, name + '_1', cin, w, 1); add(f, name + '_2', w, w, 3); add(f, name + '_3', w, 4 * w, 1); cin = 4 * w
    f.attrs['layer_names'] = np.array([n.encode() for n in names])
`;
  const result = spawnSync('/usr/bin/python3', ['-c', script, file], { encoding: 'utf8' });
  return result.status === 0 ? file : null;
}

const { blocks, base } = BLOCKS[depth] ?? BLOCKS['101']!;
const dir = mkdtempSync(path.join(tmpdir(), 'zsl-bench-resnet-'));
const weightsPath = path.join(dir, `resnet${depth}.safetensors`);
writeFileSync(weightsPath, randomResNetSafetensors(blocks, base));
const pictures = Array.from({ length: Math.max(photos, extract) }, (_, i) => photoPng(i));
const rows: string[] = [];
console.log(`ResNet-${depth} (torchvision layout, random weights), 224 px, photos 640 × 480 PNG; weights file ${weightsPath}`);
for (const name of backends.filter((b) => (b as string) !== 'none')) {
  const selected = await selectBackend(name, nodeProbes).catch((error: unknown) => ({ name: null, error }));
  if (!selected.name || selected.name !== name) {
    rows.push(`| ${name} | not available here | | | |`);
    continue;
  }
  const started = performance.now();
  const bytes = await readFile(weightsPath);
  const { model, info } = await loadResNet(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer, path.basename(weightsPath));
  const loadSeconds = (performance.now() - started) / 1000;
  const spec = resNetSpec(info, defaultPreprocessing(info.layout));
  const latency: number[] = [];
  for (let i = 0; i < photos; i++) {
    const t = performance.now();
    const p = decodePicture(pictures[i]!, 'photo.png');
    await embedPicture(model, spec, p.pixels, p.width, p.height);
    latency.push(performance.now() - t);
  }
  const t = performance.now();
  for (let i = 0; i < extract; i++) {
    const p = decodePicture(pictures[i]!, 'photo.png');
    await embedPicture(model, spec, p.pixels, p.width, p.height);
  }
  const perSecond = extract / ((performance.now() - t) / 1000);
  model.dispose();
  const later = latency.slice(1);
  rows.push(
    `| ${name} | ${loadSeconds.toFixed(1)} s | ${latency[0]!.toFixed(0)} ms | ${later.length ? `${median(later).toFixed(0)} ms` : '–'} | ${perSecond.toFixed(2)} |`,
  );
  console.log(rows.at(-1));
}
// The .h5 reader at the same size (parse only: the build that follows is the same as for safetensors).
const nodeRows = !backends.includes('none' as BackendName);
const h5 = nodeRows ? writeKerasH5(path.join(dir, `resnet${depth}.h5`)) : null;
if (h5) {
  const { kerasResNet } = await import('../src/core/backbones/keras-weights.ts');
  const bytes = await readFile(h5);
  const started = performance.now();
  kerasResNet(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer, path.basename(h5));
  console.log(`Keras .h5 (${(statSync(h5).size / 1e6).toFixed(0)} MB) read with jsfive: ${((performance.now() - started) / 1000).toFixed(1)} s`);
} else if (nodeRows) console.log('Keras .h5 read: skipped (python3-h5py is not installed; apt-get install python3-h5py adds it)');
if (rows.length) {
  console.log('\n| backend (Node) | weights load | first photo | later photos (median) | extraction (pictures/s) |');
  console.log('| --- | --- | --- | --- | --- |');
  for (const row of rows) console.log(row);
}
if (args.includes('--browser')) {
  const { browserBench } = await import('./bench-resnet-browser.ts');
  const ok = await browserBench({ dir, weightsPath, featureDim: base * 32, photos: pictures.slice(0, photos), backends: browserBackends, limitSeconds: browserLimit });
  if (!ok) process.exitCode = 1;
}
void tf;
