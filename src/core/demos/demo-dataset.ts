/**
 * The built-in demo: a deterministic "zoo" generated from a seed, so the app does
 * something real the moment it opens, with no download. Classes are real animals
 * described by readable attributes; image features are a fixed random non-linear
 * function of those attributes plus per-class and per-image noise, non-negative
 * like pooled CNN features. Unseen animals are recognisable only through their
 * attributes, exactly the zero-shot setting. Pure TypeScript: no DOM, no tfjs.
 */
import { createDataset, type ZslDataset } from '../data/dataset.ts';
import { holdOutSplit } from '../data/holdout-split.ts';
import { createRng, shuffled } from '../compute/rng.ts';
import { zscoreColumns } from '../data/semantic.ts';
import { synthesiseFeatures } from '../data/synthetic-features.ts';

export const DEMO_ATTRIBUTES = [
  'black', 'white', 'brown', 'grey', 'orange', 'yellow', 'spots', 'stripes',
  'fur', 'feathers', 'scales', 'bare skin', 'big', 'small', 'long neck', 'long legs',
  'tail', 'horns', 'tusks', 'beak', 'flippers', 'hooves', 'paws', 'claws',
  'flies', 'swims', 'hops', 'climbs', 'fast', 'slow', 'ocean', 'arctic',
  'desert', 'forest', 'grassland', 'nocturnal', 'eats plants', 'eats meat', 'domestic', 'lives in groups',
] as const;

type Attribute = (typeof DEMO_ATTRIBUTES)[number];

/** Each animal and the attributes it clearly has. */
const ZOO: Array<[string, Attribute[]]> = [
  ['zebra', ['black', 'white', 'stripes', 'fur', 'big', 'long legs', 'tail', 'hooves', 'fast', 'grassland', 'eats plants', 'lives in groups']],
  ['giraffe', ['yellow', 'brown', 'spots', 'fur', 'big', 'long neck', 'long legs', 'tail', 'hooves', 'grassland', 'eats plants', 'lives in groups']],
  ['elephant', ['grey', 'bare skin', 'big', 'tail', 'tusks', 'slow', 'grassland', 'eats plants', 'lives in groups']],
  ['lion', ['yellow', 'brown', 'fur', 'big', 'tail', 'paws', 'claws', 'fast', 'grassland', 'eats meat', 'lives in groups']],
  ['tiger', ['orange', 'black', 'white', 'stripes', 'fur', 'big', 'tail', 'paws', 'claws', 'fast', 'forest', 'eats meat', 'nocturnal']],
  ['leopard', ['yellow', 'black', 'spots', 'fur', 'tail', 'paws', 'claws', 'climbs', 'fast', 'forest', 'eats meat', 'nocturnal']],
  ['polar bear', ['white', 'fur', 'big', 'paws', 'claws', 'swims', 'arctic', 'ocean', 'eats meat', 'slow']],
  ['grizzly bear', ['brown', 'fur', 'big', 'paws', 'claws', 'forest', 'eats meat', 'eats plants', 'slow']],
  ['giant panda', ['black', 'white', 'fur', 'big', 'paws', 'claws', 'climbs', 'slow', 'forest', 'eats plants']],
  ['penguin', ['black', 'white', 'feathers', 'small', 'beak', 'flippers', 'swims', 'slow', 'arctic', 'ocean', 'eats meat', 'lives in groups']],
  ['eagle', ['brown', 'white', 'feathers', 'beak', 'claws', 'flies', 'fast', 'forest', 'eats meat']],
  ['owl', ['brown', 'grey', 'feathers', 'small', 'beak', 'claws', 'flies', 'forest', 'nocturnal', 'eats meat']],
  ['parrot', ['yellow', 'orange', 'feathers', 'small', 'beak', 'claws', 'flies', 'climbs', 'forest', 'eats plants', 'lives in groups']],
  ['flamingo', ['white', 'orange', 'feathers', 'long neck', 'long legs', 'beak', 'flies', 'swims', 'lives in groups', 'eats meat']],
  ['ostrich', ['black', 'white', 'feathers', 'big', 'long neck', 'long legs', 'beak', 'fast', 'desert', 'grassland', 'eats plants']],
  ['dolphin', ['grey', 'bare skin', 'flippers', 'tail', 'swims', 'fast', 'ocean', 'eats meat', 'lives in groups']],
  ['blue whale', ['grey', 'bare skin', 'big', 'flippers', 'tail', 'swims', 'slow', 'ocean', 'eats meat']],
  ['seal', ['grey', 'brown', 'fur', 'flippers', 'tail', 'swims', 'ocean', 'arctic', 'eats meat', 'lives in groups']],
  ['walrus', ['brown', 'bare skin', 'big', 'tusks', 'flippers', 'swims', 'slow', 'arctic', 'ocean', 'eats meat', 'lives in groups']],
  ['shark', ['grey', 'white', 'scales', 'big', 'tail', 'swims', 'fast', 'ocean', 'eats meat']],
  ['crocodile', ['grey', 'brown', 'scales', 'big', 'tail', 'claws', 'swims', 'slow', 'eats meat']],
  ['turtle', ['brown', 'grey', 'scales', 'small', 'flippers', 'swims', 'slow', 'ocean', 'eats plants']],
  ['frog', ['yellow', 'spots', 'bare skin', 'small', 'hops', 'swims', 'forest', 'nocturnal', 'eats meat']],
  ['kangaroo', ['brown', 'fur', 'big', 'long legs', 'tail', 'paws', 'hops', 'fast', 'grassland', 'desert', 'eats plants', 'lives in groups']],
  ['rabbit', ['white', 'brown', 'fur', 'small', 'paws', 'hops', 'fast', 'grassland', 'eats plants', 'domestic']],
  ['squirrel', ['brown', 'grey', 'fur', 'small', 'tail', 'paws', 'claws', 'climbs', 'fast', 'forest', 'eats plants']],
  ['mouse', ['grey', 'brown', 'fur', 'small', 'tail', 'paws', 'fast', 'nocturnal', 'eats plants', 'domestic']],
  ['bat', ['black', 'brown', 'fur', 'small', 'claws', 'flies', 'nocturnal', 'forest', 'eats meat', 'lives in groups']],
  ['horse', ['brown', 'black', 'fur', 'big', 'long legs', 'tail', 'hooves', 'fast', 'grassland', 'eats plants', 'domestic']],
  ['cow', ['black', 'white', 'spots', 'fur', 'big', 'tail', 'horns', 'hooves', 'slow', 'grassland', 'eats plants', 'domestic', 'lives in groups']],
  ['sheep', ['white', 'fur', 'hooves', 'horns', 'slow', 'grassland', 'eats plants', 'domestic', 'lives in groups']],
  ['pig', ['orange', 'bare skin', 'tail', 'hooves', 'slow', 'eats plants', 'eats meat', 'domestic']],
  ['camel', ['yellow', 'brown', 'fur', 'big', 'long neck', 'long legs', 'hooves', 'slow', 'desert', 'eats plants', 'domestic']],
  ['fox', ['orange', 'white', 'fur', 'small', 'tail', 'paws', 'claws', 'fast', 'forest', 'nocturnal', 'eats meat']],
  ['wolf', ['grey', 'fur', 'tail', 'paws', 'claws', 'fast', 'forest', 'arctic', 'eats meat', 'lives in groups', 'nocturnal']],
  ['moose', ['brown', 'fur', 'big', 'long legs', 'horns', 'hooves', 'forest', 'arctic', 'eats plants', 'slow']],
];

