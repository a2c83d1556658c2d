/**
 * Chooses the CVAE's generation settings (attribute noise, synthetic features
 * per unseen class, the classifier's learning rate) on held-out SEEN classes
 * only: a fifth of the 40 seen classes of a synthetic AwA2 text release (the
 * real class side and proposed split, features synthesised from the real
 * attributes) play the unseen ones, every combination of the three grids is
 * fitted on the rest, and the best held-out ZSL top-1 wins. No test image, test
 * label or unseen class is read. Writes its table between the
 * `<!-- cvae-selection:start -->` and `<!-- cvae-selection:end -->` markers of
 * BENCHMARKS.md (or --out FILE, whole).
 *   npx tsx scripts/select-cvae-defaults.ts [--size test|small] [--backend wasm|cpu] [--out FILE]
 * `test` is the unit evidence test's release and CVAE settings (tests/unit/evidence.test.ts);
 * `small` is scripts/bench-methods.ts --size small's. Node only; imports the core, never the UI.
 */
import * as tf from '@tensorflow/tfjs';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { nodeProbes } from '../src/cli/node-backends.ts';
import { filesFromPath } from '../src/cli/node-files.ts';
import { selectBackend } from '../src/core/compute/backend.ts';
import type { BackendChoice } from '../src/core/compute/backend-names.ts';
import { makeTrainingView } from '../src/core/data/training-view.ts';
import { AWA2_IMAGES_PER_CLASS, scaleCounts } from '../src/core/data/synthetic-features.ts';
import { fitByTraining, selectByHoldout } from '../src/core/evaluation/calibration.ts';
import { buildDataset } from '../src/core/io/build-dataset.ts';
import { epochsOf, gridCandidates, METHOD_INFO, validateTrainConfig, type ParamValue } from '../src/core/methods/catalog.ts';
import { RUNNERS } from '../src/core/methods/registry.ts';
import { datasetForMethod } from '../src/core/training/train-and-evaluate.ts';
import { readRealClassSide, writeAwa2Release } from '../tests/unit/helpers/awa2-writer.ts';
import { evidenceConfig, type Overrides } from '../tests/unit/helpers/method-evidence.ts';

const SEARCHED = ['attributeNoise', 'syntheticPerClass', 'classifierLearningRate'];
const SIZES: Record<string, { perClass: number | null; scale: number; featureDim: number; overrides: Overrides }> = {
  test: {
    perClass: 30,
    scale: 0,
    featureDim: 64,
    overrides: { cvae: { epochs: 40, batchSize: 32, learningRate: 3e-3, hiddenUnits: 128, latentDim: 16, beta: 0.1, classifierEpochs: 15, attributes: 'dataset', semantics: 'zscore' } },
  },
  small: { perClass: null, scale: 0.05, featureDim: 256, overrides: { cvae: { epochs: 40, batchSize: 32, hiddenUnits: 256, attributes: 'dataset', semantics: 'zscore' } } },
};

const args = process.argv.slice(2);
const flag = (name: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const sizeName = flag('size') ?? 'test';
const size = SIZES[sizeName];
if (!size) throw new Error(`unknown --size "${sizeName}"; expected ${Object.keys(SIZES).join(' or ')}.`);
const backend = await selectBackend((flag('backend') ?? 'wasm') as BackendChoice, nodeProbes);
await tf.ready();
const started = performance.now();

const dir = mkdtempSync(path.join(os.tmpdir(), 'zsl-cvae-selection-'));
try {
  const classNames = readRealClassSide().classNames;
  const generator = { featureDim: size.featureDim, seed: 5, hidden: 64, classNoise: 0.9, imageNoise: 1 };
  writeAwa2Release(dir, size.perClass ? { imagesPerClass: size.perClass, ...generator } : { imagesPerClass: scaleCounts(classNames.map((n) => AWA2_IMAGES_PER_CLASS[n]!), size.scale, 5), ...generator });
  const { dataset } = await buildDataset(await filesFromPath(dir));
  const split = dataset.splits.find((s) => s.name === 'ps')!;
  const base = validateTrainConfig({ ...evidenceConfig('cvae', 'ps', size.overrides, 'none'), tune: SEARCHED });
  const view = makeTrainingView(datasetForMethod(dataset, base), split, { validationFraction: 0, seed: base.seed });
  const candidates = gridCandidates(base);
  console.log(`${candidates.length} combinations on ${view.numSeen} seen classes (${view.train.size} images), backend ${backend.name}`);
  const runner = RUNNERS.cvae;
  if (runner.family !== 'trained') throw new Error('cvae is expected to be a trained method.');
  const selection = await selectByHoldout(view, candidates, (sub, params, signal) => fitByTraining((v) => runner.createTrainer(v, params, base.seed), epochsOf(base))(sub, signal), {
    onProgress: (p) => process.stdout.write(`\r${p.phase}   `),
  });
  const seconds = (performance.now() - started) / 1000;
  const defaults = Object.fromEntries(METHOD_INFO.cvae.params.map((p) => [p.key, p.default]));
  const cell = (params: Record<string, ParamValue>) => SEARCHED.map((k) => String(params[k])).join(' | ');
  const rows = selection.scores.map((s) => `| ${cell(s.candidate)} | ${(100 * s.zslTop1).toFixed(1)} |${s.candidate === selection.best ? ' chosen' : ''}`);
  const command = `npx tsx scripts/select-cvae-defaults.ts --size ${sizeName} --backend ${backend.name}`;
  const block = `### CVAE settings chosen on held-out seen classes (--size ${sizeName})

\`${command}\` (${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, ${seconds.toFixed(0)} s): a synthetic AwA2 text
release (real class side and proposed split, ${view.train.size} training images of the 40 seen classes, ${size.featureDim}-d
features); 8 of the 40 seen classes held out as "unseen" (calibration.ts makeClassHoldout), every combination fitted
on the other 32 and scored by per-class ZSL top-1 among the 8. No test image, test label or unseen class is read.
Other settings: catalogue defaults, except ${JSON.stringify(size.overrides.cvae)}.

| ${SEARCHED.join(' | ')} | held-out ZSL top-1 | |
| ---: | ---: | ---: | ---: | --- |
${rows.join('\n')}

Chosen: ${SEARCHED.map((k) => `${k} ${selection.best[k]}`).join(', ')}; the catalogue's defaults are ${SEARCHED.map((k) => `${k} ${defaults[k]}`).join(', ')}.
`;
  console.log(`\n${block}`);
  const out = flag('out');
  if (out) writeFileSync(out, block);
  else {
    const START = `<!-- cvae-selection-${sizeName}:start -->`;
    const END = `<!-- cvae-selection-${sizeName}:end -->`;
    const text = readFileSync('BENCHMARKS.md', 'utf8');
    const start = text.indexOf(START);
    const end = text.indexOf(END);
    const next = start >= 0 && end > start ? `${text.slice(0, start + START.length)}\n${block}${text.slice(end)}` : `${text.trimEnd()}\n\n${START}\n${block}${END}\n`;
    writeFileSync('BENCHMARKS.md', next);
    console.log('Wrote its section of BENCHMARKS.md.');
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
