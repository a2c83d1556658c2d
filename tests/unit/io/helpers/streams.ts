/** Test helpers: bytes, chunked streams and in-memory SourceFiles. Test-only code. */
import type { SourceFile } from '../../../../src/core/io/source-file.ts';

export function encode(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

/** A stream that yields `bytes` in pieces of `size` (to exercise chunk boundaries). */
export function chunkedStream(bytes: Uint8Array, size = 1 << 16): ReadableStream<Uint8Array> {
  let offset = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (offset >= bytes.length) {
        controller.close();
        return;
      }
      controller.enqueue(bytes.slice(offset, offset + size));
      offset += size;
    },
  });
}

export function memoryFile(path: string, content: Uint8Array | string, chunkSize = 1 << 16): SourceFile {
  const bytes = typeof content === 'string' ? encode(content) : content;
  return {
    path,
    name: path.slice(path.lastIndexOf('/') + 1),
    size: bytes.length,
    stream: () => chunkedStream(bytes, chunkSize),
  };
}
