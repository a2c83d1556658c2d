/**
 * Request handlers for finished runs and their models: listing, restoring and
 * deleting kept runs, and exporting or importing the current model as a file.
 * Must not import DOM or React code, nor host.ts (the host composes the handlers).
 */
import { ZslError } from '../../core/errors.ts';
import type { Handlers, HostContext } from '../host-context.ts';

export function runHandlers(ctx: HostContext): Handlers<'list-runs' | 'restore-run-model' | 'delete-run' | 'export-model' | 'import-model'> {
  const { models } = ctx;
  return {
    async 'list-runs'() {
      return { runs: await models.list() };
    },
    async 'restore-run-model'(request) {
      return models.restore(request.runId);
    },
    async 'delete-run'(request) {
      return { runs: await models.remove(request.runId) };
    },
    async 'export-model'() {
      return models.exportCurrent();
    },
    async 'import-model'(request) {
      if (request.file.size > 1e9) throw new ZslError(`is ${(request.file.size / 1e9).toFixed(1)} GB; expected a model file under 1 GB.`, { file: request.file.name });
      return models.importText(await request.file.text(), request.file.name);
    },
  };
}
