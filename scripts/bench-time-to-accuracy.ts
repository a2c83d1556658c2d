/**
 * Time to the seed's accuracy level: how long each method trains before it
 * recognises unseen images as well as the seed notebook reported (top-1 about 0.32
 * on AwA2's unseen test images with all 50 classes as candidates), and, when
 * Debian's python3-torch is importable, how long the seed's own PyTorch training
 * takes to get there on the SAME data in the same run.
 *
 * The data: the real AwA2 class side (classes, z-scored continuous attributes, the
 * proposed split's 40 seen / 10 unseen classes, AwA2's image count per class) with
 * features synthesised from the attributes (src/core/data/synthetic-features.ts, the
 * generator of the accuracy evidence). 20 % of every seen class is held out as
 * test-seen (splitFromClasses, the app's rule for class-list splits). At --scale 1
 * --dim 2048 it has AwA2's shapes.
 *
 * The measure: u, the per-class accuracy on unseen test images with all 50 classes
 * as candidates, uncalibrated: the seed's own evaluation, made per class. Every
 * method trains epoch by epoch with its catalogue defaults; the clock runs only
 * while training (the evaluations at the checks are not counted), except for
 * models that train a classifier when asked to classify (the generative method's
 * prepareClasses): that work is training, so the check that reaches the level
 * counts it (earlier checks' classifiers are thrown away, as they would not be
 * trained by someone who stops at that epoch). The
 * PyTorch reference is timed the same way. Closed forms count their solve.
 *
 *   npx tsx scripts/bench-time-to-accuracy.ts [--scale 1] [--dim 2048] [--backend wasm]
 *       [--methods semantic-mlp,eszsl,sae,devise,ale,sje,cvae] [--level 0.32] [--max-epochs N]
 *       [--checks 8] [--budget 600] [--no-torch] [--torch-threads 1] [--json FILE]
 * --checks: evaluations per epoch (at AwA2's size the seed passes the level within its first epoch);
 * --budget: training seconds after which a method that has not reached the level is given up on.
 * Node only; imports the core and the CLI's backend adapters, never the UI.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { nodeProbes } from '../src/cli/node-backends.ts';
import { selectBackend } from '../src/core/compute/backend.ts';
import type { BackendChoice } from '../src/core/compute/backend-names.ts';
import { createDataset, type Split, type ZslDataset } from '../src/core/data/dataset.ts';
import { evaluateModel } from '../src/core/evaluation/evaluate.ts';
import { defaultConfig, epochsOf, METHOD_NAMES, type MethodName } from '../src/core/methods/catalog.ts';
import { RUNNERS } from '../src/core/methods/registry.ts';
import type { ZslModel } from '../src/core/methods/types.ts';
import { splitFromClasses } from '../src/core/data/holdout-split.ts';
import { parseNameList, resolveClasses } from '../src/core/io/text-lists.ts';
import { datasetForMethod } from '../src/core/training/train-and-evaluate.ts';
import { zscoreColumns } from '../src/core/data/semantic.ts';
import { AWA2_IMAGES_PER_CLASS, scaleCounts, synthesiseFeatures } from '../src/core/data/synthetic-features.ts';
import { makeTrainingView } from '../src/core/data/training-view.ts';
import { createSemanticMlpTrainer } from '../src/core/methods/semantic-mlp.ts';
import { readRealClassSide, SHARED_AWA2 } from '../tests/unit/helpers/awa2-writer.ts';
import { median } from './bench-stats.ts';

const args = process.argv.slice(2);
const flag = (name: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const scale = Number(flag('scale') ?? 1);
const featureDim = Number(flag('dim') ?? 2048);
const level = Number(flag('level') ?? 0.32);
const maxEpochs = flag('max-epochs') ? Number(flag('max-epochs')) : undefined;
const checksPerEpoch = Number(flag('checks') ?? 8);
/** Training seconds after which a method that has not reached the level is given up on. */
const budgetS = Number(flag('budget') ?? 600);
const methods = (flag('methods') ?? METHOD_NAMES.join(',')).split(',') as MethodName[];
/**
 * PyTorch's threads: by default as many as tfjs trains on here (the WASM backend in
 * Node runs one thread; see README, "Threads"), the "same thread count".
 */
const torchThreads = Number(flag('torch-threads') ?? 1);
const seed = 1;

