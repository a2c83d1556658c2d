import { expect, test } from 'vitest';
import { defaultConfig, type TrainConfig } from '../../src/core/methods/catalog.ts';
import { decodeSetup, encodeSetup } from '../../src/ui/shared/url-state.ts';

test('a setup survives the round trip through a link', () => {
  const config: TrainConfig = {
    ...defaultConfig('eszsl', 'ps'),
    seed: 42,
    calibration: 'fixed',
    gamma: 0.25,
    params: { featureReg: 100, attributeReg: 1, attributes: 'dataset' },
    tune: ['attributeReg'],
    semantics: 'original_att',
    validationFraction: 0.2,
  };
  const link = encodeSetup(config, 'awa2-xlsa17', 'wasm');
  expect(link.get('semantics')).toBe('original_att');
  const back = decodeSetup(new URLSearchParams(link.toString()));
  expect(back).toEqual({ dataset: 'awa2-xlsa17', backend: 'wasm', config, problems: [] });
  // Defaults stay out of the link, so links stay short.
  expect(link.has('p.attributeReg')).toBe(false);
  const plain = encodeSetup(defaultConfig('eszsl', 'ps'), null, 'auto');
  expect(plain.has('semantics')).toBe(false);
  expect(plain.has('val')).toBe(false);
});

test('a link with unknown class semantics falls back to the defaults with a sentence', () => {
  const bad = decodeSetup(new URLSearchParams('method=eszsl&split=ps&semantics=word2vec'));
  expect(bad.config).toEqual(defaultConfig('eszsl', 'ps'));
  expect(bad.problems.join(' ')).toMatch(/semantics/);
});

test('bad values are dropped with a sentence, never thrown', () => {
  const bad = decodeSetup(new URLSearchParams('method=semantic-mlp&p.epochs=-4&backend=tpu'));
  expect(bad.config).toEqual(defaultConfig('semantic-mlp', 'demo'));
  expect(bad.backend).toBeNull();
  expect(bad.problems).toHaveLength(2);
  expect(bad.problems.join(' ')).toMatch(/unknown backend "tpu".*epochs/);
  expect(decodeSetup(new URLSearchParams('method=magic')).problems[0]).toMatch(/unknown method "magic"/);
  expect(decodeSetup(new URLSearchParams('')).config).toBeNull();
});

test("a link made before the seed notebook's MLP was renamed ('seed') opens that method with its settings", () => {
  const old = decodeSetup(new URLSearchParams('method=seed&split=demo&seed=3&p.epochs=5&p.hiddenUnits=64'));
  expect(old.problems).toEqual([]);
  expect(old.config).toEqual({ ...defaultConfig('semantic-mlp', 'demo'), seed: 3, params: { ...defaultConfig('semantic-mlp').params, epochs: 5, hiddenUnits: 64 } });
  // Links written now carry the new id.
  expect(encodeSetup(old.config!, 'demo-7', 'auto').get('method')).toBe('semantic-mlp');
});
