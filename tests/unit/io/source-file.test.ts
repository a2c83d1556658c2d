/** A dropped File is read in 4 MiB slices (a browser's own Blob stream hands out 64 KiB chunks): every byte, in order. */
import { describe, expect, it } from 'vitest';
import { fromBlob } from '../../../src/core/io/source-file.ts';

describe('fromBlob', () => {
  it('streams a blob in 4 MiB slices, every byte in order', async () => {
    const bytes = new Uint8Array((9 << 20) + 12345).map((_, i) => (i * 7 + (i >> 13)) & 255);
    const file = fromBlob(new File([bytes], 'big.bin'));
    const chunks: Uint8Array[] = [];
    const reader = file.stream().getReader();
    for (let r = await reader.read(); !r.done; r = await reader.read()) chunks.push(r.value);
    expect(chunks.map((c) => c.length)).toEqual([4 << 20, 4 << 20, (1 << 20) + 12345]);
    const joined = new Uint8Array(bytes.length);
    let offset = 0;
    for (const c of chunks) {
      joined.set(c, offset);
      offset += c.length;
    }
    // A plain loop: deep equality on megabytes is slow.
    let firstDifference = -1;
    for (let i = 0; i < bytes.length && firstDifference < 0; i++) if (joined[i] !== bytes[i]) firstDifference = i;
    expect(firstDifference).toBe(-1);
  });

  it('falls back to the blob\'s own stream when it cannot be sliced', async () => {
    const stream = () => new Blob([new Uint8Array([1, 2, 3])]).stream();
    const file = fromBlob({ name: 'x.bin', size: 3, stream });
    const { value } = await file.stream().getReader().read();
    expect(Array.from(value!)).toEqual([1, 2, 3]);
  });
});
