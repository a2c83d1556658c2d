/** Export and import: the current model as one file, run metrics as CSV/JSON, and deleting a kept run. */
import { useRef } from 'react';
import { useAppState, useController } from '../context.ts';
import { download } from '../shared/download.ts';
import { runsToCsv, runsToJson } from './export-files.ts';
import { FileInput } from '../shared/FileInput.tsx';

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
      {model && (
        <span className="hint" data-testid="model-status">
          Ready to classify: {model.method}
          {model.imported ? ' (imported)' : ''}, {model.classes} classes.
        </span>
      )}
    </div>
  );
}
