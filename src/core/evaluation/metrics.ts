/**
 * Benchmark metrics. Accuracy is per class: the mean over classes of
 * (correct in class / images in class), as the ZSL protocol demands.
 * Per-sample and per-batch figures exist only as labelled extras.
 * Pure TypeScript: no DOM, no tfjs.
 */

/**
 * Per-class top-k accuracy in [0, 1]. `topK` holds, for each sample, its k best
 * class ids (row-major, k per sample); `labels` its true class ids. Classes with
 * no samples are ignored.
 */
export function perClassAccuracy(topK: Int32Array, k: number, labels: Int32Array, useK = k): number {
  const hits = new Map<number, number>();
  const totals = new Map<number, number>();
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i]!;
    totals.set(label, (totals.get(label) ?? 0) + 1);
    if (isHit(topK, k, i, label, useK)) hits.set(label, (hits.get(label) ?? 0) + 1);
  }
  if (totals.size === 0) return 0;
  let sum = 0;
  for (const [label, total] of totals) sum += (hits.get(label) ?? 0) / total;
  return sum / totals.size;
}

/** Per-class accuracy broken down by class, for the bar chart. */
export function accuracyByClass(topK: Int32Array, k: number, labels: Int32Array): Map<number, number> {
  const hits = new Map<number, number>();
  const totals = new Map<number, number>();
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i]!;
    totals.set(label, (totals.get(label) ?? 0) + 1);
    if (topK[i * k] === label) hits.set(label, (hits.get(label) ?? 0) + 1);
  }
  const out = new Map<number, number>();
  for (const [label, total] of totals) out.set(label, (hits.get(label) ?? 0) / total);
  return out;
}

/** Plain per-sample accuracy: an extra, never the headline. */
export function perSampleAccuracy(topK: Int32Array, k: number, labels: Int32Array, useK = k): number {
  if (labels.length === 0) return 0;
  let hits = 0;
  for (let i = 0; i < labels.length; i++) if (isHit(topK, k, i, labels[i]!, useK)) hits++;
  return hits / labels.length;
}

/** Mean of per-batch per-sample accuracies, as the seed notebook printed it. */
export function perBatchAccuracy(topK: Int32Array, k: number, labels: Int32Array, batchSize: number, useK = k): number {
  if (labels.length === 0) return 0;
  let sum = 0;
  let batches = 0;
  for (let start = 0; start < labels.length; start += batchSize) {
    const end = Math.min(labels.length, start + batchSize);
    let hits = 0;
    for (let i = start; i < end; i++) if (isHit(topK, k, i, labels[i]!, useK)) hits++;
    sum += hits / (end - start);
    batches++;
  }
  return sum / batches;
}

/** Harmonic mean of unseen and seen accuracy (GZSL H); 0 when both are 0. */
export function harmonicMean(u: number, s: number): number {
  return u + s > 0 ? (2 * u * s) / (u + s) : 0;
}

/** Confusion counts: rows are true classes, columns predicted, over `classes` in that order. */
export function confusionMatrix(top1: Int32Array, labels: Int32Array, classes: number[]): number[][] {
  const position = new Map(classes.map((c, i) => [c, i] as const));
  const matrix = classes.map(() => classes.map(() => 0));
  for (let i = 0; i < labels.length; i++) {
    const row = position.get(labels[i]!);
    const col = position.get(top1[i]!);
    if (row !== undefined && col !== undefined) matrix[row]![col]!++;
  }
  return matrix;
}

function isHit(topK: Int32Array, k: number, i: number, label: number, useK: number): boolean {
  const limit = Math.min(k, useK);
  for (let j = 0; j < limit; j++) if (topK[i * k + j] === label) return true;
  return false;
}
