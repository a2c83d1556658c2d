/**
 * The methods the app can train, as one typed table: names, labels, their
 * settings with defaults and bounds, and validation. The UI builds its forms
 * from it, the CLI its flags, the worker its runs. No tfjs here, so the page can
 * read it without loading TensorFlow.js; the runners live in registry.ts.
 */
import { SEMANTICS_CHOICES, type SemanticsChoice } from '../data/class-semantics.ts';
import { ZslError } from '../errors.ts';

export type MethodName = 'semantic-mlp' | 'eszsl' | 'sae' | 'devise' | 'ale' | 'sje' | 'cvae';
export type ParamValue = number | string;

export interface ParamSpec {
  key: string;
  label: string;
  /** Command-line flag, without the leading dashes. */
  flag: string;
  kind: 'int' | 'float' | 'choice';
  default: ParamValue;
  min?: number;
  max?: number;
  choices?: Record<string, string>;
  help?: string;
  /** Values tried when the user asks to choose this setting on held-out seen classes. */
  grid?: number[];
}

export interface MethodInfo {
  name: MethodName;
  label: string;
  family: 'trained' | 'closed-form';
  description: string;
  params: ParamSpec[];
}

export type Calibration = 'none' | 'holdout' | 'fixed';

export interface TrainConfig {
  method: MethodName;
  split: string;
  seed: number;
  /**
   * Fraction of the seen training images held out for the validation curves of a
   * trained method (0 by default: the benchmark protocol fits on all of trainval;
   * closed forms have no curves and always fit on all).
   */
  validationFraction: number;
  /** The class × attribute matrix the run uses ('protocol': the method's published choice). */
  semantics: SemanticsChoice;
  /** GZSL calibrated stacking: none, γ chosen on held-out seen classes, or the fixed γ below. */
  calibration: Calibration;
  gamma: number;
  /** The method's own settings, keyed as in its ParamSpec list. */
  params: Record<string, ParamValue>;
  /** Settings chosen by a grid search on held-out seen classes (never on test classes) before the final fit. */
  tune: string[];
}

const int = (key: string, label: string, flag: string, value: number, min: number, max: number, help?: string): ParamSpec => ({
  key, label, flag, kind: 'int', default: value, min, max, ...(help ? { help } : {}),
});
const float = (key: string, label: string, flag: string, value: number, min: number, max: number, help?: string): ParamSpec => ({
  key, label, flag, kind: 'float', default: value, min, max, ...(help ? { help } : {}),
});
const ATTRIBUTES: ParamSpec = {
  key: 'attributes',
  label: 'Class attributes',
  flag: 'attributes',
  kind: 'choice',
  default: 'l2',
  choices: { l2: 'L2 per class', dataset: 'unchanged' },
  help: 'Closed forms and ranking losses are usually run on L2-normalised class attributes.',
};
const withGrid = (spec: ParamSpec, grid: number[]): ParamSpec => ({ ...spec, grid });
const epochs = (value: number) => int('epochs', 'Epochs', 'epochs', value, 1, 10_000);
const batchSize = int('batchSize', 'Batch size', 'batch-size', 64, 1, 65_536);
const rankingParams = [
  epochs(20),
  batchSize,
  withGrid(float('learningRate', 'Learning rate', 'lr', 1e-3, 1e-7, 10), [1e-3, 3e-3, 1e-2]),
  withGrid(float('margin', 'Margin Δ', 'margin', 1, 1e-6, 100, 'How far the true class must outscore the others.'), [0.1, 1]),
  float('weightDecay', 'Weight decay', 'weight-decay', 0, 0, 1),
  ATTRIBUTES,
];

