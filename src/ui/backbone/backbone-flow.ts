/**
 * The controller's backbone flows: a backbone brought as files, one fetched
 * from a URL on a site the user allowed (with progress and cancel), the list
 * of allowed sites, and going back to the shipped backbone.
 * Must not import React or the controller (it composes the flows).
 */
import type { PresetId } from './backbone-presets.ts';
import { isCancelled } from '../../core/errors.ts';
import { originOfUrl } from '../../client/site-policy.ts';
import type { ResNetPreprocessing } from '../../core/backbones/resnet-backbone.ts';
import type { DroppedFile, RequestMap } from '../../worker/protocol.ts';
import { allowedSites, allowSite, forgetSites, policyAdmits, policyNamesOtherSites, savePendingLoad } from './allowed-sites.ts';
import { loadBackboneFromUrl } from './backbone-url.ts';
import type { FlowContext } from '../flow-context.ts';

export type BackboneFlows = ReturnType<typeof backboneFlows>;

export function backboneFlows({ client, store, guard, notify }: FlowContext) {
  /** Cancels the backbone download in progress. */
  let backboneAbort: AbortController | null = null;
  /** Cancels the worker's backbone job in progress (reading weights, verifying). */
  let jobAbort: AbortController | null = null;

  const backboneJob = async <K extends 'load-backbone-files' | 'verify-backbone'>(
    kind: 'load' | 'verify',
    request: K,
    payload: RequestMap[K]['payload'],
    onResult: (result: RequestMap[K]['result']) => void,
  ): Promise<void> => {
    jobAbort?.abort();
    const abort = new AbortController();
    jobAbort = abort;
    store.update({ backboneJob: { kind, progress: null } });
    const { done } = client.start(request, payload, {
      signal: abort.signal,
      onEvent: (event) => {
        if (event.kind === 'progress' && jobAbort === abort) store.update({ backboneJob: { kind, progress: event.progress } });
      },
    });
    await guard(async () => onResult(await done));
    if (jobAbort === abort) {
      jobAbort = null;
      store.update({ backboneJob: null });
    }
  };

  const flows = {
    async loadBackboneFiles(files: DroppedFile[]): Promise<void> {
      await backboneJob('load', 'load-backbone-files', { files }, ({ notKept, ...backbone }) =>
        store.update({
          backbone,
          notice: notKept
            ? { tone: 'error', text: `Pictures are now embedded with ${backbone.name} (${backbone.network}), but it is not kept for the next visit: ${notKept}` }
            : { tone: 'info', text: `Pictures are now embedded with ${backbone.name} (${backbone.network}); it is kept in this browser for offline use.` },
        }),
      );
    },

    /** Some of the release's own pictures: the worker measures how well the backbone reproduces their rows. */
    async verifyBackbone(files: DroppedFile[]): Promise<void> {
      await backboneJob('verify', 'verify-backbone', { files }, (backbone) => store.update({ backbone }));
    },

    async setBackbonePreprocessing(preprocessing: ResNetPreprocessing): Promise<void> {
      await guard(async () => store.update({ backbone: await client.request('set-backbone-preprocessing', { preprocessing }) }));
    },

    cancelBackboneJob(): void {
      jobAbort?.abort();
    },

    /** Whether a backbone URL can be used, and whether its site is allowed yet (the page's own origin always is). */
    checkBackboneUrl(url: string): { problem: string } | { url: string; origin: string; allowed: boolean } {
      const target = originOfUrl(url);
      if ('problem' in target) return target;
      return { ...target, allowed: target.origin === location.origin || allowedSites().includes(target.origin) };
    },

    /**
     * The user allowed the URL's site: it is remembered, and when the policy in
     * force does not admit it yet the page reloads once to apply it; the load then
     * continues by itself (see the controller's start).
     */
    async allowSiteAndLoad(url: string, preset: PresetId): Promise<void> {
      const target = originOfUrl(url);
      if ('problem' in target) return notify(target.problem);
      try {
        allowSite(target.origin);
      } catch {
        return notify('This browser does not let the page remember allowed sites (its storage is disabled), so no site can be added to its security policy.');
      }
      if (!policyAdmits(target.origin)) {
        savePendingLoad({ url: target.url, preset });
        location.reload();
        return;
      }
      await flows.loadBackboneUrl(target.url, preset);
    },

    /** Fetches a backbone from an allowed site (progress in bytes, cancellable), then the worker checks and keeps it. */
    async loadBackboneUrl(url: string, preset: PresetId): Promise<void> {
      backboneAbort?.abort();
      const abort = new AbortController();
      backboneAbort = abort;
      let shown = 0;
      try {
        store.update({ backboneDownload: { url, loaded: 0, total: null, phase: 'fetch' } });
        const { backbone, origin } = await loadBackboneFromUrl(client, url, preset, {
          signal: abort.signal,
          onProgress: ({ loaded, total, phase }) => {
            // Four updates a second are enough for a person; every chunk would be hundreds.
            if (phase === 'fetch' && performance.now() - shown < 250) return;
            shown = performance.now();
            store.update({ backboneDownload: { url, loaded, total, phase } });
          },
        });
        store.update({
          backbone,
          notice: {
            tone: 'info',
            text: `Pictures are now embedded with ${backbone.name} from ${origin} (${backbone.outputDim} features each); it is kept in this browser and works offline.`,
          },
        });
      } catch (error) {
        if (!isCancelled(error)) notify(error instanceof Error ? error.message : String(error));
      } finally {
        if (backboneAbort === abort) {
          backboneAbort = null;
          store.update({ backboneDownload: null });
        }
      }
    },

    cancelBackboneDownload(): void {
      backboneAbort?.abort();
    },

    /** Forgets every allowed site; the page reloads when its policy still names one, so it stops admitting it now. */
    forgetAllowedSites(): void {
      forgetSites();
      if (policyNamesOtherSites()) location.reload();
      else notify('No outside site is allowed any more.', 'info');
    },

    async resetBackbone(): Promise<void> {
      await guard(async () => store.update({ backbone: await client.request('reset-backbone', {}) }));
    },
  };
  return flows;
}
