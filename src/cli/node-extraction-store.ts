/**
 * The command line's ExtractionStore: the features of an interrupted `extract`
 * kept in a folder (one raw float32 file and a small JSON of what it holds), so
 * running the same command again resumes. Node only.
 */
import { mkdir, open, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { FeatureBatchStore } from '../core/io/image-folder-features.ts';

export function nodeExtractionStore(folder: string): FeatureBatchStore & { clear(): Promise<void> } {
  const meta = path.join(folder, 'job.json');
  const data = path.join(folder, 'features.f32');
  const kept = async (): Promise<{ job: string; rows: number; dim: number } | null> =>
    JSON.parse(await readFile(meta, 'utf8').catch(() => 'null')) as { job: string; rows: number; dim: number } | null;
  const store: FeatureBatchStore & { clear(): Promise<void> } = {
    async read(job) {
      const k = await kept();
      if (!k || k.job !== job || k.rows === 0) return null;
      const bytes = await readFile(data).catch(() => null);
      if (!bytes || bytes.byteLength < k.rows * k.dim * 4) return null;
      return { rows: k.rows, features: new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + k.rows * k.dim * 4)) };
    },
    async append(job, first, rows, features) {
      await mkdir(folder, { recursive: true });
      const k = await kept();
      if (first === 0 || !k || k.job !== job) await writeFile(data, new Uint8Array(0));
      else if (k.rows !== first) throw new Error(`expected the batch after picture ${k.rows}, got one from ${first}`);
      const file = await open(data, 'a');
      await file.write(new Uint8Array(features.buffer, features.byteOffset, features.byteLength));
      await file.close();
      await writeFile(meta, JSON.stringify({ job, rows: first + rows, dim: features.length / rows }));
    },
    async clear() {
      await rm(folder, { recursive: true, force: true });
    },
  };
  return store;
}
