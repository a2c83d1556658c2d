/** The loaded dataset: what it holds and how it is split. */
import { useState } from 'react';
import { useAppState, useController } from '../context.ts';
import { BackbonePanel } from '../backbone/BackbonePanel.tsx';
import { CustomSplit } from './CustomSplit.tsx';
import { DropZone } from './DropZone.tsx';
import { ProgressBar } from '../shared/ProgressBar.tsx';
import { StagedFiles } from './StagedFiles.tsx';
import { StoredDatasets } from './StoredDatasets.tsx';

/** A description as a sentence: one full stop at its end, never two. */
const sentence = (text: string) => (/[.!?]$/.test(text.trim()) ? text.trim() : `${text.trim()}.`);

export function DatasetPanel() {
  const dataset = useAppState((s) => s.dataset);
  const progress = useAppState((s) => s.datasetProgress);
  const busy = useAppState((s) => s.status !== 'idle' || s.datasetJob !== null);
  const job = useAppState((s) => s.datasetJob);
  const controller = useController();
  const [seed, setSeed] = useState(7);
  return (
    <section className="panel" aria-labelledby="dataset-title">
      <h2 id="dataset-title">Dataset</h2>
      <DropZone />
      <BackbonePanel />
      <StagedFiles />
      <StoredDatasets />
      <ProgressBar progress={progress} testId="dataset-progress" />
      {job !== null && (
        <button type="button" data-testid="cancel-load" onClick={() => controller.cancelDatasetJob()}>
          Cancel
        </button>
      )}
      {dataset ? (
        <div data-testid="dataset-summary">
          <p className="lead">{dataset.name}</p>
          <dl className="facts">
            <dt>Images</dt>
            <dd data-testid="dataset-images">{dataset.images.toLocaleString()}</dd>
            <dt>Feature size</dt>
            <dd>{dataset.featureDim}</dd>
            <dt>Classes</dt>
            <dd>{dataset.classes}</dd>
            <dt>Attributes</dt>
            <dd>{dataset.attributes}</dd>
            <dt>Features from</dt>
            <dd>{dataset.featureSource.network}</dd>
            {dataset.semantic && (
              <>
                <dt>Attributes as</dt>
                <dd>{dataset.semantic}</dd>
              </>
            )}
          </dl>
          {dataset.splits.map((split) => (
            <p key={split.name} className="split">
              <strong>Split “{split.name}”</strong>: {sentence(split.description)} {split.train.toLocaleString()} training images,{' '}
              {split.testSeen.toLocaleString()} test images of seen classes, {split.testUnseen.toLocaleString()} of unseen
              classes.
            </p>
          ))}
          <CustomSplit />
        </div>
      ) : (
        !progress && <p>No dataset loaded.</p>
      )}
      <div className="row">
        <label>
          Demo seed{' '}
          <input type="number" value={seed} onChange={(e) => setSeed(Number(e.target.value))} style={{ width: '5em' }} />
        </label>
        <button type="button" disabled={busy} onClick={() => void controller.loadDemo(seed)}>
          Regenerate demo
        </button>
        <button type="button" disabled={busy} data-testid="picture-demo" onClick={() => void controller.loadPictureDemo(seed)}>
          Load the picture demo (draw and classify)
        </button>
      </div>
    </section>
  );
}
