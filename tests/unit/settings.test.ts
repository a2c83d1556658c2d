/** The settings kept between visits: read back safely, saved as they change, and a link's setup wins over them. */
import { describe, expect, test } from 'vitest';
import { defaultConfig, type TrainConfig } from '../../src/core/methods/catalog.ts';
import { readSettings, settingsOf, startup, type Settings } from '../../src/ui/shared/settings.ts';
import { SettingsSaver } from '../../src/ui/shared/settings-store.ts';
import { AppStore } from '../../src/ui/store.ts';
import { decodeSetup } from '../../src/ui/shared/url-state.ts';

const eszsl: TrainConfig = { ...defaultConfig('eszsl', 'demo'), seed: 9, calibration: 'fixed', gamma: 0.5, params: { featureReg: 100, attributeReg: 10, attributes: 'l2' } };
const kept: Settings = {
  config: eszsl,
  paramsByMethod: { 'semantic-mlp': { ...defaultConfig('semantic-mlp').params, epochs: 3 } },
  backendChoice: 'wasm',
  semantic: { source: 'binary', normalise: 'l2', missing: 'zero' },
  dataset: 'demo-11',
  classifyScope: 'all',
};
const link = (query: string) => decodeSetup(new URLSearchParams(query));

describe('reading kept settings', () => {
  test('what was saved comes back as it was, through a structured clone', () => {
    expect(readSettings(structuredClone(kept))).toEqual(kept);
  });

  test('the settings of the page state are what a reload needs', () => {
    const store = new AppStore({ config: eszsl, backendChoice: 'wasm', classifyScope: 'all' });
    const settings = settingsOf(store.getState());
    expect(settings).toMatchObject({ config: eszsl, backendChoice: 'wasm', classifyScope: 'all', dataset: null });
    expect(readSettings(structuredClone(settings))).toEqual(settings);
  });

  test('pieces that no longer fit are left out, one by one, never thrown', () => {
    const stale = {
      config: { ...eszsl, params: { featureReg: -5 } }, // out of range
      paramsByMethod: { magic: { a: 1 }, 'semantic-mlp': { epochs: 'many' }, eszsl: { featureReg: 10 } },
      backendChoice: 'tpu',
      semantic: { source: 'continuous', normalise: 'cubic', missing: 'keep' },
      dataset: 42,
      classifyScope: 'some',
      explainerOpen: 'no',
    };
    expect(readSettings(stale)).toEqual({ paramsByMethod: { eszsl: { featureReg: 10, attributeReg: 1, attributes: expect.any(String) } } });
    expect(readSettings({ config: { method: 'renamed' } })).toEqual({});
    for (const junk of [null, undefined, 'text', 7, [], { config: null }]) expect(() => readSettings(junk)).not.toThrow();
  });

  test('a skipped explainer stays skipped on the next visit, also without a link', () => {
    expect(readSettings({ explainerOpen: false })).toEqual({ explainerOpen: false });
    expect(startup(link(''), { explainerOpen: false }).state.explainerOpen).toBe(false);
    expect(startup(link('?method=sae'), { explainerOpen: false }).state.explainerOpen).toBe(false);
    expect(startup(link(''), {}).state.explainerOpen).toBeUndefined(); // the store's default (shown) applies
  });

  test("settings kept before the seed notebook's MLP was renamed ('seed') come back under its new id", () => {
    const old = {
      config: { ...defaultConfig('eszsl'), method: 'seed', seed: 2, params: { epochs: 4, hiddenUnits: 32 } },
      paramsByMethod: { seed: { epochs: 6 } },
    };
    const read = readSettings(structuredClone(old));
    expect(read.config).toEqual({ ...defaultConfig('semantic-mlp'), seed: 2, params: { ...defaultConfig('semantic-mlp').params, epochs: 4, hiddenUnits: 32 } });
    expect(read.paramsByMethod).toEqual({ 'semantic-mlp': { ...defaultConfig('semantic-mlp').params, epochs: 6 } });
  });
});

