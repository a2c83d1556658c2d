/**
 * Embedding search time: the app's search (src/core/inference/search.ts rankClasses:
 * embed, score, top-5, in chunks) over AwA2's test set (13,795 images × 2,048
 * features) against all 50 classes, per tfjs backend under Node, with a plain
 * JavaScript search (one loop per image and class, the same top-5) as the
 * reference in the same run. Models: a bilinear one like ESZSL/ALE (images
 * projected to the 85 attributes, dot product) and the seed's (classes projected
 * to features, Euclidean).
 *   npx tsx scripts/bench-search.ts [--backends cpu,wasm,webgpu] [--images 13795] [--repeat 3]
 * Node only; imports the core, never the UI.
 */
import * as tf from '@tensorflow/tfjs';
import { nodeProbes } from '../src/cli/node-backends.ts';
import { selectBackend } from '../src/core/compute/backend.ts';
import type { BackendName } from '../src/core/compute/backend-names.ts';
import type { Metric, ZslModel } from '../src/core/methods/types.ts';
import { createRng } from '../src/core/compute/rng.ts';
import { rankClasses } from '../src/core/inference/search.ts';

const args = process.argv.slice(2);
const flag = (name: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const backends = (flag('backends') ?? 'cpu,wasm,webgpu').split(',') as BackendName[];
const n = Number(flag('images') ?? 13_795);
const repeat = Number(flag('repeat') ?? 3);
const D = 2048;
const A = 85;
const C = 50;
const K = 5;

const rng = createRng(2);
const features = Float32Array.from({ length: n * D }, () => Math.max(0, rng.normal() * 0.5 + 0.45));
const attributes = Float32Array.from({ length: C * A }, () => rng.normal());
const projection = Float32Array.from({ length: D * A }, () => rng.normal() / Math.sqrt(D));
const candidates = Array.from({ length: C }, (_, c) => c);

/** Images → attributes (x·W), dot product with the class attributes: ESZSL's and ALE's search. */
function bilinearModel(): ZslModel {
  const w = tf.tensor2d(projection, [D, A]);
  return {
    method: 'bilinear', metric: 'dot',
    embedFeatures: (x) => tf.matMul(x, w),
    embedClasses: (a) => a.clone(),
    dispose: () => w.dispose(),
  };
}
/** Classes → features (a·Wᵀ), Euclidean: the seed's search. */
function seedLikeModel(): ZslModel {
  const w = tf.tensor2d(projection, [D, A]);
  return {
    method: 'seed-like', metric: 'euclidean',
    embedFeatures: (x) => x.clone(),
    embedClasses: (a) => tf.matMul(a, w, false, true),
    dispose: () => w.dispose(),
  };
}

/** The reference: plain loops, the same scores and the same top-K. */
function plainSearch(metric: Metric): Int32Array {
  const out = new Int32Array(n * K);
  const space = metric === 'dot' ? A : D;
  const prototypes = new Float32Array(C * space);
  if (metric === 'dot') prototypes.set(attributes);
  else for (let c = 0; c < C; c++) for (let d = 0; d < D; d++) {
    let s = 0;
    for (let a = 0; a < A; a++) s += attributes[c * A + a]! * projection[d * A + a]!;
    prototypes[c * D + d] = s;
  }
  const embedded = new Float32Array(space);
  const scores = new Float64Array(C);
  for (let i = 0; i < n; i++) {
    const x = features.subarray(i * D, (i + 1) * D);
    if (metric === 'dot') {
      embedded.fill(0);
      for (let d = 0; d < D; d++) {
        const v = x[d]!;
        if (v !== 0) for (let a = 0; a < A; a++) embedded[a] = embedded[a]! + v * projection[d * A + a]!;
      }
    } else embedded.set(x);
    for (let c = 0; c < C; c++) {
      let s = 0;
      if (metric === 'dot') for (let j = 0; j < space; j++) s += embedded[j]! * prototypes[c * space + j]!;
      else for (let j = 0; j < space; j++) { const diff = embedded[j]! - prototypes[c * space + j]!; s -= diff * diff; }
      scores[c] = s;
    }
    const order = candidates.slice().sort((p, q) => scores[q]! - scores[p]!);
    for (let j = 0; j < K; j++) out[i * K + j] = order[j]!;
  }
  return out;
}

const best = async (f: () => Promise<unknown> | unknown) => {
  let min = Infinity;
  for (let r = 0; r < repeat; r++) {
    const t = performance.now();
    await f();
    min = Math.min(min, performance.now() - t);
  }
  return min;
};

const rows: string[] = [];
const reference = new Map<Metric, { ms: number; top: Int32Array }>();
for (const metric of ['dot', 'euclidean'] as const) {
  let top: Int32Array = new Int32Array();
  const ms = await best(() => void (top = plainSearch(metric)));
  reference.set(metric, { ms, top });
  rows.push(`| ${metric === 'dot' ? 'bilinear (dot)' : 'seed (Euclidean)'} | plain JS | ${ms.toFixed(0)} | ${((n / ms) * 1000).toFixed(0)} | 1.00× | – |`);
}
for (const backend of backends) {
  const selected = await selectBackend(backend, nodeProbes).catch(() => null);
  if (selected?.name !== backend) {
    console.log(`${backend}: unavailable here`);
    continue;
  }
  for (const [label, make] of [['bilinear (dot)', bilinearModel], ['seed (Euclidean)', seedLikeModel]] as const) {
    const model = make();
    let top: Int32Array = new Int32Array();
    await rankClasses(model, features.subarray(0, 64 * D), D, candidates, attributes, { k: K }); // warm-up
    const ms = await best(async () => void (top = await rankClasses(model, features, D, candidates, attributes, { k: K })));
    model.dispose();
    const ref = reference.get(model.metric)!;
    let agree = 0;
    for (let i = 0; i < n; i++) agree += top[i * K] === ref.top[i * K] ? 1 : 0;
    rows.push(`| ${label} | tfjs ${backend} | ${ms.toFixed(0)} | ${((n / ms) * 1000).toFixed(0)} | ${(ref.ms / ms).toFixed(2)}× | ${((100 * agree) / n).toFixed(2)} % |`);
  }
}
console.log(`\nEmbedding search: ${n.toLocaleString('en')} images × ${D} against ${C} classes, top-${K}, best of ${repeat}\n`);
console.log('| model | where | ms | images/s | speed-up over plain JS | same top-1 as plain JS |');
console.log('| --- | --- | --- | --- | --- | --- |');
for (const r of rows) console.log(r);
