/** An in-memory ExtractionStore with the IndexedDB store's contract (contiguous batches, one job kept at a time). */
import type { ExtractionBatchKey } from '../../../src/storage/app-database.ts';
import { contiguous, type ExtractionStore } from '../../../src/worker/stores/extraction-store.ts';

export function fakeExtractionStore(options: { failAppends?: boolean } = {}) {
  const batches = new Map<string, { key: ExtractionBatchKey; features: Float32Array }>();
  const keys = (job: string) => contiguous([...batches.values()].filter((b) => b.key[0] === job).map((b) => b.key));
  const store: ExtractionStore = {
    async count(job) {
      return keys(job).reduce((sum, key) => sum + key[2], 0);
    },
    async read(job) {
      const kept = keys(job);
      if (kept.length === 0) return null;
      const parts = kept.map((key) => batches.get(key.join('|'))!.features);
      const features = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
      let offset = 0;
      for (const p of parts) {
        features.set(p, offset);
        offset += p.length;
      }
      return { rows: kept.reduce((sum, key) => sum + key[2], 0), features };
    },
    async append(job, first, rows, features) {
      if (options.failAppends) throw new Error('QuotaExceededError');
      if (first === 0) batches.clear();
      batches.set([job, first, rows].join('|'), { key: [job, first, rows], features: features.slice() });
    },
    async clear() {
      batches.clear();
    },
  };
  return { store, batches };
}
