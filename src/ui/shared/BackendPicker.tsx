/** Shows the tfjs backend in use and why faster ones were passed over; lets the user pick one. */
import { BACKEND_LABELS } from '../../core/compute/backend-names.ts';
import type { BackendChoice } from '../../worker/protocol.ts';
import { useAppState, useController } from '../context.ts';

const CHOICES: BackendChoice[] = ['auto', 'webgpu', 'webgl', 'wasm', 'cpu'];

export function BackendPicker() {
  const backend = useAppState((s) => s.backend);
  const choice = useAppState((s) => s.backendChoice);
  const busy = useAppState((s) => s.status !== 'idle');
  const controller = useController();
  return (
    <div className="backend">
      <label>
        Backend{' '}
        <select
          value={choice}
          disabled={busy}
          onChange={(e) => void controller.setBackend(e.target.value as BackendChoice)}
          aria-label="Backend"
        >
          {CHOICES.map((c) => (
            <option key={c} value={c}>
              {c === 'auto' ? 'Automatic' : BACKEND_LABELS[c]}
            </option>
          ))}
        </select>
      </label>
      <span className={`badge badge-${backend?.name ?? 'none'}`} data-testid="backend-name">
        {backend ? backend.name : 'starting…'}
      </span>
      {backend && backend.notes.length > 0 && (
        <span className="backend-notes" data-testid="backend-notes">
          {backend.notes.join(' ')}
        </span>
      )}
    </div>
  );
}
