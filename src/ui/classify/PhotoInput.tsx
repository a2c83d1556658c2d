/**
 * A photo to classify: dropped here, picked, or pasted anywhere on the page. The
 * photo is shown as it is; the worker decodes it (EXIF orientation respected),
 * embeds it with the backbone and ranks the classes. UI only: the file is read in
 * the worker, never sent anywhere.
 */
import { useEffect, useRef, useState } from 'react';
import type { Classification } from '../../core/inference/classify.ts';
import type { SpaceNote } from '../../worker/protocol.ts';
import { useController } from '../context.ts';
import { FileInput } from '../shared/FileInput.tsx';
import { useDropTarget } from '../shared/use-drop-target.ts';

export type PhotoResult = Classification & { space?: SpaceNote };

export function PhotoInput({ scope, onResult }: { scope: 'unseen' | 'all'; onResult: (result: PhotoResult | null) => void }) {
  const controller = useController();
  const [photo, setPhoto] = useState<{ url: string; name: string } | null>(null);
  const input = useRef<HTMLInputElement>(null);
  const latest = useRef({ scope, onResult });
  latest.current = { scope, onResult };

  const classify = useRef(async (file: File) => {
    setPhoto((previous) => {
      if (previous) URL.revokeObjectURL(previous.url);
      return { url: URL.createObjectURL(file), name: file.name };
    });
    latest.current.onResult(await controller.classifyImageFile(file, latest.current.scope));
  }).current;

  // Paste a photo from the clipboard anywhere on the page: one listener for the input's lifetime.
  useEffect(() => {
    const onPaste = (event: ClipboardEvent) => {
      const file = Array.from(event.clipboardData?.files ?? []).find((f) => f.type.startsWith('image/'));
      if (!file) return;
      event.preventDefault();
      void classify(file);
    };
    window.addEventListener('paste', onPaste);
    return () => window.removeEventListener('paste', onPaste);
  }, [classify]);
  const shown = useRef<string | null>(null);
  shown.current = photo?.url ?? null;
  useEffect(() => () => {
    if (shown.current) URL.revokeObjectURL(shown.current);
  }, []);

  const { over, handlers } = useDropTarget((data) => {
    const file = Array.from(data.files)[0];
    if (file) void classify(file);
  });
  return (
    <div
      className={`photo-drop${over ? ' dropzone-over' : ''}`}
      data-testid="photo-drop"
      {...handlers}
    >
      {photo && <img src={photo.url} alt={`The photo ${photo.name}`} data-testid="photo-preview" />}
      <div>
        <p>
          Drop a photo here (JPEG, PNG or WebP), paste one, or{' '}
          <button type="button" onClick={() => input.current?.click()}>
            choose a photo…
          </button>
        </p>
        <p className="hint">It is embedded by the image backbone in this browser and named among the classes.</p>
      </div>
      <FileInput
        ref={input}
        hidden
        accept="image/*"
        data-testid="photo-input"
        onFiles={(files) => {
          if (files[0]) void classify(files[0].file);
        }}
      />
    </div>
  );
}
