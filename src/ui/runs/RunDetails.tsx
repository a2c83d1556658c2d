/** One run in detail: per-class accuracy bars, the confusion matrix, and the embedding map. */
import { useState } from 'react';
import { CartesianGrid, Legend, ResponsiveContainer, Scatter, ScatterChart, Tooltip, XAxis, YAxis } from 'recharts';
import { humanClassName } from '../../core/data/dataset-identity.ts';
import type { MapPoint, RunSummary } from '../../worker/protocol.ts';
import { useController } from '../context.ts';
import { ConfusionView } from './ConfusionView.tsx';
import { PerClassBars } from './PerClassBars.tsx';

export function RunDetails({ run, latest }: { run: RunSummary; latest: boolean }) {
  const name = (c: number) => (run.classNames[c] !== undefined ? humanClassName(run.classNames[c]) : String(c));
  return (
    <div className="run-details" data-testid="run-details">
      <h3>
        {run.method} on {run.split}: unseen classes
      </h3>
      <p className="hint" data-testid="run-protocol">
        {run.datasetName ?? run.datasetId}; class semantics: {run.semantics?.description ?? 'as loaded'};{' '}
        {run.heldOutForCurves ? `${run.heldOutForCurves} training images held out for the validation curves (the final model did not see them)` : 'fitted on every training image of the split'}.
      </p>
      <div className="chart-pair">
        <PerClassBars run={run} name={name} />
        <ConfusionView run={run} name={name} />
      </div>
      {latest ? <EmbeddingMap classNames={run.classNames} /> : <p className="hint">The embedding map is drawn for the run whose model is in memory (the newest run of the loaded dataset).</p>}
    </div>
  );
}

function EmbeddingMap({ classNames }: { classNames: string[] }) {
  const controller = useController();
  const [points, setPoints] = useState<MapPoint[] | null>(null);
  const [busy, setBusy] = useState(false);
  const load = async () => {
    setBusy(true);
    const result = await controller.embeddingMap();
    setPoints(result?.points ?? null);
    setBusy(false);
  };
  if (!points) {
    return (
      <button type="button" disabled={busy} data-testid="map-button" onClick={() => void load()}>
        {busy ? 'Projecting…' : 'Show the embedding map'}
      </button>
    );
  }
  const series = (kind: MapPoint['kind'], unseen: boolean) =>
    points.filter((p) => p.kind === kind && p.unseen === unseen).map((p) => ({ ...p, name: humanClassName(classNames[p.classId] ?? String(p.classId)) }));
  return (
    <figure className="chart" data-testid="embedding-map" data-points={points.length}>
      <figcaption>
        Embedding map: test images and class embeddings in the model's space (first two principal components). Where an
        unseen class's embedding lands among its images is what zero-shot recognition rests on.
      </figcaption>
      <ResponsiveContainer width="100%" height={380}>
        <ScatterChart margin={{ top: 8, right: 16, bottom: 8, left: 8 }}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis type="number" dataKey="x" name="PC 1" tick={false} />
          <YAxis type="number" dataKey="y" name="PC 2" tick={false} width={10} />
          <Tooltip formatter={() => ''} labelFormatter={() => ''} content={({ payload }) => <MapTip payload={payload as never} />} />
          <Legend />
          <Scatter name="images of seen classes" data={series('image', false)} fill="#9fb4d3" shape="circle" isAnimationActive={false} />
          <Scatter name="images of unseen classes" data={series('image', true)} fill="#f0b27a" shape="circle" isAnimationActive={false} />
          <Scatter name="seen class embeddings" data={series('class', false)} fill="#1f5fbf" shape="diamond" isAnimationActive={false} />
          <Scatter name="unseen class embeddings" data={series('class', true)} fill="#d35400" shape="star" isAnimationActive={false} />
        </ScatterChart>
      </ResponsiveContainer>
    </figure>
  );
}

function MapTip({ payload }: { payload?: Array<{ payload: MapPoint & { name: string } }> }) {
  const point = payload?.[0]?.payload;
  if (!point) return null;
  return (
    <div className="map-tip">
      {point.kind === 'class' ? 'Class embedding' : 'Image'} of <strong>{point.name}</strong>
      {point.unseen ? ' (unseen)' : ''}
    </div>
  );
}
