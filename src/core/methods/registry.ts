/**
 * Method name → how to run it: a trainer for the methods trained by minibatches
 * (driven by runTraining, with live curves), or a fit for the closed forms. The
 * worker and the command line read this table; the page reads catalog.ts,
 * which holds no tfjs. tfjs only: no DOM.
 */
import type { Trainer } from '../training/train-loop.ts';
import type { TrainingView } from '../data/training-view.ts';
import { createBilinearTrainer } from './bilinear.ts';
import type { MethodName, ParamValue } from './catalog.ts';
import { fitEszsl, type ClosedFormHooks } from './eszsl.ts';
import { createCvaeTrainer, CVAE_DEFAULTS } from './cvae-method.ts';
import { fitSae } from './sae.ts';
import { createSemanticMlpTrainer } from './semantic-mlp.ts';
import type { ZslModel } from './types.ts';

type Params = Record<string, ParamValue>;

export type MethodRunner =
  | { family: 'trained'; createTrainer(view: TrainingView, params: Params, seed: number): Trainer }
  | { family: 'closed-form'; fit(view: TrainingView, params: Params, hooks: ClosedFormHooks): Promise<ZslModel> };

const num = (params: Params, key: string) => Number(params[key]);

const bilinear = (loss: 'devise' | 'ale' | 'sje'): MethodRunner => ({
  family: 'trained',
  createTrainer: (view, p, seed) =>
    createBilinearTrainer(view, {
      loss,
      epochs: num(p, 'epochs'),
      batchSize: num(p, 'batchSize'),
      learningRate: num(p, 'learningRate'),
      margin: num(p, 'margin'),
      weightDecay: num(p, 'weightDecay'),
      initScale: 0.1,
      seed,
    }),
});

export const RUNNERS: Record<MethodName, MethodRunner> = {
  'semantic-mlp': {
    family: 'trained',
    createTrainer: (view, p, seed) =>
      createSemanticMlpTrainer(view, {
        epochs: num(p, 'epochs'),
        batchSize: num(p, 'batchSize'),
        learningRate: num(p, 'learningRate'),
        weightDecay: num(p, 'weightDecay'),
        hiddenUnits: num(p, 'hiddenUnits'),
        inputDropout: num(p, 'inputDropout'),
        hiddenDropout: num(p, 'hiddenDropout'),
        clipValue: num(p, 'clipValue'),
        seed,
      }),
  },
  eszsl: {
    family: 'closed-form',
    fit: (view, p, hooks) =>
      fitEszsl(view, { gamma: num(p, 'featureReg'), lambda: num(p, 'attributeReg'), attributeNormalisation: 'l2', gram: 'auto' }, hooks),
  },
  sae: {
    family: 'closed-form',
    fit: (view, p, hooks) => fitSae(view, { lambda: num(p, 'lambda'), direction: p.direction === 'x2s' ? 'x2s' : 's2x', gram: 'auto' }, hooks),
  },
  devise: bilinear('devise'),
  ale: bilinear('ale'),
  sje: bilinear('sje'),
  cvae: {
    family: 'trained',
    createTrainer: (view, p, seed) =>
      createCvaeTrainer(view, {
        ...CVAE_DEFAULTS,
        epochs: num(p, 'epochs'),
        batchSize: num(p, 'batchSize'),
        learningRate: num(p, 'learningRate'),
        latentDim: num(p, 'latentDim'),
        hiddenUnits: num(p, 'hiddenUnits'),
        beta: num(p, 'beta'),
        attributeNoise: num(p, 'attributeNoise'),
        syntheticPerClass: num(p, 'syntheticPerClass'),
        classifierEpochs: num(p, 'classifierEpochs'),
        classifierLearningRate: num(p, 'classifierLearningRate'),
        seed,
      }),
  },
};
