/** A gate a training loop awaits between steps; pausing closes it, resuming opens it. */
export class PauseGate {
  private waiters: Array<() => void> = [];
  private closed = false;

  get paused(): boolean {
    return this.closed;
  }

  set(paused: boolean): void {
    this.closed = paused;
    if (!paused) {
      const waiters = this.waiters;
      this.waiters = [];
      for (const resolve of waiters) resolve();
    }
  }

  wait(): Promise<void> {
    if (!this.closed) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }
}
