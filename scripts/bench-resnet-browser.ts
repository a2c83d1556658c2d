/**
 * The Chromium half of the ResNet benchmark: the app itself (production build)
 * in headless Chromium, per backend. A release of the backbone's feature size is
 * loaded and ESZSL trained, then the weights file is picked (load = until the
 * backbone row names it: read, build, kept in IndexedDB) and photos are picked
 * one after another (latency = until the top 5 shows).
 * Every step has a time limit inside the backend's whole limit; a step that
 * fails or runs out of time ends that row with a sentence (with what the page
 * and its workers said) instead of hanging, and the run reports failure.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright';
import { createRng } from '../src/core/compute/rng.ts';
import { median } from './bench-stats.ts';

export interface BrowserBenchOptions {
  dir: string;
  weightsPath: string;
  featureDim: number;
  photos: Uint8Array[];
  backends: string[];
  /** Seconds each backend's row may take in all. */
  limitSeconds: number;
}

/** A step that ran out of its time or failed, named for the row. */
class StepFailure extends Error {}

/** Whether every backend produced its row. */
export async function browserBench({ dir, weightsPath, featureDim, photos, backends, limitSeconds }: BrowserBenchOptions): Promise<boolean> {
  const { chromium } = await import('playwright');
  const { build, preview } = await import('vite');
  const { chromiumArgs, chromiumPath } = await import('../tests/chromium.ts');
  const { makeFixture } = await import('../tests/unit/io/helpers/fixtures.ts');
  const fixture = makeFixture();
  const rng = createRng(9);
  const lines = Array.from({ length: fixture.labels.length }, () => Array.from({ length: featureDim }, () => (rng.next() * 0.9).toFixed(4)).join(' '));
  fixture.text['Animals_with_Attributes2/Features/ResNet101/AwA2-features.txt'] = new TextEncoder().encode(lines.join('\n') + '\n');
  for (const [relative, bytes] of Object.entries(fixture.text)) {
    mkdirSync(path.dirname(path.join(dir, relative)), { recursive: true });
    writeFileSync(path.join(dir, relative), bytes);
  }
  const photoFiles = photos.map((png, i) => {
    const file = path.join(dir, `photo-${i}.png`);
    writeFileSync(file, png);
    return file;
  });
  await build({ logLevel: 'warn', mode: 'production' });
  const server = await preview({ preview: { port: 0, host: '127.0.0.1' }, logLevel: 'warn' });
  const browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
  const out: string[] = [];
  let ok = true;
  try {
    for (const backend of backends) {
      const page = await browser.newPage();
      const { said, quiet } = listen(page, backend);
      const deadline = Date.now() + limitSeconds * 1000;
      let load: number | null = null;
      const times: number[] = [];
      /** Runs one step within its own limit and what is left of the backend's; a failure names the step. */
      const step = async <T>(what: string, seconds: number, run: (timeout: number) => Promise<T>): Promise<T> => {
        const timeout = Math.min(seconds * 1000, deadline - Date.now());
        if (timeout <= 0) throw new StepFailure(`not finished within ${limitSeconds} s (${what} did not start)`);
        console.log(`  [${backend}] ${what}…`);
        const started = Date.now();
        // A long step shows what the page shows (its progress bars and notice) twice a minute.
        const ticker = setInterval(() => {
          void page
            .evaluate(() => [...document.querySelectorAll('.progress, [data-testid="notice"]')].map((e) => e.textContent?.trim()).filter(Boolean).join(' · '))
            .then((shown) => console.log(`  [${backend}] ${what}: ${Math.round((Date.now() - started) / 1000)} s${shown ? `; the page shows: ${shown.slice(0, 300)}` : ''}`))
            .catch(() => undefined);
        }, 30_000);
        try {
          return await raceNotice(page, run(timeout));
        } catch (error) {
          if (error instanceof StepFailure) throw error;
          const message = error instanceof Error ? error.message.split('\n')[0]! : String(error);
          const timedOut = /Timeout \d+ms exceeded/.test(message);
          if (timedOut && deadline - Date.now() < 1000) throw new StepFailure(`not finished within ${limitSeconds} s (${what} was still running)`);
          throw new StepFailure(timedOut ? `${what} did not finish within ${Math.round(timeout / 1000)} s` : `${what} failed: ${message}`);
        } finally {
          clearInterval(ticker);
        }
      };
      try {
        await step('opening the app', 120, async (timeout) => {
          await page.goto(`${server.resolvedUrls!.local[0]!}?backend=${backend}`, { timeout });
          await page.getByTestId('dataset-summary').waitFor({ timeout });
        });
        await step('loading the release', 120, async (timeout) => {
          await page.getByTestId('folder-input').setInputFiles(path.join(dir, 'Animals_with_Attributes2'), { timeout });
          await page.getByTestId('load-button').click({ timeout });
          await page.waitForFunction(
            (n) => document.querySelector('[data-testid="dataset-images"]')?.textContent === String(n),
            fixture.labels.length,
            { timeout },
          );
        });
        await step('training ESZSL', 300, async (timeout) => {
          await page.locator('select').filter({ has: page.locator('option[value="eszsl"]') }).first().selectOption('eszsl', { timeout });
          await page.locator('select').filter({ has: page.locator('option[value="ss"]') }).first().selectOption('ss', { timeout });
          await page.getByTestId('train-button').click({ timeout });
          await page.getByTestId('run-row').first().waitFor({ timeout });
        });
        const loadStarted = Date.now();
        await step('loading the weights', 900, async (timeout) => {
          await page.getByTestId('backbone-input').setInputFiles(weightsPath, { timeout });
          await page.waitForFunction(() => document.querySelector('[data-testid="backbone-name"]')?.textContent?.startsWith('ResNet'), null, { timeout });
        });
        load = (Date.now() - loadStarted) / 1000;
        for (const [i, file] of photoFiles.entries()) {
          const started = Date.now();
          await step(i === 0 ? 'the first photo' : `photo ${i + 1}`, 900, async (timeout) => {
            await page.getByTestId('photo-input').setInputFiles(file, { timeout });
            await page.waitForFunction(
              (n) => document.querySelector('[data-testid="classification"]')?.getAttribute('data-result') === String(n),
              i + 1,
              { timeout },
            );
          });
          times.push(Date.now() - started);
        }
        const later = times.slice(1);
        out.push(`| ${backend} (Chromium) | ${load.toFixed(1)} s | ${times[0]} ms | ${later.length ? `${median(later)} ms` : '–'} |`);
      } catch (error) {
        ok = false;
        const sentence = error instanceof Error ? error.message : String(error);
        const cells = [load === null ? sentence : `${load.toFixed(1)} s`, times.length ? `${times[0]} ms` : load === null ? '' : sentence, times.length ? sentence : ''];
        out.push(`| ${backend} (Chromium) | ${cells.join(' | ')} |`);
        console.log(`${backend} (Chromium): ${sentence}`);
        for (const line of said.slice(-12)) console.log(`  ${line}`);
      }
      console.log(out.at(-1));
      quiet(); // the page's workers close with it
      await page.close().catch(() => undefined);
    }
  } finally {
    await browser.close().catch(() => undefined);
    await server.close();
  }
  console.log('\n| backend (the app in Chromium) | weights load (read, build, keep) | first photo → top 5 | later photos (median) |');
  console.log('| --- | --- | --- | --- |');
  for (const row of out) console.log(row);
  return ok;
}

