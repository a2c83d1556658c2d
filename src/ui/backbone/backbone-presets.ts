/**
 * Backbones loaded from a URL: the public default, and the preprocessing presets
 * offered when the model's folder has no backbone.json. A preset and the URL
 * together name the feature space, so two backbones share one only when both
 * the network and its preprocessing are the same.
 * Pure TypeScript: no DOM, no tfjs.
 */
import type { BackboneDraft, PixelScaling } from '../../core/backbones/backbone.ts';

export type PresetId = 'mobilenet' | 'imagenet' | 'unit';

export interface PreprocessingPreset {
  id: PresetId;
  /** What the user picks from. */
  label: string;
  /** Short, for the feature-space name. */
  short: string;
  inputSize: number;
  resize: BackboneDraft['resize'];
  scaling: PixelScaling;
}

export const PRESETS: readonly PreprocessingPreset[] = [
  {
    id: 'mobilenet',
    label: 'MobileNet / Inception: 224 px, centre crop, pixels to −1…1',
    short: '224 px, centre crop, −1…1',
    inputSize: 224,
    resize: 'center-crop',
    scaling: { kind: 'minus-one-one' },
  },
  {
    id: 'imagenet',
    label: 'ImageNet mean and std (ResNet, EfficientNet): 224 px, centre crop',
    short: '224 px, centre crop, ImageNet mean/std',
    inputSize: 224,
    resize: 'center-crop',
    scaling: { kind: 'mean-std', mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] },
  },
  {
    id: 'unit',
    label: 'Plain: 224 px, centre crop, pixels to 0…1',
    short: '224 px, centre crop, 0…1',
    inputSize: 224,
    resize: 'center-crop',
    scaling: { kind: 'unit' },
  },
];

/**
 * The default offered in the URL field: Google's MobileNet v1 (1.0, 224) as a
 * Layers model, read before its classifier (conv_pw_13_relu, 7 × 7 × 1024,
 * average-pooled to 1,024 features), as tfjs transfer-learning examples use it.
 */
export const DEFAULT_BACKBONE_URL = 'https://storage.googleapis.com/tfjs-models/tfjs/mobilenet_v1_1.0_224/model.json';

/** Public models whose right layer and preprocessing are known, so the user need not know them. */
const KNOWN: Record<string, { name: string; outputLayer: string; preset: PresetId }> = {
  [DEFAULT_BACKBONE_URL]: { name: 'MobileNet v1 (1.0, 224 px)', outputLayer: 'conv_pw_13_relu', preset: 'mobilenet' },
};

export function presetById(id: PresetId): PreprocessingPreset {
  const preset = PRESETS.find((p) => p.id === id);
  if (!preset) throw new Error(`unknown preprocessing preset "${id}"`);
  return preset;
}

/** The preset a known model needs, else null (the user picks). */
export function knownPreset(modelUrl: string): PresetId | null {
  return KNOWN[modelUrl]?.preset ?? null;
}

/** A spec for a model.json URL with no backbone.json beside it; its output size is measured when it loads. */
export function draftForUrl(modelUrl: string, presetId: PresetId): BackboneDraft {
  const preset = presetById(presetId);
  const known = KNOWN[modelUrl];
  const folder = modelUrl.split('/').slice(-2, -1)[0] || new URL(modelUrl).host;
  const layer = known ? ` at ${known.outputLayer}, average-pooled` : '';
  return {
    id: `url:${modelUrl}#${preset.id}`,
    name: known?.name ?? folder,
    inputSize: preset.inputSize,
    resize: preset.resize,
    scaling: preset.scaling,
    featureSourceNetwork: `${modelUrl}${layer} (${preset.short})`,
    ...(known ? { outputLayer: known.outputLayer } : {}),
  };
}
