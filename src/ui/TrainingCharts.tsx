/** Live curves: loss per step (raw and smoothed), and per-epoch metrics with train and validation on the same axes. */
import { memo } from 'react';
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { AppState } from './store.ts';
import { useDeferredAppState } from './context.ts';
import { PngButton } from './PngButton.tsx';

const LossChart = memo(function LossChart({ data }: { data: AppState['lossCurve'] }) {
  return (
    <figure className="chart" data-testid="loss-chart" data-points={data.length}>
      <figcaption>
        Training loss per step <PngButton name="loss-per-step" />
      </figcaption>
      <ResponsiveContainer width="100%" height={220}>
        <LineChart data={data} margin={{ top: 8, right: 16, bottom: 4, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="step" type="number" domain={['dataMin', 'dataMax']} tickCount={6} />
          <YAxis domain={['auto', 'auto']} width={56} tickFormatter={(v: number) => v.toPrecision(3)} />
          <Tooltip />
          <Legend />
          <Line dataKey="loss" name="loss" stroke="#b8c4d6" dot={false} isAnimationActive={false} strokeWidth={1} />
          <Line dataKey="smoothed" name="smoothed" stroke="#1f5fbf" dot={false} isAnimationActive={false} strokeWidth={2} />
        </LineChart>
      </ResponsiveContainer>
    </figure>
  );
});

const EpochCharts = memo(function EpochCharts({ epochs }: { epochs: AppState['epochs'] }) {
  const data = epochs.map((e) => ({
    epoch: e.epoch,
    trainLoss: e.trainLoss,
    valLoss: e.valLoss,
    trainAcc: e.trainAccuracy * 100,
    valAcc: e.valAccuracy === null ? null : e.valAccuracy * 100,
    testZsl: e.test ? e.test.zslTop1 * 100 : null,
    testH: e.test ? e.test.h * 100 : null,
  }));
  return (
    <div className="chart-pair">
      <figure className="chart" data-testid="epoch-loss-chart" data-points={data.length}>
        <figcaption>
          Loss per epoch <PngButton name="loss-per-epoch" />
        </figcaption>
        <ResponsiveContainer width="100%" height={220}>
          <LineChart data={data} margin={{ top: 8, right: 16, bottom: 4, left: 0 }}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis dataKey="epoch" allowDecimals={false} />
            <YAxis domain={['auto', 'auto']} width={56} tickFormatter={(v: number) => v.toPrecision(3)} />
            <Tooltip />
            <Legend />
            <Line dataKey="trainLoss" name="train" stroke="#1f5fbf" isAnimationActive={false} />
            <Line dataKey="valLoss" name="validation" stroke="#d9822b" isAnimationActive={false} />
          </LineChart>
        </ResponsiveContainer>
      </figure>
      <figure className="chart" data-testid="epoch-accuracy-chart" data-points={data.length}>
        <figcaption>
          Per-class accuracy per epoch (%) <PngButton name="accuracy-per-epoch" />
        </figcaption>
        <ResponsiveContainer width="100%" height={220}>
          <LineChart data={data} margin={{ top: 8, right: 16, bottom: 4, left: 0 }}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis dataKey="epoch" allowDecimals={false} />
            <YAxis domain={[0, 100]} width={40} />
            <Tooltip formatter={(v) => (typeof v === 'number' ? `${v.toFixed(1)}%` : String(v))} />
            <Legend />
            <Line dataKey="trainAcc" name="train (seen)" stroke="#1f5fbf" isAnimationActive={false} />
            <Line dataKey="valAcc" name="validation (seen)" stroke="#d9822b" isAnimationActive={false} />
            <Line dataKey="testZsl" name="test ZSL top-1 (unseen)" stroke="#2a9d55" strokeDasharray="5 3" isAnimationActive={false} />
            <Line dataKey="testH" name="test GZSL H" stroke="#8e44ad" strokeDasharray="2 3" isAnimationActive={false} />
          </LineChart>
        </ResponsiveContainer>
      </figure>
    </div>
  );
});

const selectLossCurve = (s: AppState) => s.lossCurve;
const selectEpochs = (s: AppState) => s.epochs;

export function TrainingCharts() {
  const lossCurve = useDeferredAppState(selectLossCurve);
  const epochs = useDeferredAppState(selectEpochs);
  return (
    <div className="charts">
      <LossChart data={lossCurve} />
      <EpochCharts epochs={epochs} />
      <p className="hint">
        Validation uses held-out images of seen classes. Test curves are measured on a sample of test images after each
        epoch, for watching only: nothing is chosen on them.
      </p>
    </div>
  );
}