export interface TimeToLevelRow {
  method: string;
  where: string;
  /** Training seconds until u first reached the level (null: not within the epochs run). */
  secondsToLevel: number | null;
  /** Epochs (fractional: checks fall within epochs) at the check that reached the level. */
  epochToLevel: number | null;
  epochsRun: number;
  /** u at each check (one value for a closed form). */
  curve: number[];
  trainSeconds: number;
}

/** The synthetic release on the real class side, with the proposed split (see the header). */
function buildData(): { dataset: ZslDataset; split: Split } {
  const side = readRealClassSide();
  const numClasses = side.classNames.length;
  const numAttributes = side.attributeNames.length;
  const classAttributes = zscoreColumns(side.continuous, numClasses, numAttributes);
  const counts = scaleCounts(side.classNames.map((n) => AWA2_IMAGES_PER_CLASS[n]!), scale, 5);
  const { features, labels } = synthesiseFeatures({
    classAttributes, numClasses, numAttributes, imagesPerClass: counts, featureDim, seed: 5, hidden: 64, classNoise: 0.9, imageNoise: 1,
  });
  // The proposed split's class lists, read and resolved by the app's own parsers; 20 % of each
  // seen class held out as test-seen, as the app does for class-list splits.
  const classes = (file: string) =>
    resolveClasses(parseNameList(readFileSync(path.join(SHARED_AWA2, file)), file), side.classNames, file);
  const split = splitFromClasses('ps', 'proposed split', classes('trainvalclasses-proposed.txt'), classes('testclasses-proposed.txt'), labels);
  const dataset = createDataset({
    id: 'bench-time-to-accuracy',
    name: 'synthetic AwA2 (real class side)',
    featureDim,
    features,
    labels,
    classNames: side.classNames,
    attributeNames: side.attributeNames,
    classAttributes,
    splits: [split],
    featureSource: { kind: 'synthetic', network: 'bench generator' },
  });
  return { dataset, split };
}

async function unseenAccuracy(model: ZslModel, dataset: ZslDataset, split: Split): Promise<number> {
  return (await evaluateModel(model, dataset, split)).u;
}

async function timeMethod(method: MethodName, data: ZslDataset, split: Split, where: string): Promise<TimeToLevelRow> {
  const config = defaultConfig(method, 'ps');
  const dataset = datasetForMethod(data, config);
  const view = makeTrainingView(dataset, split, { validationFraction: 0, seed });
  const runner = RUNNERS[method];
  const row: TimeToLevelRow = { method, where, secondsToLevel: null, epochToLevel: null, epochsRun: 0, curve: [], trainSeconds: 0 };
  if (runner.family === 'closed-form') {
    const started = performance.now();
    const model = await runner.fit(view, config.params, {});
    row.trainSeconds = (performance.now() - started) / 1000;
    const u = await unseenAccuracy(model, dataset, split);
    row.curve.push(u);
    row.epochsRun = 1;
    if (u >= level) [row.secondsToLevel, row.epochToLevel] = [row.trainSeconds, 1];
    model.dispose();
    return row;
  }
  const trainer = runner.createTrainer(view, config.params, seed);
  const epochs = maxEpochs ?? epochsOf(config);
  // A generative model trains its classifier at every check: it is checked once an epoch.
  const countsEvaluation = typeof trainer.model.prepareClasses === 'function';
  const checkEvery = Math.ceil(trainer.stepsPerEpoch / (countsEvaluation ? 1 : checksPerEpoch));
  training: for (let epoch = 1; epoch <= epochs; epoch++) {
    trainer.beginEpoch(epoch);
    let started = performance.now();
    const losses: tf.Scalar[] = [];
    for (let s = 1; s <= trainer.stepsPerEpoch; s++) {
      losses.push(trainer.step());
      const check = s % checkEvery === 0 || s === trainer.stepsPerEpoch;
      if (losses.length === 16 || check) {
        await tf.stack(losses).data(); // waits for the device; keeps the queue short, as the app's loop does
        tf.dispose(losses.splice(0));
      }
      if (!check) continue;
      trainer.settle?.(); // a trainer that keeps its weights elsewhere hands them to the model: training time
      row.trainSeconds += (performance.now() - started) / 1000;
      const evaluated = performance.now();
      const u = await unseenAccuracy(trainer.model, dataset, split);
      // A model that trains its classifier when asked to classify would pay for that once, after
      // its last epoch: this check's classifier counts, earlier checks' do not.
      const finishing = countsEvaluation ? (performance.now() - evaluated) / 1000 : 0;
      const at = epoch - 1 + s / trainer.stepsPerEpoch;
      row.curve.push(u);
      row.epochsRun = at;
      console.log(`  ${method} (${where}) epoch ${at.toFixed(2)}: u ${(100 * u).toFixed(1)} %, ${(row.trainSeconds + finishing).toFixed(1)} s of training`);
      if (u >= level) {
        row.trainSeconds += finishing;
        [row.secondsToLevel, row.epochToLevel] = [row.trainSeconds, at];
        break training;
      }
      if (row.trainSeconds > budgetS) {
        console.log(`  ${method}: level not reached within the --budget of ${budgetS} s; stopping`);
        break training;
      }
      started = performance.now();
    }
  }
  trainer.dispose();
  trainer.model.dispose();
  return row;
}

