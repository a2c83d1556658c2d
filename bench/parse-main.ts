/**
 * Bench-only page for the parse benchmark: hands the picked File to a fresh
 * bench/parse-worker.ts per measurement and exposes the result to the Node driver
 * (scripts/bench-browser.ts) as `window.__parse(mode, rows)`.
 */
import type { ParseBenchRequest, ParseBenchResult } from './protocol.ts';

const input = document.getElementById('file') as HTMLInputElement;

(window as unknown as { __parse: (mode: ParseBenchRequest['mode'], rows: number) => Promise<ParseBenchResult | { error: string }> }).__parse = (mode, rows) =>
  new Promise((resolve) => {
    const file = input.files?.[0];
    if (!file) return resolve({ error: 'no file picked' });
    const worker = new Worker(new URL('./parse-worker.ts', import.meta.url), { type: 'module' });
    worker.onmessage = (event: MessageEvent<ParseBenchResult | { error: string }>) => {
      worker.terminate();
      resolve(event.data);
    };
    worker.onerror = (event) => resolve({ error: event.message });
    worker.postMessage({ file, rows, mode } satisfies ParseBenchRequest);
  });
