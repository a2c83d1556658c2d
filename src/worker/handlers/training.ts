/**
 * Request handlers for training: a run (fresh or resumed from the interrupted
 * checkpoint) that streams throttled loss points, epochs and progress, and the
 * checkpoint of a training cut short.
 * Must not import DOM or React code, nor host.ts (the host composes the handlers).
 */
import { findSplit } from '../../core/data/dataset.ts';
import { ZslError } from '../../core/errors.ts';
import { trainAndEvaluate } from '../../core/training/train-and-evaluate.ts';
import type { TrainerState } from '../../core/training/checkpoint.ts';
import { cancelledByUser, type Handlers, type HostContext } from '../host-context.ts';
import type { EpochReport, TrainConfig } from '../protocol.ts';
import { ProgressThrottle, StepThrottle } from '../step-throttle.ts';

export function trainingHandlers(ctx: HostContext): Handlers<'train' | 'checkpoint-info' | 'discard-checkpoint'> {
  const { env, models, ensureBackend, requireDataset } = ctx;
  return {
    async 'train'(request, job) {
      const status = await ensureBackend();
      const data = requireDataset();
      const interrupted = request.resume ? await env.runs?.checkpoint() : null;
      if (request.resume && (!interrupted || interrupted.datasetId !== data.id)) {
        throw new ZslError('There is no interrupted training for this dataset to resume.');
      }
      const config = interrupted ? (interrupted.config as TrainConfig) : request.config;
      const split = findSplit(data, config.split);
      const id = request.id;
      const steps = new StepThrottle((points) => env.post({ kind: 'train-steps', id, points }), env.throttleMs ?? 250);
      const progress = new ProgressThrottle((p) => env.post({ kind: 'progress', id, progress: p }), env.throttleMs ?? 250);
      const losses: number[] = interrupted ? Array.from(interrupted.losses) : [];
      const epochs: EpochReport[] = interrupted ? (interrupted.epochs as EpochReport[]) : [];
      if (interrupted) {
        // The page rebuilds its charts from the events, as if it had watched the first epochs.
        env.post({ kind: 'train-steps', id, points: losses.map((loss, i) => ({ step: i + 1, epoch: 0, loss })) });
        for (const point of epochs) env.post({ kind: 'train-epoch', id, point });
      }
      try {
        const { model, run } = await trainAndEvaluate(data, split, config, status.name, {
          stopSignal: job.stop.signal,
          cancelSignal: job.cancel.signal,
          waitWhilePaused: () => job.pause.wait(),
          ...(interrupted ? { resume: { epoch: interrupted.epoch, step: interrupted.step, state: interrupted.state as TrainerState, seconds: interrupted.seconds ?? 0 } } : {}),
          onCheckpoint: async (checkpoint) => {
            // Failing to save a checkpoint must not stop training.
            await env.runs
              ?.saveCheckpoint({ id: 'interrupted', savedAt: Date.now(), datasetId: data.id, config, ...checkpoint, losses: Float32Array.from(losses), epochs: [...epochs] })
              .catch((error: unknown) => console.warn('checkpoint not saved', error));
          },
          onSteps: (points) => {
            for (const p of points) losses.push(p.loss);
            steps.push(points);
          },
          onEpoch: (point) => {
            steps.flush();
            epochs.push(point);
            env.post({ kind: 'train-epoch', id, point });
          },
          onProgress: (p) => progress.push(p),
        });
        // The finished run is stored before its checkpoint goes: a reload in between keeps one of them.
        const notes = await models.adoptTrained(model, data, split, run, losses, epochs);
        await env.runs?.clearCheckpoint().catch(() => undefined);
        return { ...run, runId: models.current?.runId ?? null, notes, model: models.current ? models.info() : null };
      } catch (error) {
        if (cancelledByUser(error, job)) await env.runs?.clearCheckpoint().catch(() => undefined);
        throw error;
      } finally {
        steps.flush();
      }
    },
    async 'checkpoint-info'() {
      const record = await env.runs?.checkpoint().catch(() => null);
      if (!record) return null;
      return { datasetId: record.datasetId, config: record.config as TrainConfig, epoch: record.epoch, savedAt: record.savedAt };
    },
    async 'discard-checkpoint'() {
      await env.runs?.clearCheckpoint();
      return null;
    },
  };
}
