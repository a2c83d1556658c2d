/** Finished runs with the protocol's metrics (per-class accuracy), newest first. */
import { percent, duration } from './format.ts';
import { useAppState } from './context.ts';

export function RunsTable() {
  const runs = useAppState((s) => s.runs);
  if (runs.length === 0) {
    return (
      <section className="panel" aria-labelledby="runs-title">
        <h2 id="runs-title">Results</h2>
        <p>Train a model to see its zero-shot accuracy here.</p>
      </section>
    );
  }
  return (
    <section className="panel" aria-labelledby="runs-title">
      <h2 id="runs-title">Results</h2>
      <table className="runs" data-testid="runs-table">
        <thead>
          <tr>
            <th>Method</th>
            <th>Split</th>
            <th>Backend</th>
            <th>Epochs</th>
            <th title="Per-class top-1 over unseen classes">ZSL top-1</th>
            <th title="Per-class top-5 over unseen classes">ZSL top-5</th>
            <th title="GZSL: unseen images, all classes as candidates">u</th>
            <th title="GZSL: seen test images, all classes as candidates">s</th>
            <th title="Harmonic mean of u and s">H</th>
            <th title="The seed notebook's own figure: all classes as candidates, unseen images, mean of per-batch (32) accuracies. Not comparable with published numbers.">
              Seed figure*
            </th>
            <th>Time</th>
          </tr>
        </thead>
        <tbody>
          {runs.map((run, i) => (
            <tr key={i} data-testid="run-row">
              <td>{run.method}</td>
              <td>{run.split}</td>
              <td>{run.backend}</td>
              <td>
                {run.epochsCompleted}
                {run.stopped ? ' (stopped)' : ''}
              </td>
              <td data-testid="run-zsl-top1" data-value={run.evaluation.zslTop1}>
                {percent(run.evaluation.zslTop1)}
              </td>
              <td>{percent(run.evaluation.zslTop5)}</td>
              <td>{percent(run.evaluation.u)}</td>
              <td>{percent(run.evaluation.s)}</td>
              <td>{percent(run.evaluation.h)}</td>
              <td>{percent(run.evaluation.seedFigure.top1)}</td>
              <td>{duration(run.seconds)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="hint">
        Accuracies are per class (mean over classes of the share of its images recognised), as the ZSL benchmark
        defines them. Chance for ZSL top-1 on the newest run is{' '}
        {percent(1 / Math.max(1, runs[0]!.evaluation.perClassZsl.length))}. *The seed
        figure is the original notebook's measure, shown for comparison with it only.
      </p>
    </section>
  );
}
