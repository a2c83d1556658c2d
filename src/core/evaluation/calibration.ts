/**
 * Calibrated stacking (Chao et al. 2016) without peeking at test classes: some
 * seen classes are held out as "validation unseen", a model is fitted on the
 * rest, and γ (subtracted from the scores of seen classes at GZSL time) is chosen
 * to maximise H between the held-out classes (u) and held-out images of the kept
 * classes (s). The returned γ is in the model's score units, for
 * evaluateModel(..., { gamma }). The same class hold-out serves hyper-parameter
 * search (selectByHoldout).
 * tfjs only through the model and search.ts: no DOM, no dataset, no test data.
 */
import * as tf from '@tensorflow/tfjs';
import { ZslError, throwIfAborted } from '../errors.ts';
import { harmonicMean } from './metrics.ts';
import type { ZslModel } from '../methods/types.ts';
import { createRng, shuffled } from '../compute/rng.ts';
import { scoreMatrix } from '../inference/search.ts';
import { runTraining, type Trainer } from '../training/train-loop.ts';
import type { LabelledSubset, TrainingView } from '../data/training-view.ts';
import type { PhaseProgress } from '../progress.ts';

export interface ClassHoldoutOptions {
  /** Fraction of the seen classes held out as "validation unseen" (at least 1 class; at least 2 are kept). */
  classFraction: number;
  /** Fraction of each kept class's images held out as "validation seen" (GZSL s). */
  imageFraction: number;
  seed: number;
}

export const CLASS_HOLDOUT_DEFAULTS: ClassHoldoutOptions = { classFraction: 0.2, imageFraction: 0.2, seed: 1 };

export interface ClassHoldout {
  /** What to fit on: the kept classes and the rest of their images (no validation subset). */
  view: TrainingView;
  /** Indices into the parent view's seen classes; sub-view class i is keptClasses[i]. */
  keptClasses: number[];
  heldOutClasses: number[];
  /** All images of the held-out classes; labels index the parent's seen classes. */
  unseen: LabelledSubset;
  /** Held-out images of the kept classes; labels index the parent's seen classes. */
  seen: LabelledSubset;
  /** The parent's seen attributes: the GZSL candidates, kept and held out. */
  candidateAttributes: Float32Array;
}

/** Splits a view's seen classes into a fitting sub-view and GZSL-style validation sets. */
export function makeClassHoldout(parent: TrainingView, options: Partial<ClassHoldoutOptions> = {}): ClassHoldout {
  const { classFraction, imageFraction, seed } = { ...CLASS_HOLDOUT_DEFAULTS, ...options };
  const z = parent.numSeen;
  if (z < 3) throw new ZslError(`holding out seen classes needs at least 3 of them, got ${z}.`);
  if (!(classFraction > 0 && classFraction < 1) || !(imageFraction > 0 && imageFraction < 1)) {
    throw new ZslError(`hold-out fractions must lie strictly between 0 and 1, got ${classFraction} and ${imageFraction}.`);
  }
  const rng = createRng(seed ^ 0xca11b);
  const order = shuffled(Array.from({ length: z }, (_, i) => i), rng);
  const count = Math.min(z - 2, Math.max(1, Math.round(z * classFraction)));
  const heldOutClasses = Array.from(order.subarray(0, count)).sort((a, b) => a - b);
  const keptClasses = Array.from(order.subarray(count)).sort((a, b) => a - b);
  const local = new Map(keptClasses.map((c, i) => [c, i] as const));
  const d = parent.featureDim;

  // Every labelled image of the parent is fair game: all belong to seen classes.
  const pools = [parent.train, ...(parent.validation ? [parent.validation] : [])];
  const byClass = new Map<number, Array<[LabelledSubset, number]>>();
  for (const pool of pools) {
    for (let i = 0; i < pool.size; i++) {
      const label = pool.labels[i]!;
      let list = byClass.get(label);
      if (!list) byClass.set(label, (list = []));
      list.push([pool, i]);
    }
  }
  const fit: Array<[LabelledSubset, number]> = [];
  const seen: Array<[LabelledSubset, number]> = [];
  for (const c of keptClasses) {
    const images = byClass.get(c) ?? [];
    const pick = shuffled(Array.from(images, (_, i) => i), rng);
    const held = images.length >= 2 ? Math.max(1, Math.round(images.length * imageFraction)) : 0;
    pick.forEach((k, i) => (i < held ? seen : fit).push(images[k]!));
  }
  const unseen = heldOutClasses.flatMap((c) => byClass.get(c) ?? []);
  const gather = (rows: Array<[LabelledSubset, number]>, label: (l: number) => number): LabelledSubset => {
    const features = new Float32Array(rows.length * d);
    rows.forEach(([pool, i], r) => features.set(pool.features.subarray(i * d, (i + 1) * d), r * d));
    return { features, labels: Int32Array.from(rows, ([pool, i]) => label(pool.labels[i]!)), size: rows.length };
  };
  const a = parent.numAttributes;
  const seenAttributes = new Float32Array(keptClasses.length * a);
  keptClasses.forEach((c, i) => seenAttributes.set(parent.seenAttributes.subarray(c * a, (c + 1) * a), i * a));
  return {
    view: {
      featureDim: d,
      numAttributes: a,
      numSeen: keptClasses.length,
      seenClassNames: keptClasses.map((c) => parent.seenClassNames[c]!),
      seenAttributes,
      train: gather(fit, (l) => local.get(l)!),
      validation: null,
    },
    keptClasses,
    heldOutClasses,
    unseen: gather(unseen, (l) => l),
    seen: gather(seen, (l) => l),
    candidateAttributes: parent.seenAttributes,
  };
}

