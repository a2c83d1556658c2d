/**
 * Request handlers for the tfjs backend: choosing it, and how much tensor
 * memory is held (for tests and leak checks).
 * Must not import DOM or React code, nor host.ts (the host composes the handlers).
 */
import * as tf from '@tensorflow/tfjs';
import type { Handlers, HostContext } from '../host-context.ts';

export function backendHandlers(ctx: HostContext): Handlers<'init' | 'tensor-count'> {
  return {
    async 'init'(request) {
      return ctx.switchBackend(request.backend);
    },
    async 'tensor-count'() {
      const memory = tf.memory();
      return { numTensors: memory.numTensors, numBytes: memory.numBytes };
    },
  };
}
