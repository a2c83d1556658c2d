/**
 * User-facing errors. Every failure that can reach a person is a ZslError whose
 * message is a complete sentence naming the file, the line or variable, and what
 * was expected. Pure TypeScript: no DOM, no tfjs.
 */

export interface ErrorLocation {
  /** File name as the user sees it (e.g. "AwA2-features.txt"). */
  file?: string;
  /** 1-based line number in a text file. */
  line?: number;
  /** Variable or field name (a MAT variable, a dataset field). */
  variable?: string;
}

export class ZslError extends Error {
  readonly location: ErrorLocation;

  constructor(message: string, location: ErrorLocation = {}) {
    super(formatMessage(message, location));
    this.name = 'ZslError';
    this.location = location;
  }
}

/** Thrown when a long job is cancelled; never shown as a failure. */
export class CancelledError extends Error {
  constructor(message = 'Cancelled.') {
    super(message);
    this.name = 'CancelledError';
  }
}

export function isCancelled(error: unknown): boolean {
  return error instanceof CancelledError || (error instanceof Error && error.name === 'AbortError');
}

function formatMessage(message: string, location: ErrorLocation): string {
  const where: string[] = [];
  if (location.file) where.push(location.file);
  if (location.line !== undefined) where.push(`line ${location.line}`);
  if (location.variable) where.push(`variable "${location.variable}"`);
  return where.length > 0 ? `${where.join(', ')}: ${message}` : message;
}

/**
 * Turns anything thrown into one sentence for the user. Stack traces stay in the
 * console; the UI and the command line only ever print this.
 */
export function toUserMessage(error: unknown): string {
  if (error instanceof ZslError || error instanceof CancelledError) return error.message;
  if (error instanceof Error) {
    const text = error.message.trim() || error.name;
    if (/out of memory|OOM|allocation failed|Failed to allocate/i.test(text)) {
      return `The device ran out of memory (${text}). Try a smaller batch size or another backend.`;
    }
    return /[.!?]$/.test(text) ? text : `${text}.`;
  }
  return `Unexpected error: ${String(error)}.`;
}

export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new CancelledError();
}
