/**
 * The ZSL confusion among unseen classes, sized for its panel: a table of
 * counts up to 30 classes; beyond that, a heat map on a canvas (one cell per
 * pair, details on hover) and the most confused pairs as a list. Rows are the
 * true class, columns the prediction, shaded by the share of the row.
 */
import { useEffect, useRef, useState, type PointerEvent } from 'react';
import type { RunSummary } from '../../worker/protocol.ts';
import { useWidth } from '../shared/use-width.ts';
import { mostConfused } from './confused-pairs.ts';

export const TABLE_LIMIT = 30;

export function ConfusionView({ run, name }: { run: RunSummary; name: (classId: number) => string }) {
  const { classes, matrix } = run.evaluation.zslConfusion;
  return (
    <figure className="chart confusion" data-testid="confusion-matrix" data-classes={classes.length}>
      <figcaption>Confusion among unseen classes (rows: true class, columns: predicted)</figcaption>
      {classes.length <= TABLE_LIMIT ? <ConfusionTable classes={classes} matrix={matrix} name={name} /> : <ConfusionCanvas classes={classes} matrix={matrix} name={name} />}
      {classes.length > TABLE_LIMIT && <ConfusedPairs classes={classes} matrix={matrix} name={name} />}
    </figure>
  );
}

type Props = { classes: number[]; matrix: number[][]; name: (classId: number) => string };

const shade = (i: number, j: number, share: number) => `rgba(${i === j ? '42,157,85' : '200,60,40'}, ${share.toFixed(3)})`;

function ConfusionTable({ classes, matrix, name }: Props) {
  return (
    <div className="confusion-scroll" tabIndex={0}>
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
                    <td key={j} title={`${name(classes[i]!)} → ${name(classes[j]!)}: ${count}`} style={{ background: shade(i, j, share), color: share > 0.5 ? '#fff' : undefined }}>
                      {count}
                    </td>
                  );
                })}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

function ConfusionCanvas({ classes, matrix, name }: Props) {
  const { ref, width } = useWidth<HTMLDivElement>(320);
  const canvas = useRef<HTMLCanvasElement>(null);
  const n = classes.length;
  // Whole pixels per cell, at most 12, and never wider than the panel.
  const cell = Math.max(1, Math.min(12, Math.floor(Math.min(width, 720) / n)));
  const side = cell * n;
  const [hover, setHover] = useState<{ i: number; j: number } | null>(null);
  useEffect(() => {
    const context = canvas.current?.getContext('2d');
    if (!context) return;
    context.fillStyle = '#fff';
    context.fillRect(0, 0, side, side);
    matrix.forEach((row, i) => {
      const total = row.reduce((a, b) => a + b, 0) || 1;
      row.forEach((count, j) => {
        if (count === 0) return;
        context.fillStyle = shade(i, j, Math.max(0.08, count / total));
        context.fillRect(j * cell, i * cell, cell, cell);
      });
    });
  }, [matrix, cell, side]);
  const at = (e: PointerEvent<HTMLCanvasElement>) => {
    const rect = e.currentTarget.getBoundingClientRect();
    const j = Math.floor(((e.clientX - rect.left) / rect.width) * n);
    const i = Math.floor(((e.clientY - rect.top) / rect.height) * n);
    setHover(i >= 0 && j >= 0 && i < n && j < n ? { i, j } : null);
  };
  const detail = hover && (() => {
    const row = matrix[hover.i]!;
    const total = row.reduce((a, b) => a + b, 0);
    const count = row[hover.j]!;
    return `${name(classes[hover.i]!)} → ${name(classes[hover.j]!)}: ${count} of ${total} images${total > 0 ? ` (${((count / total) * 100).toFixed(1)}%)` : ''}`;
  })();
  return (
    <div ref={ref} className="confusion-canvas">
      <canvas
        ref={canvas}
        width={side}
        height={side}
        data-testid="confusion-canvas"
        role="img"
        aria-label={`Confusion heat map of ${n} unseen classes; the most confused pairs are listed below.`}
        onPointerMove={at}
        onPointerLeave={() => setHover(null)}
      />
      <p className="hint" data-testid="confusion-hover" aria-live="polite">
        {detail ?? `${n} classes: one cell per pair, darker for a larger share of the row. Point at a cell for its classes and count.`}
      </p>
    </div>
  );
}

function ConfusedPairs({ classes, matrix, name }: Props) {
  const pairs = mostConfused(matrix, 15);
  if (pairs.length === 0) return <p className="hint">No unseen class was mistaken for another.</p>;
  return (
    <div className="confused-pairs" data-testid="confused-pairs">
      <h4>Most confused pairs</h4>
      <ol>
        {pairs.map((p) => (
          <li key={`${p.row}-${p.column}`}>
            <strong>{name(classes[p.row]!)}</strong> taken for <strong>{name(classes[p.column]!)}</strong>: {p.count} images (
            {(p.share * 100).toFixed(0)}% of its row)
          </li>
        ))}
      </ol>
    </div>
  );
}
