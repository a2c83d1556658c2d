/**
 * Downloading a backbone from a URL, against a server on localhost: progress in
 * bytes, backbone.json when present, cancel, refusal of sites the user did not
 * allow (before any request), and a sentence for every failure.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { downloadBackbone, type DownloadProgress } from '../../src/client/backbone-download.ts';
import { CancelledError } from '../../src/core/errors.ts';

const weights = new Uint8Array(4 * (3 * 3 * 3 * 4 + 4)).map((_, i) => i % 251);
const modelJson = {
  format: 'layers-model',
  modelTopology: { class_name: 'Sequential', config: { layers: [] } },
  weightsManifest: [
    {
      paths: ['group1-shard1of2.bin', 'group1-shard2of2.bin'],
      weights: [
        { name: 'conv/kernel', shape: [3, 3, 3, 4], dtype: 'float32' },
        { name: 'conv/bias', shape: [4], dtype: 'float32' },
      ],
    },
  ],
};
const spec = { id: 'tiny', name: 'Tiny', inputSize: 8, resize: 'stretch', scaling: { kind: 'unit' }, outputDim: 4, featureSourceNetwork: 'tiny' };

let server: Server;
let origin: string;
let requests: string[] = [];
let stall = false;
const routes: Record<string, () => { status: number; body: string | Uint8Array; headers?: Record<string, string> }> = {
  '/m/model.json': () => ({ status: 200, body: JSON.stringify(modelJson) }),
  '/m/group1-shard1of2.bin': () => ({ status: 200, body: weights.slice(0, 64) }),
  '/m/group1-shard2of2.bin': () => ({ status: 200, body: weights.slice(64) }),
  '/with-spec/model.json': () => ({ status: 200, body: JSON.stringify(modelJson) }),
  '/with-spec/backbone.json': () => ({ status: 200, body: JSON.stringify(spec) }),
  '/with-spec/group1-shard1of2.bin': () => ({ status: 200, body: weights.slice(0, 64) }),
  '/with-spec/group1-shard2of2.bin': () => ({ status: 200, body: weights.slice(64) }),
  '/html/model.json': () => ({ status: 200, body: '<!doctype html><p>Sign in</p>' }),
  '/json/model.json': () => ({ status: 200, body: '{"hello": "world"}' }),
  '/broken/model.json': () => ({ status: 500, body: 'oops' }),
  '/hub/resnet101.safetensors': () => ({ status: 200, body: weights, headers: { 'content-length': String(weights.length) } }),
  '/elsewhere/model.json': () => ({ status: 200, body: JSON.stringify({ ...modelJson, weightsManifest: [{ paths: ['https://cdn.example.com/w.bin'], weights: [] }] }) }),
};

beforeAll(async () => {
  server = createServer((request, response) => {
    requests.push(request.url ?? '');
    const route = routes[request.url ?? ''];
    if (stall && request.url?.endsWith('.bin')) {
      // Sends a little, then waits forever: only a cancel ends it.
      response.writeHead(200, { 'content-length': '100000' });
      response.write(new Uint8Array(1000));
      return;
    }
    const answer = route ? route() : { status: 404, body: 'not found' };
    response.writeHead(answer.status, { 'access-control-allow-origin': '*', ...answer.headers });
    response.end(answer.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  requests = [];
  stall = false;
});

const text = (bytes: ArrayBuffer) => new TextDecoder().decode(bytes);

describe('downloadBackbone', () => {
  test('fetches model.json and its weight files with progress in bytes; no backbone.json means none', async () => {
    const progress: DownloadProgress[] = [];
    const result = await downloadBackbone(`${origin}/m/model.json`, { allowed: [origin], onProgress: (p) => progress.push(p) });
    expect(result.modelUrl).toBe(`${origin}/m/model.json`);
    expect(result.origin).toBe(origin);
    expect(result.hasSpec).toBe(false);
    expect(result.files.map((f) => f.name)).toEqual(['model.json', 'group1-shard1of2.bin', 'group1-shard2of2.bin']);
    expect(new Uint8Array(result.files[1]!.bytes)).toEqual(weights.slice(0, 64));
    expect(JSON.parse(text(result.files[0]!.bytes))).toEqual(modelJson);
    const total = JSON.stringify(modelJson).length + weights.length;
    const last = progress.at(-1)!;
    expect(last).toMatchObject({ loaded: total, total });
    for (let i = 1; i < progress.length; i++) expect(progress[i]!.loaded).toBeGreaterThanOrEqual(progress[i - 1]!.loaded);
    expect(requests).toContain('/m/backbone.json');
  });

  test('takes backbone.json from the model\'s folder when there is one', async () => {
    const result = await downloadBackbone(`${origin}/with-spec/model.json`, { allowed: [origin] });
    expect(result.hasSpec).toBe(true);
    expect(JSON.parse(text(result.files.find((f) => f.name === 'backbone.json')!.bytes))).toEqual(spec);
  });

  test('does not look for backbone.json for a known model', async () => {
    await downloadBackbone(`${origin}/m/model.json`, { allowed: [origin], lookForSpec: false });
    expect(requests).not.toContain('/m/backbone.json');
  });

  test('refuses a site the user did not allow, before any request', async () => {
    await expect(downloadBackbone(`${origin}/m/model.json`, { allowed: ['https://storage.googleapis.com'] })).rejects.toThrow(
      `${origin} is not among the sites you allowed, so it was not contacted.`,
    );
    expect(requests).toEqual([]);
  });

  test('refuses weight files on another site, before fetching them', async () => {
    await expect(downloadBackbone(`${origin}/elsewhere/model.json`, { allowed: [origin] })).rejects.toThrow(
      /https:\/\/cdn\.example\.com is not among the sites you allowed/,
    );
    expect(requests).toEqual(['/elsewhere/model.json']);
  });

  test('says what went wrong in a sentence', async () => {
    const get = (path: string, extra = {}) => downloadBackbone(`${origin}${path}`, { allowed: [origin], ...extra });
    await expect(get('/missing/model.json')).rejects.toThrow(`${origin}/missing/model.json: was not found (HTTP 404): check the address.`);
    await expect(get('/broken/model.json')).rejects.toThrow(/broken\/model\.json: could not be fetched: the server answered HTTP 500 Internal Server Error\./);
    await expect(get('/html/model.json')).rejects.toThrow(/html\/model\.json: is not a TensorFlow\.js model \(it is not JSON\)/);
    await expect(get('/json/model.json')).rejects.toThrow(/is not a TensorFlow\.js model \(it has no modelTopology\)/);
    await expect(get('/m/model.json', { maxBytes: 100 })).rejects.toThrow(/is larger than 0 MB/);
    await expect(downloadBackbone('ftp://example.com/model.json', { allowed: [origin] })).rejects.toThrow(/Backbone URL: ftp: addresses cannot be used/);
    await expect(downloadBackbone('http://example.com/model.json', { allowed: ['http://example.com'] })).rejects.toThrow(/plain http/);
  });

  test('a network failure: offline, refused by the page\'s policy, or unreachable', async () => {
    const failing: typeof fetch = async () => {
      throw new TypeError('Failed to fetch');
    };
    const get = (extra = {}) => downloadBackbone(`${origin}/m/model.json`, { allowed: [origin], fetch: failing, ...extra });
    await expect(get()).rejects.toThrow(/could not be fetched: the site did not answer, or it does not let other sites read its files \(CORS\)/);
    await expect(get({ online: () => false })).rejects.toThrow(`You are offline, so ${origin} could not be reached.`);
    await expect(get({ refusedByPolicy: (url: string) => url.startsWith(origin) })).rejects.toThrow(
      `This page's security policy refused to contact ${origin}.`,
    );
  });

  test('cancels mid-download', async () => {
    stall = true;
    const abort = new AbortController();
    const started = downloadBackbone(`${origin}/m/model.json`, {
      allowed: [origin],
      signal: abort.signal,
      onProgress: (p) => {
        if (p.file.endsWith('.bin') && p.loaded > JSON.stringify(modelJson).length) abort.abort();
      },
    });
    await expect(started).rejects.toBeInstanceOf(CancelledError);
  });
});

test('ResNet weights by URL: one file, its length the total', async () => {
  const seen: DownloadProgress[] = [];
  const got = await downloadBackbone(`${origin}/hub/resnet101.safetensors`, { allowed: [origin], onProgress: (p) => seen.push(p) });
  expect(got.files.map((f) => [f.name, f.bytes.byteLength])).toEqual([['resnet101.safetensors', weights.length]]);
  expect(got.hasSpec).toBe(true);
  expect(seen.at(-1)).toMatchObject({ loaded: weights.length, total: weights.length });
});
