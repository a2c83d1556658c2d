/**
 * Trains or fits one method on one split and evaluates it by the protocol: the
 * flow the worker and the command line share. Test metrics measured after each
 * epoch are reported for the curves only; γ for calibrated stacking is chosen on
 * held-out seen classes; nothing here feeds test data back into a choice.
 * tfjs only: no DOM.
 */
import * as tf from '@tensorflow/tfjs';
import type { BackendName } from '../compute/backend-names.ts';
import { chooseGamma, fitByTraining, selectByHoldout } from '../evaluation/calibration.ts';
import type { Split, ZslDataset } from '../data/dataset.ts';
import type { TrainerState } from './checkpoint.ts';
import { CancelledError, ZslError } from '../errors.ts';
import { evaluateModel, type EvaluationResult } from '../evaluation/evaluate.ts';
import { freezeModel, type FrozenModelData } from '../inference/frozen-model.ts';
import {
  epochsOf,
  gridCandidates,
  METHOD_INFO,
  validateTrainConfig,
  type MethodName,
  type ParamValue,
  type TrainConfig,
} from '../methods/catalog.ts';
import { RUNNERS } from '../methods/registry.ts';
import type { ZslModel } from '../methods/types.ts';
import { resolveSemantics, type SemanticsName } from '../data/class-semantics.ts';
import type { BenchmarkId } from '../data/dataset-identity.ts';
import { l2Rows } from '../data/semantic.ts';
import type { Progress } from '../progress.ts';
import { runTraining, type EpochPoint, type StepPoint } from './train-loop.ts';
import { makeTrainingView, type TrainingView } from '../data/training-view.ts';

/** Test metrics measured after each epoch on a sample of test images: for the curves only, never for choices. */
export interface EpochTestPoint {
  zslTop1: number;
  h: number;
}

export type EpochReport = EpochPoint & { test: EpochTestPoint | null };

export interface RunSummary {
  /** The dataset the run was trained on (its id: "demo-7", a stored dataset's id…). */
  datasetId: string;
  /** Its name as shown ("CUB (xlsa17 release)") and the benchmark it is, for the runs table and the published comparison. */
  datasetName: string;
  benchmark: BenchmarkId | null;
  method: MethodName;
  split: string;
  backend: BackendName;
  config: TrainConfig;
  evaluation: EvaluationResult;
  /** Settings chosen on held-out seen classes, with the held-out ZSL top-1 of every combination tried. */
  tuning: { chosen: Record<string, ParamValue>; tried: Array<{ params: Record<string, ParamValue>; heldOutTop1: number }> } | null;
  /** The class × attribute matrix the run used, by name and in a sentence. */
  semantics: { name: SemanticsName; description: string };
  /** Training images held out for the validation curves (0: the final model saw all of the split's training images). */
  heldOutForCurves: number;
  /** The γ used for GZSL and where it came from. */
  calibration: { mode: TrainConfig['calibration']; gamma: number };
  epochsCompleted: number;
  stopped: boolean;
  seconds: number;
  classNames: string[];
}

export interface RunHooks {
  onSteps?: (points: StepPoint[]) => void;
  onEpoch?: (point: EpochReport) => void;
  onProgress?: (progress: Progress) => void;
  /** Ends training early, keeping the model. */
  stopSignal?: AbortSignal;
  /** Abandons the run. */
  cancelSignal?: AbortSignal;
  waitWhilePaused?: () => Promise<void>;
  /** Test images sampled per set for the per-epoch test curve (0 disables it). */
  epochTestImages?: number;
  /** Called after every finished epoch of a method that can resume, with everything needed to continue. */
  onCheckpoint?: (checkpoint: RunCheckpoint) => Promise<void>;
  /** Continue an interrupted run from its last checkpoint (same dataset, split and configuration). */
  resume?: RunCheckpoint;
}

export interface RunCheckpoint {
  epoch: number;
  step: number;
  state: TrainerState;
  /** Seconds the run has taken up to this checkpoint, over every earlier resume too, so a resumed run's time adds up. */
  seconds?: number;
}

/**
 * WebGPU binds the training features as one storage buffer; a device that cannot
 * bind that much fails step by step with validation errors, not exceptions, and
 * training would silently learn nothing. Refuse up front, with what to do.
 */
