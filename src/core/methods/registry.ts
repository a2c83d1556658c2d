/**
 * Method name → trainer. The worker and the command line read this table; the
 * page reads catalog.ts instead, which holds no tfjs. tfjs only: no DOM.
 */
import type { Trainer } from '../train-loop.ts';
import type { TrainingView } from '../training-view.ts';
import { SEED_DEFAULTS, type MethodName, type TrainConfig } from './catalog.ts';
import { createSeedTrainer } from './seed.ts';

export type TrainerFactory = (view: TrainingView, config: TrainConfig) => Trainer;

export const TRAINERS: Record<MethodName, TrainerFactory> = {
  seed: (view, config) => createSeedTrainer(view, { ...SEED_DEFAULTS, ...config }),
};
