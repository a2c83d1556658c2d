/**
 * The charts while training runs: plain SVG polylines with min/max labels, well
 * under a millisecond to redraw. Recharts costs 20–40 ms of main-thread time per
 * redraw, which on a busy two-core machine stretches past the 50 ms a frame may
 * take; so the interactive recharts charts (tooltips and all) take over as soon
 * as training stops. Same data, same colours.
 */
import { memo } from 'react';

export interface LiveSeries {
  name: string;
  color: string;
  dashed?: boolean;
  points: Array<{ x: number; y: number | null }>;
}

const PAD = { left: 52, right: 12, top: 8, bottom: 22 };

export const LiveChart = memo(function LiveChart(props: { series: LiveSeries[]; width: number; height: number; yDomain?: [number, number] }) {
  const { series, width, height } = props;
  const all = series.flatMap((s) => s.points).filter((p): p is { x: number; y: number } => p.y !== null && Number.isFinite(p.y));
  if (all.length === 0) return <svg className="live-chart" width={width} height={height} />;
  const xMin = Math.min(...all.map((p) => p.x));
  const xMax = Math.max(...all.map((p) => p.x));
  const [yMin, yMax] = props.yDomain ?? [Math.min(...all.map((p) => p.y)), Math.max(...all.map((p) => p.y))];
  const sx = (x: number) => PAD.left + ((x - xMin) / Math.max(1e-12, xMax - xMin)) * (width - PAD.left - PAD.right);
  const sy = (y: number) => height - PAD.bottom - ((y - yMin) / Math.max(1e-12, yMax - yMin)) * (height - PAD.top - PAD.bottom);
  const label = (v: number) => (Math.abs(v) >= 100 || v === 0 ? v.toFixed(0) : v.toPrecision(3));
  // Steps and epochs are counts: "1 … 87", not "1.00 … 87.0".
  const xLabel = (v: number) => (Number.isInteger(v) ? v.toLocaleString('en-US') : label(v));
  return (
    <svg className="live-chart" width={width} height={height} role="img" aria-label={series.map((s) => s.name).join(', ')}>
      <line x1={PAD.left} x2={PAD.left} y1={PAD.top} y2={height - PAD.bottom} stroke="#999" />
      <line x1={PAD.left} x2={width - PAD.right} y1={height - PAD.bottom} y2={height - PAD.bottom} stroke="#999" />
      <text x={PAD.left - 6} y={sy(yMax) + 4} textAnchor="end" fontSize={11} fill="#666">
        {label(yMax)}
      </text>
      <text x={PAD.left - 6} y={sy(yMin)} textAnchor="end" fontSize={11} fill="#666">
        {label(yMin)}
      </text>
      <text x={PAD.left} y={height - 6} fontSize={11} fill="#666">
        {xLabel(xMin)}
      </text>
      <text x={width - PAD.right} y={height - 6} textAnchor="end" fontSize={11} fill="#666">
        {xLabel(xMax)}
      </text>
      {series.map((s) => (
        <polyline
          key={s.name}
          fill="none"
          stroke={s.color}
          strokeWidth={1.5}
          strokeDasharray={s.dashed ? '5 3' : undefined}
          points={s.points
            .filter((p) => p.y !== null && Number.isFinite(p.y))
            .map((p) => `${sx(p.x).toFixed(1)},${sy(p.y!).toFixed(1)}`)
            .join(' ')}
        />
      ))}
    </svg>
  );
});
