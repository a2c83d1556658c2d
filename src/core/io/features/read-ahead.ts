/**
 * Positional reads of one part of a file (parallel-parse.ts's ReadAt) served from
 * fixed blocks that are fetched one ahead, in the direction the part is parsed:
 * while a worker parses one block, the next is already being read. In a browser a
 * Blob read is an asynchronous trip to the browser process; fetched in big blocks
 * and ahead of time its cost mostly hides behind the parse instead of adding to it.
 * At most three blocks (the one in use, its neighbour a read may run into, and the
 * next) are held, and a dropped block's memory is refilled by a later fetch (a BYOB
 * read of the Blob's stream), so memory per worker stays at a few blocks whatever the
 * part's size, with no garbage left for the collector to find late.
 * Pure TypeScript: no DOM, no Node modules.
 */
import type { ReadAt } from './parallel-parse.ts';

/**
 * Reads bytes [start, end) of the file (fewer only at its end). Given `into` (a whole
 * ArrayBuffer's view, at least end − start long, no longer in use), it may read into that
 * memory and return a view of it (or of the buffer it was transferred to) instead of
 * allocating: a block dropped by the reader is handed back this way, so a part's reads
 * reuse a few buffers instead of leaving hundreds of MiB for the garbage collector.
 */
export type FetchRange = (start: number, end: number, into?: Uint8Array) => Promise<Uint8Array>;

export interface ReadAheadRange {
  start: number;
  end: number;
  direction: 'forward' | 'backward';
}

/** Something whose byte ranges can be read, as a Blob or a File can. */
export interface SliceableBytes {
  slice(start: number, end: number): { arrayBuffer(): Promise<ArrayBuffer> };
}

/** Something whose byte ranges can be read, as a Blob or a File can. */
export interface SliceableBytes {
  slice(start: number, end: number): { arrayBuffer(): Promise<ArrayBuffer>; stream(): ReadableStream<Uint8Array> };
}

/**
 * Reads bytes [start, end) of a Blob: in a browser an asynchronous read served by the
 * browser process. With `into`, through a BYOB reader of the slice's stream, straight
 * into that memory; where the stream offers no BYOB reader, a fresh ArrayBuffer.
 */
export function blobRange(blob: SliceableBytes): FetchRange {
  return async (start, end, into) => {
    const slice = blob.slice(start, end);
    const want = end - start;
    let reader: ReadableStreamBYOBReader | null = null;
    if (into && into.byteOffset === 0 && into.buffer.byteLength >= want && !(into.buffer instanceof SharedArrayBuffer)) {
      try {
        reader = slice.stream().getReader({ mode: 'byob' });
      } catch {
        reader = null;
      }
    }
    if (!reader) return new Uint8Array(await slice.arrayBuffer());
    let buffer = into!.buffer as ArrayBuffer;
    let got = 0;
    try {
      while (got < want) {
        const { done, value } = await reader.read(new Uint8Array(buffer, got, want - got));
        // Each read transfers the memory: the view handed back owns it now.
        if (value) buffer = value.buffer as ArrayBuffer;
        if (done || !value) break;
        got += value.byteLength;
      }
    } finally {
      reader.releaseLock();
    }
    return new Uint8Array(buffer, 0, got);
  };
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
  /** Memory of dropped blocks, offered to the next fetches. */
  const spare: Uint8Array[] = [];
  /** Block k's bytes: counted from the start going forward, from the end going backward. */
  const bounds = (k: number): [number, number] =>
    direction === 'forward' ? [start + k * size, Math.min(end, start + (k + 1) * size)] : [Math.max(start, end - (k + 1) * size), end - k * size];
  const indexOf = (position: number) => (direction === 'forward' ? Math.floor((position - start) / size) : Math.floor((end - 1 - position) / size));
  const get = (k: number): Promise<Uint8Array> => {
    let block = blocks.get(k);
    if (!block) {
      const [a, b] = bounds(k);
      const memory = spare.pop();
      block = memory ? fetch(a, b, memory) : fetch(a, b);
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
    for (const [held, dropped] of blocks) {
      if (held >= keep) continue;
      blocks.delete(held);
      // Nothing reads a dropped block any more (reads run one at a time), so its memory can be refilled.
      void dropped.then(
        (bytes) => {
          if (bytes.byteOffset === 0 && bytes.buffer.byteLength >= size && spare.length < 2) spare.push(new Uint8Array(bytes.buffer, 0, bytes.buffer.byteLength));
        },
        () => undefined,
      );
    }
    const block = get(k);
    if (k + 1 < count) get(k + 1);
    const bytes = await block;
    const [a] = bounds(k);
    const piece = bytes.subarray(position - a, position - a + into.length);
    into.set(piece);
    return piece.length;
  };
}
