/**
 * A Chromium whose tabs behave like a person's. Playwright keeps every page it
 * creates visible: it turns on focus emulation for each page (which holds the
 * page visible) and launches Chromium with --disable-background-timer-throttling,
 * --disable-renderer-backgrounding and --disable-backgrounding-occluded-windows.
 * Here Chromium is started by hand with only the tests' own flags, and
 * Playwright attaches over CDP without its default overrides (noDefaults), so
 * a tab brought behind another one in the same window is hidden exactly as in
 * a desktop browser: document.visibilityState turns 'hidden', a
 * visibilitychange event fires, and its timers are throttled to about one
 * wake-up a second.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext } from 'playwright';
import { chromiumArgs, chromiumPath } from '../chromium.ts';

export interface RealTabsBrowser {
  browser: Browser;
  /** The profile's own context: its pages are tabs of one window. */
  context: BrowserContext;
  close(): Promise<void>;
}

export async function launchWithRealTabs(): Promise<RealTabsBrowser> {
  const profile = mkdtempSync(path.join(tmpdir(), 'zsl-tabs-'));
  const child = spawn(chromiumPath, ['--headless', '--remote-debugging-port=0', `--user-data-dir=${profile}`, ...chromiumArgs, 'about:blank'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const endpoint = await new Promise<string>((resolve, reject) => {
    let log = '';
    const timer = setTimeout(() => reject(new Error(`Chromium did not open its DevTools port:\n${log}`)), 30_000);
    child.stderr!.on('data', (chunk: Buffer) => {
      log += chunk.toString();
      const found = /DevTools listening on (ws:\/\/\S+)/.exec(log);
      if (found) {
        clearTimeout(timer);
        resolve(found[1]!);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`Chromium exited (${code}):\n${log}`));
    });
  });
  const browser = await chromium.connectOverCDP(endpoint, { noDefaults: true, isLocal: true });
  return {
    browser,
    context: browser.contexts()[0]!,
    async close() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        // Closing through the protocol lets Chromium end its own helper processes; a signal would orphan them.
        const session = await browser.newBrowserCDPSession().catch(() => null);
        await session?.send('Browser.close').catch(() => undefined);
        const timer = setTimeout(() => child.kill(), 10_000);
        await exited;
        clearTimeout(timer);
      }
      await browser.close().catch(() => undefined);
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
