/**
 * `npm run zsl -- <command>`: the same core as the app, under Node.
 * Failures print one sentence and exit non-zero; never a stack trace.
 */
import { selectBackend } from '../core/compute/backend.ts';
import { describeDataset, findSplit, type ZslDataset } from '../core/data/dataset.ts';
import { generateDemoDataset } from '../core/demos/demo-dataset.ts';
import { readFile, writeFile } from 'node:fs/promises';
import { classifyFeatures } from '../core/inference/classify.ts';
import { toUserMessage, ZslError } from '../core/errors.ts';
import { FrozenModel, parseModel, serialiseModel } from '../core/inference/frozen-model.ts';
import { buildDataset, inspectFiles, type BuildOptions } from '../core/io/build-dataset.ts';
import { freezeRun, trainAndEvaluate } from '../core/training/train-and-evaluate.ts';
import { parseArgs, USAGE, type Command } from './args.ts';
import { nodeProbes } from './node-backends.ts';
import { parallelFeatureParser } from './feature-workers.ts';
import { filesFromPath } from './node-files.ts';
import { embedCommand, extractCommand, predictPhotoCommand } from './photo-commands.ts';

const pct = (x: number) => Math.round(x * 10_000) / 100;

async function loadDataset(source: string, demoSeed: number, quiet: boolean, psTraining?: BuildOptions['psTraining']): Promise<ZslDataset> {
  if (source === 'demo') return generateDemoDataset({ seed: demoSeed });
  let lastPhase = '';
  const { dataset } = await buildDataset(await filesFromPath(source), {
    psTraining,
    parseFeatures: parallelFeatureParser(),
    onProgress: (p) => {
      if (!quiet && p.phase !== lastPhase) {
        lastPhase = p.phase;
        process.stderr.write(`${p.phase}…\n`);
      }
    },
  });
  return dataset;
}

async function run(command: Command): Promise<void> {
  if (command.kind === 'help') {
    process.stdout.write(USAGE);
    return;
  }
  if (command.kind === 'inspect') {
    const result =
      command.source === 'demo' ? inspectDemo() : await inspectFiles(await filesFromPath(command.source), { full: command.full, parseFeatures: parallelFeatureParser() });
    console.log(command.json ? JSON.stringify(result) : JSON.stringify(result, null, 2));
    if (result.checked === 'layout') {
      process.stderr.write('Checked the layout, the counts and the feature file\'s first line only; --full reads every value.\n');
    }
    return;
  }
  const stderrLog = (line: string) => process.stderr.write(`${line}\n`);
  if (command.kind === 'predict') return command.photo ? predictPhotoCommand(command, stderrLog) : predict(command);
  if (command.kind === 'embed') return embedCommand(command, stderrLog);
  if (command.kind === 'extract') return extractCommand(command, stderrLog);
  const backend = await selectBackend(command.backend, nodeProbes);
  const log = (line: string) => (command.json ? process.stderr.write(`${line}\n`) : console.log(line));
  log(`Backend: ${backend.name}${backend.notes.length ? ` (${backend.notes.join(' ')})` : ''}`);
  const dataset = await loadDataset(command.source, command.demoSeed, false, command.psTraining);
  // A dataset of the generic layout has one split, "given"; the default "ps" means it there.
  const only = dataset.splits.length === 1 && command.config.split === 'ps' && !dataset.splits.some((s) => s.name === 'ps') ? dataset.splits[0]!.name : null;
  const split = findSplit(dataset, only ?? command.config.split);
  log(`Dataset: ${dataset.name}, ${dataset.numSamples} images, split ${split.name}: ${split.description}`);
  let lastPhase = '';
  const { model, run } = await trainAndEvaluate(dataset, split, { ...command.config, split: split.name }, backend.name, {
    epochTestImages: 0,
    onProgress: (p) => {
      if (p.phase.startsWith('Training') || p.phase === lastPhase) return;
      lastPhase = p.phase;
      log(`${p.phase}…`);
    },
    onEpoch: (p) =>
      log(
        `epoch ${p.epoch}: loss ${p.trainLoss.toFixed(4)}` +
          (p.valLoss !== null ? `, val loss ${p.valLoss.toFixed(4)}` : '') +
          `, seen-class acc train ${pct(p.trainAccuracy)}%` +
          (p.valAccuracy !== null ? ` val ${pct(p.valAccuracy)}%` : '') +
          ` (${p.seconds.toFixed(1)} s)`,
      ),
  });
  if (command.save) {
    const frozen = await freezeRun(model, dataset, split, run);
    await writeFile(command.save, serialiseModel(frozen));
    log(`Model written to ${command.save}`);
  }
  model.dispose();
  if (run.tuning) {
    for (const t of run.tuning.tried) log(`held-out ZSL top-1 ${pct(t.heldOutTop1)}% with ${run.config.tune.map((k) => `${k} ${t.params[k]}`).join(', ')}`);
    log(`Chosen on held-out seen classes: ${run.config.tune.map((k) => `${k} ${run.tuning!.chosen[k]}`).join(', ')}`);
  }
  const e = run.evaluation;
  const summary = {
    dataset: run.datasetName,
    benchmark: run.benchmark,
    method: run.method,
    split: run.split,
    backend: run.backend,
    zsl_top1: pct(e.zslTop1),
    zsl_top5: pct(e.zslTop5),
    u: pct(e.u),
    s: pct(e.s),
    h: pct(e.h),
    seed_figure_top1: pct(e.seedFigure.top1),
    seconds: Math.round(run.seconds * 100) / 100,
    epochs: run.epochsCompleted,
    calibration: run.calibration.mode,
    gamma: run.calibration.gamma,
    seed: run.config.seed,
    validation_fraction: run.config.validationFraction,
    held_out_for_curves: run.heldOutForCurves,
    semantics: run.semantics.name,
    semantics_description: run.semantics.description,
    ...snakeCase(run.config.params),
    ...(run.tuning ? { tuned: run.config.tune } : {}),
  };
  if (command.json) console.log(JSON.stringify(summary));
  else {
    console.log(
      `ZSL top-1 ${summary.zsl_top1}% · top-5 ${summary.zsl_top5}% · GZSL u ${summary.u}% s ${summary.s}% H ${summary.h}% (per-class) · ${summary.seconds} s`,
    );
  }
}

