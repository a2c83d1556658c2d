/**
 * Turns what the user dropped or picked (files, folders, zips) into files with
 * their paths inside the dropped folder. Folders are walked with the File and
 * Directory Entries API. DOM only; reads no file contents (the worker does).
 */
import type { DroppedFile } from '../../worker/protocol.ts';

/** Files from a drop; folders are walked recursively. */
export async function filesFromDataTransfer(transfer: DataTransfer): Promise<DroppedFile[]> {
  const entries = Array.from(transfer.items)
    .map((item) => (item.kind === 'file' ? item.webkitGetAsEntry?.() : null))
    .filter((entry): entry is FileSystemEntry => entry !== null && entry !== undefined);
  if (entries.length === 0) return filesFromList(transfer.files);
  const out: DroppedFile[] = [];
  for (const entry of entries) await walk(entry, out);
  return out;
}

/** Files from an <input type="file"> (with or without webkitdirectory). */
export function filesFromList(list: FileList | null): DroppedFile[] {
  return Array.from(list ?? [], (file) => ({ file, path: file.webkitRelativePath || file.name }));
}

async function walk(entry: FileSystemEntry, out: DroppedFile[]): Promise<void> {
  if (entry.isFile) {
    const file = await new Promise<File>((resolve, reject) => (entry as FileSystemFileEntry).file(resolve, reject));
    out.push({ file, path: entry.fullPath.replace(/^\//, '') });
    return;
  }
  const reader = (entry as FileSystemDirectoryEntry).createReader();
  // readEntries returns at most ~100 entries a call: read until it returns none.
  for (;;) {
    const batch = await new Promise<FileSystemEntry[]>((resolve, reject) => reader.readEntries(resolve, reject));
    if (batch.length === 0) break;
    for (const child of batch) await walk(child, out);
  }
}
