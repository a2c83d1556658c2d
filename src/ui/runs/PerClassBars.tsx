/**
 * ZSL top-1 per unseen class as HTML bars, best first, with full class names:
 * readable for 8 classes or 717 (the list scrolls inside its panel), and the
 * image count of each class on hover.
 */
import type { RunSummary } from '../../worker/protocol.ts';
import { BreakableName } from '../shared/BreakableName.tsx';

export function PerClassBars({ run, name }: { run: RunSummary; name: (classId: number) => string }) {
  const { classes, matrix } = run.evaluation.zslConfusion;
  const images = new Map(classes.map((c, i) => [c, matrix[i]!.reduce((a, b) => a + b, 0)]));
  const rows = [...run.evaluation.perClassZsl].sort((a, b) => b.accuracy - a.accuracy || name(a.classId).localeCompare(name(b.classId)));
  const mean = rows.reduce((s, r) => s + r.accuracy, 0) / Math.max(1, rows.length);
  return (
    <figure className="chart per-class" data-testid="per-class-chart" data-classes={rows.length}>
      <figcaption>
        ZSL top-1 per unseen class, best first ({rows.length} classes; their mean, {(mean * 100).toFixed(1)}%, is the run's ZSL
        top-1)
      </figcaption>
      <div className={`per-class-rows${rows.length > 16 ? ' scrolls' : ''}`} tabIndex={rows.length > 16 ? 0 : undefined} role="list">
        {rows.map((r) => {
          const count = images.get(r.classId) ?? 0;
          const correct = Math.round(r.accuracy * count);
          return (
            <div className="per-class-row" role="listitem" key={r.classId} title={`${name(r.classId)}: ${correct} of ${count} images named correctly`}>
              <span className="per-class-name">
                <BreakableName name={name(r.classId)} />
              </span>
              <span className="per-class-track">
                <span className="per-class-fill" style={{ width: `${r.accuracy * 100}%` }} />
              </span>
              <span className="per-class-value">{(r.accuracy * 100).toFixed(1)}%</span>
            </div>
          );
        })}
      </div>
    </figure>
  );
}
