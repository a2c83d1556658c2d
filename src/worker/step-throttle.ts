/**
 * Buffers loss points and hands them on as small deltas at most every
 * `intervalMs`, so the page redraws at a rate a person can see (4 a second by
 * default) instead of once per training step; progress reports likewise.
 */
import type { Progress } from '../core/progress.ts';
import type { StepPoint } from '../core/training/train-loop.ts';

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

/**
 * Passes a progress report on at most every `intervalMs`, and at once when the
 * phase changes. Each report supersedes the one before, so the skipped ones
 * are simply dropped: a fast GPU cannot flood the page (or a hidden tab).
 */
export class ProgressThrottle {
  private last = -Infinity;
  private phase: string | null = null;

  constructor(
    private readonly send: (progress: Progress) => void,
    private readonly intervalMs: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  push(progress: Progress): void {
    const time = this.now();
    if (progress.phase === this.phase && time - this.last < this.intervalMs) return;
    this.phase = progress.phase;
    this.last = time;
    this.send(progress);
  }
}
