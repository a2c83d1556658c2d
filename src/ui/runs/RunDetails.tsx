/** One run in detail: per-class accuracy bars, the confusion matrix, and the embedding map. */
import { useState } from 'react';
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Scatter, ScatterChart, Tooltip, XAxis, YAxis } from 'recharts';
import { humanClassName } from '../../core/data/dataset-identity.ts';
import type { MapPoint, RunSummary } from '../../worker/protocol.ts';
import { useController } from '../context.ts';

export function RunDetails({ run, latest }: { run: RunSummary; latest: boolean }) {
  const name = (c: number) => (run.classNames[c] !== undefined ? humanClassName(run.classNames[c]) : String(c));
  const bars = run.evaluation.perClassZsl.map((p) => ({ name: name(p.classId), accuracy: Math.round(p.accuracy * 1000) / 10 }));
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
        <figure className="chart" data-testid="per-class-chart">
          <figcaption>ZSL top-1 per unseen class (%)</figcaption>
          <ResponsiveContainer width="100%" height={Math.max(160, bars.length * 22)}>
            <BarChart data={bars} layout="vertical" margin={{ top: 4, right: 16, bottom: 4, left: 8 }}>
              <CartesianGrid strokeDasharray="3 3" />
              <XAxis type="number" domain={[0, 100]} />
              <YAxis type="category" dataKey="name" width={110} interval={0} />
              <Tooltip />
              <Bar dataKey="accuracy" fill="#2a9d55" isAnimationActive={false} />
            </BarChart>
          </ResponsiveContainer>
        </figure>
        <Confusion run={run} name={name} />
      </div>
      {latest ? <EmbeddingMap classNames={run.classNames} /> : <p className="hint">The embedding map is available for the newest run.</p>}
    </div>
  );
}

function Confusion({ run, name }: { run: RunSummary; name: (c: number) => string }) {
  const { classes, matrix } = run.evaluation.zslConfusion;
  return (
    <figure className="chart confusion" data-testid="confusion-matrix">
      <figcaption>Confusion among unseen classes (rows: true class, columns: predicted)</figcaption>
      <table>
        <thead>
          <tr>
            <th />
            {classes.map((c) => (
              <th key={c} className="rotated" title={name(c)}>
                <span>{name(c)}</span>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {matrix.map((row, i) => {
            const total = row.reduce((a, b) => a + b, 0) || 1;
            return (
              <tr key={classes[i]}>
                <th>{name(classes[i]!)}</th>
                {row.map((count, j) => {
                  const share = count / total;
                  return (
                    <td
                      key={j}
                      title={`${name(classes[i]!)} → ${name(classes[j]!)}: ${count}`}
                      style={{ background: `rgba(${i === j ? '42,157,85' : '200,60,40'}, ${share.toFixed(3)})`, color: share > 0.5 ? '#fff' : undefined }}
                    >
                      {count}
                    </td>
                  );
                })}
              </tr>
            );
          })}
        </tbody>
      </table>
    </figure>
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
