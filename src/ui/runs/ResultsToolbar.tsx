/** Export and import: the current model as one file, run metrics as CSV/JSON, and deleting a kept run. */
import { useRef } from 'react';
import { useAppState, useController } from '../context.ts';
import { download } from '../shared/download.ts';
import { runsToCsv, runsToJson } from './export-files.ts';
import { FileInput } from '../shared/FileInput.tsx';

/** What the worker holds, in words: a model for the loaded dataset, one for another dataset, or none. */
function ModelStatus() {
  const model = useAppState((s) => s.model);
  const dataset = useAppState((s) => s.dataset);
  if (!model) {
    return (
      <span className="hint" data-testid="model-status" data-state="none">
        No model in memory{dataset ? ` for “${dataset.name}”` : ''} yet.
      </span>
    );
  }
  const label = `${model.method}${model.imported ? ' (imported)' : ''}`;
  if (dataset && model.datasetId !== null && model.datasetId !== dataset.id) {
    return (
      <span className="hint" data-testid="model-status" data-state="other-dataset">
        The model in memory ({label}) was trained on “{model.datasetId}”, not on the loaded dataset.
      </span>
    );
  }
  return (
    <span className="hint" data-testid="model-status" data-state="ready">
      Ready to classify: {label}, {model.classes} classes ({model.unseen} unseen in its training)
      {dataset ? ` of “${dataset.name}”` : ''}.
    </span>
  );
}

export function ResultsToolbar() {
  const runs = useAppState((s) => s.runs);
  const selected = useAppState((s) => s.selectedRun);
  const model = useAppState((s) => s.model);
  const busy = useAppState((s) => s.status !== 'idle');
  const controller = useController();
  const input = useRef<HTMLInputElement>(null);
  return (
    <div className="row toolbar">
      <button type="button" data-testid="export-model" disabled={!model || busy} onClick={() => void controller.exportModel()}>
        Export model
      </button>
      <button type="button" data-testid="import-model" disabled={busy} onClick={() => input.current?.click()}>
        Import a model…
      </button>
      <FileInput
        ref={input}
        accept=".json,application/json"
        hidden
        data-testid="import-model-input"
        onFiles={([picked]) => picked && void controller.importModel(picked.file)}
      />
      <button type="button" disabled={runs.length === 0} onClick={() => download(new Blob([runsToCsv(runs)], { type: 'text/csv' }), 'zero-shot-studio-runs.csv')}>
        Metrics CSV
      </button>
      <button type="button" disabled={runs.length === 0} onClick={() => download(new Blob([runsToJson(runs)], { type: 'application/json' }), 'zero-shot-studio-runs.json')}>
        Metrics JSON
      </button>
      <button type="button" disabled={selected === null || busy} onClick={() => selected !== null && void controller.deleteRun(selected)}>
        Delete selected run
      </button>
      <ModelStatus />
    </div>
  );
}
