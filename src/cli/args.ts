/**
 * Command-line arguments: parsed into a typed command, with errors as sentences.
 * Each method's flags come from its settings table in the catalog.
 * Pure TypeScript (tested in Node); no tfjs, no file system.
 */
import { BACKEND_ORDER, isBackendChoice, type BackendChoice } from '../core/compute/backend-names.ts';
import {
  currentMethodName,
  defaultConfig,
  METHOD_INFO,
  METHOD_NAMES,
  validateTrainConfig,
  type MethodName,
  type ParamSpec,
  type TrainConfig,
} from '../core/methods/catalog.ts';
import { SEMANTICS_CHOICES, type SemanticsChoice } from '../core/data/class-semantics.ts';
import { ZslError } from '../core/errors.ts';

export type Command =
  | { kind: 'help' }
  | { kind: 'inspect'; source: string; json: boolean; full: boolean }
  | {
      kind: 'train';
      source: string;
      json: boolean;
      backend: BackendChoice;
      config: TrainConfig;
      demoSeed: number;
      save: string | null;
      /** The att_splits.mat variable the proposed split trains on; only trainval_loc is accepted (see build-splits.ts). */
      psTraining: 'trainval_loc' | 'train_loc' | 'val_loc';
    }
  | {
      kind: 'predict';
      model: string;
      /** A dataset whose images to classify, or null with `photo`. */
      source: string | null;
      json: boolean;
      images: number[];
      scope: 'unseen' | 'all';
      demoSeed: number;
      photo: PhotoOptions | null;
    }
  | { kind: 'embed'; photo: string; json: boolean; backbone: BackboneOptions }
  | { kind: 'extract'; folder: string; out: string; json: boolean; backbone: BackboneOptions };

/** The backbone a photo is embedded with: a weights file (.h5, .safetensors) or a tfjs model.json, and its preprocessing. */
export interface BackboneOptions {
  path: string;
  /** ResNet weights only: the layout's own when absent. */
  preprocessing?: 'caffe' | 'torchvision';
  resize?: 'stretch' | 'center-crop';
  inputSize?: number;
  backend: BackendChoice;
}

export interface PhotoOptions {
  photo: string;
  backbone: BackboneOptions;
}

const describeParam = (p: ParamSpec) =>
  `    --${`${p.flag} <${p.kind === 'choice' ? Object.keys(p.choices!).join('|') : p.kind === 'int' ? 'n' : 'x'}>`.padEnd(28)} ${p.label} (default ${p.default}` +
  `${p.grid ? `; --tune ${p.key} tries ${p.grid.join(', ')}` : ''})`;

export const USAGE = `Zero-Shot Studio command line

Usage:
  npm run zsl -- train <demo|folder|zip> [options]
  npm run zsl -- inspect <demo|folder|zip> [--full] [--json]
  npm run zsl -- predict <model.json> <demo|folder|zip> [--images 1,2,3] [--scope unseen|all] [--json]
  npm run zsl -- predict <model.json> --photo <picture> --backbone <weights> [--scope unseen|all] [--json]
  npm run zsl -- embed <picture> --backbone <weights> [--preprocessing caffe|torchvision] [--resize stretch|center-crop] [--json]
  npm run zsl -- extract <image folder> --backbone <weights> --out <folder> [--json]
  npm run zsl -- --help

Options for train:
  --method <name>             ${METHOD_NAMES.join(' | ')} (default seed)
  --split <name>              ps | ss for AwA2 releases (default ps; demo for the demo)
  --seed <n>                  random seed (default 1)
  --val-fraction <x>          seen training images held out for a trained method's validation curves
                              (default 0: the final model is fitted on all of them, as the protocol does)
  --semantics <name>          the class × attribute matrix: ${Object.keys(SEMANTICS_CHOICES).join(' | ')}
                              (default protocol: att for the classical methods, zscore for the seed)
  --calibrate                 GZSL calibrated stacking, γ chosen on held-out seen classes
  --calibration-gamma <x>     GZSL calibrated stacking with this fixed γ
  --tune <a,b>                choose these settings by a grid search on held-out seen classes
  --backend <name>            auto | ${BACKEND_ORDER.filter((b) => b !== 'webgl').join(' | ')} (default auto)
  --demo-seed <n>             seed of the generated demo dataset (default 7)
  --save <model.json>         write the trained model as one file (the app imports it too)
  --ps-training <variable>    the att_splits.mat indices to train on (default trainval_loc; train_loc and
                              val_loc are refused: they overlap test_seen_loc)
  --json                      print one JSON object as the last line

Options for inspect: --full parses every feature value (a bad value is reported with its line); without it
  only the layout, the counts and the feature file's first line are checked

Options for predict: --images (1-based image numbers, default 1), --scope (unseen or all classes), --demo-seed, --json

Backbones for embed, extract and predict --photo (--backbone):
  a ResNet weights file: Keras applications' .h5 (e.g. resnet101_weights_tf_dim_ordering_tf_kernels_notop.h5,
  caffe preprocessing) or a torchvision state_dict as .safetensors (ImageNet mean/std); or a tfjs model.json
  with its backbone.json beside it.
  --preprocessing <caffe|torchvision>  ResNet pixel scaling (default: the weights' own)
  --resize <stretch|center-crop>       default stretch: the AwA2 release's features saw the whole picture
  --input-size <n>                     side in pixels (default 224)
  --backend <name>                     as for train (default auto)
extract writes <out>/Features/<network>/AwA2-features.txt, AwA2-labels.txt, AwA2-filenames.txt, the class
files it found, and resumes an interrupted run from what <out> already holds.

Methods and their settings:
${METHOD_NAMES.map((m) => `  ${m.padEnd(12)} ${METHOD_INFO[m].label}\n${METHOD_INFO[m].params.map(describeParam).join('\n')}`).join('\n')}
`;

