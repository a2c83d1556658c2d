/**
 * Request handlers for the tfjs backend: choosing it.
 * Must not import DOM or React code, nor host.ts (the host composes the handlers).
 */
import type { Handlers, HostContext } from '../host-context.ts';

export function backendHandlers(ctx: HostContext): Handlers<'init'> {
  return {
    async 'init'(request) {
      const status = await ctx.switchBackend(request.backend);
      return { ...status, model: ctx.models.current ? ctx.models.info() : null };
    },
  };
}
