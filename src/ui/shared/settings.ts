/**
 * The settings kept between visits (in IndexedDB, see settings-store.ts), and
 * how the page starts from them and from a link: a link that carries a setup
 * wins; without one, the settings of the last visit come back. Pure functions
 * (tested in Node): no DOM, no IndexedDB, no React.
 */
import { isBackendChoice, type BackendChoice } from '../../core/compute/backend-names.ts';
import { currentMethodName, defaultConfig, METHOD_INFO, validateTrainConfig, type MethodName, type TrainConfig } from '../../core/methods/catalog.ts';
import { SEMANTIC_CHOICES, type SemanticOptions } from '../../core/io/read-semantics.ts';
import type { AppState } from '../store.ts';
import type { SharedSetup } from './url-state.ts';

export interface Settings {
  config: TrainConfig;
  /** The settings of methods the user switched away from. */
  paramsByMethod: AppState['paramsByMethod'];
  backendChoice: BackendChoice;
  /** How the attributes of dropped datasets are read. */
  semantic: SemanticOptions;
  /** The dataset in use, named as a link names it ("demo-7", or a stored dataset's id). */
  dataset: string | null;
  /** Which classes the Classify panel ranks. */
  classifyScope: AppState['classifyScope'];
  /** Whether the explanation of zero-shot learning is shown (absent in settings kept before it existed). */
  explainerOpen?: boolean;
}

export function settingsOf(state: AppState): Settings {
  return {
    config: state.config,
    paramsByMethod: state.paramsByMethod,
    backendChoice: state.backendChoice,
    semantic: state.semantic,
    dataset: state.dataset?.id ?? null,
    classifyScope: state.classifyScope,
    explainerOpen: state.explainerOpen,
  };
}


const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** A configuration as kept, or null when it no longer fits this version of the app (e.g. a method that was renamed). */
function readConfig(value: unknown): TrainConfig | null {
  if (!isRecord(value) || typeof value.method !== 'string') return null;
  const method = currentMethodName(value.method);
  if (!Object.hasOwn(METHOD_INFO, method)) return null;
  const base = defaultConfig(method as MethodName, typeof value.split === 'string' ? value.split : 'demo');
  try {
    return validateTrainConfig({
      ...base,
      ...(typeof value.seed === 'number' ? { seed: value.seed } : {}),
      ...(typeof value.validationFraction === 'number' ? { validationFraction: value.validationFraction } : {}),
      ...(typeof value.semantics === 'string' ? { semantics: value.semantics as TrainConfig['semantics'] } : {}),
      ...(typeof value.calibration === 'string' ? { calibration: value.calibration as TrainConfig['calibration'] } : {}),
      ...(typeof value.gamma === 'number' ? { gamma: value.gamma } : {}),
      ...(isRecord(value.params) ? { params: value.params as TrainConfig['params'] } : {}),
      ...(Array.isArray(value.tune) ? { tune: value.tune.filter((k): k is string => typeof k === 'string') } : {}),
    });
  } catch {
    return null;
  }
}

/**
 * Reads settings kept by this or an earlier version: each piece is checked on
 * its own, and one that no longer fits is left out (its default applies), so
 * a stale record never stops the page from opening.
 */
export function readSettings(raw: unknown): Partial<Settings> {
  if (!isRecord(raw)) return {};
  const out: Partial<Settings> = {};
  const config = readConfig(raw.config);
  if (config) out.config = config;
  if (isRecord(raw.paramsByMethod)) {
    const kept: Settings['paramsByMethod'] = {};
    for (const [method, params] of Object.entries(raw.paramsByMethod)) {
      const checked = readConfig({ method, params });
      if (checked) kept[checked.method] = checked.params;
    }
    out.paramsByMethod = kept;
  }
  if (isBackendChoice(raw.backendChoice)) out.backendChoice = raw.backendChoice;
  if (isRecord(raw.semantic)) {
    const semantic = raw.semantic;
    const ok = (Object.keys(SEMANTIC_CHOICES) as Array<keyof SemanticOptions>).every((key) => (SEMANTIC_CHOICES[key] as readonly unknown[]).includes(semantic[key]));
    if (ok) out.semantic = semantic as unknown as SemanticOptions;
  }
  if (typeof raw.dataset === 'string' || raw.dataset === null) out.dataset = raw.dataset;
  if (raw.classifyScope === 'unseen' || raw.classifyScope === 'all') out.classifyScope = raw.classifyScope;
  if (typeof raw.explainerOpen === 'boolean') out.explainerOpen = raw.explainerOpen;
  return out;
}

/** Whether a link carries a training setup (anything it names, even a value that could not be read). */
export function linkCarriesSetup(link: SharedSetup): boolean {
  return link.dataset !== null || link.backend !== null || link.config !== null || link.problems.length > 0;
}

export interface Startup {
  backend: BackendChoice;
  dataset: string | null;
  /** Where the dataset id came from: a link that names a missing dataset says so; a remembered one is dropped quietly. */
  datasetFrom: 'link' | 'settings';
  state: Partial<AppState>;
}

/**
 * How the page opens. A link with a setup reproduces exactly that setup (what
 * it leaves out takes its default, as for anyone who opens it); without one,
 * the setup of the last visit comes back. The choices that are not part of a
 * shared setup (other methods' settings, how attributes are read, the classify
 * candidates) come from the last visit either way.
 */
export function startup(link: SharedSetup, kept: Partial<Settings>): Startup {
  const personal: Partial<AppState> = {
    ...(kept.paramsByMethod ? { paramsByMethod: kept.paramsByMethod } : {}),
    ...(kept.semantic ? { semantic: kept.semantic } : {}),
    ...(kept.classifyScope ? { classifyScope: kept.classifyScope } : {}),
    ...(kept.explainerOpen !== undefined ? { explainerOpen: kept.explainerOpen } : {}),
  };
  const notice = link.problems.length > 0 ? { notice: { tone: 'info' as const, text: link.problems.join(' ') } } : {};
  if (linkCarriesSetup(link)) {
    const backend = link.backend ?? 'auto';
    return { backend, dataset: link.dataset, datasetFrom: 'link', state: { ...personal, backendChoice: backend, ...(link.config ? { config: link.config } : {}), ...notice } };
  }
  const backend = kept.backendChoice ?? 'auto';
  return { backend, dataset: kept.dataset ?? null, datasetFrom: 'settings', state: { ...personal, backendChoice: backend, ...(kept.config ? { config: kept.config } : {}) } };
}
