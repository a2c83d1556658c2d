/** Launching Debian's Chromium for the end-to-end tests, with console errors collected. */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright';
import { chromiumArgs, chromiumArgsWithoutWebGpu, chromiumPath } from '../chromium.ts';

export async function launch(options: { webgpu: boolean }): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: options.webgpu ? chromiumArgs : chromiumArgsWithoutWebGpu,
  });
}

/** Long tasks (> 50 ms) on the main thread, recorded from page load; read with `longTasksSince`. */
export async function observeLongTasks(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const w = window as unknown as { __longTasks: Array<{ start: number; duration: number }> };
    w.__longTasks = [];
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) w.__longTasks.push({ start: entry.startTime, duration: entry.duration });
    }).observe({ type: 'longtask', buffered: true });
  });
}

export async function longTasksSince(page: Page, since: number): Promise<Array<{ start: number; duration: number }>> {
  return page.evaluate(
    (t) => (window as unknown as { __longTasks: Array<{ start: number; duration: number }> }).__longTasks.filter((e) => e.start >= t),
    since,
  );
}

export async function setField(page: Page, name: string, value: string): Promise<void> {
  await page.locator(`input[name="${name}"]`).fill(value);
}

/**
 * Here the "GPU" is SwiftShader: the GPU process computes on the same two CPU
 * cores as the page, and under full load it starves the main thread, which a
 * real GPU never does. Giving that process the lowest CPU priority restores the
 * separation, so the long-task check measures the app's own main-thread work.
 * Threads created later inherit the priority of the thread that creates them.
 */
export function deprioritiseGpuProcess(): number {
  return renice(processIds('--type=gpu-process'), () => true);
}

/**
 * The same for the page's Web Worker threads: on a machine with more than two
 * cores the worker has a core of its own; here it competes with the page's main
 * thread, so it gets a lower priority (the worker keeps running at full speed
 * whenever the main thread is idle, which is nearly always). Call it once the
 * worker exists.
 */
export function deprioritiseWorkers(): number {
  return renice(processIds('--type=renderer'), (comm) => comm.startsWith('DedicatedWorker'));
}

function processIds(flag: string): string[] {
  try {
    return execFileSync('pgrep', ['-f', '--', flag]).toString().trim().split('\n').filter(Boolean);
  } catch {
    return []; // pgrep exits 1 when nothing matches
  }
}

function renice(pids: string[], threadFilter: (comm: string) => boolean): number {
  let threads = 0;
  for (const pid of pids) {
    for (const tid of safeList(`/proc/${pid}/task`)) {
      try {
        if (!threadFilter(readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim())) continue;
        execFileSync('renice', ['-n', '19', '-p', tid], { stdio: 'ignore' });
        threads++;
      } catch {
        // the thread ended meanwhile
      }
    }
  }
  return threads;
}

function safeList(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/**
 * Records every request the page and its worker make, and every CSP violation,
 * so a test can prove that nothing leaves the page's origin.
 */
export async function watchEgress(page: Page): Promise<{ requests: string[]; violations: () => Promise<string[]> }> {
  const requests: string[] = [];
  page.on('request', (request) => requests.push(request.url()));
  page.on('websocket', (socket) => requests.push(socket.url()));
  await page.addInitScript(() => {
    const w = window as unknown as { __cspViolations: string[] };
    w.__cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) => w.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  return {
    requests,
    violations: () => page.evaluate(() => (window as unknown as { __cspViolations: string[] }).__cspViolations),
  };
}

/** Requests that left the origin of `baseUrl` (data: and blob: URLs stay on the machine). */
export function foreignRequests(requests: string[], baseUrl: string): string[] {
  const origin = new URL(baseUrl).origin;
  return requests.filter((url) => !url.startsWith('data:') && !url.startsWith('blob:') && new URL(url).origin !== origin);
}
