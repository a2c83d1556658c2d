/** Zip archives: buffered small entries, a lazy feature entry streamed at the reader's pace. */
import { describe, expect, it } from 'vitest';
import { Zip, ZipDeflate, zipSync } from 'fflate';
import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openZip } from '../../../src/core/io/zip.ts';
import { readAll } from '../../../src/core/io/source-file.ts';
import { parseFeatureStream } from '../../../src/core/io/features/feature-parser.ts';
import { filesFromPath } from '../../../src/cli/node-files.ts';
import { encode, memoryFile } from './helpers/streams.ts';

const big = encode(Array.from({ length: 3000 }, (_, r) => `${r} ${r / 4} ${(r * 1.5e-3).toExponential(3)}`).join('\n'));
const entries = {
  'root/classes.txt': encode('     1\ta\n     2\tb\n'),
  'root/Features/ResNet101/AwA2-features.txt': big,
  'root/empty/': new Uint8Array(0),
};

describe('openZip', () => {
  it('lists entries with paths and sizes; the feature entry is lazy and can be streamed twice', async () => {
    let archiveReads = 0;
    const zipBytes = zipSync(entries, { level: 6 });
    const file = memoryFile('AwA2.zip', zipBytes, 4096);
    const counted = { ...file, stream: () => { archiveReads++; return file.stream(); } };
    const files = await openZip(counted);
    expect(files.map((f) => f.path).sort()).toEqual(['root/Features/ResNet101/AwA2-features.txt', 'root/classes.txt']);
    expect(archiveReads).toBe(1);
    const features = files.find((f) => f.name === 'AwA2-features.txt')!;
    expect(features.size).toBe(big.length);
    expect(await readAll(features)).toEqual(big);
    expect(archiveReads).toBe(2);
    const m = await parseFeatureStream(features.stream(), { file: features.name });
    expect([m.rows, m.cols]).toEqual([3000, 3]);
    expect(m.values[3 * 2999 + 1]).toBe(Math.fround(2999 / 4));
    expect(await readAll(files.find((f) => f.name === 'classes.txt')!)).toEqual(entries['root/classes.txt']);
    expect(archiveReads).toBe(3); // the small entry was buffered in the listing pass
  });

  it('reads the archive only as fast as the consumer pulls', async () => {
    const zipBytes = zipSync(entries, { level: 0 });
    let served = 0;
    const file = memoryFile('AwA2.zip', zipBytes, 1024);
    const tracked = {
      ...file,
      stream: () => {
        const inner = file.stream().getReader();
        return new ReadableStream<Uint8Array>({
          async pull(c) {
            const { done, value } = await inner.read();
            if (done) c.close();
            else { served += value.length; c.enqueue(value); }
          },
        }, { highWaterMark: 0 });
      },
    };
    const features = (await openZip(tracked)).find((f) => f.name === 'AwA2-features.txt')!;
    served = 0;
    const reader = features.stream().getReader();
    await reader.read();
    expect(served).toBeLessThan(zipBytes.length / 2);
    await reader.cancel();
  });

  it('reads archives written by streaming zippers (sizes only in data descriptors)', async () => {
    const parts: Uint8Array[] = [];
    const zip = new Zip((error, data) => {
      if (error) throw error;
      parts.push(data);
    });
    for (const [name, bytes] of Object.entries(entries)) {
      if (name.endsWith('/')) continue;
      const entry = new ZipDeflate(name, { level: 6 });
      zip.add(entry);
      entry.push(bytes, true);
    }
    zip.end();
    const archive = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    parts.reduce((offset, p) => (archive.set(p, offset), offset + p.length), 0);
    const files = await openZip(memoryFile('stream.zip', archive, 777));
    const features = files.find((f) => f.name === 'AwA2-features.txt')!;
    expect(features.size).toBe(0); // unknown until read
    expect(await readAll(features)).toEqual(big);
    expect(await readAll(files.find((f) => f.name === 'classes.txt')!)).toEqual(entries['root/classes.txt']);
  });

  it('opens a zip and a folder from disk through the Node adapter', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'zsl-io-'));
    writeFileSync(path.join(dir, 'AwA2.zip'), zipSync(entries));
    mkdirSync(path.join(dir, 'sub'));
    writeFileSync(path.join(dir, 'sub', 'classes.txt'), 'x');
    const fromZip = await filesFromPath(path.join(dir, 'AwA2.zip'));
    expect(fromZip.map((f) => f.name).sort()).toEqual(['AwA2-features.txt', 'classes.txt']);
    expect(await readAll(fromZip.find((f) => f.name === 'AwA2-features.txt')!)).toEqual(big);
    const fromFolder = await filesFromPath(dir);
    expect(fromFolder.map((f) => f.path)).toEqual(['AwA2.zip', 'sub/classes.txt']);
    expect(fromFolder[1]!.size).toBe(1);
    await expect(filesFromPath(path.join(dir, 'nope'))).rejects.toThrow(/nope: the path does not exist/);
  });
});
