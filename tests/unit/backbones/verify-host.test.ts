/**
 * The worker host with ResNet weights, a release and some of its own pictures:
 * a photo with no matching backbone says what to load; ResNet weights load with
 * progress; photos are answered with "not verified" until the release pictures
 * are compared; a release made by the same backbone and preprocessing measures
 * cosine ≈ 1 (the same space), one made with another preprocessing measures
 * clearly lower with the warning, and the best variant is offered and can be
 * switched to. Node, tfjs cpu, the committed narrow fixture weights.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, test } from 'vitest';
import { decodePicture } from '../../../src/cli/node-images.ts';
import type { BackboneSpec } from '../../../src/core/backbones/backbone.ts';
import { loadResNet, resNetSpec, type ScalingId } from '../../../src/core/backbones/resnet-backbone.ts';
import { SAME_SPACE_MEDIAN } from '../../../src/core/backbones/verify-release.ts';
import { embedPicture } from '../../../src/core/demos/picture-dataset.ts';
import { backboneFromFiles } from '../../../src/worker/stores/backbone-store.ts';
import { createWorkerHost } from '../../../src/worker/host.ts';
import type { BackboneInfo, DroppedFile, Request, SpaceNote, WorkerEvent } from '../../../src/worker/protocol.ts';
import type { Classification } from '../../../src/core/inference/classify.ts';
import { encodePng } from '../../e2e/png.ts';
import { CLASSES, makeFixture, PER_CLASS, sourceFiles } from '../io/helpers/fixtures.ts';
import { buildDataset } from '../../../src/core/io/build-dataset.ts';
import { fixtureFile, testPicture } from './resnet-fixtures.ts';
import { hostRequests } from '../helpers/host-requests.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const N = CLASSES.length * PER_CLASS;
const names = Array.from({ length: N }, (_, i) => `${CLASSES[Math.floor(i / PER_CLASS)]}_${10001 + i}.jpg`);
/** The release's pictures: each a different size and crop of the test pattern, as PNG bytes (named .jpg, as in the release). */
const pictureBytes = names.map((_, i) => {
  const width = 40 + 3 * i;
  const height = 36 + ((5 * i) % 17);
  return encodePng(testPicture(width, height).map((v, k) => (k % 4 === 3 ? 255 : (v + 37 * i) % 256)) as Uint8ClampedArray, width, height);
});
const file = (path: string, bytes: Uint8Array | string) => ({ path, file: new File([bytes as BlobPart], path.split('/').pop()!, { lastModified: 1 }) });

/** A text release whose feature rows are the fixture Keras ResNet's features of its pictures, under one preprocessing. */
async function release(scaling: ScalingId): Promise<DroppedFile[]> {
  const { model, info } = await loadResNet(fixtureFile('keras.h5'), 'keras.h5');
  const spec = resNetSpec(info, { scaling, resize: 'stretch' });
  const rows: string[] = [];
  for (const bytes of pictureBytes) {
    const p = decodePicture(bytes, 'picture');
    rows.push(Array.from(await embedPicture(model, spec, p.pixels, p.width, p.height)).join(' '));
  }
  model.dispose();
  const text = makeFixture().text;
  const root = 'Animals_with_Attributes2/';
  text[`${root}Features/ResNet101/AwA2-features.txt`] = new TextEncoder().encode(rows.join('\n') + '\n');
  return Object.entries(text).map(([path, bytes]) => file(path, bytes));
}

const pictures = (): DroppedFile[] => names.slice(0, 12).map((name, i) => file(`JPEGImages/${name.split('_')[0]}/${name}`, pictureBytes[i]!));

