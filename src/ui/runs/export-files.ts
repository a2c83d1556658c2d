/**
 * Run metrics as CSV and JSON, and charts as PNG, made on the user's machine.
 * Small, user-triggered work on the main thread; DOM only for the PNG.
 */
import type { RunRecord } from '../store.ts';

const COLUMNS = ['dataset', 'method', 'split', 'semantics', 'backend', 'epochs', 'zsl_top1', 'zsl_top5', 'u', 's', 'h', 'gamma', 'seed_figure_top1', 'seconds', 'settings'] as const;

function row(record: RunRecord): Record<(typeof COLUMNS)[number], string | number> {
  const { summary: run } = record;
  const e = run.evaluation;
  return {
    dataset: run.datasetName ?? run.datasetId,
    method: run.method,
    split: run.split,
    semantics: run.semantics?.name ?? '',
    backend: run.backend,
    epochs: run.epochsCompleted,
    zsl_top1: e.zslTop1,
    zsl_top5: e.zslTop5,
    u: e.u,
    s: e.s,
    h: e.h,
    gamma: run.calibration.gamma,
    seed_figure_top1: e.seedFigure.top1,
    seconds: run.seconds,
    settings: JSON.stringify(run.config.params),
  };
}

const csvCell = (value: string | number) => {
  const text = String(value);
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

export function runsToCsv(runs: RunRecord[]): string {
  return [COLUMNS.join(','), ...runs.map((r) => COLUMNS.map((c) => csvCell(row(r)[c])).join(','))].join('\n') + '\n';
}

/** Every run with its summary and curves (every epoch, the drawn loss curve). */
export function runsToJson(runs: RunRecord[]): string {
  return JSON.stringify(runs.map((r) => ({ id: r.id, ...r.summary, epochs: r.epochs, lossCurve: r.lossCurve })), null, 2);
}

/** Renders the SVG chart inside `figure` to a PNG Blob, on a white background. */
export async function chartToPng(figure: HTMLElement): Promise<Blob> {
  const svg = figure.querySelector('svg.recharts-surface') ?? figure.querySelector('svg');
  if (!svg) throw new Error('This chart has nothing drawn yet.');
  const { width, height } = svg.getBoundingClientRect();
  const clone = svg.cloneNode(true) as SVGSVGElement;
  clone.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  clone.setAttribute('width', String(width));
  clone.setAttribute('height', String(height));
  const source = new XMLSerializer().serializeToString(clone);
  const image = new Image();
  image.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(source)}`;
  await image.decode();
  const scale = 2;
  const canvas = document.createElement('canvas');
  canvas.width = Math.ceil(width * scale);
  canvas.height = Math.ceil(height * scale);
  const context = canvas.getContext('2d')!;
  context.fillStyle = '#fff';
  context.fillRect(0, 0, canvas.width, canvas.height);
  context.scale(scale, scale);
  context.drawImage(image, 0, 0, width, height);
  return new Promise((resolve, reject) => canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error('The chart could not be drawn.'))), 'image/png'));
}
