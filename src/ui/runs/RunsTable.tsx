/** Finished runs with the protocol's metrics (per-class accuracy), newest first, and the published numbers of the loaded benchmark. */
import { useState } from 'react';
import { METHOD_INFO } from '../../core/methods/catalog.ts';
import type { RunSummary } from '../../worker/protocol.ts';
import { useAppState, useController, useDeferredAppState } from '../context.ts';
import type { AppState } from '../store.ts';
import { duration, percent } from '../shared/format.ts';
import { BENCHMARKS } from '../../core/data/dataset-identity.ts';
import { figure, publishedFor } from './published.ts';
import { ResultsToolbar } from './ResultsToolbar.tsx';
import { RunDetails } from './RunDetails.tsx';

const settingsOf = (run: RunSummary) =>
  Object.entries(run.config.params)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');

const selectRuns = (s: AppState) => s.runs;
const selectSelected = (s: AppState) => s.selectedRun;
const selectBenchmark = (s: AppState) => s.dataset?.benchmark ?? null;

/** One line per metric of the runs table, in words. */
export function MetricHelp() {
  return (
    <details className="metric-details" open>
      <summary>What the figures mean</summary>
    <dl className="metric-help" data-testid="metric-help">
      <dt>ZSL top-1</dt>
      <dd>Share of unseen-class test images named right when only unseen classes are candidates, averaged per class.</dd>
      <dt>ZSL top-5</dt>
      <dd>The same, counting an answer right when the true class is among the model's five best.</dd>
      <dt>u</dt>
      <dd>GZSL: unseen-class test images named right when every class is a candidate (the harder, realistic case).</dd>
      <dt>s</dt>
      <dd>GZSL: test images of seen classes named right, every class a candidate.</dd>
      <dt>H</dt>
      <dd>Harmonic mean of u and s: high only when both are; the GZSL headline figure.</dd>
      <dt>γ (calibration)</dt>
      <dd>Subtracted from seen classes' scores in GZSL so unseen ones get a fair chance; chosen on held-out seen classes.</dd>
    </dl>
    </details>
  );
}

