/** Where a user drops, or picks, a folder, files or a zip of the AwA2 or xlsa17 release. */
import { useRef } from 'react';
import { useAppState, useController } from '../context.ts';
import { filesFromDataTransfer } from '../shared/dropped-files.ts';
import { FileInput } from '../shared/FileInput.tsx';
import { useDropTarget } from '../shared/use-drop-target.ts';

export function DropZone() {
  const controller = useController();
  const busy = useAppState((s) => s.datasetJob !== null || s.status !== 'idle');
  const { over, handlers } = useDropTarget((data) => {
    if (!busy) void filesFromDataTransfer(data).then((files) => controller.describeFiles(files));
  });
  const folderInput = useRef<HTMLInputElement>(null);
  const filesInput = useRef<HTMLInputElement>(null);

  return (
    <div
      className={`dropzone${over ? ' dropzone-over' : ''}`}
      data-testid="dropzone"
      {...handlers}
    >
      <p>
        Drop the <strong>AwA2</strong> release (folder, files or zip) or the <strong>xlsa17</strong> files
        (<code>res101.mat</code>, <code>att_splits.mat</code>) here. Files are read on this computer only.
      </p>
      <div className="row">
        <button type="button" disabled={busy} onClick={() => folderInput.current?.click()}>
          Choose a folder…
        </button>
        <button type="button" disabled={busy} onClick={() => filesInput.current?.click()}>
          Choose files or a zip…
        </button>
      </div>
      <FileInput ref={folderInput} directory hidden data-testid="folder-input" onFiles={(files) => void controller.describeFiles(files)} />
      <FileInput ref={filesInput} multiple hidden data-testid="files-input" onFiles={(files) => void controller.describeFiles(files)} />
    </div>
  );
}