/** The seed notebook's training in PyTorch on the same arrays, evaluated the same way after every epoch. */
const TORCH_SEED = `
import sys, time, json, numpy as np, torch
d, level, epochs, checks, threads = sys.argv[1], float(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
torch.set_num_threads(threads)
meta = json.load(open(d + '/meta.json'))
N, D, A, C = meta['n'], meta['d'], meta['a'], meta['c']
X = torch.from_numpy(np.fromfile(d + '/features.f32', dtype=np.float32).reshape(N, D))
y = torch.from_numpy(np.fromfile(d + '/labels.i32', dtype=np.int32).astype(np.int64))
S = torch.from_numpy(np.fromfile(d + '/attributes.f32', dtype=np.float32).reshape(C, A))
train = torch.tensor(meta['train'], dtype=torch.int64)
unseen_idx = torch.tensor(meta['testUnseen'], dtype=torch.int64)
seen = torch.tensor(meta['seen'], dtype=torch.int64)
torch.manual_seed(1)
net = torch.nn.Sequential(torch.nn.Dropout(0.3), torch.nn.Linear(A, 1024), torch.nn.ReLU(), torch.nn.Dropout(0.5), torch.nn.Linear(1024, D), torch.nn.ReLU())
opt = torch.optim.AdamW(net.parameters(), lr=1e-4, weight_decay=9e-5)
B = 64
Xtr, ytr = X[train], y[train]
def u_accuracy():
    net.eval()
    with torch.no_grad():
        protos = net(S)
        xu, yu = X[unseen_idx], y[unseen_idx]
        pred = torch.cdist(xu, protos).argmin(1)
        accs = [(pred[yu == c] == c).float().mean().item() for c in yu.unique()]
    net.train()
    return sum(accs) / len(accs)
total, done = 0.0, False
steps = (len(train) + B - 1) // B
check_every = (steps + checks - 1) // checks
for epoch in range(1, epochs + 1):
    t = time.perf_counter()
    order = torch.randperm(len(train))
    for s in range(1, steps + 1):
        idx = order[(s - 1) * B:s * B]
        loss = torch.nn.functional.mse_loss(net(S[ytr[idx]]), Xtr[idx])
        opt.zero_grad(); loss.backward()
        torch.nn.utils.clip_grad_value_(net.parameters(), 5); opt.step()
        if s % check_every and s != steps:
            continue
        total += time.perf_counter() - t
        u = u_accuracy()
        print(json.dumps({'epoch': epoch - 1 + s / steps, 'u': u, 'seconds': total}), flush=True)
        if u >= level:
            done = True
            break
        t = time.perf_counter()
    if done:
        break
# The step's floor: the three 64 x 1024 x 2048 products of the output layer (forward, input gradient, weight gradient).
h, w, g = torch.randn(B, 1024), torch.randn(1024, D), torch.randn(B, D)
times = []
with torch.no_grad():
    for r in range(25):
        t = time.perf_counter(); h @ w; g @ w.T; h.T @ g; times.append(time.perf_counter() - t)
print(json.dumps({'productsMs': 1000 * sorted(times[5:])[len(times[5:]) // 2], 'steps': (epoch - 1) * steps + s, 'seconds': total}))
print(f"torch {torch.__version__}, {torch.get_num_threads()} thread{'s' if torch.get_num_threads() != 1 else ''}")
`;

