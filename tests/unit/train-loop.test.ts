/** The epoch loop with a fake trainer: when losses are read back, and pause/stop bookkeeping. */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, expect, test } from 'vitest';
import type { ZslModel } from '../../src/core/methods/types.ts';
import { runTraining, type Trainer } from '../../src/core/training/train-loop.ts';
import type { TrainingView } from '../../src/core/data/training-view.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const view: TrainingView = {
  featureDim: 1,
  numAttributes: 1,
  numSeen: 2,
  seenClassNames: ['a', 'b'],
  seenAttributes: Float32Array.from([0, 1]),
  train: { features: Float32Array.from([0, 1]), labels: Int32Array.from([0, 1]), size: 2 },
  validation: null,
};

function fakeTrainer(steps: number, clock: { t: number }, msPerStep: number): Trainer {
  const model: ZslModel = {
    method: 'fake',
    metric: 'dot',
    embedFeatures: (x) => x.clone(),
    embedClasses: (a) => a.clone(),
    dispose: () => {},
  };
  return {
    stepsPerEpoch: steps,
    model,
    beginEpoch: () => {},
    step: () => {
      clock.t += msPerStep;
      return tf.scalar(1);
    },
    evaluateLoss: async () => 0,
    dispose: () => {},
  };
}

test.each([
  [5, 16], // fast steps: every 8 steps → 2 reads for 16 steps
  [300, 16], // slow steps: every step, so the chart still moves 4 times a second or more
])('with %i ms a step, losses of %i steps arrive in small, timely deltas', async (msPerStep, steps) => {
  const clock = { t: 0 };
  const deliveries: number[] = [];
  await runTraining(fakeTrainer(steps, clock, msPerStep), view, {
    epochs: 1,
    now: () => clock.t,
    onSteps: (points) => deliveries.push(points.length),
  });
  expect(deliveries.reduce((a, b) => a + b, 0)).toBe(steps);
  if (msPerStep < 250 / 8) expect(deliveries).toEqual([8, 8]);
  else expect(deliveries.every((n) => n === 1)).toBe(true);
});
