/**
 * A small dataset in the generic layout (features.npy, labels.txt, attributes.csv,
 * classes.txt, trainclasses.txt, testclasses.txt), as a person with their own
 * features would write it: 6 classes × 4 attributes, 12 images a class, 8-d
 * features drawn around a linear map of the attributes. Test-only code.
 */
import { createRng } from '../../../../src/core/compute/rng.ts';
import { writeNpy } from './npy-writer.ts';
import { encode } from './streams.ts';

export const GENERIC_CLASSES = ['red fox', 'snow owl', 'sea otter', 'brown bear', 'grey wolf', 'barn cat'];
export const GENERIC_ATTRIBUTES = ['furry', 'flies', 'swims', 'big'];
export const GENERIC_UNSEEN = ['sea otter', 'barn cat'];
export const GENERIC_DIM = 8;
const PER_CLASS = 12;

export function genericRelease(root = 'my-dataset/', dtype: 'f4' | 'f8' = 'f4'): { files: Record<string, Uint8Array>; attributes: number[][] } {
  const rng = createRng(11);
  const attributes = GENERIC_CLASSES.map(() => GENERIC_ATTRIBUTES.map(() => Math.round(rng.next() * 100) / 10));
  const map = Array.from({ length: GENERIC_ATTRIBUTES.length * GENERIC_DIM }, () => rng.next() - 0.5);
  const features: number[] = [];
  const labels: string[] = [];
  GENERIC_CLASSES.forEach((name, c) => {
    for (let i = 0; i < PER_CLASS; i++) {
      labels.push(i % 2 === 0 ? name : String(c + 1)); // names and 1-based numbers may mix
      for (let j = 0; j < GENERIC_DIM; j++) {
        let v = 0;
        for (let a = 0; a < GENERIC_ATTRIBUTES.length; a++) v += attributes[c]![a]! * map[a * GENERIC_DIM + j]!;
        features.push(v + 0.3 * (rng.next() - 0.5));
      }
    }
  });
  const csv = [['class', ...GENERIC_ATTRIBUTES].join(','), ...GENERIC_CLASSES.map((name, c) => [name, ...attributes[c]!].join(','))].join('\n') + '\n';
  const seen = GENERIC_CLASSES.filter((n) => !GENERIC_UNSEEN.includes(n));
  return {
    attributes,
    files: {
      [`${root}features.npy`]: writeNpy(features, labels.length, GENERIC_DIM, dtype),
      [`${root}labels.txt`]: encode(labels.join('\n') + '\n'),
      [`${root}attributes.csv`]: encode(csv),
      [`${root}classes.txt`]: encode(GENERIC_CLASSES.join('\n') + '\n'),
      [`${root}trainclasses.txt`]: encode(seen.join('\n') + '\n'),
      [`${root}testclasses.txt`]: encode(GENERIC_UNSEEN.join('\n') + '\n'),
    },
  };
}
