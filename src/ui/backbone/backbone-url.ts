/**
 * A backbone from a URL, on the page's side: the download (progress in bytes,
 * cancel, the allowed sites checked again before every request), then the files
 * go to the worker, which checks the model and keeps it like dropped files.
 * The main thread fetches because the worker's own policy admits the app's
 * origin only. DOM (File, storage); no React.
 */
import { downloadBackbone, type DownloadProgress } from '../../client/backbone-download.ts';
import type { WorkerClient } from '../../client/worker-client.ts';
import { draftForUrl, knownPreset, type PresetId } from './backbone-presets.ts';
import { ZslError } from '../../core/errors.ts';
import { originOfUrl } from '../../client/site-policy.ts';
import type { BackboneInfo } from '../../worker/protocol.ts';
import { allowedSites, policyAdmits, refusedByPolicy } from './allowed-sites.ts';

export async function loadBackboneFromUrl(
  client: WorkerClient,
  url: string,
  preset: PresetId,
  options: { signal: AbortSignal; onProgress: (progress: DownloadProgress & { phase: 'fetch' | 'check' }) => void },
): Promise<{ backbone: BackboneInfo; origin: string }> {
  const target = originOfUrl(url);
  if ('problem' in target) throw new ZslError(target.problem, { file: 'Backbone URL' });
  if (!policyAdmits(target.origin)) {
    throw new ZslError(`This page's security policy does not admit ${target.origin} yet: allow the site, and the page reloads once to apply it.`);
  }
  const fetched = await downloadBackbone(target.url, {
    allowed: [location.origin, ...allowedSites()],
    signal: options.signal,
    // A known model's layer and preprocessing are built in; any other may declare its own.
    lookForSpec: knownPreset(target.url) === null,
    refusedByPolicy,
    online: () => navigator.onLine,
    onProgress: (progress) => options.onProgress({ ...progress, phase: 'fetch' }),
  });
  const bytes = fetched.files.reduce((sum, f) => sum + f.bytes.byteLength, 0);
  options.onProgress({ loaded: bytes, total: bytes, file: fetched.modelUrl, phase: 'check' });
  const backbone = await client.request('load-backbone-files', {
    files: fetched.files.map((f) => ({ file: new File([f.bytes], f.name), path: f.name })),
    source: fetched.modelUrl,
    ...(fetched.hasSpec ? {} : { draft: draftForUrl(fetched.modelUrl, preset) }),
  });
  return { backbone, origin: fetched.origin };
}