describe('how the page starts', () => {
  test('a bare address brings back the last visit', () => {
    const start = startup(link(''), kept);
    expect(start).toMatchObject({ backend: 'wasm', dataset: 'demo-11', datasetFrom: 'settings' });
    expect(start.state).toEqual({
      config: eszsl,
      backendChoice: 'wasm',
      paramsByMethod: kept.paramsByMethod,
      semantic: kept.semantic,
      classifyScope: 'all',
    });
  });

  test('a link with a setup wins: what it leaves out takes its default, not the kept value', () => {
    const start = startup(link('dataset=demo-3&method=sae&split=demo&seed=5'), kept);
    expect(start).toMatchObject({ backend: 'auto', dataset: 'demo-3', datasetFrom: 'link' });
    expect(start.state.config).toEqual({ ...defaultConfig('sae', 'demo'), seed: 5 });
    expect(start.state.backendChoice).toBe('auto');
    // Choices outside a shared setup still come from the last visit.
    expect(start.state).toMatchObject({ semantic: kept.semantic, classifyScope: 'all', paramsByMethod: kept.paramsByMethod });
  });

  test('a link naming only a backend is a setup too; one with bad values says so', () => {
    const onlyBackend = startup(link('backend=cpu'), kept);
    expect(onlyBackend).toMatchObject({ backend: 'cpu', dataset: null, datasetFrom: 'link' });
    expect(onlyBackend.state.config).toBeUndefined(); // the store's default
    const bad = startup(link('method=magic'), kept);
    expect(bad.state.config).toBeUndefined();
    expect(bad.state.notice?.text).toMatch(/unknown method "magic"/);
  });

  test('nothing kept and no link: the defaults', () => {
    expect(startup(link(''), {})).toEqual({ backend: 'auto', dataset: null, datasetFrom: 'settings', state: { backendChoice: 'auto' } });
  });
});

describe('saving as settings change', () => {
  function harness(fail = () => false) {
    const written: Settings[] = [];
    let release: (() => void) | null = null;
    const errors: unknown[] = [];
    const saver = new SettingsSaver(
      async (settings) => {
        await new Promise<void>((resolve) => (release = resolve));
        if (fail()) throw new Error('QuotaExceededError');
        written.push(settings);
      },
      kept,
      (error) => errors.push(error),
    );
    const step = async () => {
      await Promise.resolve();
      await Promise.resolve();
      release?.();
      release = null;
      await saver.flushed();
    };
    return { saver, written, errors, step, releaseNext: () => release?.() };
  }

  test('unchanged settings are not written; a burst costs one write in flight and one waiting, the latest', async () => {
    const h = harness();
    h.saver.offer(structuredClone(kept));
    await h.saver.flushed();
    expect(h.written).toEqual([]);
    const seeds = [1, 2, 3, 4].map((seed) => ({ ...kept, config: { ...kept.config, seed } }));
    for (const s of seeds) h.saver.offer(s);
    // The first is being written; 2 and 3 were superseded by 4 before their turn.
    const done = h.saver.flushed();
    await Promise.resolve();
    h.releaseNext();
    await new Promise((resolve) => setTimeout(resolve, 0));
    h.releaseNext();
    await done;
    expect(h.written.map((s) => s.config.seed)).toEqual([1, 4]);
  });

  test('the same object offered again (a progress update) is not even compared', async () => {
    const h = harness();
    const next = { ...kept, classifyScope: 'unseen' as const };
    h.saver.offer(next);
    h.saver.offer(next);
    await h.step();
    expect(h.written).toHaveLength(1);
  });

  test('a failed write is reported and retried with the next change', async () => {
    let failing = true;
    const h = harness(() => failing);
    h.saver.offer({ ...kept, dataset: 'demo-1' });
    await h.step();
    expect(h.errors).toHaveLength(1);
    failing = false;
    h.saver.offer({ ...kept, dataset: 'demo-1', classifyScope: 'unseen' });
    await h.step();
    expect(h.written.map((s) => s.dataset)).toEqual(['demo-1']);
  });
});
