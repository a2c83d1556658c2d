/**
 * Latency from a dropped picture to its top-5 list, in the production build:
 * picture demo, ESZSL fitted, N dropped PNGs of unseen combinations, WebGPU on
 * SwiftShader in Debian's Chromium. Builds the app first.
 *   npx tsx scripts/bench-photo.ts [--pictures 8] [--size 512]
 */
import { chromium } from 'playwright';
import { build, preview } from 'vite';
import { attributesOf, PICTURE_UNSEEN, renderPicture } from '../src/core/demos/picture-world.ts';
import { createRng } from '../src/core/compute/rng.ts';
import { chromiumArgs, chromiumPath } from '../tests/chromium.ts';
import { encodePng } from '../tests/e2e/png.ts';

const args = process.argv.slice(2);
const flag = (name: string, fallback: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const pictures = Math.min(flag('pictures', 8), PICTURE_UNSEEN.length);
const size = flag('size', 512);

await build({ logLevel: 'warn', mode: 'production' });
const server = await preview({ preview: { port: 0, host: '127.0.0.1' }, logLevel: 'warn' });
const browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
try {
  const page = await browser.newPage();
  await page.goto(server.resolvedUrls!.local[0]!);
  await page.getByTestId('dataset-summary').waitFor({ timeout: 60_000 });
  await page.getByTestId('picture-demo').click();
  await page.waitForFunction(() => document.querySelector('[data-testid="dataset-summary"]')?.textContent?.includes('icture'), null, { timeout: 180_000 });
  await page.getByTestId('train-button').click();
  await page.getByTestId('run-row').first().waitFor({ timeout: 120_000 });
  const times: number[] = [];
  for (let i = 0; i < pictures; i++) {
    const png = Buffer.from(encodePng(renderPicture(attributesOf(PICTURE_UNSEEN[i]!), createRng(i), size), size, size));
    const started = Date.now();
    await page.getByTestId('picture-input').setInputFiles({ name: `p${i}.png`, mimeType: 'image/png', buffer: png });
    await page.waitForFunction((n) => document.querySelector('[data-testid="classification"]')?.getAttribute('data-result') === String(n), i + 1, { timeout: 30_000 });
    times.push(Date.now() - started);
  }
  const sorted = [...times].sort((a, b) => a - b);
  console.log(`drop → top-5, ${size} × ${size} PNGs (ms): ${times.join(', ')}`);
  console.log(`median ${sorted[Math.floor(sorted.length / 2)]} ms, first ${times[0]} ms, range ${sorted[0]}–${sorted.at(-1)} ms`);
} finally {
  await browser.close();
  await server.close();
}
