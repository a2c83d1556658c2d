/**
 * The kept backbone in real Chromium's IndexedDB: weights larger than the
 * biggest single value Chromium stores (about 127 MiB; a ResNet-101 has 170 MB)
 * come back byte for byte, a kept model restores with the same outputs, a new
 * keep leaves no pieces of the old one, forget empties it, and a backbone kept
 * by tfjs's own store (before pieces) still restores.
 */
import * as tf from '@tensorflow/tfjs';
import { deleteDB, openDB } from 'idb';
import { afterEach, describe, expect, it } from 'vitest';
import type { BackboneSpec } from '../../src/core/backbones/backbone.ts';
import { modelArtifacts } from '../../src/core/backbones/resnet-backbone.ts';
import { createBackboneKeeper } from '../../src/worker/stores/backbone-store.ts';

const opened: Array<{ keeper: ReturnType<typeof createBackboneKeeper>; name: string }> = [];
let count = 0;
function freshKeeper() {
  const name = `zss-backbone-test-${Date.now()}-${count++}`;
  const keeper = createBackboneKeeper(name);
  opened.push({ keeper, name });
  return { keeper, name };
}

afterEach(async () => {
  for (const { keeper, name } of opened.splice(0)) {
    keeper.close();
    await deleteDB(name);
  }
});

const spec = (id: string, outputDim = 6): BackboneSpec => ({
  id,
  name: `Test net ${id}`,
  inputSize: 8,
  resize: 'stretch',
  scaling: { kind: 'mean-std', mean: [0.5, 0.5, 0.5], std: [0.25, 0.25, 0.25] },
  outputDim,
  featureSourceNetwork: `test net ${id}`,
});

function smallModel(seed: number): tf.LayersModel {
  const model = tf.sequential();
  model.add(tf.layers.conv2d({ inputShape: [8, 8, 3], filters: 5, kernelSize: 3, kernelInitializer: tf.initializers.randomNormal({ seed }) }));
  model.add(tf.layers.globalAveragePooling2d({}));
  model.add(tf.layers.dense({ units: 6, kernelInitializer: tf.initializers.randomNormal({ seed: seed + 1 }), biasInitializer: 'ones' }));
  return model;
}

async function chunkKeys(name: string): Promise<Array<[string, number]>> {
  const db = await openDB(name);
  try {
    return (await db.getAllKeys('backbone-chunks')) as unknown as Array<[string, number]>;
  } finally {
    db.close();
  }
}

describe('the kept backbone', () => {
  it('keeps weights over Chromium\'s single-value limit, given as one buffer or several, byte for byte', async () => {
    const { keeper, name } = freshKeeper();
    const total = 140_000_003; // over 133,169,152 bytes, the most Chromium stores in one value; not a whole number of pieces
    const bytes = new Uint8Array(total);
    for (let i = 0; i < total; i += 4093) bytes[i] = (i * 31 + 7) & 0xff;
    bytes[total - 1] = 201;
    const artifacts: tf.io.ModelArtifacts = {
      modelTopology: { marker: 'big' },
      weightSpecs: [{ name: 'w', shape: [total], dtype: 'bool' }],
      weightData: [bytes.buffer.slice(0, 50_000_000), bytes.buffer.slice(50_000_000)],
    };
    const fractions: number[] = [];
    await keeper.keep(artifacts, spec('big'), 'https://example.org/model.json', (f) => fractions.push(f));
    expect(fractions.at(-1)).toBe(1);
    expect(fractions.length).toBeGreaterThanOrEqual(5); // 140 MB in 32 MiB pieces, one report each
    const kept = await keeper.read();
    expect(kept).not.toBeNull();
    expect(kept!.spec).toEqual(spec('big'));
    expect(kept!.source).toBe('https://example.org/model.json');
    expect(kept!.artifacts.modelTopology).toEqual({ marker: 'big' });
    expect(kept!.artifacts.weightSpecs).toEqual(artifacts.weightSpecs);
    const back = new Uint8Array(kept!.artifacts.weightData as ArrayBuffer);
    expect(back.length).toBe(total);
    let firstDifference = -1;
    for (let i = 0; i < total && firstDifference < 0; i++) if (back[i] !== bytes[i]) firstDifference = i;
    expect(firstDifference).toBe(-1);
    expect((await chunkKeys(name)).length).toBe(Math.ceil(50_000_000 / 2 ** 25) + Math.ceil(90_000_003 / 2 ** 25));
  });

  it('restores a kept model with the same outputs, and a new keep leaves only its own pieces', async () => {
    const { keeper, name } = freshKeeper();
    expect(await keeper.restore()).toBeNull();
    const first = smallModel(1);
    await keeper.keep(await modelArtifacts(first), spec('first'));
    const firstKeys = await chunkKeys(name);
    const second = smallModel(5);
    await keeper.keep(await modelArtifacts(second), spec('second'));
    const keys = await chunkKeys(name);
    expect(keys.length).toBeGreaterThan(0);
    expect(new Set(keys.map(([saveId]) => saveId)).size).toBe(1);
    expect(keys.some(([saveId]) => saveId === firstKeys[0]![0])).toBe(false);

    const restored = await keeper.restore();
    expect(restored?.spec.id).toBe('second');
    const input = tf.randomUniform([2, 8, 8, 3], 0, 1, 'float32', 3);
    const want = (second.predict(input) as tf.Tensor).dataSync();
    const got = (restored!.model.predict(input) as tf.Tensor).dataSync();
    expect(Array.from(got)).toEqual(Array.from(want));
    expect(Array.from(got)).not.toEqual(Array.from((first.predict(input) as tf.Tensor).dataSync()));

    await keeper.forget();
    expect(await keeper.restore()).toBeNull();
    expect(await chunkKeys(name)).toEqual([]);
  });

  it('still restores a backbone kept by tfjs\'s own IndexedDB store, and drops it once a new one is kept', async () => {
    const legacy = 'indexeddb://zero-shot-studio-backbone';
    const { keeper } = freshKeeper();
    const model = smallModel(9);
    const artifacts = await modelArtifacts(model);
    const [handler] = tf.io.getSaveHandlers(legacy);
    await handler!.save!({ ...artifacts, userDefinedMetadata: { backbone: spec('legacy') as unknown as object, backboneSource: 'https://example.org/old.json' } });
    try {
      const restored = await keeper.restore();
      expect(restored?.spec.id).toBe('legacy');
      expect(restored?.source).toBe('https://example.org/old.json');
      const input = tf.randomUniform([1, 8, 8, 3], 0, 1, 'float32', 4);
      expect(Array.from((restored!.model.predict(input) as tf.Tensor).dataSync())).toEqual(Array.from((model.predict(input) as tf.Tensor).dataSync()));

      await keeper.keep(artifacts, spec('new'));
      expect(Object.keys(await tf.io.listModels())).not.toContain(legacy);
      expect((await keeper.restore())?.spec.id).toBe('new');
    } finally {
      await tf.io.removeModel(legacy).catch(() => undefined);
    }
  });
});