/** learningRate → learning_rate, for the JSON keys. */
function snakeCase(params: Record<string, number | string>): Record<string, number | string> {
  return Object.fromEntries(Object.entries(params).map(([k, v]) => [k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`), v]));
}

/** Classifies images of a dataset with an exported model file: the same file the app exports and imports. */
async function predict(command: Extract<Command, { kind: 'predict' }>): Promise<void> {
  await selectBackend('cpu', nodeProbes);
  const frozen = parseModel(await readFile(command.model, 'utf8').catch(() => {
    throw new ZslError('the file cannot be read; expected a model file exported by Zero-Shot Studio.', { file: command.model });
  }), command.model);
  const dataset = await loadDataset(command.source!, command.demoSeed, true);
  if (dataset.featureDim !== frozen.featureDim) {
    throw new ZslError(`the model expects ${frozen.featureDim}-value features; this dataset has ${dataset.featureDim}.`, { file: command.model });
  }
  const model = new FrozenModel(frozen);
  const predictions = [];
  for (const index of command.images) {
    if (!Number.isInteger(index) || index < 0 || index >= dataset.numSamples) {
      throw new ZslError(`there is no image ${index + 1}; the dataset has ${dataset.numSamples}.`, { variable: '--images' });
    }
    const features = dataset.features.slice(index * dataset.featureDim, (index + 1) * dataset.featureDim);
    const result = await classifyFeatures(model, frozen, features, command.scope, 5);
    predictions.push({ image: index + 1, true: dataset.classNames[dataset.labels[index]!], top: result.top.map((t) => t.name) });
    if (!command.json) console.log(`image ${index + 1} (${dataset.classNames[dataset.labels[index]!]}): ${result.top.map((t) => t.name).join(', ')}`);
  }
  model.dispose();
  if (command.json) console.log(JSON.stringify({ model: frozen.method, scope: command.scope, predictions }));
}

function inspectDemo() {
  const summary = describeDataset(generateDemoDataset());
  const split = summary.splits[0]!;
  return {
    layout: 'demo',
    checked: 'every value' as const,
    images: summary.images,
    feature_dim: summary.featureDim,
    classes: summary.classes,
    attributes: summary.attributes,
    splits: { demo: { trainval: split.train, test_seen: split.testSeen, test_unseen: split.testUnseen } },
  };
}

try {
  await run(parseArgs(process.argv.slice(2)));
} catch (error) {
  process.stderr.write(`Error: ${toUserMessage(error)}\n`);
  process.exitCode = 1;
}
