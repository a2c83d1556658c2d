/**
 * Random training data at AwA2's real shapes (23,527 trainval images × 2,048
 * features, 85 attributes, 40 seen classes), the same for every benchmark that
 * times training steps, in Node and in the browser. Imports the core only.
 */
import { createRng } from '../src/core/compute/rng.ts';
import type { TrainingView } from '../src/core/data/training-view.ts';

export const AWA2_SHAPE = { images: 23_527, featureDim: 2_048, attributes: 85, seenClasses: 40 } as const;

export function awa2ShapedView(): TrainingView {
  const { images: n, featureDim: d, attributes: a, seenClasses: z } = AWA2_SHAPE;
  const rng = createRng(1);
  const features = new Float32Array(n * d);
  for (let i = 0; i < features.length; i++) features[i] = Math.max(0, rng.normal() * 0.5 + 0.45);
  return {
    featureDim: d,
    numAttributes: a,
    numSeen: z,
    seenClassNames: Array.from({ length: z }, (_, i) => `class ${i}`),
    seenAttributes: Float32Array.from({ length: z * a }, () => rng.normal()),
    train: { features, labels: Int32Array.from({ length: n }, (_, i) => i % z), size: n },
    validation: null,
  };
}
