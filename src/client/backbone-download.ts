/**
 * Downloads a backbone the user named by URL: model.json, the weight files it
 * lists, and backbone.json when the folder has one (or one ResNet weights file,
 * .h5 or .safetensors, which declares its own preprocessing), with progress in bytes and
 * cancel. Runs on the main thread (fetching is I/O, not heavy work; the worker's
 * own policy allows its origin only) and hands the bytes to the worker, which
 * checks and keeps them like dropped files. Refuses, before any request, every
 * origin the user did not allow (the page's policy would too: this is the second
 * lock). Failures are sentences: not found, not a model, refused, offline.
 * No React; the DOM only through the injected fetch.
 */
import { CancelledError, ZslError } from '../core/errors.ts';
import { originOfUrl } from './site-policy.ts';

export interface DownloadProgress {
  /** Bytes received so far, over all files. */
  loaded: number;
  /** Bytes expected (model.json and the weights its manifest declares); null when they cannot be told. */
  total: number | null;
  /** The file being fetched. */
  file: string;
}

export interface DownloadOptions {
  /** Origins that may be contacted: the app's own and those the user allowed. */
  allowed: readonly string[];
  signal?: AbortSignal;
  onProgress?: (progress: DownloadProgress) => void;
  /** Whether to look for a backbone.json beside model.json (not for a known model with its own spec). */
  lookForSpec?: boolean;
  fetch?: typeof fetch;
  /** True when the page's security policy blocked a request to this URL (it fails like any network error). */
  refusedByPolicy?: (url: string) => boolean;
  /** False when the browser knows it is offline. */
  online?: () => boolean;
  /** Refuse models larger than this (bytes, all files together). */
  maxBytes?: number;
}

export interface DownloadedBackbone {
  /** model.json's URL, or the weights file's. */
  modelUrl: string;
  origin: string;
  /** model.json, its weight files (by base name, as the manifest lists them) and backbone.json when found. */
  files: Array<{ name: string; bytes: ArrayBuffer }>;
  hasSpec: boolean;
}

const PARALLEL = 4;
const BYTES: Record<string, number> = { float32: 4, int32: 4, uint16: 2, float16: 2, uint8: 1, bool: 1 };

export async function downloadBackbone(address: string, options: DownloadOptions): Promise<DownloadedBackbone> {
  const { signal, onProgress, maxBytes = 1e9 } = options;
  const fetchFn = options.fetch ?? globalThis.fetch.bind(globalThis);
  const target = originOfUrl(address);
  if ('problem' in target) throw new ZslError(target.problem, { file: 'Backbone URL' });
  const check = (url: string) => {
    const origin = new URL(url).origin;
    if (!options.allowed.includes(origin)) {
      throw new ZslError(`${origin} is not among the sites you allowed, so it was not contacted.`, { file: url });
    }
  };
  check(target.url);

  let loaded = 0;
  let total: number | null = null;
  const report = (file: string) => onProgress?.({ loaded, total, file });
  const get = async (url: string, limit: number): Promise<ArrayBuffer> => {
    const response = await request(url);
    if (!response.ok) {
      throw new ZslError(
        response.status === 404 ? 'was not found (HTTP 404): check the address.' : `could not be fetched: the server answered HTTP ${response.status} ${response.statusText}.`.replace(' .', '.'),
        { file: url },
      );
    }
    return readBody(response, url, limit, (bytes) => {
      loaded += bytes;
      report(url);
    });
  };
  const request = async (url: string): Promise<Response> => {
    if (signal?.aborted) throw new CancelledError();
    try {
      // No cookies and no referrer: the site learns only that its files were fetched.
      return await fetchFn(url, { signal, credentials: 'omit', referrerPolicy: 'no-referrer' });
    } catch (error) {
      // A policy refusal is reported by an event queued beside the rejection: let it arrive first.
      if (!signal?.aborted) await new Promise((resolve) => setTimeout(resolve, 50));
      throw failure(error, url);
    }
  };
  const failure = (error: unknown, url: string): Error => {
    if (signal?.aborted || (error instanceof Error && error.name === 'AbortError')) return new CancelledError();
    if (error instanceof ZslError || error instanceof CancelledError) return error;
    const origin = new URL(url).origin;
    if (options.refusedByPolicy?.(url)) {
      return new ZslError(`This page's security policy refused to contact ${origin}. Allow the site again (it may have been forgotten in another tab), then retry.`);
    }
    if (options.online?.() === false) {
      return new ZslError(`You are offline, so ${origin} could not be reached. A backbone loaded once is kept in this browser and works offline.`);
    }
    return new ZslError(`could not be fetched: the site did not answer, or it does not let other sites read its files (CORS). Check the address.`, { file: url });
  };
  const readBody = async (response: Response, url: string, limit: number, onBytes: (bytes: number) => void): Promise<ArrayBuffer> => {
    const declared = Number(response.headers.get('content-length'));
    if (declared > limit) throw tooBig(url, limit);
    if (!response.body) {
      const whole = await response.arrayBuffer();
      onBytes(whole.byteLength);
      return whole;
    }
    const reader = response.body.getReader();
    const chunks: Uint8Array[] = [];
    let size = 0;
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        size += value.byteLength;
        if (size > limit) throw tooBig(url, limit);
        chunks.push(value);
        onBytes(value.byteLength);
      }
    } catch (error) {
      void reader.cancel().catch(() => undefined);
      throw failure(error, url);
    }
    const bytes = new Uint8Array(size);
    let offset = 0;
    for (const chunk of chunks) {
      bytes.set(chunk, offset);
      offset += chunk.byteLength;
    }
    return bytes.buffer;
  };

  report(target.url);
  // ResNet weights (.h5, .safetensors) are one file: its declared length is the total.
  if (/\.(h5|hdf5|safetensors)$/i.test(new URL(target.url).pathname)) {
    const name = decodeURIComponent(new URL(target.url).pathname.split('/').pop()!);
    const response = await request(target.url);
    if (!response.ok) {
      throw new ZslError(response.status === 404 ? 'was not found (HTTP 404): check the address.' : `could not be fetched: the server answered HTTP ${response.status}.`, { file: target.url });
    }
    total = Number(response.headers.get('content-length')) || null;
    const bytes = await readBody(response, target.url, maxBytes, (n) => {
      loaded += n;
      report(target.url);
    });
    return { modelUrl: target.url, origin: target.origin, files: [{ name, bytes }], hasSpec: true };
  }
  const modelBytes = await get(target.url, Math.min(maxBytes, 64e6));
  const weights = weightFiles(parseModelJson(modelBytes, target.url), target.url);
  weights.forEach((w) => check(w.url));
  total = weights.every((w) => w.bytes !== null) ? modelBytes.byteLength + weights.reduce((sum, w) => sum + w.bytes!, 0) : null;
  if (total !== null && total > maxBytes) throw tooBig(target.url, maxBytes);
  report(target.url);

  const files: DownloadedBackbone['files'] = [{ name: 'model.json', bytes: modelBytes }];
  let hasSpec = false;
  if (options.lookForSpec !== false) {
    const spec = await optionalSpec(new URL('backbone.json', target.url).href);
    if (spec) {
      files.push({ name: 'backbone.json', bytes: spec });
      hasSpec = true;
    }
  }
  const bodies = new Array<ArrayBuffer>(weights.length);
  let next = 0;
  const worker = async () => {
    while (next < weights.length) {
      const i = next++;
      bodies[i] = await get(weights[i]!.url, maxBytes - loaded);
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL, weights.length) }, worker));
  weights.forEach((w, i) => files.push({ name: w.name, bytes: bodies[i]! }));
  return { modelUrl: target.url, origin: target.origin, files, hasSpec };

  /** backbone.json beside model.json, or null when there is none (any failure but a cancel counts as none). */
  async function optionalSpec(url: string): Promise<ArrayBuffer | null> {
    try {
      const response = await request(url);
      return response.ok ? await response.arrayBuffer() : null;
    } catch (error) {
      if (error instanceof CancelledError) throw error;
      return null;
    }
  }
}

