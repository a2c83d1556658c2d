/** Calibrated stacking: the class hold-out is a clean partition, and the chosen γ lifts H on the demo. */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { chooseGamma, fitByTraining, makeClassHoldout, selectByHoldout } from '../../src/core/evaluation/calibration.ts';
import { fitSae, SAE_DEFAULTS } from '../../src/core/methods/sae.ts';
import { BILINEAR_DEFAULTS, createBilinearTrainer } from '../../src/core/methods/bilinear.ts';
import { evaluateModel } from '../../src/core/evaluation/evaluate.ts';
import { fitEszsl } from '../../src/core/methods/eszsl.ts';
import { smallDemo } from './methods/fixtures.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('class hold-out', () => {
  it('partitions the seen classes and their images without overlap', () => {
    const { view } = smallDemo(20, 16);
    const holdout = makeClassHoldout(view, { classFraction: 0.25, imageFraction: 0.2, seed: 3 });
    expect(holdout.heldOutClasses.length).toBe(Math.round(view.numSeen * 0.25));
    expect([...holdout.keptClasses, ...holdout.heldOutClasses].sort((a, b) => a - b)).toEqual(view.seenClassNames.map((_, i) => i));
    expect(holdout.view.numSeen).toBe(holdout.keptClasses.length);
    expect(holdout.view.seenClassNames).toEqual(holdout.keptClasses.map((c) => view.seenClassNames[c]));
    const total = view.train.size + (view.validation?.size ?? 0);
    expect(holdout.view.train.size + holdout.seen.size + holdout.unseen.size).toBe(total);
    expect(Array.from(holdout.view.train.labels).every((l) => l >= 0 && l < holdout.view.numSeen)).toBe(true);
    const held = new Set(holdout.heldOutClasses);
    expect(Array.from(holdout.unseen.labels).every((l) => held.has(l))).toBe(true);
    expect(Array.from(holdout.seen.labels).every((l) => !held.has(l))).toBe(true);
    // The sub-view's attribute rows are the kept classes' rows.
    const a = view.numAttributes;
    const k = holdout.keptClasses[1]!;
    expect(Array.from(holdout.view.seenAttributes.subarray(a, 2 * a))).toEqual(Array.from(view.seenAttributes.subarray(k * a, (k + 1) * a)));
  });

  it('refuses impossible fractions', () => {
    const { view } = smallDemo(4, 8);
    expect(() => makeClassHoldout(view, { classFraction: 0 })).toThrow(/between 0 and 1/);
  });
});

describe('chooseGamma', () => {
  it('raises GZSL H of ESZSL on the demo, choosing on seen classes only', async () => {
    const { dataset, view } = smallDemo();
    const choice = await chooseGamma(view, (sub) => fitEszsl(sub));
    expect(choice.h).toBeGreaterThan(choice.uncalibrated.h);
    expect(choice.curve.length).toBeGreaterThan(10);
    const model = await fitEszsl(view);
    const plain = await evaluateModel(model, dataset, dataset.splits[0]!);
    const calibrated = await evaluateModel(model, dataset, dataset.splits[0]!, { gamma: choice.gamma });
    model.dispose();
    expect(calibrated.h).toBeGreaterThan(plain.h + 0.1);
    expect(calibrated.zslTop1).toBe(plain.zslTop1); // ZSL candidates are all unseen: γ cannot matter
  });

  it('works with a trained method through fitByTraining, and disposes what it fitted', async () => {
    const { view } = smallDemo(12, 16);
    const before = tf.memory().numTensors;
    const fit = fitByTraining((sub) => createBilinearTrainer(sub, { ...BILINEAR_DEFAULTS.devise, loss: 'devise', learningRate: 1e-2 }), 2);
    const choice = await chooseGamma(view, fit, { holdout: { seed: 2 } });
    expect(choice.h).toBeGreaterThanOrEqual(choice.uncalibrated.h);
    expect(choice.curve.every((p) => p.h >= 0 && p.h <= 1)).toBe(true);
    expect(tf.memory().numTensors).toBeLessThanOrEqual(before + 2); // AdamW's leftovers (training/optimiser.ts)
  });
});

describe('selectByHoldout', () => {
  it('turns down an SAE λ that leaves only chance accuracy, without test classes', async () => {
    const { view } = smallDemo(20, 32);
    const result = await selectByHoldout(view, [1e-4, 1e3], (sub, lambda) => fitSae(sub, { ...SAE_DEFAULTS, lambda }));
    expect(result.scores.map((s) => s.candidate)).toEqual([1e-4, 1e3]);
    expect(result.best).toBe(1e3);
    expect(result.scores[1]!.zslTop1).toBeGreaterThan(result.scores[0]!.zslTop1);
  });
});
