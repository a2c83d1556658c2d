/** What a drop holds, shown before parsing: recognised files, what is missing, and the attribute options. */
import type { SemanticOptions } from '../../core/io/read-semantics.ts';
import { useAppState, useController } from '../context.ts';

const LAYOUT_NAMES: Record<string, string> = {
  'awa2-text': 'AwA2 text release',
  xlsa17: 'xlsa17 release',
  mixed: 'AwA2 text features with the xlsa17 split',
  generic: 'your own features (generic layout: .npy, labels, attribute table, class lists)',
  'image-folder': 'pictures in class folders (features will be extracted with the image backbone)',
  unknown: 'not recognised',
};

export function StagedFiles() {
  const staged = useAppState((s) => s.staged);
  const semantic = useAppState((s) => s.semantic);
  const busy = useAppState((s) => s.datasetJob !== null);
  const controller = useController();
  if (!staged) return null;
  const { info } = staged;
  const usable = info.missing.length === 0 && info.duplicates.length === 0 && info.layout !== 'unknown';
  return (
    <div className="staged" data-testid="staged">
      <p>
        <strong>Recognised:</strong> <span data-testid="staged-layout">{LAYOUT_NAMES[info.layout] ?? info.layout}</span>
        {info.ignored > 0 && <span className="hint"> ({info.ignored} other {info.ignored === 1 ? 'file' : 'files'} ignored)</span>}
      </p>
      <ul className="found">
        {info.found.map((f) => (
          <li key={f.role}>
            ✓ {f.label}: <code>{f.path}</code>
          </li>
        ))}
      </ul>
      {info.resume && (
        <p className="hint" data-testid="staged-resume">
          Resuming: {info.resume.done.toLocaleString('en')} of {info.resume.total.toLocaleString('en')} pictures already embedded with{' '}
          {info.resume.backbone}; loading continues from there.{' '}
          <button type="button" className="link" data-testid="discard-extraction" disabled={busy} onClick={() => void controller.discardExtraction()}>
            Start over
          </button>
        </p>
      )}
      {info.missing.length > 0 && (
        <ul className="missing" data-testid="staged-missing">
          {info.missing.map((m) => (
            <li key={m}>✗ {m}</li>
          ))}
        </ul>
      )}
      {info.duplicates.length > 0 && (
        <ul className="missing">
          {info.duplicates.map((d) => (
            <li key={d}>Two files for the same role: {d}. Drop only one.</li>
          ))}
        </ul>
      )}
      <div className="settings">
        <Choice<SemanticOptions['source']>
          label="Attributes"
          value={semantic.source}
          options={{ continuous: 'continuous', binary: 'binary' }}
          onChange={(source) => controller.setSemantic({ source })}
        />
        <Choice<SemanticOptions['normalise']>
          label="Normalise"
          value={semantic.normalise}
          options={{ zscore: 'z-score each attribute (seed)', l2: 'L2 per class (xlsa17 att)', none: 'none' }}
          onChange={(normalise) => controller.setSemantic({ normalise })}
        />
        <Choice<SemanticOptions['missing']>
          label="Missing values (-1)"
          value={semantic.missing}
          options={{ keep: 'keep -1', zero: 'fill with 0', 'column-mean': 'fill with attribute mean' }}
          onChange={(missing) => controller.setSemantic({ missing })}
        />
      </div>
      <div className="row">
        <button type="button" className="primary" data-testid="load-button" disabled={!usable || busy} onClick={() => void controller.loadStaged()}>
          Load dataset
        </button>
      </div>
    </div>
  );
}

function Choice<V extends string>(props: { label: string; value: V; options: Record<V, string>; onChange: (value: V) => void }) {
  return (
    <label className="field">
      <span>{props.label}</span>
      <select value={props.value} onChange={(e) => props.onChange(e.target.value as V)}>
        {(Object.entries(props.options) as Array<[V, string]>).map(([value, text]) => (
          <option key={value} value={value}>
            {text}
          </option>
        ))}
      </select>
    </label>
  );
}
