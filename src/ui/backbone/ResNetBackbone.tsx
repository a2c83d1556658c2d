/**
 * The ResNet part of the backbone row: its preprocessing variant, and how well it
 * reproduces the loaded release, measured on some of the release's own pictures
 * (dropped here, or picked), with the best variant offered. Also the progress and
 * Cancel of the worker reading weights or verifying. UI only.
 */
import { useRef } from 'react';
import { useAppState, useController } from '../context.ts';
import { filesFromDataTransfer } from '../shared/dropped-files.ts';
import { FileInput } from '../shared/FileInput.tsx';
import { ProgressBar } from '../shared/ProgressBar.tsx';
import { useDropTarget } from '../shared/use-drop-target.ts';

export function BackboneJob() {
  const job = useAppState((s) => s.backboneJob);
  const controller = useController();
  if (!job) return null;
  const progress = job.progress ?? { phase: job.kind === 'load' ? 'Reading the weights' : 'Verifying against the release', fraction: 0, etaSeconds: null };
  return (
    <div data-testid="backbone-job">
      <ProgressBar progress={progress} testId="backbone-job-progress" />
      <button type="button" data-testid="backbone-job-cancel" onClick={() => controller.cancelBackboneJob()}>
        Cancel
      </button>
    </div>
  );
}

export function ResNetBackbone() {
  const backbone = useAppState((s) => s.backbone);
  const busy = useAppState((s) => s.backboneJob !== null || s.status !== 'idle');
  const release = useAppState((s) => s.dataset?.featureSource.kind === 'release');
  const controller = useController();
  const folder = useRef<HTMLInputElement>(null);
  const files = useRef<HTMLInputElement>(null);
  const imageFolder = useRef<HTMLInputElement>(null);
  const { over, handlers } = useDropTarget((data) => {
    if (!busy) void filesFromDataTransfer(data).then((dropped) => controller.verifyBackbone(dropped));
  });
  const resnet = backbone?.resnet;
  if (!backbone || !resnet) return null;
  const verification = backbone.verification ?? null;
  const current = `${resnet.preprocessing.scaling}|${resnet.preprocessing.resize}`;
  const best = verification?.best;
  const offerBest = verification && !verification.same && best && best.median >= 0.95;
  const offerExtraction = verification && !verification.same && !offerBest;
  return (
    <div
      className={`resnet-backbone${over ? ' dropzone-over' : ''}`}
      data-testid="resnet-backbone"
      {...handlers}
    >
      <div className="row">
        <label>
          Preprocessing{' '}
          <select
            data-testid="backbone-preprocessing"
            value={current}
            disabled={busy}
            onChange={(e) => {
              const [scaling, resize] = e.target.value.split('|') as [typeof resnet.preprocessing.scaling, typeof resnet.preprocessing.resize];
              void controller.setBackbonePreprocessing({ scaling, resize });
            }}
          >
            {resnet.variants.map((v) => (
              <option key={`${v.scaling}|${v.resize}`} value={`${v.scaling}|${v.resize}`}>
                {v.label}
              </option>
            ))}
          </select>
        </label>
        <button type="button" disabled={busy || !release} onClick={() => folder.current?.click()} title="Some of the release's JPEGImages/<class>/ pictures, with their names">
          Verify with release pictures (folder)…
        </button>
        <button type="button" disabled={busy || !release} onClick={() => files.current?.click()}>
          … or pictures
        </button>
        <FileInput ref={folder} directory hidden data-testid="verify-folder-input" onFiles={(f) => void controller.verifyBackbone(f)} />
        <FileInput ref={files} multiple accept="image/*" hidden data-testid="verify-input" onFiles={(f) => void controller.verifyBackbone(f)} />
      </div>
      {verification ? (
        <p className={verification.same ? 'hint verdict-same' : 'notice-warning verdict-differs'} data-testid="backbone-verification" data-same={String(verification.same)}>
          {verification.text}
          {offerBest && (
            <>
              {' '}
              <button type="button" data-testid="use-best-preprocessing" disabled={busy} onClick={() => void controller.setBackbonePreprocessing(best.preprocessing)}>
                Use {best.label}
              </button>
            </>
          )}
          {offerExtraction && (
            <>
              {' '}
              <button type="button" data-testid="re-extract" disabled={busy} onClick={() => imageFolder.current?.click()} title="The release's pictures in class folders (JPEGImages/<class>/) with classes.txt, predicates.txt, a predicate matrix and testclasses.txt">
                Re-extract from the pictures…
              </button>
              <FileInput ref={imageFolder} directory hidden data-testid="re-extract-input" onFiles={(f) => void controller.describeFiles(f)} />
            </>
          )}
        </p>
      ) : (
        <p className="hint" data-testid="backbone-verification" data-same="unknown">
          Not verified against the release: {release ? 'drop some of its pictures (JPEGImages/<class>/…) here to measure it.' : 'load the release (with AwA2-filenames.txt or res101.mat), then drop some of its pictures here.'}
        </p>
      )}
    </div>
  );
}