export interface GammaPoint {
  gamma: number;
  u: number;
  s: number;
  h: number;
}

export interface GammaChoice extends GammaPoint {
  /** u, s and H on the hold-out with γ = 0. */
  uncalibrated: GammaPoint;
  /** Every γ tried, ascending. */
  curve: GammaPoint[];
}

export interface ChooseGammaOptions {
  holdout?: Partial<ClassHoldoutOptions>;
  /** γ values to try; by default breakpoints of the score margins on the hold-out, plus 0. */
  gammas?: number[];
  signal?: AbortSignal;
  onProgress?(progress: PhaseProgress): void;
}

/**
 * Holds out seen classes, fits a model on the rest with `fit` (which hands the
 * model over: chooseGamma disposes it), and returns the γ with the best H on the
 * hold-out. Ties go to the γ closest to 0. The γ is then applied to the model
 * fitted on all seen classes, whose scores are assumed to be on the same scale.
 */
export async function chooseGamma(
  view: TrainingView,
  fit: (subView: TrainingView, signal?: AbortSignal) => Promise<ZslModel>,
  options: ChooseGammaOptions = {},
): Promise<GammaChoice> {
  const holdout = makeClassHoldout(view, options.holdout);
  options.onProgress?.({ phase: 'Fitting on the kept seen classes', fraction: 0 });
  const model = await fit(holdout.view, options.signal);
  try {
    throwIfAborted(options.signal);
    options.onProgress?.({ phase: 'Choosing γ on held-out classes', fraction: 0.9 });
    const choice = await gammaCurve(model, holdout, options);
    options.onProgress?.({ phase: 'Choosing γ on held-out classes', fraction: 1 });
    return choice;
  } finally {
    model.dispose();
  }
}

export interface HoldoutSelection<T> {
  best: T;
  /** Per-class ZSL top-1 among the held-out classes, for every candidate in order. */
  scores: Array<{ candidate: T; zslTop1: number }>;
}

/**
 * Hyper-parameter choice without test classes: fits every candidate on the kept
 * seen classes and keeps the one with the best per-class ZSL top-1 on the
 * held-out ones (candidates: the held-out classes only). Ties go to the earlier
 * candidate. Every fitted model is disposed here.
 */
export async function selectByHoldout<T>(
  view: TrainingView,
  candidates: T[],
  fit: (subView: TrainingView, candidate: T, signal?: AbortSignal) => Promise<ZslModel>,
  options: { holdout?: Partial<ClassHoldoutOptions>; signal?: AbortSignal; onProgress?(p: PhaseProgress): void } = {},
): Promise<HoldoutSelection<T>> {
  if (candidates.length === 0) throw new ZslError('expected at least one candidate to choose from.');
  const holdout = makeClassHoldout(view, options.holdout);
  const kept = new Set(holdout.keptClasses);
  const scores: HoldoutSelection<T>['scores'] = [];
  for (const [index, candidate] of candidates.entries()) {
    options.onProgress?.({ phase: `Trying setting ${index + 1} of ${candidates.length}`, fraction: index / candidates.length });
    const model = await fit(holdout.view, candidate, options.signal);
    try {
      const margins: Margins = { subset: holdout.unseen, ...(await bestByGroup(model, holdout.unseen, holdout, kept, options.signal)) };
      scores.push({ candidate, zslTop1: perClass(margins, Infinity) }); // γ = ∞: only held-out classes compete
    } finally {
      model.dispose();
    }
  }
  options.onProgress?.({ phase: 'Settings compared', fraction: 1 });
  const best = scores.reduce((a, b) => (b.zslTop1 > a.zslTop1 ? b : a));
  return { best: best.candidate, scores };
}

/**
 * Adapts a trained method to chooseGamma's `fit`: trains a fresh trainer on the
 * sub-view for `epochs` (stopping early on abort) and hands back its model.
 */
export function fitByTraining(
  make: (view: TrainingView) => Trainer,
  epochs: number,
): (view: TrainingView, signal?: AbortSignal) => Promise<ZslModel> {
  return async (view, signal) => {
    const trainer = make(view);
    try {
      await runTraining(trainer, view, { epochs, control: { stopSignal: signal } });
    } catch (error) {
      trainer.model.dispose();
      throw error;
    } finally {
      trainer.dispose();
    }
    return trainer.model;
  };
}