function harness() {
  const other: BackboneSpec = { id: 'tiny', name: 'Tiny', inputSize: 4, resize: 'stretch', scaling: { kind: 'unit' }, outputDim: 2, featureSourceNetwork: 'tiny v1' };
  const net = tf.sequential({ layers: [tf.layers.globalAveragePooling2d({ inputShape: [4, 4, 3] }), tf.layers.dense({ units: 2 })] });
  const events: WorkerEvent[] = [];
  const host = createWorkerHost({
    post: (event) => events.push(event),
    probes: { cpu: async () => null },
    loadPictureBackbone: async () => ({ model: net, spec: other }),
    backbones: {
      fromFiles: async (files, options) => (await backboneFromFiles(files, options?.draft, options)).backbone,
      restore: async () => null,
      forget: async () => undefined,
    },
    decodeImage: async (blob) => decodePicture(new Uint8Array(await blob.arrayBuffer()), 'picture'),
  });
  const requests = hostRequests(host, events);
  const { ask } = requests;
  const progressOf = (requestId: number) => events.filter((e) => e.kind === 'progress' && e.id === requestId);
  /** Sends a request and cancels it at once; resolves with its final event. */
  const cancelled = async (request: Omit<Request, 'id'>) => {
    const requestId = requests.nextId();
    host.handle({ ...request, id: requestId } as Request);
    host.handle({ kind: 'control', target: requestId, action: 'cancel' });
    await host.idle();
    return events.find((e) => 'id' in e && e.id === requestId && (e.kind === 'result' || e.kind === 'error'));
  };
  return { ask, events, progressOf, cancelled, lastId: requests.lastId };
}

const semantic = { source: 'continuous', normalise: 'l2', missing: 'keep' } as const;
const photo = () => new File([pictureBytes[N - 1]! as BlobPart], 'my-photo.png');

async function trained(scaling: ScalingId) {
  const h = harness();
  await h.ask({ kind: 'init', backend: 'cpu' } as never);
  await h.ask({ kind: 'load-files', files: await release(scaling), token: null, semantic } as never);
  await h.ask({ kind: 'train', config: { method: 'eszsl', split: 'ss', seed: 1, validationFraction: 0, calibration: 'none', gamma: 0, tune: [], params: {} } } as never);
  return h;
}

test('loading weights can be cancelled; the backbone in use stays', async () => {
  const h = harness();
  await h.ask({ kind: 'init', backend: 'cpu' } as never);
  const answer = await h.cancelled({ kind: 'load-backbone-files', files: [file('keras.h5', new Uint8Array(fixtureFile('keras.h5')))] } as never);
  expect(answer).toMatchObject({ kind: 'error', cancelled: true });
  expect(await h.ask<BackboneInfo>({ kind: 'backbone-info' } as never)).toMatchObject({ name: 'Tiny' });
});

