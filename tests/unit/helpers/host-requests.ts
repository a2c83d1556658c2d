/** Sends requests to a worker host in a test and reads their answers from the events it posted. */
import type { Request, WorkerEvent } from '../../../src/worker/protocol.ts';

interface TestHost {
  handle(request: Request): void;
  idle(): Promise<void>;
}

export interface HostRequests {
  /** The request's result once the host is idle; its error message as a thrown Error. */
  ask<T>(request: Omit<Request, 'id'>): Promise<T>;
  /** A fresh request id, for a test that sends a request itself. */
  nextId(): number;
  /** The id given last. */
  lastId(): number;
}

export function hostRequests(host: TestHost, events: WorkerEvent[]): HostRequests {
  let id = 0;
  return {
    async ask<T>(request: Omit<Request, 'id'>): Promise<T> {
      const requestId = ++id;
      host.handle({ ...request, id: requestId } as Request);
      await host.idle();
      const answer = events.find((e) => 'id' in e && e.id === requestId && (e.kind === 'result' || e.kind === 'error'));
      if (answer?.kind === 'error') throw new Error(answer.message);
      if (answer?.kind !== 'result') throw new Error(`no answer to request ${requestId}`);
      return answer.result as T;
    },
    nextId: () => ++id,
    lastId: () => id,
  };
}
