/** The image backbone pictures are embedded with: the shipped picture-world one, or files the user brings. */
import { useRef } from 'react';
import { useAppState, useController } from './context.ts';
import { filesFromList } from './dropped-files.ts';

export function BackbonePanel() {
  const backbone = useAppState((s) => s.backbone);
  const busy = useAppState((s) => s.status !== 'idle' || s.datasetJob !== null);
  const controller = useController();
  const input = useRef<HTMLInputElement>(null);
  return (
    <div className="backbone-panel row" data-testid="backbone">
      <span>
        Image backbone:{' '}
        {backbone ? (
          <>
            <strong data-testid="backbone-name">{backbone.name}</strong> ({backbone.inputSize} px in, {backbone.outputDim} features out
            {backbone.shipped ? ', shipped with the app' : ', kept in this browser'})
          </>
        ) : (
          'loaded when first needed'
        )}
      </span>
      <button type="button" disabled={busy} onClick={() => input.current?.click()} title="model.json, its weight files and a backbone.json declaring its preprocessing">
        Use other backbone files…
      </button>
      {backbone && !backbone.shipped && (
        <button type="button" disabled={busy} onClick={() => void controller.resetBackbone()}>
          Back to the picture-world backbone
        </button>
      )}
      <input
        ref={input}
        type="file"
        multiple
        hidden
        data-testid="backbone-input"
        onChange={(e) => {
          void controller.loadBackboneFiles(filesFromList(e.target.files));
          e.target.value = '';
        }}
      />
    </div>
  );
}