/** The demo's unseen animals: each shares most attributes with some seen ones, none is a copy. */
export const DEMO_UNSEEN = ['zebra', 'leopard', 'penguin', 'dolphin', 'walrus', 'kangaroo', 'bat', 'camel'];

export interface DemoOptions {
  seed?: number;
  imagesPerClass?: number;
  featureDim?: number;
  /** Fraction of each seen class's images kept as test-seen (GZSL s). */
  testSeenFraction?: number;
}

export const DEMO_GENERATOR = 'demo-zoo v1';

export function generateDemoDataset(options: DemoOptions = {}): ZslDataset {
  const { seed = 7, imagesPerClass = 120, featureDim = 128, testSeenFraction = 0.2 } = options;
  const rng = createRng(seed);
  const numClasses = ZOO.length;
  const numAttributes = DEMO_ATTRIBUTES.length;
  const attributeIndex = new Map(DEMO_ATTRIBUTES.map((a, i) => [a, i] as const));

  // Raw attribute strengths on AwA's 0…100 scale: clear attributes are strong,
  // the rest weak but not exactly zero, as human annotations are.
  const raw = new Float32Array(numClasses * numAttributes);
  ZOO.forEach(([, attributes], c) => {
    for (let a = 0; a < numAttributes; a++) raw[c * numAttributes + a] = rng.next() * 8;
    for (const name of attributes) raw[c * numAttributes + attributeIndex.get(name)!] = 60 + rng.next() * 40;
  });
  const classAttributes = zscoreColumns(raw, numClasses, numAttributes);

  // The hidden "image network": features = relu(W2 · tanh(W1 · a + class noise) + b + image noise),
  // drawn from the same generator, so the split shuffle below continues its stream.
  const { features, labels } = synthesiseFeatures({
    classAttributes,
    numClasses,
    numAttributes,
    imagesPerClass,
    featureDim,
    seed: rng,
    hidden: 64,
    classNoise: 0.9, // what attributes cannot explain
    imageNoise: 1.0,
  });

  const classNames = ZOO.map(([name]) => name);
  const unseen = DEMO_UNSEEN.map((name) => classNames.indexOf(name));
  const seen = classNames.map((_, c) => c).filter((c) => !unseen.includes(c));
  const split = holdOutSplit({
    name: 'demo',
    description: `${seen.length} seen animals for training, ${unseen.length} never seen`,
    seenClasses: seen,
    unseenClasses: unseen,
    labels,
    fraction: testSeenFraction,
    rng,
  });
  return createDataset({
    id: `demo-${seed}`,
    name: `Demo zoo (seed ${seed})`,
    featureDim,
    features,
    labels,
    classNames,
    attributeNames: [...DEMO_ATTRIBUTES],
    classAttributes,
    splits: [split],
    featureSource: { kind: 'synthetic', network: DEMO_GENERATOR },
    // The raw strengths, so that a run can use them as a release's att / original_att.
    semanticSets: { original: raw },
  });
}
