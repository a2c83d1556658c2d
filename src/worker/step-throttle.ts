/**
 * Buffers loss points and hands them on as small deltas at most every
 * `intervalMs`, so the page redraws at a rate a person can see (4 a second by
 * default) instead of once per training step.
 */
import type { StepPoint } from '../core/train-loop.ts';

export class StepThrottle {
  private buffer: StepPoint[] = [];
  private last = -Infinity;

  constructor(
    private readonly send: (points: StepPoint[]) => void,
    private readonly intervalMs: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  push(points: StepPoint[]): void {
    this.buffer.push(...points);
    if (this.now() - this.last >= this.intervalMs) this.flush();
  }

  flush(): void {
    if (this.buffer.length === 0) return;
    this.last = this.now();
    const points = this.buffer;
    this.buffer = [];
    this.send(points);
  }
}
