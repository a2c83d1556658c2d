/** The image backbone pictures are embedded with: the shipped picture-world one, or one the user brings as files or from a URL. */
import { useRef } from 'react';
import { BackboneUrlForm } from './BackboneUrlForm.tsx';
import { BackboneJob, ResNetBackbone } from './ResNetBackbone.tsx';
import { useAppState, useController } from '../context.ts';
import { FileInput } from '../shared/FileInput.tsx';
import { bytes } from '../shared/format.ts';
import { ProgressBar } from '../shared/ProgressBar.tsx';
import type { BackboneDownload } from '../store.ts';

export function BackbonePanel() {
  const backbone = useAppState((s) => s.backbone);
  const download = useAppState((s) => s.backboneDownload);
  const busy = useAppState((s) => s.status !== 'idle' || s.datasetJob !== null || s.backboneDownload !== null || s.backboneJob !== null);
  const controller = useController();
  const input = useRef<HTMLInputElement>(null);
  return (
    <>
      <div className="backbone-panel row" data-testid="backbone">
        <span>
          Image backbone:{' '}
          {backbone ? (
            <>
              <strong data-testid="backbone-name">{backbone.name}</strong> ({backbone.inputSize} px in, {backbone.outputDim} features out
              {backbone.shipped ? ', shipped with the app' : ', kept in this browser'}
              {backbone.source && (
                <>
                  , from <span data-testid="backbone-source">{new URL(backbone.source).origin}</span>
                </>
              )}
              )
            </>
          ) : (
            'loaded when first needed'
          )}
        </span>
        <button type="button" disabled={busy} onClick={() => input.current?.click()} title="ResNet weights (Keras .h5 or torchvision .safetensors), or a tfjs model.json with its weight files and a backbone.json declaring its preprocessing">
          Use other backbone files (ResNet .h5 or .safetensors, or tfjs)…
        </button>
        {backbone && !backbone.shipped && (
          <button type="button" disabled={busy} onClick={() => void controller.resetBackbone()}>
            Back to the picture-world backbone
          </button>
        )}
        <FileInput ref={input} multiple hidden data-testid="backbone-input" onFiles={(files) => void controller.loadBackboneFiles(files)} />
      </div>
      <BackboneJob />
      <ResNetBackbone />
      <BackboneUrlForm />
      {download && <DownloadProgress download={download} onCancel={() => controller.cancelBackboneDownload()} />}
    </>
  );
}

function DownloadProgress({ download, onCancel }: { download: BackboneDownload; onCancel: () => void }) {
  const { loaded, total, phase } = download;
  const progress = {
    phase: phase === 'fetch' ? `Downloading the backbone from ${new URL(download.url).origin}` : 'Checking the backbone and keeping it in this browser',
    fraction: total ? Math.min(1, loaded / total) : 0,
    etaSeconds: null,
    detail: total ? `${bytes(loaded)} of ${bytes(total)}` : bytes(loaded),
  };
  return (
    <div data-testid="backbone-download">
      <ProgressBar progress={progress} testId="backbone-download-progress" />
      {phase === 'fetch' && (
        <button type="button" data-testid="backbone-cancel" onClick={onCancel}>
          Cancel download
        </button>
      )}
    </div>
  );
}
