/** Pick which classes stay unseen: a custom split for experiments and teaching. */
import { humanClassName } from '../../core/data/dataset-identity.ts';
import { useState } from 'react';
import { useAppState, useController } from '../context.ts';

export function CustomSplit() {
  const dataset = useAppState((s) => s.dataset);
  const busy = useAppState((s) => s.status !== 'idle' || s.datasetJob !== null);
  const controller = useController();
  const [unseen, setUnseen] = useState<Set<number>>(new Set());
  if (!dataset) return null;
  const toggle = (c: number) => {
    const next = new Set(unseen);
    if (next.has(c)) next.delete(c);
    else next.add(c);
    setUnseen(next);
  };
  return (
    <details className="custom-split">
      <summary>Custom split: choose the classes to keep unseen</summary>
      <div className="class-grid">
        {dataset.classNames.map((name, c) => (
          <label key={name}>
            <input type="checkbox" checked={unseen.has(c)} onChange={() => toggle(c)} /> {humanClassName(name)}
          </label>
        ))}
      </div>
      <button type="button" disabled={busy || unseen.size === 0} onClick={() => void controller.setCustomSplit([...unseen])}>
        Use these {unseen.size} as unseen
      </button>
    </details>
  );
}
