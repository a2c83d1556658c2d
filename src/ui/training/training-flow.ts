/**
 * The controller's training flows: the settings of the next run (per method),
 * a run that feeds the store with its throttled events, pause, resume and stop,
 * and the banner of a training cut short that can be resumed.
 * Must not import React or the controller (it composes the flows).
 */
import { defaultParams, type MethodName, type ParamValue } from '../../core/methods/catalog.ts';
import type { TrainConfig, WorkerEvent } from '../../worker/protocol.ts';
import type { FlowContext } from '../flow-context.ts';

export type TrainingFlows = ReturnType<typeof trainingFlows>;

export function trainingFlows({ client, store, guard, attempt }: FlowContext) {
  const controlRun = (action: 'pause' | 'resume' | 'stop'): void => {
    const id = store.getState().trainingId;
    if (id !== null) client.control(id, action);
  };

  const onTrainEvent = (event: WorkerEvent): void => {
    switch (event.kind) {
      case 'train-steps':
        store.addSteps(event.points);
        break;
      case 'train-epoch':
        store.addEpoch(event.point);
        break;
      case 'progress':
        store.update({ progress: event.progress });
        break;
      case 'paused':
        store.update({ status: event.paused ? 'paused' : 'running' });
        break;
      default:
        break;
    }
  };

  const flows = {
    updateConfig(patch: Partial<TrainConfig>): void {
      store.update({ config: { ...store.getState().config, ...patch } });
    },

    updateParam(key: string, value: ParamValue): void {
      const config = store.getState().config;
      flows.updateConfig({ params: { ...config.params, [key]: value } });
    },

    setTuned(key: string, on: boolean): void {
      const { tune } = store.getState().config;
      flows.updateConfig({ tune: on ? [...new Set([...tune, key])] : tune.filter((k) => k !== key) });
    },

    /** Switches method; each method keeps the settings it had when the user left it. */
    setMethod(method: MethodName): void {
      const { config, paramsByMethod } = store.getState();
      const remembered = { ...paramsByMethod, [config.method]: config.params };
      store.update({
        paramsByMethod: remembered,
        config: { ...config, method, params: remembered[method] ?? defaultParams(method), tune: [] },
      });
    },

    async train(resume = false): Promise<void> {
      const { config, interrupted } = store.getState();
      const runConfig = resume && interrupted ? interrupted.config : config;
      store.update({ interrupted: null, config: runConfig });
      performance.mark('zsl:training-started');
      const { id, done } = client.start('train', { config: runConfig, resume }, { onEvent: (event) => onTrainEvent(event) });
      store.startRun(id);
      const finished = await attempt(async () => {
        const run = await done;
        // Marks the end of training for anyone measuring the page (the smoothness test, the benchmarks).
        performance.mark('zsl:training-finished');
        // Draw the results in a task of their own, not in the one that received the message.
        await new Promise((resolve) => setTimeout(resolve, 0));
        store.finishRun(run, run.runId);
        store.update({ model: run.model });
        if (run.notes.length > 0) store.update({ notice: { tone: 'info', text: run.notes.join(' ') } });
        return true;
      });
      store.update({ status: 'idle', trainingId: null, progress: null });
      // A training that failed part-way (a lost device, a crashed worker) keeps its last checkpoint: offer to resume it.
      if (!finished) await flows.refreshInterrupted();
    },

    /** Shows the banner of a training cut short, when it was on the loaded dataset (the controller keeps this one private). */
    async refreshInterrupted(): Promise<void> {
      await guard(async () => {
        const interrupted = await client.request('checkpoint-info', {});
        if (interrupted && interrupted.datasetId === store.getState().dataset?.id) store.update({ interrupted });
      });
    },

    async discardInterrupted(): Promise<void> {
      await guard(async () => {
        await client.request('discard-checkpoint', {});
        store.update({ interrupted: null });
      });
    },

    pause(): void {
      controlRun('pause');
    },

    resume(): void {
      controlRun('resume');
    },

    /** Ends training now and keeps the model trained so far. */
    stop(): void {
      controlRun('stop');
      store.update({ status: 'stopping' });
    },
  };
  return flows;
}
