/**
 * The main thread's only door to the worker: tracks pending requests by id,
 * routes each event to the request it belongs to, turns AbortSignals into
 * cancel messages, and respawns a dead worker, replaying the requests that
 * rebuild its state (backend choice, loaded dataset). No React here.
 */
import type {
  ControlMessage,
  Request,
  RequestKind,
  RequestMap,
  ToWorker,
  WorkerEvent,
} from '../worker/protocol.ts';

/** The subset of Worker the client needs (so tests can pass a fake). */
export interface WorkerLike {
  postMessage(message: ToWorker, transfer: Transferable[]): void;
  terminate(): void;
  onmessage: ((event: MessageEvent<WorkerEvent>) => void) | null;
  onerror: ((event: ErrorEvent) => void) | null;
}

export interface StartOptions {
  signal?: AbortSignal;
  /** Every event of this request (progress, train-steps, …) except the final result or error. */
  onEvent?: (event: WorkerEvent) => void;
}

/**
 * Per request kind, the buffers of its payload handed to the worker as
 * transfers rather than copies: the caller gives them away (a drawing's pixels
 * are not used again on the page). A kind not listed transfers nothing.
 */
const REQUEST_TRANSFERS: { [K in RequestKind]?: (payload: RequestMap[K]['payload']) => ArrayBuffer[] } = {
  'classify-pixels': ({ pixels }) => [pixels.buffer as ArrayBuffer],
};

export interface Started<K extends RequestKind> {
  id: number;
  done: Promise<RequestMap[K]['result']>;
}

/**
 * Requests replayed into a respawned worker, by the piece of state they set: the
 * last request of each slot is kept (a dropped dataset replaces the demo).
 */
const RESTORE_SLOTS: Partial<Record<RequestKind, 'backend' | 'dataset' | 'split'>> = {
  'init': 'backend',
  'load-demo': 'dataset',
  'load-files': 'dataset',
  'load-stored': 'dataset',
  'load-picture-demo': 'dataset',
  'set-custom-split': 'split',
};

export class WorkerError extends Error {
  constructor(
    message: string,
    readonly cancelled: boolean,
  ) {
    super(message);
    this.name = cancelled ? 'AbortError' : 'WorkerError';
  }
}

interface Pending {
  request?: Request;
  resolve(value: unknown): void;
  reject(error: Error): void;
  onEvent?: (event: WorkerEvent) => void;
}

export class WorkerClient {
  private worker: WorkerLike;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly restore = new Map<string, Request>();
  /** Events that belong to no request (backend changes). */
  onUnsolicited: ((event: WorkerEvent) => void) | null = null;
  /** Called after the worker died and was replaced. */
  onRespawn: ((reason: string) => void) | null = null;

  constructor(private readonly spawn: () => WorkerLike) {
    this.worker = this.connect();
  }

  start<K extends RequestKind>(kind: K, payload: RequestMap[K]['payload'], options: StartOptions = {}): Started<K> {
    const id = this.nextId++;
    const request = { kind, id, ...payload } as Request;
    const done = new Promise<RequestMap[K]['result']>((resolve, reject) => {
      if (options.signal?.aborted) {
        reject(new WorkerError('Cancelled.', true));
        return;
      }
      this.pending.set(id, { request, resolve: resolve as (value: unknown) => void, reject, onEvent: options.onEvent });
      options.signal?.addEventListener('abort', () => this.control(id, 'cancel'), { once: true });
      this.worker.postMessage(request, (REQUEST_TRANSFERS[kind] as ((payload: unknown) => ArrayBuffer[]) | undefined)?.(payload) ?? []);
    });
    return { id, done };
  }

  request<K extends RequestKind>(kind: K, payload: RequestMap[K]['payload'], options?: StartOptions) {
    return this.start(kind, payload, options).done;
  }

  control(target: number, action: ControlMessage['action']): void {
    if (this.pending.has(target)) this.worker.postMessage({ kind: 'control', target, action }, []);
  }

  /** Ends the worker and starts a fresh one with the same state; pending requests fail with `reason`. */
  respawn(reason: string): void {
    this.worker.onmessage = null;
    this.worker.onerror = null;
    this.worker.terminate();
    for (const pending of this.pending.values()) pending.reject(new WorkerError(reason, false));
    this.pending.clear();
    this.worker = this.connect();
    for (const request of this.restore.values()) {
      const id = this.nextId++;
      // Replayed silently: their results only rebuild the worker's state.
      this.pending.set(id, { resolve: () => {}, reject: () => {} });
      this.worker.postMessage({ ...request, id, ...('token' in request ? { token: null } : {}) } as Request, []);
    }
    this.onRespawn?.(reason);
  }

  dispose(): void {
    this.worker.terminate();
    for (const pending of this.pending.values()) pending.reject(new WorkerError('The app was closed.', true));
    this.pending.clear();
  }

  /** Only requests that succeeded are replayed: a bad file must not replace the last good dataset. */
  private remember(request: Request): void {
    const slot = RESTORE_SLOTS[request.kind];
    if (!slot) return;
    if (slot === 'dataset') this.restore.delete('split'); // a custom split belongs to the old dataset
    this.restore.delete(slot); // re-inserted last, so the replay keeps the order of events
    this.restore.set(slot, request);
  }

  private connect(): WorkerLike {
    const worker = this.spawn();
    worker.onmessage = (event) => this.receive(event.data);
    worker.onerror = (event) => {
      event.preventDefault?.();
      this.respawn(`The background worker crashed (${event.message || 'unknown error'}) and was restarted; your data was reloaded.`);
    };
    return worker;
  }

  private receive(event: WorkerEvent): void {
    if (!('id' in event)) {
      this.onUnsolicited?.(event);
      return;
    }
    const pending = this.pending.get(event.id);
    if (!pending) return;
    if (event.kind === 'result') {
      this.pending.delete(event.id);
      if (pending.request) this.remember(pending.request);
      pending.resolve(event.result);
    } else if (event.kind === 'error') {
      this.pending.delete(event.id);
      pending.reject(new WorkerError(event.message, event.cancelled));
    } else {
      pending.onEvent?.(event);
    }
  }
}
