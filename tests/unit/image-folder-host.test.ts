/**
 * The worker host with an image folder and kept extraction features: a drop says
 * how far an interrupted extraction got, loading resumes from there and then
 * drops what was kept, and "start over" drops it at once. Node, tfjs cpu, a tiny
 * backbone and a fake picture decoder.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, expect, test } from 'vitest';
import type { BackboneSpec } from '../../src/core/backbones/backbone.ts';
import { readImageFolder } from '../../src/core/io/image-folder.ts';
import { createWorkerHost } from '../../src/worker/host.ts';
import { extractionKey } from '../../src/core/io/image-folder-features.ts';
import { toSourceFiles } from '../../src/worker/load-files.ts';
import type { DroppedFile, LoadedDataset, StagedFiles, WorkerEvent } from '../../src/worker/protocol.ts';
import { fakeExtractionStore } from './helpers/fake-extraction-store.ts';
import { hostRequests } from './helpers/host-requests.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const spec: BackboneSpec = { id: 'tiny', name: 'Tiny', inputSize: 4, resize: 'stretch', scaling: { kind: 'unit' }, outputDim: 2, featureSourceNetwork: 'tiny v1' };

function droppedFolder(): DroppedFile[] {
  const text: Record<string, string> = {
    'w/classes.txt': '1\tcat\n2\tdog\n3\tfox\n',
    'w/predicates.txt': '1\tfur\n2\ttail\n',
    'w/predicate-matrix-binary.txt': '1 0\n0 1\n1 1',
    'w/testclasses.txt': 'fox\n',
  };
  const pictures = ['cat', 'dog', 'fox'].flatMap((c, label) => [0, 1].map((k) => [`w/Pictures/${c}/${k}.png`, new Uint8Array([40 * label + 10 * k + 5])] as const));
  return [
    ...Object.entries(text).map(([path, body]) => ({ path, file: new File([body], path.split('/').pop()!, { lastModified: 1 }) })),
    ...pictures.map(([path, bytes]) => ({ path, file: new File([bytes], path.split('/').pop()!, { lastModified: 2 }) })),
  ];
}

function harness() {
  const { store, batches } = fakeExtractionStore();
  const net = tf.sequential({ layers: [tf.layers.globalAveragePooling2d({ inputShape: [4, 4, 3] }), tf.layers.dense({ units: 2, kernelInitializer: 'ones' })] });
  const events: WorkerEvent[] = [];
  const host = createWorkerHost({
    post: (event) => events.push(event),
    probes: { cpu: async () => null },
    loadPictureBackbone: async () => ({ model: net, spec }),
    // A "picture" is one grey level, read from its single byte.
    decodeImage: async (blob) => ({ pixels: new Uint8ClampedArray(4 * 4 * 4).fill(new Uint8Array(await blob.arrayBuffer())[0]!), width: 4, height: 4 }),
    extractions: store,
  });
  const { ask } = hostRequests(host, events);
  return { store, batches, ask, events };
}

const semantic = { source: 'binary', normalise: 'none', missing: 'keep' } as const;

test('a drop says how far an interrupted extraction got; loading resumes, and what was kept is then dropped', async () => {
  const h = harness();
  const files = droppedFolder();
  const fresh = await h.ask<StagedFiles>({ kind: 'describe-files', files } as never);
  expect(fresh.layout).toBe('image-folder');
  expect(fresh.resume).toBeNull();

  // An earlier visit embedded the first 4 of 6 pictures with this backbone, then the page reloaded.
  const job = await extractionKey(await readImageFolder(toSourceFiles(files)), spec);
  await h.store.append(job, 0, 4, Float32Array.from({ length: 8 }, (_, i) => 100 + i));
  const staged = await h.ask<StagedFiles>({ kind: 'describe-files', files } as never);
  expect(staged.resume).toEqual({ done: 4, total: 6, backbone: 'Tiny' });

  const loaded = await h.ask<LoadedDataset>({ kind: 'load-files', files, token: null, semantic } as never);
  expect(loaded.images).toBe(6);
  expect(loaded.notes).toContain('Resumed an interrupted extraction: 4 of 6 pictures already embedded.');
  expect(h.events.some((e) => e.kind === 'progress' && /resuming: 4 of 6 pictures already embedded/.test(e.progress.phase))).toBe(true);
  expect(h.batches.size).toBe(0);
  expect((await h.ask<StagedFiles>({ kind: 'describe-files', files } as never)).resume).toBeNull();
});

test('"start over" drops the kept features', async () => {
  const h = harness();
  const files = droppedFolder();
  const job = await extractionKey(await readImageFolder(toSourceFiles(files)), spec);
  await h.store.append(job, 0, 2, new Float32Array(4));
  expect((await h.ask<StagedFiles>({ kind: 'describe-files', files } as never)).resume).toMatchObject({ done: 2 });
  await h.ask({ kind: 'discard-extraction' } as never);
  expect((await h.ask<StagedFiles>({ kind: 'describe-files', files } as never)).resume).toBeNull();
  const loaded = await h.ask<LoadedDataset>({ kind: 'load-files', files, token: null, semantic } as never);
  expect(loaded.notes.filter((n) => /Resumed/.test(n))).toEqual([]);
});
