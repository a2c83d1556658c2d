/**
 * Classify with the current model: an image of the loaded dataset (by number,
 * or a random one whose class is a candidate), a photo (dropped, picked or
 * pasted; embedded by the image backbone), or a drawing in the picture demo.
 * Images of the dataset are offered only when the model was trained on it;
 * every answer is shown by ClassificationView.
 */
import { useState } from 'react';
import { ClassificationView, type ShownResult } from './ClassificationView.tsx';
import { DrawingPad } from './DrawingPad.tsx';
import { PhotoInput } from './PhotoInput.tsx';
import { useAppState, useController } from '../context.ts';

export function ClassifyPanel() {
  const model = useAppState((s) => s.model);
  const dataset = useAppState((s) => s.dataset);
  const images = dataset?.images ?? 0;
  const pictures = dataset?.featureSource.kind === 'backbone';
  const controller = useController();
  const [index, setIndex] = useState(1);
  const scope = useAppState((s) => s.classifyScope);
  // The answer with the candidates it was ranked among.
  const [shown, setShown] = useState<{ result: ShownResult; scope: 'unseen' | 'all' } | null>(null);
  const [count, setCount] = useState(0);
  const setResult = (next: ShownResult | null, inScope = scope) => {
    setShown(next && { result: next, scope: inScope });
    if (next) setCount((n) => n + 1);
  };
  const classify = async (imageIndex: number | 'random', inScope = scope) => {
    const answer = await controller.classifyImage(imageIndex, inScope);
    if (answer) setIndex(answer.imageIndex + 1);
    setResult(answer, inScope);
  };
  const forOtherDataset = model && dataset && model.datasetId !== null && model.datasetId !== dataset.id;
  return (
    <section className="panel" aria-labelledby="classify-title">
      <h2 id="classify-title">Classify</h2>
      {!model ? (
        <p data-testid="classify-empty">Train or import a model on this dataset, then classify its images here.</p>
      ) : (
        <>
          {forOtherDataset ? (
            <p data-testid="classify-other-dataset">
              The model in memory ({model.method}) was trained on “{model.datasetId}”, not on the loaded dataset: train one here to
              classify its images.
            </p>
          ) : (
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
              <button type="button" data-testid="classify-random" onClick={() => void classify('random')}>
                {scope === 'unseen' ? 'A random unseen-class image' : 'A random test image'}
              </button>
            </div>
          )}
          {pictures ? <DrawingPad scope={scope} onResult={(next) => setResult(next)} /> : <PhotoInput scope={scope} onResult={(next) => setResult(next)} />}
          {shown && (
            <ClassificationView
              result={shown.result}
              count={count}
              scope={shown.scope}
              onRankAll={
                shown.result.imageIndex !== undefined
                  ? () => {
                      controller.setClassifyScope('all');
                      void classify(shown.result.imageIndex!, 'all');
                    }
                  : undefined
              }
            />
          )}
        </>
      )}
    </section>
  );
}
