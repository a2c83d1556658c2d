/**
 * Command-line arguments: parsed into a typed command, with errors as sentences.
 * Pure TypeScript (tested in Node); no tfjs, no file system.
 */
import { BACKEND_ORDER, type BackendChoice } from '../core/backend-names.ts';
import { DEFAULT_TRAIN_CONFIG, METHOD_INFO, validateTrainConfig, type TrainConfig } from '../core/methods/catalog.ts';
import { ZslError } from '../core/errors.ts';

export type Command =
  | { kind: 'help' }
  | { kind: 'inspect'; source: string; json: boolean }
  | { kind: 'train'; source: string; json: boolean; backend: BackendChoice; config: TrainConfig; demoSeed: number };

export const USAGE = `Zero-Shot Studio command line

Usage:
  npm run zsl -- train <demo|folder|zip> [options]
  npm run zsl -- inspect <demo|folder|zip> [--json]
  npm run zsl -- --help

Train options:
  --method <name>       ${Object.keys(METHOD_INFO).join(' | ')} (default ${DEFAULT_TRAIN_CONFIG.method})
  --split <name>        ps | ss for AwA2 (default: ps, or demo for the demo)
  --epochs <n>          training epochs (default ${DEFAULT_TRAIN_CONFIG.epochs})
  --batch-size <n>      (default ${DEFAULT_TRAIN_CONFIG.batchSize})
  --lr <x>              learning rate (default ${DEFAULT_TRAIN_CONFIG.learningRate})
  --weight-decay <x>    (default ${DEFAULT_TRAIN_CONFIG.weightDecay})
  --hidden <n>          hidden units of the semantic unit (default ${DEFAULT_TRAIN_CONFIG.hiddenUnits})
  --val-fraction <x>    seen training images held out for validation curves (default ${DEFAULT_TRAIN_CONFIG.validationFraction})
  --gamma <x>           calibrated-stacking constant for GZSL (default 0)
  --seed <n>            random seed (default ${DEFAULT_TRAIN_CONFIG.seed})
  --demo-seed <n>       seed of the generated demo dataset (default 7)
  --backend <name>      auto | ${BACKEND_ORDER.filter((b) => b !== 'webgl').join(' | ')} (default auto)
  --json                print one JSON object as the last line

Methods:
${Object.values(METHOD_INFO)
  .map((m) => `  ${m.name.padEnd(10)} ${m.label}`)
  .join('\n')}
`;

const NUMERIC: Record<string, keyof TrainConfig> = {
  '--epochs': 'epochs',
  '--batch-size': 'batchSize',
  '--lr': 'learningRate',
  '--weight-decay': 'weightDecay',
  '--hidden': 'hiddenUnits',
  '--val-fraction': 'validationFraction',
  '--gamma': 'gamma',
  '--seed': 'seed',
};

export function parseArgs(argv: string[]): Command {
  if (argv.length === 0 || argv.includes('--help') || argv.includes('-h')) return { kind: 'help' };
  const [verb, source, ...rest] = argv;
  if (verb !== 'train' && verb !== 'inspect') throw new ZslError(`unknown command "${verb}"; expected train or inspect (see --help).`);
  if (!source || source.startsWith('--')) throw new ZslError(`"${verb}" needs a dataset: demo, a folder or a zip.`);
  let json = false;
  let backend: BackendChoice = 'auto';
  let demoSeed = 7;
  const config: TrainConfig = { ...DEFAULT_TRAIN_CONFIG, split: source === 'demo' ? 'demo' : 'ps' };
  for (let i = 0; i < rest.length; i++) {
    const flag = rest[i]!;
    if (flag === '--json') {
      json = true;
      continue;
    }
    const value = rest[i + 1];
    if (value === undefined || value.startsWith('--')) throw new ZslError(`the option ${flag} needs a value.`);
    i++;
    if (flag === '--method') config.method = value as TrainConfig['method'];
    else if (flag === '--split') config.split = value;
    else if (flag === '--backend') {
      if (value !== 'auto' && !BACKEND_ORDER.includes(value as never)) {
        throw new ZslError(`unknown backend "${value}"; expected auto, ${BACKEND_ORDER.join(', ')}.`);
      }
      backend = value as BackendChoice;
    } else if (flag === '--demo-seed') demoSeed = toNumber(flag, value);
    else if (flag in NUMERIC) (config as unknown as Record<string, number>)[NUMERIC[flag]!] = toNumber(flag, value);
    else throw new ZslError(`unknown option ${flag} (see --help).`);
  }
  if (verb === 'inspect') return { kind: 'inspect', source, json };
  return { kind: 'train', source, json, backend, config: validateTrainConfig(config), demoSeed };
}

function toNumber(flag: string, value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) throw new ZslError(`the option ${flag} expects a number, got "${value}".`);
  return n;
}
