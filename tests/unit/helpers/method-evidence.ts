/**
 * Runs every method of the catalogue on one split, uncalibrated and with γ
 * chosen on held-out seen classes, and formats the results: shared by
 * tests/unit/evidence.test.ts and scripts/bench-methods.ts. Methods are read from
 * METHOD_NAMES at run time, so a method added to the catalogue is picked up
 * without editing this file. Test/bench-only code; never imported by src/.
 */
import type { BackendName } from '../../../src/core/compute/backend-names.ts';
import type { Split, ZslDataset } from '../../../src/core/data/dataset.ts';
import { defaultConfig, METHOD_INFO, METHOD_NAMES, type MethodName, type ParamValue, type TrainConfig } from '../../../src/core/methods/catalog.ts';
import { evaluateModel } from '../../../src/core/evaluation/evaluate.ts';
import { datasetForMethod, trainAndEvaluate, type RunSummary } from '../../../src/core/training/train-and-evaluate.ts';

/** The embedding (compatibility) methods; every other catalogue method is treated as generative. */
export const EMBEDDING_METHODS: readonly string[] = ['semantic-mlp', 'eszsl', 'sae', 'devise', 'ale', 'sje'];

export const allMethods = (): MethodName[] => [...METHOD_NAMES];
export const generativeMethods = (): MethodName[] => METHOD_NAMES.filter((m) => !EMBEDDING_METHODS.includes(m));

export type Overrides = Partial<Record<string, Record<string, ParamValue>>>;

/** defaultConfig with overrides (a `semantics` key names the class matrix), keeping only keys the method has (so overrides for absent settings are harmless). */
export function evidenceConfig(method: MethodName, split: string, overrides: Overrides, calibration: TrainConfig['calibration']): TrainConfig {
  const base = defaultConfig(method, split);
  const known = new Set(METHOD_INFO[method].params.map((p) => p.key));
  const { semantics, ...rest } = overrides[method] ?? {};
  const extra = Object.fromEntries(Object.entries(rest).filter(([key]) => known.has(key)));
  return { ...base, calibration, params: { ...base.params, ...extra }, ...(semantics ? { semantics: semantics as TrainConfig['semantics'] } : {}) };
}

export interface EvidenceRow {
  method: MethodName;
  uncalibrated: RunSummary;
  /** Null where the caller skipped the calibrated run (see runEvidence's `calibrate`). */
  calibrated: RunSummary | null;
}

/**
 * Trains and evaluates each method uncalibrated and (where `calibrate` says so, by
 * default always) with calibration 'holdout'; disposes the models. A calibrated
 * method is fitted once: the calibration setting changes only γ, never the fit
 * (same view, same seed), so its uncalibrated row is the same model evaluated at
 * γ = 0. That saves a fit per method without changing a number.
 */
export async function runEvidence(
  dataset: ZslDataset,
  split: Split,
  options: {
    methods?: MethodName[];
    overrides?: Overrides;
    backend: BackendName;
    calibrate?: (method: MethodName) => boolean;
    onRow?: (row: EvidenceRow) => void;
  },
): Promise<EvidenceRow[]> {
  const rows: EvidenceRow[] = [];
  for (const method of options.methods ?? allMethods()) {
    const calibrate = options.calibrate?.(method) ?? true;
    const config = evidenceConfig(method, split.name, options.overrides ?? {}, calibrate ? 'holdout' : 'none');
    const { model, run } = await trainAndEvaluate(dataset, split, config, options.backend, { epochTestImages: 0 });
    let row: EvidenceRow;
    try {
      if (!calibrate) row = { method, uncalibrated: run, calibrated: null };
      else {
        const started = performance.now();
        const evaluation = await evaluateModel(model, datasetForMethod(dataset, run.config), split, { gamma: 0 });
        const uncalibrated: RunSummary = {
          ...run,
          config: { ...run.config, calibration: 'none' },
          evaluation,
          calibration: { mode: 'none', gamma: 0 },
          // The fit is counted once, in the calibrated row; this row's time is its own evaluation.
          seconds: (performance.now() - started) / 1000,
        };
        row = { method, uncalibrated, calibrated: run };
      }
    } finally {
      model.dispose();
    }
    options.onRow?.(row);
    rows.push(row);
  }
  return rows;
}

const pct = (x: number | undefined) => (x === undefined ? '–' : (100 * x).toFixed(1));

/** A method at its best protocol setting: the higher H of its uncalibrated and calibrated runs. */
export const bestH = (row: EvidenceRow): number => Math.max(row.uncalibrated.evaluation.h, row.calibrated?.evaluation.h ?? 0);

/** A markdown table: ZSL top-1, u, s, H uncalibrated and calibrated, γ, seconds (percent, per-class accuracy). */
export function evidenceTable(rows: EvidenceRow[]): string {
  const head = '| method | kind | ZSL T1 | u | s | H | u (cal.) | s (cal.) | H (cal.) | γ | seconds |';
  const rule = '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |';
  const lines = rows.map(({ method, uncalibrated: a, calibrated: b }) => {
    const kind = EMBEDDING_METHODS.includes(method) ? 'embedding' : 'generative';
    const g = b?.calibration.gamma;
    const gamma = g === undefined ? '–' : Math.abs(g) >= 100 || (g !== 0 && Math.abs(g) < 0.01) ? g.toExponential(2) : g.toFixed(3);
    const seconds = a.seconds + (b?.seconds ?? 0);
    return `| ${method} | ${kind} | ${pct(a.evaluation.zslTop1)} | ${pct(a.evaluation.u)} | ${pct(a.evaluation.s)} | ${pct(a.evaluation.h)} | ${pct(b?.evaluation.u)} | ${pct(b?.evaluation.s)} | ${pct(b?.evaluation.h)} | ${gamma} | ${seconds.toFixed(1)} |`;
  });
  return [head, rule, ...lines].join('\n');
}
