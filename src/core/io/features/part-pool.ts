/**
 * A pool of workers that run the parallel feature parse's PartTasks
 * (parallel-parse.ts), whatever a worker is: a Node worker_thread (the command
 * line) or a Web Worker (the app's worker). The host gives a way to start one and
 * the messages stay these: a PartRequest in, a PartReply out; a feature-file error
 * crosses as its detail and location, so the line it names survives.
 * Pure TypeScript: no DOM, no Node modules.
 */
import { FeatureParseError } from './feature-errors.ts';
import { runFeaturePart, type PartResult, type PartTask, type ReadAt } from './parallel-parse.ts';

/** `file` is what the worker reads from when it cannot open the file itself (a browser File). */
export interface PartRequest<F = unknown> {
  id: number;
  task: PartTask;
  output: Float32Array;
  file?: F;
}

export type PartReply =
  | { id: number; ok: true; result: PartResult }
  | { id: number; ok: false; feature?: { detail: string; location: FeatureParseError['location'] }; message: string };

/** The two ends of a worker the pool needs. */
export interface PartWorker {
  post(request: PartRequest): void;
  /** Calls back with every reply, and with an error when the worker itself fails. */
  listen(onReply: (reply: PartReply) => void, onError: (error: unknown) => void): void;
  terminate(): void | Promise<unknown>;
}

/** Worker side: runs one request and answers it. */
export async function answerPart(request: PartRequest, read: ReadAt): Promise<PartReply> {
  try {
    return { id: request.id, ok: true, result: await runFeaturePart(request.task, request.output, read) };
  } catch (error) {
    return {
      id: request.id,
      ok: false,
      message: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
      ...(error instanceof FeatureParseError ? { feature: { detail: error.detail, location: error.location } } : {}),
    };
  }
}

export interface PartPool {
  runTask(task: PartTask, output: Float32Array): Promise<PartResult>;
  /** Starts every worker now, so their start-up overlaps the caller's own first steps. */
  prestart(): void;
  close(): Promise<void>;
}

/** Up to `size` workers, started on first use; a task waits for a free one. */
export function createPartPool(size: number, spawn: () => PartWorker, file?: unknown): PartPool {
  const workers: PartWorker[] = [];
  const idle: PartWorker[] = [];
  const queue: (() => void)[] = [];
  const pending = new Map<number, { resolve: (r: PartResult) => void; reject: (e: unknown) => void }>();
  let nextId = 0;
  const start = (): PartWorker => {
    const worker = spawn();
    worker.listen(
      (reply) => {
        const p = pending.get(reply.id);
        pending.delete(reply.id);
        if (p) {
          if (reply.ok) p.resolve(reply.result);
          else p.reject(reply.feature ? new FeatureParseError(reply.feature.detail, reply.feature.location) : new Error(reply.message));
        }
        idle.push(worker);
        queue.shift()?.();
      },
      (error) => {
        for (const p of pending.values()) p.reject(error);
        pending.clear();
      },
    );
    workers.push(worker);
    return worker;
  };
  return {
    runTask: (task, output) =>
      new Promise<PartResult>((resolve, reject) => {
        const go = () => {
          const worker = idle.pop() ?? (workers.length < size ? start() : null);
          if (!worker) {
            queue.push(go);
            return;
          }
          const id = nextId++;
          pending.set(id, { resolve, reject });
          worker.post({ id, task, output, ...(file !== undefined ? { file } : {}) });
        };
        go();
      }),
    prestart: () => {
      while (workers.length < size) idle.push(start());
    },
    close: async () => {
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}
