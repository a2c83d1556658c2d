/** Live curves: loss per step (raw and smoothed), and per-epoch metrics with train and validation on the same axes. */
import { memo, useDeferredValue } from 'react';
import { CartesianGrid, Legend, Line, LineChart, Tooltip, XAxis, YAxis } from 'recharts';
import { METHOD_INFO } from '../../core/methods/catalog.ts';
import type { AppState } from '../store.ts';
import { useAppState, useDeferredAppState } from '../context.ts';
import { useWidth } from '../shared/use-width.ts';
import { LiveChart, type LiveSeries } from './LiveChart.tsx';
import { PngButton } from './PngButton.tsx';

/**
 * Redrawn four times a second while training, so it is kept lean: a fixed pixel
 * width, an HTML legend, and the tooltip only once training has finished.
 */
const LossChart = memo(function LossChart({ data, live }: { data: AppState['lossCurve']; live: boolean }) {
  const { ref, width } = useWidth<HTMLElement>();
  return (
    <figure className="chart" data-testid="loss-chart" data-points={data.length} data-last-step={data.at(-1)?.step ?? 0} ref={ref}>
      <figcaption>
        Training loss per step <PngButton name="loss-per-step" />
        <span className="legend">
          <i style={{ background: '#b8c4d6' }} /> loss <i style={{ background: '#1f5fbf' }} /> smoothed
        </span>
      </figcaption>
      {live ? (
        <LiveChart
          width={width}
          height={220}
          series={[
            { name: 'loss', color: '#b8c4d6', points: data.map((p) => ({ x: p.step, y: p.loss })) },
            { name: 'smoothed', color: '#1f5fbf', points: data.map((p) => ({ x: p.step, y: p.smoothed })) },
          ]}
        />
      ) : (
        <LineChart width={width} height={220} data={data} margin={{ top: 8, right: 16, bottom: 4, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="step" type="number" domain={['dataMin', 'dataMax']} tickCount={6} allowDecimals={false} />
          <YAxis domain={['auto', 'auto']} width={56} tickFormatter={(v: number) => v.toPrecision(3)} />
          <Tooltip />
          <Line dataKey="loss" name="loss" stroke="#b8c4d6" dot={false} isAnimationActive={false} strokeWidth={1} />
          <Line dataKey="smoothed" name="smoothed" stroke="#1f5fbf" dot={false} isAnimationActive={false} strokeWidth={2} />
        </LineChart>
      )}
    </figure>
  );
});

type EpochRow = { epoch: number } & Record<string, number | null>;
interface LineSpec {
  key: string;
  name: string;
  color: string;
  dashed?: string;
}

const LOSS_LINES: LineSpec[] = [
  { key: 'trainLoss', name: 'train', color: '#1f5fbf' },
  { key: 'valLoss', name: 'validation', color: '#d9822b' },
];
const ACCURACY_LINES: LineSpec[] = [
  { key: 'trainAcc', name: 'train (seen)', color: '#1f5fbf' },
  { key: 'valAcc', name: 'validation (seen)', color: '#d9822b' },
  { key: 'testZsl', name: 'test ZSL top-1 (unseen)', color: '#2a9d55', dashed: '5 3' },
  { key: 'testH', name: 'test GZSL H', color: '#8e44ad', dashed: '2 3' },
];

const liveSeries = (data: EpochRow[], lines: LineSpec[]): LiveSeries[] =>
  lines.map((l) => ({ name: l.name, color: l.color, dashed: l.dashed !== undefined, points: data.map((row) => ({ x: row.epoch, y: row[l.key] ?? null })) }));

function HtmlLegend({ lines }: { lines: LineSpec[] }) {
  return (
    <div className="legend">
      {lines.map((l) => (
        <span key={l.key}>
          <i style={{ background: l.color }} /> {l.name}
        </span>
      ))}
    </div>
  );
}

const EpochCharts = memo(function EpochCharts({ epochs, live }: { epochs: AppState['epochs']; live: boolean }) {
  const lossFigure = useWidth<HTMLElement>(400);
  const accuracyFigure = useWidth<HTMLElement>(400);
  const data: EpochRow[] = epochs.map((e) => ({
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
      <figure className="chart" data-testid="epoch-loss-chart" data-points={data.length} ref={lossFigure.ref}>
        <figcaption>
          Loss per epoch <PngButton name="loss-per-epoch" />
        </figcaption>
        {live ? (
          <LiveChart width={lossFigure.width} height={220} series={liveSeries(data, LOSS_LINES)} />
        ) : (
          <LineChart width={lossFigure.width} height={220} data={data} margin={{ top: 8, right: 16, bottom: 4, left: 0 }}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis dataKey="epoch" allowDecimals={false} />
            <YAxis domain={['auto', 'auto']} width={56} tickFormatter={(v: number) => v.toPrecision(3)} />
            <Tooltip />
            <Legend />
            {LOSS_LINES.map((l) => (
              <Line key={l.key} dataKey={l.key} name={l.name} stroke={l.color} strokeDasharray={l.dashed} isAnimationActive={false} />
            ))}
          </LineChart>
        )}
        {live && <HtmlLegend lines={LOSS_LINES} />}
      </figure>
      <figure className="chart" data-testid="epoch-accuracy-chart" data-points={data.length} ref={accuracyFigure.ref}>
        <figcaption>
          Per-class accuracy per epoch (%) <PngButton name="accuracy-per-epoch" />
        </figcaption>
        {live ? (
          <LiveChart width={accuracyFigure.width} height={220} series={liveSeries(data, ACCURACY_LINES)} yDomain={[0, 100]} />
        ) : (
          <LineChart width={accuracyFigure.width} height={220} data={data} margin={{ top: 8, right: 16, bottom: 4, left: 0 }}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis dataKey="epoch" allowDecimals={false} />
            <YAxis domain={[0, 100]} width={40} />
            <Tooltip formatter={(v) => (typeof v === 'number' ? `${v.toFixed(1)}%` : String(v))} />
            <Legend />
            {ACCURACY_LINES.map((l) => (
              <Line key={l.key} dataKey={l.key} name={l.name} stroke={l.color} strokeDasharray={l.dashed} isAnimationActive={false} />
            ))}
          </LineChart>
        )}
        {live && <HtmlLegend lines={ACCURACY_LINES} />}
      </figure>
    </div>
  );
});

const selectLossCurve = (s: AppState) => s.lossCurve;
const selectEpochs = (s: AppState) => s.epochs;

/** The curves that exist, never an empty frame: none before training, none for a closed form (it says why). */
export function TrainingCharts() {
  const lossCurve = useDeferredAppState(selectLossCurve);
  const epochs = useDeferredAppState(selectEpochs);
  const running = useAppState((s) => s.status !== 'idle');
  // Switching the three charts to recharts is heavy: let it happen as a transition.
  const live = useDeferredValue(running);
  const shownMethod = useAppState((s) => (s.status !== 'idle' ? s.config.method : s.selectedRun !== null ? (s.runs[s.selectedRun]?.summary.method ?? null) : null));
  const closedForm = shownMethod !== null && METHOD_INFO[shownMethod].family === 'closed-form';
  if (lossCurve.length === 0 && epochs.length === 0) {
    if (closedForm && !running) {
      return (
        <p className="hint" data-testid="no-curves">
          This run&apos;s method is solved in closed form, in one go, so it has no training curves.
        </p>
      );
    }
    if (running && !closedForm) {
      return (
        <p className="hint" data-testid="curves-waiting">
          The curves appear with the first training steps.
        </p>
      );
    }
    return null;
  }
  return (
    <div className="charts">
      {lossCurve.length > 0 && <LossChart data={lossCurve} live={live} />}
      {epochs.length > 0 ? (
        <EpochCharts epochs={epochs} live={live} />
      ) : (
        <p className="hint">The per-epoch curves appear when the first epoch ends.</p>
      )}
      <p className="hint">
        Validation uses held-out images of seen classes. Test curves are measured on a sample of test images after each
        epoch, for watching only: nothing is chosen on them.
      </p>
    </div>
  );
}
