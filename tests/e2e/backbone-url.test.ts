/**
 * A backbone from a URL on another site (a second server on localhost, so another
 * origin): the page names the site and asks before contacting it; allowing it
 * reloads the page once with that origin, and only that one, added to its
 * Content-Security-Policy, then the load continues. The backbone embeds an image
 * folder, is kept for offline use, and forgetting the site takes it out of the
 * policy again. Throughout, the page contacts no other origin.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright';
import { afterAll, beforeAll, expect, inject, test } from 'vitest';
import { contentSecurityPolicy, STRICT_POLICY } from '../../src/client/site-policy.ts';
import { foreignRequests, launch, watchEgress } from './browser.ts';
import { writeImageFolder } from './image-folder-files.ts';

let browser: Browser;
/** The other site: serves a tiny model at /tiny/ and records every request it gets. */
let modelSite: { server: Server; origin: string; requests: string[] };
/** A third site the page was never allowed to contact. */
let otherSite: { server: Server; origin: string; requests: string[] };

/**
 * A tiny Layers model (conv 3×3 → 6 features, average-pooled) with a backbone.json
 * beside it declaring 16-px pictures (a preset's 224 px would be slow on this
 * machine's software GPU; presets are covered by the Node tests).
 */
async function tinyModelFiles(): Promise<Record<string, Buffer>> {
  const tf = await import('@tensorflow/tfjs');
  await tf.setBackend('cpu');
  const net = tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [null, null, 3], filters: 6, kernelSize: 3, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 5 }) }),
      tf.layers.globalAveragePooling2d({}),
    ],
  });
  let files: Record<string, Buffer> = {};
  await net.save(
    tf.io.withSaveHandler(async (artifacts) => {
      files = {
        '/tiny/model.json': Buffer.from(
          JSON.stringify({ format: 'layers-model', modelTopology: artifacts.modelTopology, weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs }] }),
        ),
        '/tiny/weights.bin': Buffer.from(artifacts.weightData as ArrayBuffer),
        '/tiny/backbone.json': Buffer.from(
          JSON.stringify({ id: 'tiny-url', name: 'Tiny URL net', inputSize: 16, resize: 'stretch', scaling: { kind: 'unit' }, outputDim: 6, featureSourceNetwork: 'tiny-url-net v1' }),
        ),
      };
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  net.dispose();
  return files;
}

