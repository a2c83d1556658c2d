/**
 * The page's settings in IndexedDB (the 'settings' store of the app's
 * database, whose schema lives in src/storage/app-database.ts), saved as they change, so
 * opening the app without a setup in its address brings them back. They are
 * read and written here on the page, not in the worker, whose queue may be busy
 * with a training for minutes. No React.
 */
import { DB_NAME, openAppDatabase, type AppDatabase } from '../../storage/app-database.ts';
import type { Settings } from './settings.ts';

/** The one record of the store. */
const KEY = 'current';

export interface SettingsStore {
  /** The kept record as it was written (read it with readSettings), or null when there is none. */
  load(): Promise<unknown>;
  save(settings: Settings): Promise<void>;
}

export function createSettingsStore(name = DB_NAME): SettingsStore {
  let db: Promise<AppDatabase> | null = null;
  const open = () =>
    (db ??= openAppDatabase(name, () => (db = null)).catch((error: unknown) => {
      db = null;
      throw error;
    }));
  return {
    async load() {
      return (await (await open()).get('settings', KEY)) ?? null;
    },
    async save(settings) {
      await (await open()).put('settings', settings, KEY);
    },
  };
}

/** Reads the kept settings, giving up after `ms` (a tab of an older version may hold the database): the page opens regardless. */
export async function loadSettings(store: SettingsStore, ms = 2000): Promise<unknown> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), ms)));
  try {
    return await Promise.race([store.load(), late]);
  } catch (error) {
    console.warn('settings not read', error);
    return null;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Writes the latest settings as they change, one write at a time and in order:
 * a burst of changes (typing a number) costs one write in flight and one
 * waiting, and settings that did not change are not written again. No timers,
 * so it behaves the same in a background tab.
 */
export class SettingsSaver {
  private last: Settings | null = null;
  private lastText: string;
  private pending: { settings: Settings; text: string } | null = null;
  private writing: Promise<void> | null = null;

  constructor(
    private readonly write: (settings: Settings) => Promise<void>,
    /** The settings already kept, so opening the page writes nothing. */
    kept: Settings | null = null,
    private readonly onError: (error: unknown) => void = (error) => console.warn('settings not saved', error),
  ) {
    this.lastText = kept ? JSON.stringify(kept) : '';
  }

  offer(settings: Settings): void {
    // Most store updates (progress, curves) leave every setting as it was: compare references first.
    const last = this.last;
    if (last && (Object.keys(settings) as Array<keyof Settings>).every((key) => settings[key] === last[key])) return;
    this.last = settings;
    const text = JSON.stringify(settings);
    if (text === (this.pending?.text ?? this.lastText)) return;
    this.pending = { settings, text };
    this.writing ??= this.drain();
  }

  /** Resolves once every offered change is written (or has failed). */
  flushed(): Promise<void> {
    return this.writing ?? Promise.resolve();
  }

  private async drain(): Promise<void> {
    while (this.pending) {
      const { settings, text } = this.pending;
      this.pending = null;
      try {
        await Promise.resolve().then(() => this.write(settings));
        this.lastText = text;
      } catch (error) {
        this.onError(error);
      }
    }
    this.writing = null;
  }
}
