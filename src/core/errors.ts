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
    if (isOutOfMemory(error, text)) {
      return `The device ran out of memory (${text.replace(/[.!?]$/, '')}). Try a smaller batch size or fewer hidden units, or pick another backend (WASM and CPU use main memory).`;
    }
    return /[.!?]$/.test(text) ? text : `${text}.`;
  }
  return `Unexpected error: ${String(error)}.`;
}

/**
 * What running out of memory looks like from each backend: WebGPU's
 * GPUOutOfMemoryError, WebGL's "Failed to allocate", the WASM heap that cannot
 * grow, and an ArrayBuffer the JavaScript engine refuses.
 */
function isOutOfMemory(error: Error, text: string): boolean {
  if (error.name === 'GPUOutOfMemoryError') return true;
  return /out of memory|\bOOM\b|allocation failed|Failed to allocate|Cannot enlarge memory|Maximum memory size exceeded|WebAssembly\.Memory(\.grow)?\(\): could not/i.test(text);
}

export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new CancelledError();
}
