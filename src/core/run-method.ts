/**
 * Trains one method on one split and evaluates it by the protocol: the flow the
 * worker and the command line share. Test metrics measured after each epoch are
 * reported for the curves only; nothing here feeds them back into training.
 * tfjs only: no DOM.
 */
import type { BackendName } from './backend.ts';
import type { Split, ZslDataset } from './dataset.ts';
import { CancelledError } from './errors.ts';
import { evaluateModel, type EvaluationResult } from './evaluate.ts';
import { validateTrainConfig, type MethodName, type TrainConfig } from './methods/catalog.ts';
import { TRAINERS } from './methods/registry.ts';
import type { ZslModel } from './methods/types.ts';
import { runTraining, type EpochPoint, type Progress, type StepPoint } from './train-loop.ts';
import { makeTrainingView } from './training-view.ts';

/** Test metrics measured after each epoch on a sample of test images: for the curves only, never for choices. */
export interface EpochTestPoint {
  zslTop1: number;
  h: number;
}

export type EpochReport = EpochPoint & { test: EpochTestPoint | null };

export interface RunSummary {
  method: MethodName;
  split: string;
  backend: BackendName;
  config: TrainConfig;
  evaluation: EvaluationResult;
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
}

export async function trainAndEvaluate(
  dataset: ZslDataset,
  split: Split,
  config: TrainConfig,
  backend: BackendName,
  hooks: RunHooks = {},
): Promise<{ model: ZslModel; run: RunSummary }> {
  validateTrainConfig(config);
  const started = performance.now();
  const view = makeTrainingView(dataset, split, { validationFraction: config.validationFraction, seed: config.seed });
  const trainer = TRAINERS[config.method](view, config);
  const signals = [hooks.stopSignal, hooks.cancelSignal].filter((s): s is AbortSignal => s !== undefined);
  const epochTestImages = hooks.epochTestImages ?? 1000;
  try {
    const loop = await runTraining(trainer, view, {
      epochs: config.epochs,
      control: { stopSignal: signals.length > 0 ? AbortSignal.any(signals) : undefined, waitWhilePaused: hooks.waitWhilePaused },
      onSteps: hooks.onSteps,
      onProgress: hooks.onProgress,
      onEpoch: async (point) => {
        const test =
          epochTestImages > 0
            ? await evaluateModel(trainer.model, dataset, split, { gamma: config.gamma, maxImages: epochTestImages })
            : null;
        hooks.onEpoch?.({ ...point, test: test && { zslTop1: test.zslTop1, h: test.h } });
      },
    });
    if (hooks.cancelSignal?.aborted) throw new CancelledError('Training was cancelled.');
    hooks.onProgress?.({ phase: 'Evaluating on the test images', fraction: 1, etaSeconds: null });
    const evaluation = await evaluateModel(trainer.model, dataset, split, { gamma: config.gamma, signal: hooks.cancelSignal });
    return {
      model: trainer.model,
      run: {
        method: config.method,
        split: split.name,
        backend,
        config,
        evaluation,
        epochsCompleted: loop.epochsCompleted,
        stopped: loop.stopped,
        seconds: (performance.now() - started) / 1000,
        classNames: dataset.classNames,
      },
    };
  } catch (error) {
    trainer.model.dispose();
    throw error;
  } finally {
    trainer.dispose();
  }
}