export const METHOD_INFO: Record<MethodName, MethodInfo> = {
  'semantic-mlp': {
    name: 'semantic-mlp',
    label: "Semantic MLP (the seed notebook's: attributes → feature space, MSE)",
    family: 'trained',
    description: "The original notebook's baseline: attributes are mapped into image-feature space and the nearest class wins.",
    params: [
      epochs(8),
      batchSize,
      withGrid(float('learningRate', 'Learning rate', 'lr', 1e-4, 1e-7, 10), [1e-4, 3e-4, 1e-3]),
      float('weightDecay', 'Weight decay', 'weight-decay', 9e-5, 0, 1),
      int('hiddenUnits', 'Hidden units', 'hidden', 1024, 1, 16_384),
      float('inputDropout', 'Input dropout', 'input-dropout', 0.3, 0, 0.95),
      float('hiddenDropout', 'Hidden dropout', 'hidden-dropout', 0.5, 0, 0.95),
      float('clipValue', 'Gradient clip (value)', 'clip', 5, 1e-6, 1e6),
    ],
  },
  eszsl: {
    name: 'eszsl',
    label: 'ESZSL (closed form)',
    family: 'closed-form',
    description: 'Embarrassingly simple ZSL: one regularised least-squares solve maps features to attribute space.',
    params: [
      withGrid(float('featureReg', 'γ (feature side)', 'feature-reg', 1e3, 1e-9, 1e12), [1e1, 1e2, 1e3, 1e4]),
      withGrid(float('attributeReg', 'λ (attribute side)', 'attribute-reg', 1, 1e-9, 1e12), [1e-1, 1, 1e1]),
      ATTRIBUTES,
    ],
  },
  sae: {
    name: 'sae',
    label: 'SAE (semantic autoencoder, closed form)',
    family: 'closed-form',
    description: 'A linear encoder to attributes whose transpose decodes back to features, solved as a Sylvester equation.',
    params: [
      withGrid(float('lambda', 'λ', 'lambda', 5e5, 1e-9, 1e12, 'Very sensitive: choose it on held-out seen classes.'), [1e1, 1e2, 1e3, 1e4, 1e5, 5e5]),
      { key: 'direction', label: 'Direction', flag: 'direction', kind: 'choice', default: 's2x', choices: { s2x: 'attributes → features', x2s: 'features → attributes' } },
      ATTRIBUTES,
    ],
  },
  devise: {
    name: 'devise',
    label: 'DeViSE (bilinear, hinge over violating classes)',
    family: 'trained',
    description: 'Bilinear compatibility xᵀWa trained with a ranking hinge summed over every violating class.',
    params: rankingParams,
  },
  ale: {
    name: 'ale',
    label: 'ALE (bilinear, rank-weighted hinge)',
    family: 'trained',
    description: 'Bilinear compatibility with a hinge weighted by the rank of the true class.',
    params: rankingParams,
  },
  sje: {
    name: 'sje',
    label: 'SJE (bilinear, most violating class)',
    family: 'trained',
    description: 'Bilinear compatibility with a structured hinge on the most violating class.',
    params: rankingParams,
  },
  cvae: {
    name: 'cvae',
    label: 'CVAE feature generator + softmax (generative GZSL)',
    family: 'trained',
    description:
      'Learns to generate image features of a class from its attributes, synthesises features of the unseen classes, then trains an ordinary softmax on real seen and synthetic unseen features.',
    params: [
      epochs(30),
      batchSize,
      withGrid(float('learningRate', 'Learning rate', 'lr', 1e-3, 1e-7, 10), [3e-4, 1e-3, 3e-3]),
      int('latentDim', 'Latent size', 'latent', 32, 1, 4096),
      int('hiddenUnits', 'Hidden units', 'hidden', 512, 1, 16_384),
      withGrid(float('beta', 'β (KL weight)', 'beta', 1, 0, 100), [0.1, 1]),
      withGrid(
        float('attributeNoise', 'Attribute noise', 'attribute-noise', 1.5, 0, 10, 'Noise on the attributes the generator learns from (× their RMS): keeps it from memorising the seen classes.'),
        [0, 0.5, 1, 1.5, 2],
      ),
      withGrid(int('syntheticPerClass', 'Synthetic features per unseen class', 'synthetic', 1000, 1, 100_000), [100, 300, 1000]),
      int('classifierEpochs', 'Classifier epochs', 'classifier-epochs', 20, 1, 10_000),
      withGrid(float('classifierLearningRate', 'Classifier learning rate', 'classifier-lr', 1e-3, 1e-7, 10, 'Higher trusts the real seen features more: better with calibrated stacking, worse without.'), [3e-4, 1e-3, 3e-3]),
      ATTRIBUTES,
    ],
  },
};

export const METHOD_NAMES = Object.keys(METHOD_INFO) as MethodName[];

/**
 * Method ids older versions wrote into links, kept settings, stored runs and
 * model files, and the method each is now. 'seed' was the seed notebook's MLP,
 * renamed so that no reader takes it for a random seed.
 */
const RENAMED_METHODS: Readonly<Record<string, MethodName>> = { seed: 'semantic-mlp' };

/** The current id for a method named by an old link, record or file; any other value is returned as it is. */
export function currentMethodName(name: string): string {
  return Object.hasOwn(RENAMED_METHODS, name) ? RENAMED_METHODS[name]! : name;
}

