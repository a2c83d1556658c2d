/** Backbones from a URL without a backbone.json: the preset names the preprocessing, and the known default its layer. */
import { expect, test } from 'vitest';
import { DEFAULT_BACKBONE_URL, draftForUrl, knownPreset, PRESETS } from '../../src/ui/backbone/backbone-presets.ts';

test('the default MobileNet is read before its classifier, with its own preprocessing', () => {
  expect(knownPreset(DEFAULT_BACKBONE_URL)).toBe('mobilenet');
  expect(draftForUrl(DEFAULT_BACKBONE_URL, 'mobilenet')).toEqual({
    id: `url:${DEFAULT_BACKBONE_URL}#mobilenet`,
    name: 'MobileNet v1 (1.0, 224 px)',
    inputSize: 224,
    resize: 'center-crop',
    scaling: { kind: 'minus-one-one' },
    featureSourceNetwork: `${DEFAULT_BACKBONE_URL} at conv_pw_13_relu, average-pooled (224 px, centre crop, −1…1)`,
    outputLayer: 'conv_pw_13_relu',
  });
});

test('another URL uses the chosen preset, and the feature space names both', () => {
  const url = 'https://models.example.org/resnet50/model.json';
  expect(knownPreset(url)).toBeNull();
  const a = draftForUrl(url, 'imagenet');
  expect(a).toMatchObject({ name: 'resnet50', scaling: { kind: 'mean-std', mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] } });
  expect(a).not.toHaveProperty('outputLayer');
  // The same network with other preprocessing is another feature space.
  expect(draftForUrl(url, 'unit').featureSourceNetwork).not.toBe(a.featureSourceNetwork);
  expect(new Set(PRESETS.map((p) => p.id)).size).toBe(PRESETS.length);
});
