/**
 * Node adapter: turns a path on disk (a folder walked recursively, a single file,
 * or a .zip) into SourceFiles backed by fs read streams, so the CLI, the tests and
 * the bench feed the same parsers as the browser. Node only: never import this from
 * src/core/ or from browser code.
 */
import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { ZslError } from '../core/errors.ts';
import { openZip, type OpenZipOptions } from '../core/io/zip.ts';
import type { SourceFile } from '../core/io/source-file.ts';

const onDisk = new WeakMap<SourceFile, string>();

/** One file on disk as a SourceFile; `relative` is its '/'-separated path inside the dropped folder. */
export function nodeFile(absolute: string, relative: string, size: number, highWaterMark = 1 << 20): SourceFile {
  const file: SourceFile = {
    path: relative,
    name: path.basename(absolute),
    size,
    stream: () => Readable.toWeb(createReadStream(absolute, { highWaterMark })) as ReadableStream<Uint8Array>,
  };
  onDisk.set(file, absolute);
  return file;
}

/** The path on disk of a SourceFile made by nodeFile (worker threads can read byte ranges of it); undefined for a zip entry. */
export function diskPath(file: SourceFile): string | undefined {
  return onDisk.get(file);
}

/**
 * A folder (walked recursively, paths relative to it), a single file, or a .zip
 * (expanded with openZip unless `expandZip` is false).
 */
export async function filesFromPath(target: string, options: OpenZipOptions & { expandZip?: boolean } = {}): Promise<SourceFile[]> {
  let info;
  try {
    info = await stat(target);
  } catch {
    throw new ZslError('the path does not exist; expected a folder, a file or a .zip of the AwA2 or xlsa17 release.', { file: target });
  }
  if (info.isDirectory()) {
    const out: SourceFile[] = [];
    await walk(target, '', out);
    if (out.length === 0) throw new ZslError('the folder is empty; expected the AwA2 or xlsa17 files.', { file: target });
    return out;
  }
  const file = nodeFile(target, path.basename(target), info.size);
  if (/\.zip$/i.test(target) && options.expandZip !== false) return openZip(file, options);
  return [file];
}

async function walk(root: string, relative: string, out: SourceFile[]): Promise<void> {
  const entries = await readdir(path.join(root, relative), { withFileTypes: true });
  entries.sort((a, b) => a.name.localeCompare(b.name));
  for (const entry of entries) {
    const rel = relative ? `${relative}/${entry.name}` : entry.name;
    const absolute = path.join(root, rel);
    if (entry.isDirectory()) await walk(root, rel, out);
    else if (entry.isFile()) out.push(nodeFile(absolute, rel, (await stat(absolute)).size));
  }
}
