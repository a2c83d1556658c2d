/**
 * A generated xlsa17-layout folder (res101.mat + att_splits.mat) with many
 * classes and long, CUB-like names, written to disk for a drop: for checking
 * that the page stays readable and inside the viewport at benchmark scale.
 * Features are a fixed linear map of the class attributes plus noise, so a
 * model learns something real from it.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createRng } from '../../src/core/compute/rng.ts';
import { cellOfStrings, num, writeMat5 } from '../unit/io/helpers/mat5-writer.ts';

const FIRST = ['Black_footed', 'Laysan', 'Sooty', 'Crested', 'Least', 'Parakeet', 'Rhinoceros', 'Brewer', 'Red_winged', 'Yellow_headed'];
const SECOND = ['Albatross', 'Auklet', 'Blackbird', 'Bobolink', 'Bunting', 'Cardinal', 'Catbird', 'Cormorant', 'Cowbird', 'Flycatcher_of_the_northern_forests', 'Grosbeak', 'Gull', 'Hummingbird', 'Kingfisher', 'Warbler', 'Woodpecker', 'Wren', 'Sparrow', 'Tern', 'Vireo'];

export function xlsaClassNames(classes: number): string[] {
  return Array.from({ length: classes }, (_, i) => `${String(i + 1).padStart(3, '0')}.${FIRST[i % FIRST.length]}_${SECOND[Math.floor(i / FIRST.length) % SECOND.length]}`);
}

export function writeXlsaFolder({ classes = 200, unseen = 50, attributes = 16, perClass = 6, dim = 64, seed = 5 } = {}): string {
  const rng = createRng(seed);
  const names = xlsaClassNames(classes);
  const att = new Float64Array(classes * attributes);
  for (let c = 0; c < classes; c++) {
    let norm = 0;
    for (let a = 0; a < attributes; a++) norm += (att[c * attributes + a] = rng.next()) ** 2;
    for (let a = 0; a < attributes; a++) att[c * attributes + a]! /= Math.sqrt(norm);
  }
  const map = Float64Array.from({ length: dim * attributes }, () => rng.next() * 2 - 1);
  const n = classes * perClass;
  const features = new Float64Array(dim * n); // MATLAB's dim × N, column-major = row-major N × dim
  const labels: number[] = [];
  for (let i = 0; i < n; i++) {
    const c = Math.floor(i / perClass);
    labels.push(c + 1);
    for (let d = 0; d < dim; d++) {
      let v = 0;
      for (let a = 0; a < attributes; a++) v += map[d * attributes + a]! * att[c * attributes + a]!;
      features[i * dim + d] = Math.max(0, v + (rng.next() - 0.5) * 0.3);
    }
  }
  // The last `unseen` classes are unseen; per seen class, the first two images are test-seen.
  const trainval: number[] = [];
  const testSeen: number[] = [];
  const testUnseen: number[] = [];
  for (let i = 0; i < n; i++) {
    const c = Math.floor(i / perClass);
    if (c >= classes - unseen) testUnseen.push(i + 1);
    else if (i % perClass < 2) testSeen.push(i + 1);
    else trainval.push(i + 1);
  }
  const col = (xs: number[]) => num('double', [xs.length, 1], xs, 'uint16');
  const root = path.join(mkdtempSync(path.join(tmpdir(), 'zsl-xlsa-')), 'xlsa17', 'data', 'CUB');
  mkdirSync(root, { recursive: true });
  writeFileSync(
    path.join(root, 'att_splits.mat'),
    writeMat5(
      {
        allclasses_names: cellOfStrings(names, true),
        att: num('double', [attributes, classes], att),
        original_att: num('double', [attributes, classes], att.map((v) => v * 100)),
        trainval_loc: col(trainval),
        test_seen_loc: col(testSeen),
        test_unseen_loc: col(testUnseen),
        train_loc: col(trainval.slice(0, Math.floor(trainval.length / 2))),
        val_loc: col(trainval.slice(Math.floor(trainval.length / 2))),
      },
      { compress: true },
    ),
  );
  writeFileSync(
    path.join(root, 'res101.mat'),
    writeMat5({
      features: num('double', [dim, n], features),
      labels: num('double', [n, 1], labels, 'uint8'),
      image_files: cellOfStrings(labels.map((l, i) => `/BS/xlsa/CUB/images/${names[l - 1]}/${names[l - 1]}_${i + 1}.jpg`)),
    }),
  );
  return root;
}
