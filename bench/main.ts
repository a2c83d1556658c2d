/**
 * Bench-only page: starts bench/worker.ts and hands its events to the Node
 * driver (scripts/bench-browser.ts) through `window.__bench`. Also samples this
 * page's own JS heap (performance.memory) while the worker trains.
 */
import type { BenchEvent, BenchRequest } from './protocol.ts';

interface BenchApi {
  start(request: BenchRequest): void;
  /** Events not yet taken by the driver (it polls). */
  take(): BenchEvent[];
  pageHeapPeak(): number | null;
}

const logElement = document.getElementById('log')!;
const queue: BenchEvent[] = [];
let heapPeak: number | null = null;
const heap = () => (performance as Performance & { memory?: { usedJSHeapSize: number } }).memory?.usedJSHeapSize ?? null;
setInterval(() => {
  const h = heap();
  if (h !== null) heapPeak = Math.max(heapPeak ?? 0, h);
}, 250);

const api: BenchApi = {
  start(request) {
    const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
    worker.onmessage = (event: MessageEvent<BenchEvent>) => {
      queue.push(event.data);
      logElement.textContent += `\n${JSON.stringify(event.data)}`;
    };
    worker.onerror = (event) => queue.push({ kind: 'error', backend: request.backends[0] ?? 'cpu', method: null, message: `worker error: ${event.message}` });
    worker.postMessage(request);
  },
  take: () => queue.splice(0),
  pageHeapPeak: () => heapPeak,
};
(window as unknown as { __bench: BenchApi }).__bench = api;
logElement.textContent = 'ready';
