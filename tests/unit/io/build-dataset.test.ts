/** From generated releases (text, xlsa17, mixed, zipped) and the real class files to datasets. */
import { describe, expect, it } from 'vitest';
import { zipSync } from 'fflate';
import { buildDataset, describeFiles, inspectFiles, type BuildProgress } from '../../../src/core/io/build-dataset.ts';
import { recogniseLayout } from '../../../src/core/io/layout.ts';
import { fillMissing } from '../../../src/core/io/predicate-matrix.ts';
import { zscoreColumns, l2Rows } from '../../../src/core/data/semantic.ts';
import { filesFromPath } from '../../../src/cli/node-files.ts';
import { ATTRIBUTES, CLASSES, PER_CLASS, PS, SS, makeFixture, sourceFiles } from './helpers/fixtures.ts';
import { memoryFile } from './helpers/streams.ts';
import { SHARED_AWA2 } from './real-files.ts';

const fx = makeFixture();
const idx = (names: string[]) => names.map((n) => CLASSES.indexOf(n)).sort((a, b) => a - b);
const C = CLASSES.length;
const A = ATTRIBUTES.length;

describe('AwA2 text release', () => {
  it('builds the dataset with PS and SS splits and records the semantic choice', async () => {
    const progress: BuildProgress[] = [];
    const { dataset, semantic, layout } = await buildDataset(sourceFiles(fx.text), { onProgress: (p) => progress.push(p) });
    expect(layout.layout).toBe('awa2-text');
    expect(dataset.features).toEqual(fx.features);
    expect(dataset.labels).toEqual(fx.labels);
    expect(dataset.classNames).toEqual(CLASSES);
    expect(dataset.attributeNames).toEqual(ATTRIBUTES);
    expect(dataset.featureSource).toEqual({ kind: 'release', network: 'ResNet101 (AwA2 release)' });
    expect(dataset.classAttributes).toEqual(zscoreColumns(fx.continuous, C, A));
    expect(semantic).toMatchObject({ source: 'continuous', normalise: 'zscore', missing: 'keep', missingCount: 1 });
    const ps = dataset.splits.find((s) => s.name === 'ps')!;
    expect(ps.seenClasses).toEqual(idx(PS.trainval));
    expect(ps.unseenClasses).toEqual(idx(PS.test));
    expect(ps.testUnseenIndices.length).toBe(PS.test.length * PER_CLASS);
    // One of five images per seen class is held out (20%), deterministically.
    expect(ps.testSeenIndices.length).toBe(PS.trainval.length);
    expect(ps.description).toMatch(/20% of each seen class's images/);
    const again = await buildDataset(sourceFiles(fx.text, 1 << 16));
    expect(again.dataset.splits.find((s) => s.name === 'ps')!.testSeenIndices).toEqual(ps.testSeenIndices);
    const ss = dataset.splits.find((s) => s.name === 'ss')!;
    expect(ss.unseenClasses).toEqual(idx(SS.test));
    expect(ss.trainIndices.length + ss.testSeenIndices.length).toBe(SS.train.length * PER_CLASS);
    const fractions = progress.map((p) => p.fraction);
    expect(fractions.at(-1)).toBe(1);
    expect(fractions).toEqual([...fractions].sort((a, b) => a - b));
    expect(progress.some((p) => p.phase === 'Parsing features' && p.bytesDone! > 0)).toBe(true);
  });

  it.each([
    [{ source: 'binary', normalise: 'none', missing: 'keep' }, () => fx.binary],
    [{ source: 'continuous', normalise: 'none', missing: 'zero' }, () => fillMissing(fx.continuous, C, A, 'zero')],
    [{ source: 'continuous', normalise: 'l2', missing: 'column-mean' }, () => l2Rows(fillMissing(fx.continuous, C, A, 'column-mean'), C, A)],
  ] as const)('applies semantic options %o', async (semantic, expected) => {
    const { dataset, semantic: record } = await buildDataset(sourceFiles(fx.text), { semantic });
    expect(dataset.classAttributes).toEqual(expected());
    expect(record).toMatchObject(semantic);
  });

  it('fills a missing value with its column mean', () => {
    const filled = fillMissing(fx.continuous, C, A, 'column-mean');
    let sum = 0;
    for (let c = 1; c < C; c++) sum += fx.continuous[c * A]!;
    expect(filled[0]).toBeCloseTo(sum / (C - 1), 4);
    expect(fillMissing(fx.continuous, C, A, 'keep')[0]).toBe(-1);
  });

  it('inspects without parsing the features', async () => {
    const files = sourceFiles(fx.text);
    const report = await inspectFiles(files);
    expect(report).toMatchObject({ layout: 'awa2-text', images: 30, feature_dim: 16, classes: 6, attributes: 5 });
    expect(report.splits.ps).toEqual({ trainval: 16, test_seen: 4, test_unseen: 10, derived: true });
    expect(report.splits.ss).toEqual({ train: 20, test: 10 });
  });

  it('aborts', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(buildDataset(sourceFiles(fx.text), { signal: controller.signal })).rejects.toThrow(/Cancelled/);
  });
});

