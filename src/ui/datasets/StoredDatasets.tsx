/** Datasets kept in this browser from earlier visits: load one without parsing again, or delete it. */
import { useAppState, useController } from '../context.ts';

const megabytes = (bytes: number) => `${(bytes / 1e6).toFixed(bytes < 1e7 ? 1 : 0)} MB`;

export function StoredDatasets() {
  const stored = useAppState((s) => s.stored);
  const busy = useAppState((s) => s.datasetJob !== null || s.status !== 'idle');
  const controller = useController();
  if (!stored || stored.datasets.length === 0) return null;
  return (
    <div className="stored" data-testid="stored-datasets">
      <h3>Stored in this browser</h3>
      <ul>
        {stored.datasets.map((d) => (
          <li key={d.id} data-testid="stored-dataset">
            <span>
              {d.name} · {d.images.toLocaleString()} images · {megabytes(d.bytes)} · saved {new Date(d.savedAt).toLocaleString()}
            </span>{' '}
            <button type="button" disabled={busy} onClick={() => void controller.loadStored(d.id)}>
              Load
            </button>{' '}
            <button type="button" disabled={busy} onClick={() => void controller.deleteStored(d.id)} aria-label={`Delete ${d.name}`}>
              Delete
            </button>
          </li>
        ))}
      </ul>
      {stored.usage && (
        <p className="hint">
          This site uses {megabytes(stored.usage.usage)} of the {megabytes(stored.usage.quota)} the browser allows.
        </p>
      )}
    </div>
  );
}
