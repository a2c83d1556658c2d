/**
 * The epoch loop shared by every trained method: shuffling is the trainer's, the
 * loop owns pause, stop, progress with time left, and reads losses back
 * asynchronously every few steps so the GPU is never waited on per step.
 * tfjs only: no DOM.
 */
import * as tf from '@tensorflow/tfjs';
import type { Checkpointable } from './checkpoint.ts';
import type { ZslModel } from '../methods/types.ts';
import { perClassAccuracy } from '../evaluation/metrics.ts';
import { rankClasses } from '../inference/search.ts';
import type { LabelledSubset, TrainingView } from '../data/training-view.ts';
import type { Progress } from '../progress.ts';

export interface Trainer {
  readonly stepsPerEpoch: number;
  /** Called before each epoch (reshuffles). */
  beginEpoch(epoch: number): void;
  /** One optimisation step on the next batch; returns the batch loss (the loop disposes it). */
  step(): tf.Scalar;
  /** Mean loss over a subset without updating anything. */
  evaluateLoss(subset: LabelledSubset): Promise<number>;
  /**
   * Brings the model's weights up to date, for a trainer that keeps them elsewhere
   * while training (the model also does this itself when used); benchmarks call it
   * inside the timed span.
   */
  settle?(): void;
  /** The model with the current weights (shares them; valid until dispose). */
  readonly model: ZslModel;
  /** Saving and restoring the training state, when the trainer supports resuming. */
  readonly checkpoint?: Checkpointable;
  dispose(): void;
}

export interface StepPoint {
  step: number;
  epoch: number;
  loss: number;
}

export interface EpochPoint {
  epoch: number;
  trainLoss: number;
  valLoss: number | null;
  /** Per-class accuracy among seen classes on (a sample of) training images. */
  trainAccuracy: number;
  /** Per-class accuracy among seen classes on held-out seen images. */
  valAccuracy: number | null;
  seconds: number;
}

export interface TrainControl {
  /** Aborting stops training early; the model trained so far is kept. */
  stopSignal?: AbortSignal;
  /** Resolves when not paused. */
  waitWhilePaused?: () => Promise<void>;
}

export interface LoopOptions {
  epochs: number;
  /** Continue after this many finished epochs (a resumed run); steps are numbered on from `startStep`. */
  startEpoch?: number;
  startStep?: number;
  control?: TrainControl;
  /** Read the loss back every this many steps… */
  readEvery?: number;
  /** …or sooner, once this many milliseconds have passed since the last read (slow steps still feed the chart). */
  readEveryMs?: number;
  onSteps?: (points: StepPoint[]) => void;
  onEpoch?: (point: EpochPoint) => void | Promise<void>;
  /** After each finished epoch and its report: the moment to save a checkpoint. */
  onEpochDone?: (epoch: number, step: number) => Promise<void>;
  onProgress?: (progress: Progress) => void;
  /** Clock in milliseconds (injectable for tests). */
  now?: () => number;
}

export interface LoopResult {
  epochsCompleted: number;
  stepsCompleted: number;
  stopped: boolean;
  seconds: number;
}

const yieldToEventLoop = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

export async function runTraining(trainer: Trainer, view: TrainingView, options: LoopOptions): Promise<LoopResult> {
  const { epochs, control = {}, readEvery = 8, readEveryMs = 250 } = options;
  const now = options.now ?? (() => performance.now());
  const totalSteps = epochs * trainer.stepsPerEpoch;
  const started = now();
  let pausedMs = 0;
  const startEpoch = options.startEpoch ?? 0;
  let step = options.startStep ?? 0;
  const firstStep = step;
  let epochsCompleted = startEpoch;
  const stopped = () => control.stopSignal?.aborted ?? false;
  let lastRead = now();

  for (let epoch = startEpoch + 1; epoch <= epochs && !stopped(); epoch++) {
    const epochStart = now();
    trainer.beginEpoch(epoch);
    let pending: tf.Scalar[] = [];
    let lossSum = 0;
    let lossCount = 0;
    const flush = async () => {
      if (pending.length === 0) return;
      const batch = pending;
      pending = [];
      const stacked = tf.stack(batch);
      tf.dispose(batch);
      const values = await stacked.data();
      stacked.dispose();
      const first = step - values.length + 1;
      const points = Array.from(values, (loss, i) => ({ step: first + i, epoch, loss }));
      for (const p of points) {
        lossSum += p.loss;
        lossCount++;
      }
      options.onSteps?.(points);
    };
    let b = 0;
    for (; b < trainer.stepsPerEpoch; b++) {
      if (control.waitWhilePaused) {
        const pausedAt = now();
        await control.waitWhilePaused();
        pausedMs += now() - pausedAt;
      }
      if (stopped()) break;
      step++;
      pending.push(trainer.step());
      if (pending.length >= readEvery || now() - lastRead >= readEveryMs) {
        lastRead = now();
        await flush();
        await yieldToEventLoop();
        const rate = (now() - started - pausedMs) / (step - firstStep);
        options.onProgress?.({
          phase: `Training, epoch ${epoch} of ${epochs}`,
          fraction: step / totalSteps,
          etaSeconds: ((totalSteps - step) * rate) / 1000,
        });
      }
    }
    await flush();
    if (b < trainer.stepsPerEpoch) break; // stopped mid-epoch: keep the weights, skip the epoch summary
    epochsCompleted = epoch;
    const point: EpochPoint = {
      epoch,
      trainLoss: lossCount > 0 ? lossSum / lossCount : NaN,
      valLoss: view.validation ? await trainer.evaluateLoss(view.validation) : null,
      trainAccuracy: await seenAccuracy(trainer.model, view, view.train, 2000),
      valAccuracy: view.validation ? await seenAccuracy(trainer.model, view, view.validation) : null,
      seconds: (now() - epochStart) / 1000,
    };
    await options.onEpoch?.(point);
    await options.onEpochDone?.(epoch, step);
    await yieldToEventLoop();
  }
  return { epochsCompleted, stepsCompleted: step, stopped: stopped(), seconds: (now() - started) / 1000 };
}

/** Per-class top-1 among the seen classes on (at most `limit` rows of) a subset. */
export async function seenAccuracy(model: ZslModel, view: TrainingView, subset: LabelledSubset, limit = Infinity): Promise<number> {
  const rows = Math.min(subset.size, limit);
  const step = subset.size / rows;
  const pick = Array.from({ length: rows }, (_, i) => Math.floor(i * step));
  const features = new Float32Array(rows * view.featureDim);
  pick.forEach((row, i) => features.set(subset.features.subarray(row * view.featureDim, (row + 1) * view.featureDim), i * view.featureDim));
  const labels = Int32Array.from(pick, (row) => subset.labels[row]!);
  const classes = view.seenClassNames.map((_, i) => i);
  const top = await rankClasses(model, features, view.featureDim, classes, view.seenAttributes, { k: 1 });
  return perClassAccuracy(top, 1, labels);
}
