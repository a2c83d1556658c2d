/**
 * The training setup in the URL, so a teacher can send a link that reproduces
 * a run: dataset, split, method, its settings, class semantics, seed and calibration. Pure
 * functions over URLSearchParams (tested in Node); unknown or invalid values
 * are dropped with a sentence, never thrown.
 */
import { isBackendChoice, type BackendChoice } from '../../core/compute/backend-names.ts';
import { currentMethodName, defaultConfig, METHOD_INFO, validateTrainConfig, type MethodName, type TrainConfig } from '../../core/methods/catalog.ts';

export interface SharedSetup {
  /** "demo-7" for the demo with seed 7, or the id of a stored dataset. */
  dataset: string | null;
  backend: BackendChoice | null;
  config: TrainConfig | null;
  /** What could not be read, one sentence each. */
  problems: string[];
}

export function encodeSetup(config: TrainConfig, dataset: string | null, backend: BackendChoice): URLSearchParams {
  const params = new URLSearchParams();
  if (dataset) params.set('dataset', dataset);
  if (backend !== 'auto') params.set('backend', backend);
  params.set('method', config.method);
  params.set('split', config.split);
  params.set('seed', String(config.seed));
  if (config.calibration !== 'none') params.set('calibration', config.calibration);
  if (config.calibration === 'fixed') params.set('gamma', String(config.gamma));
  if (config.validationFraction !== defaultConfig().validationFraction) params.set('val', String(config.validationFraction));
  if (config.tune.length > 0) params.set('tune', config.tune.join(','));
  if (config.semantics !== 'protocol') params.set('semantics', config.semantics);
  const defaults = defaultConfig(config.method).params;
  for (const [key, value] of Object.entries(config.params)) {
    if (value !== defaults[key]) params.set(`p.${key}`, String(value));
  }
  return params;
}

export function decodeSetup(search: URLSearchParams): SharedSetup {
  const problems: string[] = [];
  const backendText = search.get('backend');
  let backend: BackendChoice | null = null;
  if (backendText) {
    if (isBackendChoice(backendText)) backend = backendText;
    else problems.push(`The link asks for an unknown backend "${backendText}"; the automatic choice is used.`);
  }
  const dataset = search.get('dataset');
  // Links made before a method was renamed still open with that method.
  const methodText = search.get('method') === null ? null : currentMethodName(search.get('method')!);
  if (!methodText) return { dataset, backend, config: null, problems };
  if (!Object.hasOwn(METHOD_INFO, methodText)) {
    problems.push(`The link names an unknown method "${methodText}"; the default setup is used.`);
    return { dataset, backend, config: null, problems };
  }
  const method = methodText as MethodName;
  const config = defaultConfig(method, search.get('split') ?? 'demo');
  const number = (key: string, fallback: number) => {
    const text = search.get(key);
    return text === null || text.trim() === '' || !Number.isFinite(Number(text)) ? fallback : Number(text);
  };
  config.seed = number('seed', config.seed);
  config.validationFraction = number('val', config.validationFraction);
  const calibration = search.get('calibration');
  if (calibration === 'holdout' || calibration === 'fixed') config.calibration = calibration;
  config.gamma = number('gamma', config.gamma);
  config.tune = (search.get('tune') ?? '').split(',').filter(Boolean);
  const semantics = search.get('semantics');
  if (semantics !== null) config.semantics = semantics as TrainConfig['semantics'];
  for (const spec of METHOD_INFO[method].params) {
    const text = search.get(`p.${spec.key}`);
    if (text === null) continue;
    config.params[spec.key] = spec.kind === 'choice' ? text : Number(text);
  }
  try {
    return { dataset, backend, config: validateTrainConfig(config), problems };
  } catch (error) {
    problems.push(`The link's settings could not be used (${error instanceof Error ? error.message : String(error)}); the defaults are used.`);
    return { dataset, backend, config: defaultConfig(method, config.split), problems };
  }
}
