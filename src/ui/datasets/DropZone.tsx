/** Where a user drops, or picks, a folder, files or a zip of the AwA2 or xlsa17 release. */
import { useRef, useState, type DragEvent } from 'react';
import { useAppState, useController } from '../context.ts';
import { filesFromDataTransfer } from '../shared/dropped-files.ts';
import { FileInput } from '../shared/FileInput.tsx';

export function DropZone() {
  const controller = useController();
  const busy = useAppState((s) => s.datasetJob !== null || s.status !== 'idle');
  const [over, setOver] = useState(false);
  const folderInput = useRef<HTMLInputElement>(null);
  const filesInput = useRef<HTMLInputElement>(null);

  const onDrop = async (event: DragEvent) => {
    event.preventDefault();
    setOver(false);
    if (busy) return;
    void controller.describeFiles(await filesFromDataTransfer(event.dataTransfer));
  };

  return (
    <div
      className={`dropzone${over ? ' dropzone-over' : ''}`}
      data-testid="dropzone"
      onDragOver={(e) => {
        e.preventDefault();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={(e) => void onDrop(e)}
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