export function parseArgs(argv: string[]): Command {
  if (argv.length === 0 || argv.includes('--help') || argv.includes('-h')) return { kind: 'help' };
  if (argv[0] === 'predict') return parsePredict(argv.slice(1));
  if (argv[0] === 'embed' || argv[0] === 'extract') return parsePictures(argv[0], argv.slice(1));
  const [verb, source, ...rest] = argv;
  if (verb !== 'train' && verb !== 'inspect') throw new ZslError(`unknown command "${verb}"; expected train, inspect, predict, embed or extract (see --help).`);
  if (!source || source.startsWith('--')) throw new ZslError(`"${verb}" needs a dataset: demo, a folder or a zip.`);
  const methodAt = rest.indexOf('--method');
  const method = currentMethodName(methodAt >= 0 ? rest[methodAt + 1] ?? '' : 'semantic-mlp') as MethodName;
  if (!Object.hasOwn(METHOD_INFO, method)) throw new ZslError(`unknown method "${method}"; expected one of ${METHOD_NAMES.join(', ')}.`);
  const config = defaultConfig(method, source === 'demo' ? 'demo' : 'ps');
  const specs = new Map<string, ParamSpec>(METHOD_INFO[method].params.map((p) => [`--${p.flag}`, p]));
  let json = false;
  let backend: BackendChoice = 'auto';
  let demoSeed = 7;
  let save: string | null = null;
  let psTraining: Extract<Command, { kind: 'train' }>['psTraining'] = 'trainval_loc';
  let full = false;
  for (let i = 0; i < rest.length; i++) {
    const flag = rest[i]!;
    if (flag === '--json') {
      json = true;
      continue;
    }
    if (flag === '--full' && verb === 'inspect') {
      full = true;
      continue;
    }
    if (flag === '--calibrate') {
      config.calibration = 'holdout';
      continue;
    }
    const value = rest[i + 1];
    if (value === undefined || value.startsWith('--')) throw new ZslError(`the option ${flag} needs a value.`);
    i++;
    const spec = specs.get(flag);
    if (spec) config.params[spec.key] = spec.kind === 'choice' ? value : toNumber(flag, value);
    else if (flag === '--method') continue;
    else if (flag === '--split') config.split = value;
    else if (flag === '--save') save = value;
    else if (flag === '--ps-training') {
      if (value !== 'trainval_loc' && value !== 'train_loc' && value !== 'val_loc') {
        throw new ZslError(`--ps-training expects trainval_loc, train_loc or val_loc, got "${value}".`);
      }
      psTraining = value;
    }
    else if (flag === '--tune') config.tune = value.split(',').map((key) => key.trim()).filter(Boolean);
    else if (flag === '--seed') config.seed = toNumber(flag, value);
    else if (flag === '--val-fraction') config.validationFraction = toNumber(flag, value);
    else if (flag === '--semantics') {
      if (!(value in SEMANTICS_CHOICES)) throw new ZslError(`--semantics expects ${Object.keys(SEMANTICS_CHOICES).join(', ')}, got "${value}".`);
      config.semantics = value as SemanticsChoice;
    }
    else if (flag === '--calibration-gamma') {
      config.calibration = 'fixed';
      config.gamma = toNumber(flag, value);
    } else if (flag === '--demo-seed') demoSeed = toNumber(flag, value);
    else if (flag === '--backend') {
      if (!isBackendChoice(value)) {
        throw new ZslError(`unknown backend "${value}"; expected auto, ${BACKEND_ORDER.join(', ')}.`);
      }
      backend = value as BackendChoice;
    } else if (METHOD_NAMES.some((m) => METHOD_INFO[m].params.some((p) => `--${p.flag}` === flag))) {
      throw new ZslError(`the option ${flag} is not a setting of ${method} (see --help).`);
    } else throw new ZslError(`unknown option ${flag} (see --help).`);
  }
  if (verb === 'inspect') return { kind: 'inspect', source, json, full };
  return { kind: 'train', source, json, backend, config: validateTrainConfig(config), demoSeed, save, psTraining };
}