export function assertFitsDevice(bytes: number): void {
  if (tf.getBackend() !== 'webgpu') return;
  const limit = (tf.backend() as unknown as { device?: { limits?: { maxStorageBufferBindingSize?: number } } }).device?.limits
    ?.maxStorageBufferBindingSize;
  if (limit !== undefined && bytes > limit) {
    const mib = (n: number) => `${Math.round(n / 2 ** 20)} MiB`;
    throw new ZslError(
      `The training features take ${mib(bytes)}, more than this WebGPU device can bind at once (${mib(limit)}). Choose the WASM or CPU backend, or train on fewer images.`,
    );
  }
}

/**
 * The class attributes a method is run on: the matrix its configuration names
 * (by default its published protocol's), then L2-normalised per class when its
 * `attributes` setting says so.
 */
export function datasetForMethod(dataset: ZslDataset, config: TrainConfig): ZslDataset {
  return methodData(dataset, config).dataset;
}

function methodData(dataset: ZslDataset, config: TrainConfig): { dataset: ZslDataset; semantics: RunSummary['semantics'] } {
  const chosen = resolveSemantics(dataset, config.semantics ?? 'protocol', config.method);
  const l2 = config.params.attributes === 'l2';
  const rows = dataset.classNames.length;
  const classAttributes = l2 ? l2Rows(chosen.matrix, rows, dataset.attributeNames.length) : chosen.matrix;
  const description = l2 && chosen.name !== 'att' ? `${chosen.description}, then each class L2-normalised` : chosen.description;
  return { dataset: { ...dataset, classAttributes }, semantics: { name: chosen.name, description } };
}

export async function trainAndEvaluate(
  original: ZslDataset,
  split: Split,
  rawConfig: TrainConfig,
  backend: BackendName,
  hooks: RunHooks = {},
): Promise<{ model: ZslModel; run: RunSummary }> {
  // A resumed run counts the time it took before the interruption.
  const started = performance.now() - (hooks.resume?.seconds ?? 0) * 1000;
  const elapsed = () => (performance.now() - started) / 1000;
  let config = validateTrainConfig(rawConfig);
  const { dataset, semantics } = methodData(original, config);
  // A closed form draws no curves, so nothing is held out from it.
  const validationFraction = RUNNERS[config.method].family === 'closed-form' ? 0 : config.validationFraction;
  const view = makeTrainingView(dataset, split, { validationFraction, seed: config.seed });
  assertFitsDevice(view.train.features.byteLength);
  const tuning = config.tune.length > 0 ? await tune(view, config, hooks) : null;
  if (tuning) config = { ...config, params: tuning.chosen };
  // γ is chosen before the final fit, so the per-epoch GZSL curves use the γ the final model uses.
  const gamma = await calibrate(view, config, hooks);
  const fitted = await fitModel(view, dataset, split, config, gamma, hooks, elapsed);
  const { model } = fitted;
  try {
    if (hooks.cancelSignal?.aborted) throw new CancelledError('Training was cancelled.');
    hooks.onProgress?.({ phase: 'Evaluating on the test images', fraction: 1, etaSeconds: null });
    const evaluation = await evaluateModel(model, dataset, split, { gamma, signal: hooks.cancelSignal });
    return {
      model,
      run: {
        datasetId: original.id,
        datasetName: original.name,
        benchmark: original.benchmark ?? null,
        method: config.method,
        split: split.name,
        backend,
        config,
        evaluation,
        tuning,
        semantics,
        heldOutForCurves: view.validation?.size ?? 0,
        calibration: { mode: config.calibration, gamma },
        epochsCompleted: fitted.epochsCompleted,
        stopped: fitted.stopped,
        seconds: elapsed(),
        classNames: dataset.classNames,
      },
    };
  } catch (error) {
    model.dispose();
    throw error;
  }
}

