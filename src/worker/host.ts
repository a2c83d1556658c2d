/**
 * The worker's message loop, independent of `self` so it runs under Node tests
 * with a fake port. It owns the only live dataset and model and handles requests
 * one at a time through a promise queue, so a classify can never interleave with
 * a model swap. Control messages (pause, resume, stop, cancel) bypass the queue.
 * The handlers live in ./handlers/ by feature; the state they share in host-context.ts.
 * Must not import DOM or React code.
 */
import { selectBackend } from '../core/compute/backend.ts';
import { nextBackend } from '../core/compute/backend-names.ts';
import { CancelledError, toUserMessage } from '../core/errors.ts';
import { backboneHandlers } from './handlers/backbone.ts';
import { backendHandlers } from './handlers/backend.ts';
import { classifyHandlers } from './handlers/classify.ts';
import { datasetHandlers } from './handlers/datasets.ts';
import { runHandlers } from './handlers/runs.ts';
import { trainingHandlers } from './handlers/training.ts';
import { cancelledByUser, createHostContext, type Handler, type Handlers, type HostEnv, type Job } from './host-context.ts';
import { PauseGate } from './pause-gate.ts';
import type { ControlMessage, Request, RequestKind, RequestMap, StoredRun, ToWorker } from './protocol.ts';

export type { DatasetStore, HostEnv } from './host-context.ts';

/**
 * Per request kind, the buffers of its result that cross to the page as
 * transfers rather than copies (large arrays the worker does not keep). A kind
 * not listed transfers nothing.
 */
const RESULT_TRANSFERS: { [K in RequestKind]?: (result: RequestMap[K]['result']) => ArrayBuffer[] } = {
  'list-runs': ({ runs }) => lossBuffers(runs),
  'delete-run': ({ runs }) => lossBuffers(runs),
};

const lossBuffers = (runs: StoredRun[]) => runs.map((run) => run.losses.buffer as ArrayBuffer);

export function createWorkerHost(env: HostEnv) {
  const ctx = createHostContext(env);
  const handlers: Handlers = {
    ...backendHandlers(ctx),
    ...datasetHandlers(ctx),
    ...trainingHandlers(ctx),
    ...runHandlers(ctx),
    ...classifyHandlers(ctx),
    ...backboneHandlers(ctx),
  };
  const jobs = new Map<number, Job>();
  let queue: Promise<void> = Promise.resolve();

  async function run(request: Request, job: Job): Promise<void> {
    try {
      if (job.cancel.signal.aborted) throw new CancelledError();
      const handler = handlers[request.kind] as Handler<RequestKind>;
      const result = await handler(request as never, job);
      const transfer = (RESULT_TRANSFERS[request.kind] as ((result: unknown) => ArrayBuffer[]) | undefined)?.(result) ?? [];
      env.post({ kind: 'result', id: request.id, result }, transfer);
    } catch (error) {
      const cancelled = cancelledByUser(error, job);
      if (!cancelled) console.error(error);
      env.post({ kind: 'error', id: request.id, message: toUserMessage(error), cancelled });
    } finally {
      jobs.delete(request.id);
    }
  }

  function control(message: ControlMessage): void {
    const job = jobs.get(message.target);
    if (!job) return; // already finished: nothing to do
    if (message.action === 'pause' || message.action === 'resume') {
      job.pause.set(message.action === 'pause');
      env.post({ kind: 'paused', id: message.target, paused: job.pause.paused });
      return;
    }
    // Stop ends training early and keeps the model; cancel abandons the job.
    (message.action === 'stop' ? job.stop : job.cancel).abort();
    job.pause.set(false);
  }

  return {
    handle(message: ToWorker): void {
      if (message.kind === 'control') return control(message);
      const job: Job = { cancel: new AbortController(), stop: new AbortController(), pause: new PauseGate() };
      jobs.set(message.id, job);
      queue = queue.then(() => run(message, job));
    },
    /**
     * The GPU device was lost (driver reset, another tab took the GPU, out of
     * memory): move to the next backend, drop the model (a kept run can be
     * restored) and say so. Queued behind the request in flight.
     */
    deviceLost(reason: string, forgetBackend?: () => void): Promise<void> {
      queue = queue.then(async () => {
        const lost = ctx.backend?.name ?? 'webgpu';
        ctx.models.drop();
        // The backbone's weights lived on the lost device too: load it again when next needed.
        ctx.backbone = null;
        // Lets the caller unregister the dead backend, so choosing it again asks for a new device.
        forgetBackend?.();
        ctx.backend = null;
        try {
          const status = await selectBackend(nextBackend(lost), env.probes);
          ctx.backend = { ...status, notes: [`The ${lost === 'webgpu' ? 'WebGPU' : lost} device was lost (${reason.replace(/[.!?]+$/, '')}); switched to ${status.name}. Train, resume or restore a model again.`, ...status.notes] };
          env.post({ kind: 'backend', status: ctx.backend });
        } catch (error) {
          console.error(error);
        }
      });
      return queue;
    },
    /** Resolves when every queued request has been handled (for tests). */
    idle: () => queue,
  };
}