function parsePredict(argv: string[]): Command {
  const [model, ...afterModel] = argv;
  const source = afterModel[0] && !afterModel[0].startsWith('--') ? afterModel[0] : null;
  const rest = source ? afterModel.slice(1) : afterModel;
  const options = flagValues(rest, ['--images', '--scope', '--demo-seed', '--photo', ...BACKBONE_FLAGS], 'predict');
  if (!model || model.startsWith('--') || (!source && !options.has('--photo'))) {
    throw new ZslError('"predict" needs a model file and a dataset or a photo: predict <model.json> <demo|folder|zip>, or predict <model.json> --photo <picture> --backbone <weights>.');
  }
  const command: Extract<Command, { kind: 'predict' }> = {
    kind: 'predict',
    model,
    source,
    json: options.has('--json'),
    images: [0],
    scope: 'unseen',
    demoSeed: 7,
    photo: null,
  };
  const images = options.get('--images');
  if (images) command.images = images.split(',').map((v) => toNumber('--images', v) - 1);
  const scope = options.get('--scope');
  if (scope !== undefined) {
    if (scope !== 'unseen' && scope !== 'all') throw new ZslError(`--scope expects unseen or all, got "${scope}".`);
    command.scope = scope;
  }
  if (options.has('--demo-seed')) command.demoSeed = toNumber('--demo-seed', options.get('--demo-seed')!);
  const photo = options.get('--photo');
  if (photo) command.photo = { photo, backbone: backboneOptions(options, 'predict --photo') };
  else if (BACKBONE_FLAGS.some((f) => options.has(f))) throw new ZslError('--backbone and its options go with --photo.');
  return command;
}

const BACKBONE_FLAGS = ['--backbone', '--preprocessing', '--resize', '--input-size', '--backend'];

function parsePictures(verb: 'embed' | 'extract', argv: string[]): Command {
  const [target, ...rest] = argv;
  if (!target || target.startsWith('--')) {
    throw new ZslError(verb === 'embed' ? '"embed" needs a picture: embed <picture> --backbone <weights>.' : '"extract" needs an image folder: extract <folder> --backbone <weights> --out <folder>.');
  }
  const options = flagValues(rest, verb === 'extract' ? ['--out', ...BACKBONE_FLAGS] : BACKBONE_FLAGS, verb);
  const backbone = backboneOptions(options, verb);
  const json = options.has('--json');
  if (verb === 'embed') return { kind: 'embed', photo: target, json, backbone };
  const out = options.get('--out');
  if (!out) throw new ZslError('"extract" needs --out <folder>: where the features are written.');
  return { kind: 'extract', folder: target, out, json, backbone };
}

/** `--flag value` pairs (and a bare --json) → a map; any other flag is refused with a sentence. */
function flagValues(argv: string[], allowed: string[], verb: string): Map<string, string> {
  const out = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    if (flag === '--json') {
      out.set(flag, '');
      continue;
    }
    if (!allowed.includes(flag)) throw new ZslError(`unknown option ${flag} for ${verb} (see --help).`);
    const value = argv[++i];
    if (value === undefined || value.startsWith('--')) throw new ZslError(`the option ${flag} needs a value.`);
    out.set(flag, value);
  }
  return out;
}

function backboneOptions(options: Map<string, string>, verb: string): BackboneOptions {
  const path = options.get('--backbone');
  if (!path) throw new ZslError(`${verb} needs --backbone <weights>: a ResNet .h5 or .safetensors file, or a tfjs model.json.`);
  const out: BackboneOptions = { path, backend: 'auto' };
  const preprocessing = options.get('--preprocessing');
  if (preprocessing !== undefined) {
    if (preprocessing !== 'caffe' && preprocessing !== 'torchvision') throw new ZslError(`--preprocessing expects caffe or torchvision, got "${preprocessing}".`);
    out.preprocessing = preprocessing;
  }
  const resize = options.get('--resize');
  if (resize !== undefined) {
    if (resize !== 'stretch' && resize !== 'center-crop') throw new ZslError(`--resize expects stretch or center-crop, got "${resize}".`);
    out.resize = resize;
  }
  if (options.has('--input-size')) {
    const size = toNumber('--input-size', options.get('--input-size')!);
    if (!Number.isInteger(size) || size < 32) throw new ZslError(`--input-size expects a whole number of pixels, at least 32, got "${size}".`);
    out.inputSize = size;
  }
  const backend = options.get('--backend');
  if (backend !== undefined) {
    if (!isBackendChoice(backend)) throw new ZslError(`unknown backend "${backend}"; expected auto, ${BACKEND_ORDER.join(', ')}.`);
    out.backend = backend as BackendChoice;
  }
  return out;
}

function toNumber(flag: string, value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) throw new ZslError(`the option ${flag} expects a number, got "${value}".`);
  return n;
}