async function serve(files: Record<string, Buffer>): Promise<{ server: Server; origin: string; requests: string[] }> {
  const requests: string[] = [];
  const server = createServer((request, response) => {
    requests.push(request.url ?? '');
    const body = files[request.url ?? ''];
    // Like a public model host: anyone may read the files (CORS), nothing else.
    response.writeHead(body ? 200 : 404, { 'access-control-allow-origin': '*', 'content-type': request.url?.endsWith('.json') ? 'application/json' : 'application/octet-stream' });
    response.end(body ?? 'not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests };
}

const close = (server: Server) => {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(resolve));
};

beforeAll(async () => {
  browser = await launch({ webgpu: true });
  modelSite = await serve(await tinyModelFiles());
  otherSite = await serve({ '/x': Buffer.from('x') });
});

afterAll(async () => {
  await browser?.close();
  if (modelSite?.server.listening) await close(modelSite.server);
  if (otherSite) await close(otherSite.server);
});

const policy = (page: Page) => page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');

test('a backbone from another site: asked first, then that site alone is added to the policy, and it stays offline', async () => {
  const base = inject('baseUrl');
  const modelUrl = `${modelSite.origin}/tiny/model.json`;
  const context = await browser.newContext();
  const page = await context.newPage();
  const egress = await watchEgress(page);
  await page.goto(base);
  await page.getByTestId('dataset-summary').waitFor({ timeout: 60_000 });
  // One policy, written by csp.js before anything else: the app's own origin only.
  expect(await page.locator('meta[http-equiv="Content-Security-Policy"]').count()).toBe(1);
  expect(await policy(page)).toBe(STRICT_POLICY);
  // Served with COOP/COEP like a deployment: isolated, so the worker may share memory with its sub-workers.
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);

  await page.getByTestId('backbone-url').locator('summary').click();
  expect(await page.locator('input[name="backbone-url"]').inputValue()).toMatch(/^https:\/\/storage\.googleapis\.com\/.*\/model\.json$/);
  await page.locator('input[name="backbone-url"]').fill(modelUrl);
  await page.getByTestId('backbone-url-load').click();
  await expect.poll(() => page.getByTestId('consent-origin').textContent()).toBe(modelSite.origin);
  // Named and asked, but not contacted.
  expect(modelSite.requests).toEqual([]);

  // Allowing reloads the page once with the site in its policy; the load then continues by itself.
  await page.getByTestId('backbone-allow').click();
  await expect.poll(() => page.getByTestId('backbone-source').textContent(), { timeout: 120_000 }).toBe(modelSite.origin);
  expect(await page.getByTestId('backbone-name').textContent()).toBe('Tiny URL net');
  await expect.poll(() => page.getByTestId('backbone').textContent()).toMatch(/16 px in, 6 features out, kept in this browser/);
  expect(await policy(page)).toBe(contentSecurityPolicy([modelSite.origin]));
  expect((await policy(page))!.split('; ').find((d) => d.startsWith('connect-src'))).toBe(`connect-src 'self' ${modelSite.origin}`);
  expect(modelSite.requests).toEqual(['/tiny/model.json', '/tiny/backbone.json', '/tiny/weights.bin']);
  expect(await page.getByTestId('allowed-sites').textContent()).toBe(modelSite.origin);
  // The cross-origin download is a CORS fetch, which COEP require-corp lets through: still isolated after it.
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);

  // Pictures are now embedded with it: an image folder becomes a dataset in its feature space.
  await page.getByTestId('folder-input').setInputFiles(writeImageFolder(1));
  await expect.poll(() => page.getByTestId('staged-layout').textContent(), { timeout: 60_000 }).toMatch(/pictures in class folders/);
  await page.getByTestId('load-button').click();
  const failed = page.locator('.notice-error');
  const outcome = async () => ((await failed.count()) > 0 ? failed.textContent() : `${await page.getByTestId('dataset-summary').textContent()} ${await page.getByTestId('dataset-progress').textContent().catch(() => '')}`);
  await expect.poll(outcome, { timeout: 240_000 }).toContain('Features fromtiny-url-net v1');

  // The policy is enforced: a site that was never allowed is refused by the browser itself.
  const probe = await page.evaluate((url) => fetch(url).then(() => 'fetched', () => 'refused'), `${otherSite.origin}/x`);
  expect(probe).toBe('refused');
  expect(otherSite.requests).toEqual([]);
  const violations = await egress.violations();
  expect(violations).toHaveLength(1);
  expect(violations[0]).toMatch(new RegExp(`^connect-src ${otherSite.origin.replace(/\./g, '\\.')}`));

  // Kept for offline use: with the site gone, a reload brings the same backbone back.
  await close(modelSite.server);
  const served = modelSite.requests.length;
  await page.reload();
  await expect.poll(() => page.getByTestId('backbone-source').textContent(), { timeout: 60_000 }).toBe(modelSite.origin);
  expect(await page.getByTestId('backbone-name').textContent()).toBe('Tiny URL net');
  expect(modelSite.requests.length).toBe(served);

  // Forgetting the allowed sites takes the site out of the policy (the page reloads to apply it).
  await page.getByTestId('backbone-url').locator('summary').click();
  await page.getByTestId('forget-sites').click();
  await expect.poll(() => policy(page), { timeout: 60_000 }).toBe(STRICT_POLICY);
  await page.getByTestId('dataset-summary').waitFor({ timeout: 60_000 });

  // The whole session contacted the app's origin and the allowed site, nothing else.
  const foreign = foreignRequests(egress.requests, base);
  expect(foreign.length).toBeGreaterThan(0);
  expect(foreign.filter((url) => new URL(url).origin !== modelSite.origin)).toEqual([]);
  await context.close();
});