async function fitModel(view: TrainingView, dataset: ZslDataset, split: Split, config: TrainConfig, gamma: number, hooks: RunHooks, elapsed: () => number) {
  const runner = RUNNERS[config.method];
  if (runner.family === 'closed-form') {
    // A closed form has no partial result: stopping it is cancelling it.
    const stops = [hooks.stopSignal, hooks.cancelSignal].filter((s): s is AbortSignal => s !== undefined);
    const model = await runner.fit(view, config.params, {
      signal: stops.length > 0 ? AbortSignal.any(stops) : undefined,
      onProgress: (p) => hooks.onProgress?.({ phase: p.phase, fraction: p.fraction, etaSeconds: null }),
    });
    return { model, epochsCompleted: 0, stopped: false };
  }
  const trainer = runner.createTrainer(view, config.params, config.seed);
  if (hooks.resume) {
    if (!trainer.checkpoint) throw new ZslError(`${config.method} cannot resume from a checkpoint.`);
    trainer.checkpoint.restore(hooks.resume.state);
  }
  const signals = [hooks.stopSignal, hooks.cancelSignal].filter((s): s is AbortSignal => s !== undefined);
  const epochTestImages = hooks.epochTestImages ?? 1000;
  try {
    const loop = await runTraining(trainer, view, {
      epochs: epochsOf(config),
      startEpoch: hooks.resume?.epoch,
      startStep: hooks.resume?.step,
      onEpochDone:
        trainer.checkpoint && hooks.onCheckpoint
          ? async (epoch, step) => hooks.onCheckpoint!({ epoch, step, state: await trainer.checkpoint!.snapshot(), seconds: elapsed() })
          : undefined,
      control: { stopSignal: signals.length > 0 ? AbortSignal.any(signals) : undefined, waitWhilePaused: hooks.waitWhilePaused },
      onSteps: hooks.onSteps,
      onProgress: hooks.onProgress,
      onEpoch: async (point) => {
        const test =
          epochTestImages > 0
            ? await evaluateModel(trainer.model, dataset, split, { gamma, maxImages: epochTestImages })
            : null;
        hooks.onEpoch?.({ ...point, test: test && { zslTop1: test.zslTop1, h: test.h } });
      },
    });
    return { model: trainer.model, epochsCompleted: loop.epochsCompleted, stopped: loop.stopped };
  } catch (error) {
    trainer.model.dispose();
    throw error;
  } finally {
    trainer.dispose();
  }
}

/** Fits the method on the kept seen classes for every grid combination; the best held-out ZSL top-1 wins. */
async function tune(view: TrainingView, config: TrainConfig, hooks: RunHooks): Promise<NonNullable<RunSummary['tuning']>> {
  const selection = await selectByHoldout(view, gridCandidates(config), (sub, params, signal) => fitOn(sub, { ...config, params }, signal), {
    signal: hooks.cancelSignal,
    onProgress: (p) => hooks.onProgress?.({ phase: `Choosing settings on held-out seen classes: ${p.phase.toLowerCase()}`, fraction: p.fraction, etaSeconds: null }),
  });
  return { chosen: selection.best, tried: selection.scores.map((s) => ({ params: s.candidate, heldOutTop1: s.zslTop1 })) };
}

/** Fits a method without curves, for the searches on held-out classes. */
function fitOn(view: TrainingView, config: TrainConfig, signal?: AbortSignal): Promise<ZslModel> {
  const runner = RUNNERS[config.method];
  return runner.family === 'closed-form'
    ? runner.fit(view, config.params, { signal })
    : fitByTraining((sub) => runner.createTrainer(sub, config.params, config.seed), epochsOf(config))(view, signal);
}

/** γ for GZSL: none, fixed, or chosen on held-out seen classes (the method is fitted again on the rest). */
async function calibrate(view: TrainingView, config: TrainConfig, hooks: RunHooks): Promise<number> {
  if (config.calibration === 'none') return 0;
  if (config.calibration === 'fixed') return config.gamma;
  const choice = await chooseGamma(view, (sub, signal) => fitOn(sub, config, signal), {
    signal: hooks.cancelSignal,
    onProgress: (p) => hooks.onProgress?.({ phase: `${p.phase} (calibrating ${METHOD_INFO[config.method].label})`, fraction: p.fraction, etaSeconds: null }),
  });
  return choice.gamma;
}

/** The frozen, exportable form of a run's model, with the classes and attributes exactly as the run used them. */
export function freezeRun(model: ZslModel, dataset: ZslDataset, split: Split, run: RunSummary): Promise<FrozenModelData> {
  const data = datasetForMethod(dataset, run.config);
  return freezeModel({
    model,
    featureDim: data.featureDim,
    classNames: data.classNames,
    attributeNames: data.attributeNames,
    classAttributes: data.classAttributes,
    seenClasses: split.seenClasses,
    unseenClasses: split.unseenClasses,
    gamma: run.calibration.gamma,
    featureSource: data.featureSource,
    run: { config: run.config, evaluation: run.evaluation, datasetId: run.datasetId, split: run.split },
  });
}
