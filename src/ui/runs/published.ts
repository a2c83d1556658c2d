/**
 * Published AwA2 results (per-class top-1 %, fixed ResNet-101 features), from
 * the benchmark papers as collected in docs/zsl.md. Shown beside our runs,
 * clearly labelled: SS and PS figures are not comparable with each other.
 */
export interface PublishedRow {
  method: string;
  ss: number | null;
  ps: number;
  u: number;
  s: number;
  h: number;
}

export const PUBLISHED_AWA2: PublishedRow[] = [
  { method: 'DAP', ss: 58.7, ps: 46.1, u: 0.0, s: 84.7, h: 0.0 },
  { method: 'DeViSE', ss: 68.6, ps: 59.7, u: 17.1, s: 74.7, h: 27.8 },
  { method: 'SJE', ss: 69.5, ps: 61.9, u: 8.0, s: 73.9, h: 14.4 },
  { method: 'ESZSL', ss: 75.6, ps: 58.6, u: 5.9, s: 77.8, h: 11.0 },
  { method: 'ALE', ss: 80.3, ps: 62.5, u: 14.0, s: 81.8, h: 23.9 },
  { method: 'SAE', ss: 80.2, ps: 54.1, u: 1.1, s: 82.2, h: 2.2 },
  { method: 'f-CLSWGAN', ss: null, ps: 65.3, u: 56.1, s: 65.5, h: 60.4 },
  { method: 'CADA-VAE', ss: null, ps: 64.0, u: 55.8, s: 75.0, h: 63.9 },
  { method: 'TF-VAEGAN', ss: null, ps: 72.2, u: 59.8, s: 75.1, h: 66.6 },
  { method: 'AGZSL', ss: null, ps: 73.8, u: 65.1, s: 78.9, h: 71.3 },
];
