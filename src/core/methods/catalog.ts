/**
 * The methods the app can train: names, labels, settings, defaults and their
 * validation. No tfjs here, so the page can build its forms without loading
 * TensorFlow.js; the trainers live in registry.ts.
 */
import { ZslError } from '../errors.ts';

export type MethodName = 'seed';

export interface TrainConfig {
  method: MethodName;
  split: string;
  epochs: number;
  batchSize: number;
  learningRate: number;
  weightDecay: number;
  seed: number;
  /** Fraction of the seen training images held out for the validation curves. */
  validationFraction: number;
  hiddenUnits: number;
  /** Calibrated-stacking constant for GZSL (0 = none). */
  gamma: number;
}

export interface SeedConfig {
  epochs: number;
  batchSize: number;
  learningRate: number;
  weightDecay: number;
  clipValue: number;
  hiddenUnits: number;
  inputDropout: number;
  hiddenDropout: number;
  seed: number;
}

export const SEED_DEFAULTS: SeedConfig = {
  epochs: 8,
  batchSize: 64,
  learningRate: 1e-4,
  weightDecay: 9e-5,
  clipValue: 5,
  hiddenUnits: 1024,
  inputDropout: 0.3,
  hiddenDropout: 0.5,
  seed: 1,
};

export interface MethodInfo {
  name: MethodName;
  label: string;
  description: string;
}

export const METHOD_INFO: Record<MethodName, MethodInfo> = {
  seed: {
    name: 'seed',
    label: 'Seed (semantic MLP → feature space, MSE)',
    description: "The original notebook's baseline: attributes are mapped into image-feature space and the nearest class wins.",
  },
};

export const DEFAULT_TRAIN_CONFIG: TrainConfig = {
  method: 'seed',
  split: 'demo',
  epochs: SEED_DEFAULTS.epochs,
  batchSize: SEED_DEFAULTS.batchSize,
  learningRate: SEED_DEFAULTS.learningRate,
  weightDecay: SEED_DEFAULTS.weightDecay,
  seed: SEED_DEFAULTS.seed,
  validationFraction: 0.1,
  hiddenUnits: SEED_DEFAULTS.hiddenUnits,
  gamma: 0,
};

/** Checks a configuration and says, in one sentence, what is wrong. */
export function validateTrainConfig(config: TrainConfig): TrainConfig {
  const fail = (field: string, expected: string, got: unknown) => {
    throw new ZslError(`expected ${expected}, got ${JSON.stringify(got)}.`, { variable: field });
  };
  if (!(config.method in METHOD_INFO)) fail('method', `one of ${Object.keys(METHOD_INFO).join(', ')}`, config.method);
  if (!Number.isInteger(config.epochs) || config.epochs < 1 || config.epochs > 10_000) fail('epochs', 'a whole number from 1 to 10000', config.epochs);
  if (!Number.isInteger(config.batchSize) || config.batchSize < 1 || config.batchSize > 65_536) fail('batchSize', 'a whole number from 1 to 65536', config.batchSize);
  if (!(config.learningRate > 0 && config.learningRate < 10)) fail('learningRate', 'a number between 0 and 10', config.learningRate);
  if (!(config.weightDecay >= 0 && config.weightDecay < 1)) fail('weightDecay', 'a number from 0 to 1', config.weightDecay);
  if (!Number.isInteger(config.seed)) fail('seed', 'a whole number', config.seed);
  if (!(config.validationFraction >= 0 && config.validationFraction <= 0.5)) fail('validationFraction', 'a fraction from 0 to 0.5', config.validationFraction);
  if (!Number.isInteger(config.hiddenUnits) || config.hiddenUnits < 1 || config.hiddenUnits > 16_384) fail('hiddenUnits', 'a whole number from 1 to 16384', config.hiddenUnits);
  if (!Number.isFinite(config.gamma)) fail('gamma', 'a finite number', config.gamma);
  return config;
}