/** A stored record (a run summary, a checkpoint's config) with its method id, and its config's, made current. */
export function withCurrentMethod<T>(record: T): T {
  if (typeof record !== 'object' || record === null) return record;
  const r = record as { method?: unknown; config?: unknown };
  const out: Record<string, unknown> = { ...(record as object) };
  if (typeof r.method === 'string') out.method = currentMethodName(r.method);
  if (typeof r.config === 'object' && r.config !== null && typeof (r.config as { method?: unknown }).method === 'string') {
    out.config = { ...(r.config as object), method: currentMethodName((r.config as { method: string }).method) };
  }
  return out as T;
}

export function defaultParams(method: MethodName): Record<string, ParamValue> {
  return Object.fromEntries(METHOD_INFO[method].params.map((p) => [p.key, p.default]));
}

export function defaultConfig(method: MethodName = 'semantic-mlp', split = 'demo'): TrainConfig {
  return { method, split, seed: 1, validationFraction: 0, semantics: 'protocol', calibration: 'none', gamma: 0, params: defaultParams(method), tune: [] };
}

export const DEFAULT_TRAIN_CONFIG: TrainConfig = defaultConfig();

/** Epochs of a trained method (0 for a closed form). */
export function epochsOf(config: TrainConfig): number {
  return METHOD_INFO[config.method].family === 'trained' ? Number(config.params.epochs) : 0;
}

/** Checks a configuration and says, in one sentence, what is wrong; fills settings left out with defaults. */
export function validateTrainConfig(config: TrainConfig): TrainConfig {
  const fail = (field: string, expected: string, got: unknown): never => {
    throw new ZslError(`expected ${expected}, got ${JSON.stringify(got)}.`, { variable: field });
  };
  const info = METHOD_INFO[config.method];
  if (!info) return fail('method', `one of ${METHOD_NAMES.join(', ')}`, config.method);
  if (!Number.isInteger(config.seed)) fail('seed', 'a whole number', config.seed);
  if (!(config.validationFraction >= 0 && config.validationFraction <= 0.5)) {
    fail('validationFraction', 'a fraction from 0 to 0.5', config.validationFraction);
  }
  const semantics = config.semantics ?? 'protocol';
  if (!(semantics in SEMANTICS_CHOICES)) fail('semantics', `one of ${Object.keys(SEMANTICS_CHOICES).join(', ')}`, semantics);
  if (!['none', 'holdout', 'fixed'].includes(config.calibration)) fail('calibration', 'none, holdout or fixed', config.calibration);
  if (!Number.isFinite(config.gamma)) fail('gamma', 'a finite number', config.gamma);
  const known = new Set(info.params.map((p) => p.key));
  for (const key of Object.keys(config.params)) {
    if (!known.has(key)) fail(key, `a setting of ${info.name} (${[...known].join(', ')})`, key);
  }
  const params: Record<string, ParamValue> = {};
  for (const spec of info.params) {
    const value = config.params[spec.key] ?? spec.default;
    params[spec.key] = value;
    if (spec.kind === 'choice') {
      if (typeof value !== 'string' || !(value in spec.choices!)) fail(spec.key, `one of ${Object.keys(spec.choices!).join(', ')}`, value);
      continue;
    }
    const range = `from ${spec.min} to ${spec.max}`;
    if (typeof value !== 'number' || !Number.isFinite(value) || value < spec.min! || value > spec.max!) {
      fail(spec.key, spec.kind === 'int' ? `a whole number ${range}` : `a number ${range}`, value);
    }
    if (spec.kind === 'int' && !Number.isInteger(value)) fail(spec.key, `a whole number ${range}`, value);
  }
  const tune = config.tune ?? [];
  for (const key of tune) {
    if (!info.params.find((p) => p.key === key)?.grid) {
      const searchable = info.params.filter((p) => p.grid).map((p) => p.key);
      fail('tune', `settings of ${info.name} that can be searched (${searchable.join(', ') || 'none'})`, key);
    }
  }
  return { ...config, semantics, params, tune };
}

/** Every combination of the grids of the tuned settings, on top of `params`. */
export function gridCandidates(config: TrainConfig): Array<Record<string, ParamValue>> {
  const specs = METHOD_INFO[config.method].params.filter((p) => config.tune.includes(p.key) && p.grid);
  let out: Array<Record<string, ParamValue>> = [{ ...config.params }];
  for (const spec of specs) out = out.flatMap((base) => spec.grid!.map((value) => ({ ...base, [spec.key]: value })));
  return out;
}
