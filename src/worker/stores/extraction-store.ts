/**
 * Features of an image folder extracted so far, kept batch by batch in the
 * 'extractions' store of the app's database, so an extraction cut short by a
 * reload, a crash or a cancel resumes where it stopped. A job is keyed by the
 * folder's pictures (paths, sizes, dates) and the backbone with its
 * preprocessing; one job is kept at a time, and it is dropped once its dataset
 * is complete or the user starts over. Worker side: no DOM beyond IndexedDB, no React, no tfjs.
 */
import { DB_NAME, handled, inTransaction, openAppDatabase, type AppDatabase, type ExtractionBatchKey } from '../../storage/app-database.ts';

export interface ExtractionStore {
  /** How many pictures, from the first, the job has embedded (0 when none are kept). */
  count(job: string): Promise<number>;
  /** Their features, picture after picture; null when none are kept. */
  read(job: string): Promise<{ rows: number; features: Float32Array } | null>;
  /** Keeps the features of pictures first … first + rows − 1. A job starting at picture 0 replaces any other kept job. */
  append(job: string, first: number, rows: number, features: Float32Array): Promise<void>;
  /** Drops what is kept (after the dataset is complete, or when the user starts over). */
  clear(): Promise<void>;
}

const range = (job: string) => IDBKeyRange.bound([job], [job, []]);

/** The batches that continue one another from picture 0: a gap (a lost write) ends what can be used. */
export function contiguous(keys: ExtractionBatchKey[]): ExtractionBatchKey[] {
  const out: ExtractionBatchKey[] = [];
  let next = 0;
  for (const key of [...keys].sort((a, b) => a[1] - b[1])) {
    if (key[1] !== next || key[2] <= 0) break;
    out.push(key);
    next += key[2];
  }
  return out;
}

export function createExtractionStore(name = DB_NAME): ExtractionStore {
  let db: Promise<AppDatabase> | null = null;
  const open = () => (db ??= openAppDatabase(name, () => (db = null)));
  return {
    async count(job) {
      const keys = (await (await open()).getAllKeys('extractions', range(job))) as ExtractionBatchKey[];
      return contiguous(keys).reduce((sum, key) => sum + key[2], 0);
    },
    async read(job) {
      const database = await open();
      const keys = contiguous((await database.getAllKeys('extractions', range(job))) as ExtractionBatchKey[]);
      if (keys.length === 0) return null;
      const buffers = await Promise.all(keys.map((key) => database.get('extractions', key)));
      const bytes = buffers.reduce((sum, b) => sum + (b?.byteLength ?? 0), 0);
      const features = new Float32Array(bytes / 4);
      let offset = 0;
      for (const buffer of buffers) {
        if (!buffer) return null; // cleared meanwhile
        features.set(new Float32Array(buffer), offset);
        offset += buffer.byteLength / 4;
      }
      return { rows: keys.reduce((sum, key) => sum + key[2], 0), features };
    },
    async append(job, first, rows, features) {
      // A copy of just these rows: storing a view would store its whole buffer.
      const bytes = features.buffer.slice(features.byteOffset, features.byteOffset + features.byteLength) as ArrayBuffer;
      await inTransaction(await open(), ['extractions'], 'readwrite', async (tx) => {
        const store = tx.objectStore('extractions');
        if (first === 0) await store.clear();
        await handled(store.put(bytes, [job, first, rows]));
      });
    },
    async clear() {
      await (await open()).clear('extractions');
    },
  };
}