/** The PyTorch seed's mean step and its three output-layer products, from its run. */
let torchStep: { stepMs: number; productsMs: number } | null = null;

/**
 * The three products of the semantic MLP's output layer at batch 64 (forward, input
 * gradient, weight gradient), as the dense layer of the tfjs-ops path runs them on
 * this backend (the kernel on the left), and that path's whole step: what the fused
 * step (methods/semantic-mlp-fused.ts) replaces, measured in the same run.
 */
function opsPathMs(dataset: ZslDataset, split: Split): { productsMs: number; stepMs: number } {
  const [h, w, wT, g] = [tf.randomNormal([64, 1024]), tf.randomNormal([1024, featureDim]), tf.randomNormal([featureDim, 1024]), tf.randomNormal([64, featureDim])];
  const times: number[] = [];
  for (let r = 0; r < 25; r++) {
    const t = performance.now();
    tf.tidy(() => [tf.matMul(wT, h, false, true), tf.matMul(w, g, false, true), tf.matMul(h, g, true, false)].forEach((x) => x.dataSync()));
    times.push(performance.now() - t);
  }
  tf.dispose([h, w, wT, g]);
  const config = defaultConfig('semantic-mlp', 'ps');
  const view = makeTrainingView(datasetForMethod(dataset, config), split, { validationFraction: 0, seed });
  const p = config.params;
  const trainer = createSemanticMlpTrainer(
    view,
    {
      epochs: 1, batchSize: Number(p.batchSize), learningRate: Number(p.learningRate), weightDecay: Number(p.weightDecay), clipValue: Number(p.clipValue),
      hiddenUnits: Number(p.hiddenUnits), inputDropout: Number(p.inputDropout), hiddenDropout: Number(p.hiddenDropout), seed,
    },
    { fused: false },
  );
  trainer.beginEpoch(1);
  const steps: number[] = [];
  for (let s = 0; s < 30; s++) {
    const t = performance.now();
    trainer.step().dispose();
    steps.push(performance.now() - t);
  }
  trainer.dispose();
  trainer.model.dispose();
  return { productsMs: median(times.slice(5)), stepMs: median(steps.slice(5)) };
}

