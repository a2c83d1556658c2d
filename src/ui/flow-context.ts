/**
 * What every flow of the controller is given: the worker client, the store,
 * and the controller's helpers that turn failures into a sentence for the user.
 * Type-only. Must not import React, the controller or the flows (they import this).
 */
import type { WorkerClient } from '../client/worker-client.ts';
import type { AppStore } from './store.ts';

export interface FlowContext {
  client: WorkerClient;
  store: AppStore;
  /** Runs an action; every failure reaches the user as a sentence, cancellations are not failures. */
  guard(action: () => Promise<void>): Promise<void>;
  /** The request's result, or null after telling the user why it failed. */
  attempt<T>(request: () => Promise<T>): Promise<T | null>;
  notify(text: string, tone?: 'error' | 'info'): void;
}