/** u, s, H for every γ on a hold-out, and the best γ. */
export async function gammaCurve(
  model: ZslModel,
  holdout: ClassHoldout,
  options: { gammas?: number[]; signal?: AbortSignal } = {},
): Promise<GammaChoice> {
  const kept = new Set(holdout.keptClasses);
  const unseen: Margins = { subset: holdout.unseen, ...(await bestByGroup(model, holdout.unseen, holdout, kept, options.signal)) };
  const seen: Margins = { subset: holdout.seen, ...(await bestByGroup(model, holdout.seen, holdout, kept, options.signal)) };
  const evaluate = (gamma: number): GammaPoint => {
    const u = perClass(unseen, gamma);
    const s = perClass(seen, gamma);
    return { gamma, u, s, h: harmonicMean(u, s) };
  };
  const grid = options.gammas ?? defaultGrid([...unseen.diff, ...seen.diff]);
  const curve = [...new Set([0, ...grid])].sort((a, b) => a - b).map(evaluate);
  let best = curve[0]!;
  for (const point of curve) {
    if (point.h > best.h || (point.h === best.h && Math.abs(point.gamma) < Math.abs(best.gamma))) best = point;
  }
  return { ...best, uncalibrated: evaluate(0), curve };
}

interface Margins {
  subset: LabelledSubset;
  /** Best kept-class score minus best held-out-class score, per image. */
  diff: Float64Array;
  /** Whether the image is right when a kept class wins / when a held-out class wins. */
  rightIfKept: Uint8Array;
  rightIfHeld: Uint8Array;
}

async function bestByGroup(model: ZslModel, subset: LabelledSubset, holdout: ClassHoldout, kept: Set<number>, signal?: AbortSignal) {
  const z = holdout.keptClasses.length + holdout.heldOutClasses.length;
  const d = holdout.view.featureDim;
  const diff = new Float64Array(subset.size);
  const rightIfKept = new Uint8Array(subset.size);
  const rightIfHeld = new Uint8Array(subset.size);
  const attributes = tf.tensor2d(holdout.candidateAttributes, [z, holdout.view.numAttributes]);
  // A generative model trains its classifier for exactly these candidates (held-out classes get synthetic features).
  const prototypes = model.prepareClasses ? await model.prepareClasses(attributes, { signal }) : tf.tidy(() => model.embedClasses(attributes));
  attributes.dispose();
  try {
    for (let start = 0; start < subset.size; start += 1024) {
      throwIfAborted(signal);
      const count = Math.min(1024, subset.size - start);
      const scores = tf.tidy(() =>
        scoreMatrix(model.embedFeatures(tf.tensor2d(subset.features.subarray(start * d, (start + count) * d), [count, d])), prototypes, model.metric),
      );
      const values = await scores.data();
      scores.dispose();
      for (let r = 0; r < count; r++) {
        let bestKept = -Infinity, keptClass = -1, bestHeld = -Infinity, heldClass = -1;
        for (let c = 0; c < z; c++) {
          const v = values[r * z + c]!;
          if (kept.has(c)) {
            if (v > bestKept) [bestKept, keptClass] = [v, c];
          } else if (v > bestHeld) [bestHeld, heldClass] = [v, c];
        }
        const label = subset.labels[start + r]!;
        diff[start + r] = bestKept - bestHeld;
        rightIfKept[start + r] = keptClass === label ? 1 : 0;
        rightIfHeld[start + r] = heldClass === label ? 1 : 0;
      }
    }
  } finally {
    prototypes.dispose();
  }
  return { diff, rightIfKept, rightIfHeld };
}

/** Per-class accuracy when seen (kept) scores are lowered by γ. */
function perClass(m: Margins, gamma: number): number {
  const hits = new Map<number, number>();
  const totals = new Map<number, number>();
  for (let i = 0; i < m.subset.size; i++) {
    const label = m.subset.labels[i]!;
    totals.set(label, (totals.get(label) ?? 0) + 1);
    const right = m.diff[i]! - gamma > 0 ? m.rightIfKept[i] : m.rightIfHeld[i];
    if (right) hits.set(label, (hits.get(label) ?? 0) + 1);
  }
  if (totals.size === 0) return 0;
  let sum = 0;
  for (const [label, total] of totals) sum += (hits.get(label) ?? 0) / total;
  return sum / totals.size;
}

/** H only changes where γ crosses an image's margin: try midpoints between (up to 400) sorted margins. */
function defaultGrid(diffs: number[], points = 400): number[] {
  const sorted = diffs.filter(Number.isFinite).sort((a, b) => a - b);
  if (sorted.length === 0) return [0];
  const out = [sorted[0]! - 1, sorted[sorted.length - 1]! + 1];
  const step = Math.max(1, Math.floor(sorted.length / points));
  for (let i = 0; i + 1 < sorted.length; i += step) out.push((sorted[i]! + sorted[i + 1]!) / 2);
  return out;
}