describe('a photo for a model trained on a release', () => {
  test('without ResNet weights: a sentence saying what to load first', async () => {
    const h = await trained('caffe');
    await expect(h.ask({ kind: 'classify-image-file', file: photo(), scope: 'unseen', k: 5 } as never)).rejects.toThrow(
      /trained on features from ResNet101 \(AwA2 release\), but pictures are embedded by the Tiny backbone.*load ResNet weights giving 128 features first \(Keras \.h5 or torchvision \.safetensors/,
    );
  });

  test('same backbone and preprocessing: not verified until measured, then cosine ≈ 1 and the same space', async () => {
    const h = await trained('caffe');
    const info = await h.ask<BackboneInfo>({ kind: 'load-backbone-files', files: [file('keras.h5', new Uint8Array(fixtureFile('keras.h5')))] } as never);
    expect(info).toMatchObject({ name: 'ResNet (blocks 1-2-1-1) (Keras weights)', outputDim: 128, inputSize: 224, resnet: { layout: 'keras', preprocessing: { scaling: 'caffe', resize: 'stretch' } }, verification: null });
    const phases = new Set(h.progressOf(h.lastId()).map((e) => (e.kind === 'progress' ? e.progress.phase : '')));
    expect([...phases]).toEqual(expect.arrayContaining(['Reading keras.h5', 'Building the network']));

    const before = await h.ask<Classification & { space?: SpaceNote }>({ kind: 'classify-image-file', file: photo(), scope: 'unseen', k: 5 } as never);
    expect(before.top.length).toBe(2); // the standard split's two unseen classes
    expect(before.space).toMatchObject({ status: 'not-verified', text: expect.stringMatching(/^Not verified: /) });

    const verified = await h.ask<BackboneInfo>({ kind: 'verify-backbone', files: [...pictures(), file('notes.txt', 'not a picture')] } as never);
    const v = verified.verification!;
    expect(v.compared).toBe(12);
    expect(v.same).toBe(true);
    expect(v.variants[0]!.preprocessing).toEqual({ scaling: 'caffe', resize: 'stretch' });
    expect(v.variants[0]!.median).toBeGreaterThan(0.9999);
    expect(v.variants[0]!.p10).toBeGreaterThan(0.9999);
    expect(v.variants).toHaveLength(4);
    expect(v.text).toMatch(/^ResNet \(blocks 1-2-1-1\) \(Keras weights, caffe preprocessing, stretch\): median cosine 1\.00 \(10th percentile 1\.00\) on 12 release pictures — the same feature space\.$/);

    const after = await h.ask<Classification & { space?: SpaceNote }>({ kind: 'classify-image-file', file: photo(), scope: 'unseen', k: 5 } as never);
    expect(after.space).toEqual({ status: 'same', text: v.text });
  });

  test('a release made with another preprocessing: clearly lower, the warning, and the best variant offered', async () => {
    const h = await trained('torchvision');
    await h.ask<BackboneInfo>({ kind: 'load-backbone-files', files: [file('keras.h5', new Uint8Array(fixtureFile('keras.h5')))] } as never);
    const verified = await h.ask<BackboneInfo>({ kind: 'verify-backbone', files: pictures() } as never);
    const v = verified.verification!;
    expect(v.same).toBe(false);
    expect(v.variants[0]!.median).toBeLessThan(SAME_SPACE_MEDIAN);
    expect(v.best.preprocessing).toEqual({ scaling: 'torchvision', resize: 'stretch' });
    expect(v.best.median).toBeGreaterThan(0.9999);
    expect(v.text).toMatch(/caffe preprocessing, stretch\): median cosine 0\.\d\d .* — not the release's feature space: photo answers will be unreliable\. With ImageNet mean\/std preprocessing, stretch it reaches median cosine 1\.00/);
    const warned = await h.ask<Classification & { space?: SpaceNote }>({ kind: 'classify-image-file', file: photo(), scope: 'unseen', k: 5 } as never);
    expect(warned.space?.status).toBe('differs');

    const switched = await h.ask<BackboneInfo>({ kind: 'set-backbone-preprocessing', preprocessing: v.best.preprocessing } as never);
    expect(switched.resnet?.preprocessing).toEqual({ scaling: 'torchvision', resize: 'stretch' });
    expect(switched.verification?.same).toBe(true);
    const answered = await h.ask<Classification & { space?: SpaceNote }>({ kind: 'classify-image-file', file: photo(), scope: 'unseen', k: 5 } as never);
    expect(answered.space?.status).toBe('same');
  });

  test('pictures the release does not name: a sentence', async () => {
    const h = await trained('caffe');
    await h.ask<BackboneInfo>({ kind: 'load-backbone-files', files: [file('keras.h5', new Uint8Array(fixtureFile('keras.h5')))] } as never);
    await expect(h.ask({ kind: 'verify-backbone', files: [file('JPEGImages/cat/cat_1.jpg', pictureBytes[0]!)] } as never)).rejects.toThrow(
      /None of the 1 pictures is named in the release \(antelope_10001\.jpg, antelope_10002\.jpg, …\)/,
    );
  });
});

test("res101.mat's image_files name each feature row by its picture's base name (what verification matches)", async () => {
  const fx = makeFixture();
  const { imageFiles, dataset } = await buildDataset(sourceFiles(fx.xlsa));
  expect(imageFiles).toHaveLength(dataset.numSamples);
  expect(imageFiles).toEqual(names);
});