/** What the page and its workers say (errors and warnings, uncaught errors, a crash, a worker gone), printed as it comes and kept for a failed row; quiet() before closing the page. */
function listen(page: Page, backend: string): { said: string[]; quiet: () => void } {
  const said: string[] = [];
  let closing = false;
  const note = (line: string) => {
    if (closing) return;
    said.push(line);
    console.log(`  [${backend}] ${line}`);
  };
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') note(`console ${message.type()}: ${message.text().slice(0, 400)}`);
  });
  page.on('pageerror', (error) => note(`page error: ${error.message.slice(0, 400)}`));
  page.on('crash', () => note('the page crashed'));
  page.on('worker', (worker) => worker.on('close', () => note(`a worker closed (${worker.url().split('/').at(-1)})`)));
  return { said, quiet: () => (closing = true) };
}

/** The step's own promise, unless the app shows an error notice first (its sentence is then the failure). */
async function raceNotice<T>(page: Page, run: Promise<T>): Promise<T> {
  let stop = false;
  const watch = (async (): Promise<never> => {
    while (!stop) {
      const text = await page
        .locator('[data-testid="notice"].notice-error')
        .first()
        .textContent({ timeout: 1000 })
        .catch(() => null);
      if (text) throw new StepFailure(`the app said: ${text.replace(/×$/, '').trim()}`);
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    return new Promise<never>(() => undefined);
  })();
  try {
    return await Promise.race([run, watch]);
  } finally {
    stop = true;
    run.catch(() => undefined);
    watch.catch(() => undefined);
  }
}