export function RunsTable() {
  // Deferred: a finished run draws a table and charts; let React slice that work.
  const runs = useDeferredAppState(selectRuns);
  const selected = useDeferredAppState(selectSelected);
  const modelRun = useAppState((s) => s.model?.runId ?? null);
  const controller = useController();
  const [showPublished, setShowPublished] = useState(false);
  const benchmark = useDeferredAppState(selectBenchmark);
  const published = publishedFor(benchmark);
  const label = benchmark ? BENCHMARKS[benchmark].label : null;
  return (
    <section className="panel" aria-labelledby="runs-title">
      <h2 id="runs-title">Results</h2>
      <ResultsToolbar />
      {runs.length === 0 ? (
        <p>Train a model to see its zero-shot accuracy here.</p>
      ) : (
        <>
          <p className="hint narrow-only">Scroll the table sideways for every figure.</p>
          <div className="table-scroll" data-testid="runs-scroll">
          <table className="runs" data-testid="runs-table">
            <thead>
              <tr>
                <th>Dataset</th>
                <th>Method</th>
                <th>Split</th>
                <th title="The class × attribute matrix the run used">Semantics</th>
                <th>Backend</th>
                <th>Epochs</th>
                <th title="Per-class top-1 over unseen classes">ZSL top-1</th>
                <th title="Per-class top-5 over unseen classes">ZSL top-5</th>
                <th title="GZSL: unseen images, all classes as candidates">u</th>
                <th title="GZSL: seen test images, all classes as candidates">s</th>
                <th title="Harmonic mean of u and s">H</th>
                <th title="Calibrated stacking constant subtracted from seen-class scores">γ</th>
                <th title="The seed notebook's own figure: all classes as candidates, unseen images, no calibration, mean of per-batch (32) accuracies. It equals u when calibration is off and every unseen class has the same number of test images (as in the demos), since per-batch, per-image and per-class means then coincide. Not comparable with published numbers.">
                  Seed figure*
                </th>
                <th>Time</th>
              </tr>
            </thead>
            <tbody>
              {runs.map(({ summary: run }, i) => (
                <tr
                  key={runs.length - i}
                  data-testid="run-row"
                  className={i === selected ? 'selected' : undefined}
                  onClick={() => controller.selectRun(i)}
                  title={`${METHOD_INFO[run.method].label}: ${settingsOf(run)}. Click to show its curves.`}
                >
                  <td data-testid="run-dataset">{run.datasetName ?? run.datasetId}</td>
                  <td>{run.method}</td>
                  <td>{run.split}</td>
                  <td title={run.semantics?.description}>{run.semantics?.name ?? '–'}</td>
                  <td>{run.backend}</td>
                  <td>{METHOD_INFO[run.method].family === 'closed-form' ? 'closed form' : `${run.epochsCompleted}${run.stopped ? ' (stopped)' : ''}`}</td>
                  <td data-testid="run-zsl-top1" data-value={run.evaluation.zslTop1}>
                    {percent(run.evaluation.zslTop1)}
                  </td>
                  <td>{percent(run.evaluation.zslTop5)}</td>
                  <td>{percent(run.evaluation.u)}</td>
                  <td>{percent(run.evaluation.s)}</td>
                  <td data-testid="run-h" data-value={run.evaluation.h}>
                    {percent(run.evaluation.h)}
                  </td>
                  <td title={run.calibration.mode === 'holdout' ? 'chosen on held-out seen classes' : run.calibration.mode}>
                    {run.calibration.mode === 'none' ? '–' : run.calibration.gamma.toPrecision(3)}
                  </td>
                  <td>{percent(run.evaluation.seedFigure.top1)}</td>
                  <td>{duration(run.seconds)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          </div>
          <p className="hint">
            Accuracies are per class (the mean over classes of the share of its images recognised), as the ZSL benchmark
            defines them. Chance for ZSL top-1 on the newest run is {percent(1 / Math.max(1, runs[0]!.summary.evaluation.perClassZsl.length))}.
            *The seed figure is the original notebook's measure (per batch of 32, uncalibrated), shown for comparison with it only;
            it equals u whenever calibration is off and the unseen classes have equally many test images, as in the demos. Click a run to see its curves
            and details.
          </p>
          <MetricHelp />
          {selected !== null && runs[selected] && <RunDetails run={runs[selected].summary} latest={runs[selected].id !== null && runs[selected].id === modelRun} />}
        </>
      )}
      {label ? (
        <button type="button" className="link" onClick={() => setShowPublished(!showPublished)}>
          {showPublished ? 'Hide' : 'Show'} published {label} results
        </button>
      ) : (
        <p className="hint" data-testid="no-published">This dataset is not one of the five xlsa17 benchmarks, so there are no published numbers to compare with.</p>
      )}
      {label && showPublished && (
        <div className="table-scroll">
        <table className="runs published" data-testid="published-table">
          <caption>
            Published on {label} (fixed ResNet-101 features, proposed split, per-class top-1 %). SS is a different split and is not
            comparable with PS; public reimplementations of the classical rows land 2–5 points lower; generative results vary 1–2
            points between runs.
          </caption>
          <thead>
            <tr>
              <th>Method</th>
              <th>Kind</th>
              <th>SS top-1</th>
              <th>PS top-1</th>
              <th>u</th>
              <th>s</th>
              <th>H</th>
              <th>Source</th>
            </tr>
          </thead>
          <tbody>
            {published.map((row) => (
              <tr key={row.method}>
                <td>{row.method}</td>
                <td>{row.family}</td>
                <td>{figure(row.ss)}</td>
                <td>{figure(row.ps)}</td>
                <td>{figure(row.u)}</td>
                <td>{figure(row.s)}</td>
                <td>{figure(row.h)}</td>
                <td className="source">{row.source}</td>
              </tr>
            ))}
          </tbody>
        </table>
        </div>
      )}
    </section>
  );
}
