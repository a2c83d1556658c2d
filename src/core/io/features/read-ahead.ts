/**
 * Positional reads of one part of a file (parallel-parse.ts's ReadAt) served from
 * fixed blocks that are fetched one ahead, in the direction the part is parsed:
 * while a worker parses one block, the next is already being read. In a browser a
 * Blob read is an asynchronous trip to the browser process; fetched in big blocks
 * and ahead of time its cost mostly hides behind the parse instead of adding to it.
 * At most three blocks (the one in use, its neighbour a read may run into, and the
 * next) are held, so memory per worker stays at a few blocks whatever the part's size.
 * Pure TypeScript: no DOM, no Node modules.
 */
import type { ReadAt } from './parallel-parse.ts';

/** Reads bytes [start, end) of the file (fewer only at its end). */
export type FetchRange = (start: number, end: number) => Promise<Uint8Array>;

export interface ReadAheadRange {
  start: number;
  end: number;
  direction: 'forward' | 'backward';
}

/** Something whose byte ranges can be read, as a Blob or a File can. */
export interface SliceableBytes {
  slice(start: number, end: number): { arrayBuffer(): Promise<ArrayBuffer> };
}

/** Reads bytes [start, end) of a Blob: in a browser an asynchronous read served by the browser process. */
export function blobRange(blob: SliceableBytes): FetchRange {
  return async (start, end) => new Uint8Array(await blob.slice(start, end).arrayBuffer());
}

/** Default block: big enough that a read's fixed cost is small, small enough for 2 per worker. */
export const READ_AHEAD_BLOCK = 8 << 20;

/**
 * A ReadAt over [range.start, range.end): blocks of `blockBytes` laid from the start
 * (forward) or from the end (backward), each fetched once; reads outside the range
 * are fetched directly.
 */
export function readAhead(fetch: FetchRange, range: ReadAheadRange, blockBytes = READ_AHEAD_BLOCK): ReadAt {
  const { start, end, direction } = range;
  const size = Math.max(1, Math.floor(blockBytes));
  const count = Math.ceil((end - start) / size);
  const blocks = new Map<number, Promise<Uint8Array>>();
  /** Block k's bytes: counted from the start going forward, from the end going backward. */
  const bounds = (k: number): [number, number] =>
    direction === 'forward' ? [start + k * size, Math.min(end, start + (k + 1) * size)] : [Math.max(start, end - (k + 1) * size), end - k * size];
  const indexOf = (position: number) => (direction === 'forward' ? Math.floor((position - start) / size) : Math.floor((end - 1 - position) / size));
  const get = (k: number): Promise<Uint8Array> => {
    let block = blocks.get(k);
    if (!block) {
      const [a, b] = bounds(k);
      block = fetch(a, b);
      // A block fetched ahead and never used must not surface as an unhandled rejection.
      block.catch(() => undefined);
      blocks.set(k, block);
    }
    return block;
  };
  return async (into, position) => {
    if (into.length === 0) return 0;
    if (position < start || position >= end) {
      const bytes = await fetch(position, position + into.length);
      into.set(bytes.subarray(0, into.length));
      return Math.min(bytes.length, into.length);
    }
    const k = indexOf(position);
    // Blocks passed are dropped: going forward those before this read's first byte, going
    // backward those after its last (a backward read still runs forward, into lower-numbered blocks).
    const keep = direction === 'forward' ? k : indexOf(Math.min(end, position + into.length) - 1);
    for (const held of blocks.keys()) if (held < keep) blocks.delete(held);
    const block = get(k);
    if (k + 1 < count) get(k + 1);
    const bytes = await block;
    const [a] = bounds(k);
    const piece = bytes.subarray(position - a, position - a + into.length);
    into.set(piece);
    return piece.length;
  };
}