function torchReference(dataset: ZslDataset, split: Split, epochs: number): TimeToLevelRow | string {
  const probe = spawnSync('/usr/bin/python3', ['-c', 'import torch, numpy'], { encoding: 'utf8' });
  if (probe.status !== 0) return `skipped: /usr/bin/python3 cannot import torch and numpy (Debian's python3-torch is not installed)`;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'zss-torch-'));
  try {
    writeFileSync(path.join(dir, 'features.f32'), dataset.features);
    writeFileSync(path.join(dir, 'labels.i32'), dataset.labels);
    writeFileSync(path.join(dir, 'attributes.f32'), dataset.classAttributes);
    writeFileSync(
      path.join(dir, 'meta.json'),
      JSON.stringify({
        n: dataset.numSamples, d: dataset.featureDim, a: dataset.attributeNames.length, c: dataset.classNames.length,
        train: [...split.trainIndices], testUnseen: [...split.testUnseenIndices], seen: split.seenClasses,
      }),
    );
    const run = spawnSync('/usr/bin/python3', ['-', dir, String(level), String(epochs), String(checksPerEpoch), String(torchThreads)], { input: TORCH_SEED, encoding: 'utf8', maxBuffer: 1 << 24 });
    if (run.status !== 0) return `failed: ${run.stderr.trim().split('\n').at(-1)}`;
    const lines = run.stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, number>);
    const anatomy = lines.find((l) => 'productsMs' in l);
    if (anatomy) torchStep = { stepMs: (1000 * anatomy.seconds!) / anatomy.steps!, productsMs: anatomy.productsMs! };
    const points = lines.filter((l) => 'epoch' in l) as unknown as { epoch: number; u: number; seconds: number }[];
    const version = /torch .*/.exec(run.stdout)?.[0] ?? 'torch';
    for (const p of points) console.log(`  seed (${version}) epoch ${p.epoch.toFixed(2)}: u ${(100 * p.u).toFixed(1)} %, ${p.seconds.toFixed(1)} s of training`);
    const last = points.at(-1);
    const hit = points.find((p) => p.u >= level);
    return {
      method: 'semantic-mlp', where: version, secondsToLevel: hit?.seconds ?? null, epochToLevel: hit?.epoch ?? null,
      epochsRun: last?.epoch ?? 0, curve: points.map((p) => p.u), trainSeconds: last?.seconds ?? 0,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const backend = await selectBackend((flag('backend') ?? 'wasm') as BackendChoice, nodeProbes);
if (!backend.name) throw new Error(`no tfjs backend: ${backend.notes.join(' ')}`);
const built = performance.now();
const { dataset, split } = buildData();
console.log(
  `Data: ${dataset.numSamples.toLocaleString('en')} images × ${featureDim} (${split.trainIndices.length.toLocaleString('en')} training, ` +
    `${split.testUnseenIndices.length.toLocaleString('en')} unseen test), built in ${((performance.now() - built) / 1000).toFixed(1)} s; ` +
    `level: u ≥ ${(100 * level).toFixed(0)} %; tfjs backend ${backend.name}.`,
);
const rows: TimeToLevelRow[] = [];
for (const method of methods) rows.push(await timeMethod(method, dataset, split, `tfjs ${backend.name}`));
const torch = args.includes('--no-torch') ? 'skipped (--no-torch)' : torchReference(dataset, split, maxEpochs ?? epochsOf(defaultConfig('semantic-mlp')));
if (typeof torch !== 'string') rows.push(torch);

const reference = typeof torch === 'string' ? null : torch.secondsToLevel;
const fmt = (s: number | null) => (s === null ? 'not reached' : `${s.toFixed(1)} s`);
const table = [
  `| method | where | time to u ≥ ${(100 * level).toFixed(0)} % | epoch | epochs run | best u % | training s | ratio to PyTorch seed |`,
  '| --- | --- | --- | --- | --- | --- | --- | --- |',
  ...rows.map((r) => {
    const ratio = reference !== null && r.secondsToLevel !== null ? `${(r.secondsToLevel / reference).toFixed(2)}×` : '–';
    return `| ${r.method} | ${r.where} | ${fmt(r.secondsToLevel)} | ${r.epochToLevel?.toFixed(2) ?? '–'} | ${r.epochsRun.toFixed(2)} | ${(100 * Math.max(...r.curve)).toFixed(1)} | ${r.trainSeconds.toFixed(1)} | ${ratio} |`;
  }),
];
console.log(`\n${table.join('\n')}`);
if (typeof torch === 'string') console.log(`\nPyTorch reference: ${torch}`);
const mlp = rows.find((r) => r.method === 'semantic-mlp' && r.where.startsWith('tfjs'));
/** The seed method's mean step here and PyTorch's, same run (for the verdict: it does not hang on which check crosses the level). */
let seedStep: { appMs: number; opsMs: number; torchMs: number | null; torchThreads: number } | null = null;
if (mlp && mlp.epochsRun > 0 && featureDim === 2048) {
  const steps = Math.round(mlp.epochsRun * Math.ceil(split.trainIndices.length / 64));
  const stepMs = (1000 * mlp.trainSeconds) / steps;
  const ops = opsPathMs(dataset, split);
  // Set inside torchReference (the compiler does not follow that assignment).
  const measured = torchStep as { stepMs: number; productsMs: number } | null;
  const torchPart = measured
    ? ` PyTorch (${torchThreads} thread${torchThreads === 1 ? '' : 's'}): whole step ${measured.stepMs.toFixed(1)} ms, its three products ${measured.productsMs.toFixed(1)} ms.`
    : '';
  seedStep = { appMs: stepMs, opsMs: ops.stepMs, torchMs: measured?.stepMs ?? null, torchThreads };
  console.log(
    `\nStep anatomy (semantic-mlp, batch 64, same run): the app's step on ${backend.name} (fused SIMD step) ${stepMs.toFixed(1)} ms (${steps} steps); ` +
      `the same step as tfjs ops ${ops.stepMs.toFixed(1)} ms, of which the output layer's three 64 × 1024 × 2048 products ${ops.productsMs.toFixed(1)} ms.${torchPart}`,
  );
}
console.log(`\nMachine: ${os.cpus()[0]?.model} × ${os.cpus().length}, Node ${process.version}, tfjs ${tf.version.tfjs}`);
const json = flag('json');
if (json) writeFileSync(json, JSON.stringify({ level, scale, featureDim, backend: backend.name, rows, seedStep, torch: typeof torch === 'string' ? torch : null }, null, 2));
