/**
 * Classify with the current model: an image of the loaded dataset, a photo
 * (dropped, picked or pasted; embedded by the image backbone), or a drawing in
 * the picture demo. The top classes, unseen ones marked, the attributes behind
 * the answer, and for a photo whether the backbone's space is the model's.
 */
import { humanClassName } from '../../core/data/dataset-identity.ts';
import { useState } from 'react';
import type { Classification } from '../../core/inference/classify.ts';
import { DrawingPad } from './DrawingPad.tsx';
import { PhotoInput, type PhotoResult } from './PhotoInput.tsx';
import { useAppState, useController } from '../context.ts';

type Result = Classification & { trueClass?: string; imageIndex?: number; space?: PhotoResult['space'] };

export function ClassifyPanel() {
  const model = useAppState((s) => s.model);
  const images = useAppState((s) => s.dataset?.images ?? 0);
  const pictures = useAppState((s) => s.dataset?.featureSource.kind === 'backbone');
  const controller = useController();
  const [index, setIndex] = useState(1);
  const scope = useAppState((s) => s.classifyScope);
  const [result, setResultState] = useState<Result | null>(null);
  const [count, setCount] = useState(0);
  const setResult = (next: Result | null) => {
    setResultState(next);
    if (next) setCount((n) => n + 1);
  };
  const classify = async (imageIndex: number) => {
    setIndex(imageIndex + 1);
    setResult(await controller.classifyImage(imageIndex, scope));
  };
  return (
    <section className="panel" aria-labelledby="classify-title">
      <h2 id="classify-title">Classify</h2>
      {!model ? (
        <p>Train or import a model, then classify images with it here.</p>
      ) : (
        <>
          <div className="row">
            <label>
              Image{' '}
              <input type="number" name="image" min={1} max={images} value={index} onChange={(e) => setIndex(Number(e.target.value))} style={{ width: '7em' }} />
            </label>
            <label>
              Candidates{' '}
              <select name="scope" value={scope} onChange={(e) => controller.setClassifyScope(e.target.value as 'unseen' | 'all')}>
                <option value="unseen">unseen classes (ZSL)</option>
                <option value="all">all classes (GZSL, calibrated)</option>
              </select>
            </label>
            <button type="button" data-testid="classify-button" onClick={() => void classify(index - 1)}>
              Classify
            </button>
            <button type="button" onClick={() => void classify(Math.floor(Math.random() * images))}>
              A random image
            </button>
          </div>
          {pictures ? <DrawingPad scope={scope} onResult={setResult} /> : <PhotoInput scope={scope} onResult={setResult} />}
          {result && <ClassificationView result={result} count={count} />}
        </>
      )}
    </section>
  );
}

function ClassificationView({ result, count }: { result: Result; count: number }) {
  return (
    <div className="classification" data-testid="classification" data-result={count}>
      {result.imageIndex !== undefined && (
        <p>
          Image {result.imageIndex + 1} shows a <strong>{humanClassName(result.trueClass ?? '')}</strong>.
        </p>
      )}
      {result.space && (
        <p className={`space-note space-${result.space.status}`} data-testid="space-note" data-status={result.space.status}>
          {result.space.text}
        </p>
      )}
      {result.read && (
        <p className="hint">
          Attributes the model reads in it: {result.read.map((a) => a.name).join(', ')}.
        </p>
      )}
      <ol className="top-classes" data-testid="top-classes">
        {result.top.map((t) => (
          <li key={t.classId} data-class={t.name}>
            <strong>{humanClassName(t.name)}</strong>
            {!t.seen && <span className="badge badge-unseen">never seen in training</span>} <span className="hint">score {t.score.toPrecision(3)}</span>
            <div className="hint">
              {t.shared.length > 0
                ? `Shares with the image: ${t.shared.map((a) => a.name).join(', ')}.`
                : `Known for: ${t.attributes.map((a) => a.name).join(', ')}.`}
            </div>
          </li>
        ))}
      </ol>
    </div>
  );
}
