/**
 * Published results on the five xlsa17 benchmarks (per-class top-1 %, fixed
 * ResNet-101 features, proposed split), each row with its source, shown beside
 * runs on the same benchmark only. A dataset that is none of the five has no
 * published numbers. SS figures are a different split and are kept apart.
 * Pure data and formatting: no React.
 */
import type { BenchmarkId } from '../../core/data/dataset-identity.ts';

export interface PublishedRow {
  method: string;
  family: 'classical' | 'generative';
  /** Standard split top-1, where the source gives one. */
  ss: number | null;
  /** Proposed split ZSL top-1. */
  ps: number | null;
  u: number | null;
  s: number | null;
  h: number | null;
  source: string;
}

const GBU = 'Xian et al., Zero-Shot Learning: the Good, the Bad and the Ugly (TPAMI 2018), PS tables';
const DOC = 'docs/zsl.md (as collected for AwA2)';
const CLSWGAN = 'Xian et al., Feature Generating Networks for ZSL (CVPR 2018)';
const CADA = 'Schönfeld et al., CADA-VAE (CVPR 2019); GZSL only';
const TFVAEGAN = 'Narayan et al., TF-VAEGAN (ECCV 2020)';

type Figures = [ps: number | null, u: number | null, s: number | null, h: number | null];
const classical = (method: string, [ps, u, s, h]: Figures, ss: number | null = null, source = GBU): PublishedRow => ({ method, family: 'classical', ss, ps, u, s, h, source });
const generative = (method: string, [ps, u, s, h]: Figures, source: string): PublishedRow => ({ method, family: 'generative', ss: null, ps, u, s, h, source });

export const PUBLISHED: Record<BenchmarkId, PublishedRow[]> = {
  AWA2: [
    classical('DAP', [46.1, 0.0, 84.7, 0.0], 58.7, `${GBU}; SS from ${DOC}`),
    classical('DeViSE', [59.7, 17.1, 74.7, 27.8], 68.6, `${GBU}; SS from ${DOC}`),
    classical('SJE', [61.9, 8.0, 73.9, 14.4], 69.5, `${GBU}; SS from ${DOC}`),
    classical('ESZSL', [58.6, 5.9, 77.8, 11.0], 75.6, `${GBU}; SS from ${DOC}`),
    classical('ALE', [62.5, 14.0, 81.8, 23.9], 80.3, `${GBU}; SS from ${DOC}`),
    classical('SAE', [54.1, 1.1, 82.2, 2.2], 80.2, `${GBU}; SS from ${DOC}`),
    generative('f-CLSWGAN', [65.3, 56.1, 65.5, 60.4], DOC),
    generative('CADA-VAE', [64.0, 55.8, 75.0, 63.9], `${CADA} for u, s, H; top-1 from ${DOC}`),
    generative('TF-VAEGAN', [72.2, 59.8, 75.1, 66.6], TFVAEGAN),
    generative('AGZSL', [73.8, 65.1, 78.9, 71.3], `Chou et al., AGZSL (ICLR 2021), via ${DOC}`),
  ],
  AWA1: [
    classical('DAP', [44.1, 0.0, 88.7, 0.0]),
    classical('DeViSE', [54.2, 13.4, 68.7, 22.4]),
    classical('SJE', [65.6, 11.3, 74.6, 19.6]),
    classical('ESZSL', [58.2, 6.6, 75.6, 12.1]),
    classical('ALE', [59.9, 16.8, 76.1, 27.5]),
    classical('SAE', [53.0, 1.8, 77.1, 3.5]),
    generative('f-CLSWGAN', [68.2, 57.9, 61.4, 59.6], CLSWGAN),
    generative('CADA-VAE', [null, 57.3, 72.8, 64.1], CADA),
  ],
  CUB: [
    classical('DAP', [40.0, 1.7, 67.9, 3.3]),
    classical('DeViSE', [52.0, 23.8, 53.0, 32.8]),
    classical('SJE', [53.9, 23.5, 59.2, 33.6]),
    classical('ESZSL', [53.9, 12.6, 63.8, 21.0]),
    classical('ALE', [54.9, 23.7, 62.8, 34.4]),
    classical('SAE', [33.3, 7.8, 54.0, 13.6]),
    generative('f-CLSWGAN', [57.3, 43.7, 57.7, 49.7], CLSWGAN),
    generative('CADA-VAE', [null, 51.6, 53.5, 52.4], CADA),
    generative('TF-VAEGAN', [64.9, 52.8, 64.7, 58.1], TFVAEGAN),
  ],
  SUN: [
    classical('DAP', [39.9, 4.2, 25.1, 7.2]),
    classical('DeViSE', [56.5, 16.9, 27.4, 20.9]),
    classical('SJE', [53.7, 14.7, 30.5, 19.8]),
    classical('ESZSL', [54.5, 11.0, 27.9, 15.8]),
    classical('ALE', [58.1, 21.8, 33.1, 26.3]),
    classical('SAE', [40.3, 8.8, 18.0, 11.8]),
    generative('f-CLSWGAN', [60.8, 42.6, 36.6, 39.4], CLSWGAN),
    generative('CADA-VAE', [null, 47.2, 35.7, 40.6], CADA),
    generative('TF-VAEGAN', [66.0, 45.6, 40.7, 43.0], TFVAEGAN),
  ],
  APY: [
    classical('DAP', [33.8, 4.8, 78.3, 9.0]),
    classical('DeViSE', [39.8, 4.9, 76.9, 9.2]),
    classical('SJE', [32.9, 3.7, 55.7, 6.9]),
    classical('ESZSL', [38.3, 2.4, 70.1, 4.6]),
    classical('ALE', [39.7, 4.6, 73.7, 8.7]),
    classical('SAE', [8.3, 0.4, 80.9, 0.9]),
  ],
};

/** The published rows for a benchmark; none for a dataset that is not one of the five. */
export function publishedFor(benchmark: BenchmarkId | null | undefined): PublishedRow[] {
  return benchmark ? PUBLISHED[benchmark] : [];
}

/** One figure as the table shows it: always one decimal, a dash where the source gives none. */
export const figure = (value: number | null): string => (value === null ? '–' : value.toFixed(1));
