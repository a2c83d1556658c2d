/**
 * Finished runs kept in IndexedDB (the 'runs' store of the app's database): the
 * runs table, every curve point and the frozen model survive a reload. Worker
 * side; no DOM beyond IndexedDB, no React.
 */
import type { AppDatabase, CheckpointRecord, RunRecordStored } from '../../storage/app-database.ts';
import { DB_NAME, inTransaction, openAppDatabase } from '../../storage/app-database.ts';
import { withCurrentMethod } from '../../core/methods/catalog.ts';

export type { CheckpointRecord, RunRecordStored };

export interface RunStore {
  save(record: RunRecordStored): Promise<void>;
  /** Newest first, without the model text (which can be large). */
  list(): Promise<Array<Omit<RunRecordStored, 'model'> & { hasModel: boolean }>>;
  model(id: string): Promise<string | null>;
  remove(id: string): Promise<void>;
  /** The one interrupted training, saved after each finished epoch. */
  saveCheckpoint(record: CheckpointRecord): Promise<void>;
  checkpoint(): Promise<CheckpointRecord | null>;
  clearCheckpoint(): Promise<void>;
}

export function createRunStore(name = DB_NAME): RunStore {
  let db: Promise<AppDatabase> | null = null;
  const open = () => (db ??= openAppDatabase(name, () => (db = null)));
  return {
    async save(record) {
      await inTransaction(await open(), ['runs'], 'readwrite', (tx) => tx.objectStore('runs').put(record).then(() => undefined));
    },
    async list() {
      const all = await (await open()).getAll('runs');
      return all
        .sort((a, b) => b.savedAt - a.savedAt)
        .map(({ model, ...rest }) => ({ ...rest, summary: withCurrentMethod(rest.summary), hasModel: model !== null }));
    },
    async model(id) {
      return (await (await open()).get('runs', id))?.model ?? null;
    },
    async remove(id) {
      await (await open()).delete('runs', id);
    },
    async saveCheckpoint(record) {
      await inTransaction(await open(), ['checkpoints'], 'readwrite', (tx) => tx.objectStore('checkpoints').put(record).then(() => undefined));
    },
    async checkpoint() {
      const record = await (await open()).get('checkpoints', 'interrupted');
      // Runs and checkpoints kept before a method was renamed name it by its old id.
      return record ? { ...record, config: withCurrentMethod(record.config) } : null;
    },
    async clearCheckpoint() {
      await (await open()).delete('checkpoints', 'interrupted');
    },
  };
}
