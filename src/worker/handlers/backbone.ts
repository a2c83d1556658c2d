/**
 * Request handlers for the backbone that embeds pictures: which one is in use,
 * one the user brought as files, and going back to the shipped one.
 * Must not import DOM or React code, nor host.ts (the host composes the handlers).
 */
import { ZslError } from '../../core/errors.ts';
import type { Handlers, HostContext } from '../host-context.ts';

export function backboneHandlers(ctx: HostContext): Handlers<'backbone-info' | 'load-backbone-files' | 'reset-backbone'> {
  const { env, backboneInfo, requireBackbone, replaceBackbone, shippedBackbone, ensureBackend } = ctx;
  return {
    async 'backbone-info'() {
      return backboneInfo(await requireBackbone());
    },
    async 'load-backbone-files'(request) {
      if (!env.backbones) throw new ZslError('Backbones cannot be loaded from files here.');
      await ensureBackend();
      const loaded = await env.backbones.fromFiles(request.files, { draft: request.draft, source: request.source });
      return replaceBackbone(Promise.resolve({ ...loaded, shipped: false }));
    },
    async 'reset-backbone'() {
      await env.backbones?.forget();
      return replaceBackbone(shippedBackbone());
    },
  };
}
