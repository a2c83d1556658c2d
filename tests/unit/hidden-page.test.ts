/**
 * A page in a background tab keeps receiving the worker's events: what reaches
 * it is throttled in the worker, and the page does not redraw what nobody sees.
 */
import { describe, expect, test } from 'vitest';
import type { Progress } from '../../src/core/progress.ts';
import type { StepPoint } from '../../src/core/training/train-loop.ts';
import { AppStore } from '../../src/ui/store.ts';
import { ProgressThrottle, StepThrottle } from '../../src/worker/step-throttle.ts';

const points = (from: number, count: number): StepPoint[] => Array.from({ length: count }, (_, i) => ({ step: from + i, epoch: 1, loss: 1 / (from + i) }));

describe('the store of a hidden page', () => {
  test('keeps every loss point but rebuilds the curve only once it is shown', () => {
    const store = new AppStore();
    let notified = 0;
    store.subscribe(() => notified++);
    store.startRun(1);
    store.addSteps(points(1, 10));
    expect(store.getState().stepsSeen).toBe(10);

    store.setHidden(true);
    const before = notified;
    for (let i = 0; i < 100; i++) store.addSteps(points(11 + 10 * i, 10));
    expect(notified).toBe(before); // 100 deltas arrived, nothing was redrawn
    expect(store.getState().stepsSeen).toBe(10);

    store.setHidden(false);
    expect(notified).toBe(before + 1); // one catch-up
    expect(store.getState().stepsSeen).toBe(1010);
    expect(store.getState().lossCurve.at(-1)!.step).toBe(1010);
    expect(store.getState().lossCurve.length).toBeLessThanOrEqual(160);
  });

  test('a run that ends while hidden keeps its whole curve', () => {
    const store = new AppStore();
    store.startRun(1);
    store.setHidden(true);
    store.addSteps(points(1, 50));
    store.finishRun({ method: 'semantic-mlp' } as never, 'run-1');
    expect(store.getState().runs[0]!.lossCurve.at(-1)!.step).toBe(50);
    store.setHidden(false);
    expect(store.getState().lossCurve.at(-1)!.step).toBe(50);
  });

  test('epochs and status still update while hidden (cheap, and read by whoever looks)', () => {
    const store = new AppStore();
    store.startRun(1);
    store.setHidden(true);
    store.addEpoch({ epoch: 1 } as never);
    expect(store.getState().epochs).toHaveLength(1);
  });
});

describe('what the worker sends', () => {
  test('loss points go out as deltas at most every interval, none lost', () => {
    let time = 0;
    const sent: StepPoint[][] = [];
    const throttle = new StepThrottle((p) => sent.push(p), 250, () => time);
    for (let i = 0; i < 100; i++) {
      throttle.push(points(i + 1, 1));
      time += 10; // 100 steps a second
    }
    throttle.flush();
    expect(sent.length).toBeLessThanOrEqual(6);
    expect(sent.flat().map((p) => p.step)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
  });

  test('progress goes out at most every interval, and at once when the phase changes', () => {
    let time = 0;
    const sent: Progress[] = [];
    const throttle = new ProgressThrottle((p) => sent.push(p), 250, () => time);
    for (let i = 0; i < 100; i++) {
      throttle.push({ phase: i < 50 ? 'Training, epoch 1 of 2' : 'Training, epoch 2 of 2', fraction: i / 100, etaSeconds: 1 });
      time += 10;
    }
    expect(sent.length).toBeLessThanOrEqual(6);
    expect(sent.map((p) => p.fraction)).toEqual([0, 0.25, 0.5, 0.75]);
  });
});