function tooBig(url: string, limit: number): ZslError {
  return new ZslError(`is larger than ${(limit / 1e6).toFixed(0)} MB; expected an image backbone of a few hundred MB at most.`, { file: url });
}

function parseModelJson(bytes: ArrayBuffer, url: string): { weightsManifest: Array<{ paths: string[]; weights: Array<{ shape: number[]; dtype: string; quantization?: { dtype: string } }> }> } {
  const notModel = (why: string) => new ZslError(`is not a TensorFlow.js model (${why}); expected the model.json of a tfjs Layers or Graph model.`, { file: url });
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    throw notModel('it is not JSON');
  }
  const model = json as { modelTopology?: unknown; weightsManifest?: unknown };
  if (!model || typeof model !== 'object' || !model.modelTopology) throw notModel('it has no modelTopology');
  const manifest = model.weightsManifest ?? [];
  if (!Array.isArray(manifest) || !manifest.every((g) => g && Array.isArray(g.paths) && g.paths.every((p: unknown) => typeof p === 'string') && Array.isArray(g.weights))) {
    throw notModel('its weightsManifest is not a list of weight files');
  }
  return { weightsManifest: manifest };
}

/** The weight files of a manifest, resolved against model.json's URL, with the bytes each group declares. */
function weightFiles(model: ReturnType<typeof parseModelJson>, modelUrl: string): Array<{ url: string; name: string; bytes: number | null }> {
  const out: Array<{ url: string; name: string; bytes: number | null }> = [];
  for (const group of model.weightsManifest) {
    // The group's bytes are split over its files; only the sum is known, so it goes to the group's first file.
    let groupBytes: number | null = 0;
    for (const w of group.weights) {
      const size = BYTES[w.quantization?.dtype ?? w.dtype];
      groupBytes = size === undefined || groupBytes === null ? null : groupBytes + size * w.shape.reduce((a, b) => a * b, 1);
    }
    group.paths.forEach((path, i) => {
      const url = new URL(path, modelUrl).href;
      const name = path.split('/').pop()!;
      if (out.some((o) => o.name === name)) throw new ZslError(`lists two weight files named "${name}"; expected distinct names.`, { file: modelUrl });
      out.push({ url, name, bytes: i === 0 ? groupBytes : groupBytes === null ? null : 0 });
    });
  }
  return out;
}
