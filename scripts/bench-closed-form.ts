/**
 * Times the closed-form methods (ESZSL, SAE) on random data up to AwA2's real
 * size (23,527 training images × 2,048 features, 85 attributes, 40 seen classes),
 * phase by phase, on the current tfjs backend (cpu under Node).
 *   npx tsx scripts/bench-closed-form.ts [--quick] [--gram auto|js|device] [--only eszsl|sae]
 * --quick stops before the full size. Node only; imports the core, never the UI.
 */
import * as tf from '@tensorflow/tfjs';
import { ESZSL_DEFAULTS, fitEszsl, type EszslConfig } from '../src/core/methods/eszsl.ts';
import { fitSae, SAE_DEFAULTS } from '../src/core/methods/sae.ts';
import { createRng } from '../src/core/compute/rng.ts';
import type { TrainingView } from '../src/core/data/training-view.ts';
import type { PhaseProgress } from '../src/core/progress.ts';

const args = process.argv.slice(2);
const flag = (name: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const quick = args.includes('--quick');
const gram = (flag('gram') ?? 'auto') as EszslConfig['gram'];
const only = flag('only');

const SHAPES: Array<[n: number, d: number]> = [
  [2_000, 256],
  [6_000, 1_024],
  [23_527, 1_024],
  [23_527, 2_048],
];
const ATTRIBUTES = 85;
const CLASSES = 40;

function randomView(n: number, d: number): TrainingView {
  const rng = createRng(n ^ d);
  // Non-negative, mean ≈ 0.45 like pooled ResNet features.
  const features = new Float32Array(n * d);
  for (let i = 0; i < features.length; i++) features[i] = Math.abs(rng.normal()) * 0.56;
  return {
    featureDim: d,
    numAttributes: ATTRIBUTES,
    numSeen: CLASSES,
    seenClassNames: Array.from({ length: CLASSES }, (_, c) => `class ${c}`),
    seenAttributes: Float32Array.from({ length: CLASSES * ATTRIBUTES }, () => rng.normal()),
    train: { features, labels: Int32Array.from({ length: n }, (_, i) => i % CLASSES), size: n },
    validation: null,
  };
}

/** Runs a fit, timing each phase from its first progress report to the next phase's. */
async function timed(fit: (onProgress: (p: PhaseProgress) => void) => Promise<{ dispose(): void }>) {
  const phases: Array<[string, number]> = [];
  const start = performance.now();
  let current = '';
  let since = start;
  const model = await fit((p) => {
    if (p.phase === current) return;
    const now = performance.now();
    if (current) phases.push([current, now - since]);
    current = p.phase;
    since = now;
  });
  const end = performance.now();
  if (current) phases.push([current, end - since]);
  model.dispose();
  const detail = phases.map(([name, ms]) => `${name} ${(ms / 1000).toFixed(2)} s`).join(', ');
  return `${((end - start) / 1000).toFixed(2)} s  (${detail})`;
}

await tf.ready();
console.log(`tfjs backend: ${tf.getBackend()}, XᵀX computed: ${gram}; ${ATTRIBUTES} attributes, ${CLASSES} seen classes.`);
for (const [n, d] of SHAPES) {
  if (quick && n * d > 23_527 * 1_024) break;
  const view = randomView(n, d);
  if (only !== 'sae') {
    console.log(`ESZSL  n=${n} D=${d}: ${await timed((onProgress) => fitEszsl(view, { ...ESZSL_DEFAULTS, gram }, { onProgress }))}`);
  }
  if (only !== 'eszsl') {
    console.log(`SAE    n=${n} D=${d}: ${await timed((onProgress) => fitSae(view, { ...SAE_DEFAULTS, gram }, { onProgress }))}`);
  }
}