describe('xlsa17 release and the mix', () => {
  it('builds from res101.mat + att_splits.mat using the locations', async () => {
    const { dataset, layout, semantic } = await buildDataset(sourceFiles(fx.xlsa), { semantic: { normalise: 'l2' } });
    expect(layout.layout).toBe('xlsa17');
    expect(dataset.features).toEqual(fx.features);
    expect(dataset.labels).toEqual(fx.labels);
    expect(dataset.classNames).toEqual(CLASSES);
    expect(dataset.attributeNames).toEqual(['attribute 1', 'attribute 2', 'attribute 3', 'attribute 4', 'attribute 5']);
    expect(semantic.description).toMatch(/att \(xlsa17's L2-normalised/);
    const expected = l2Rows(fx.continuous, C, A);
    dataset.classAttributes.forEach((v, k) => expect(v).toBeCloseTo(expected[k]!, 6));
    const ps = dataset.splits.find((s) => s.name === 'ps')!;
    expect(Array.from(ps.trainIndices)).toEqual(fx.locs.trainval.map((i) => i - 1));
    expect(Array.from(ps.testSeenIndices)).toEqual(fx.locs.testSeen.map((i) => i - 1));
    expect(Array.from(ps.testUnseenIndices)).toEqual(fx.locs.testUnseen.map((i) => i - 1));
    expect(dataset.splits.map((s) => s.name)).toEqual(['ps']);
  });

  it('mixes AwA2 text features with the xlsa17 proposed split', async () => {
    const files = sourceFiles({ ...fx.text, 'xlsa17/data/AWA2/att_splits.mat': fx.xlsa['xlsa17/data/AWA2/att_splits.mat']! });
    const { dataset, layout } = await buildDataset(files);
    expect(layout.layout).toBe('mixed');
    const ps = dataset.splits.find((s) => s.name === 'ps')!;
    expect(ps.description).toMatch(/att_splits\.mat/);
    expect(ps.testSeenIndices.length).toBe(fx.locs.testSeen.length);
    expect(dataset.splits.map((s) => s.name)).toEqual(['ps', 'ss']);
    const report = await inspectFiles(files);
    expect(report.splits.ps).toEqual({ trainval: 16, test_seen: 4, test_unseen: 10, derived: false });
  });

  it('refuses to train the proposed split on train_loc', async () => {
    await expect(buildDataset(sourceFiles(fx.xlsa), { psTraining: 'train_loc' })).rejects.toThrow(
      /variable "train_loc": train_loc and val_loc cannot be used to train a GZSL model: they overlap test_seen_loc/,
    );
  });
});

describe('zips and the Node adapter', () => {
  it('builds from a zip of the text release (nested prefix, lazy feature entry)', async () => {
    const zip = zipSync(Object.fromEntries(Object.entries(fx.text).map(([p, b]) => [`download/${p}`, b])));
    const { dataset } = await buildDataset([memoryFile('AwA2.zip', zip, 1000)]);
    expect(dataset.features).toEqual(fx.features);
    expect(dataset.splits).toHaveLength(2);
  });

  it('describes a zip once, then builds from the described files with one more pass over the archive', async () => {
    const zip = memoryFile('AwA2.zip', zipSync(fx.text), 4096);
    let reads = 0;
    const counted = { ...zip, stream: () => (reads++, zip.stream()) };
    const { files, layout } = await describeFiles([counted]);
    expect(layout.layout).toBe('awa2-text');
    expect(layout.network).toBe('ResNet101');
    expect(layout.missing).toEqual([]);
    expect(reads).toBe(1);
    const { dataset } = await buildDataset(files);
    expect(dataset.numSamples).toBe(30);
    expect(reads).toBe(2); // only the lazy feature entry is read again
  });

  it('builds from a folder holding a zip of the features next to the class files', async () => {
    const features = Object.fromEntries(Object.entries(fx.text).filter(([p]) => p.includes('Features/')));
    const rest = Object.entries(fx.text).filter(([p]) => !p.includes('Features/'));
    const files = [...sourceFiles(Object.fromEntries(rest)), memoryFile('Animals_with_Attributes2/AwA2-features.zip', zipSync(features, { level: 9 }), 333)];
    expect(recogniseLayout(files).layout).toBe('unknown');
    const { dataset, layout } = await buildDataset(files);
    expect(layout.files.features!.path).toBe('Animals_with_Attributes2/Animals_with_Attributes2/Features/ResNet101/AwA2-features.txt');
    expect(dataset.labels).toEqual(fx.labels);
  });

  it('reads the real class files from disk and recognises the layout and what is missing', async () => {
    const layout = recogniseLayout(await filesFromPath(SHARED_AWA2));
    expect(layout.layout).toBe('xlsa17');
    expect(layout.files.classes!.path).toBe('classes.txt');
    expect(layout.missing.join(' ')).toMatch(/res101\.mat is missing/);
    expect(layout.ignored).toContain('README.md');
  });
});
