/**
 * A file input that hands what was picked to a callback, then clears itself so that
 * picking the same file again fires again. Every "Choose…" button of the app drives
 * one (hidden) of these; the drawing pad shows one. UI only: no worker, no core.
 */
import type { InputHTMLAttributes, Ref } from 'react';
import type { DroppedFile } from '../../worker/protocol.ts';
import { filesFromList } from './dropped-files.ts';

interface FileInputProps extends Omit<InputHTMLAttributes<HTMLInputElement>, 'type' | 'onChange'> {
  ref?: Ref<HTMLInputElement>;
  /** Pick a folder (its files, with their relative paths) instead of files. */
  directory?: boolean;
  onFiles(files: DroppedFile[]): void;
}

export function FileInput({ directory = false, onFiles, ...input }: FileInputProps) {
  return (
    <input
      {...input}
      {...(directory ? { webkitdirectory: '' } : {})}
      type="file"
      onChange={(e) => {
        onFiles(filesFromList(e.target.files));
        e.target.value = '';
      }}
    />
  );
}
