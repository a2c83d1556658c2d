/**
 * Benchmark of the text feature parser (src/core/io/feature-parser.ts) against
 * pandas.read_csv (C engine), on a real AwA2-features.txt or a generated one.
 *
 *   npx tsx scripts/bench-parse.ts [path] [--rows 4000] [--workers 2] [--no-python]
 *
 * Without a path, a file of --rows lines (default 37,322, the full AwA2 size, ~733 MB)
 * of 2,048 decimals like "0.123456" (non-negative, mean ~0.45) is generated once into
 * os.tmpdir() and reused. Prints throughput in MB/s, the ratio to pandas (or, when
 * pandas is not installed, to numpy.loadtxt as a weaker reference), and our peak RSS
 * against the float32 matrix size. Node script: not part of the app bundle.
 */
import { spawnSync } from 'node:child_process';
import { createReadStream, createWriteStream, existsSync, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { parseFeatureStream, type FeatureMatrix } from '../src/core/io/feature-parser.ts';
import { joinFeatureParts, planFileRanges, type PartResult } from '../src/core/io/feature-ranges.ts';

const HWM = 1 << 20;
const stream = (file: string, start?: number, end?: number) =>
  Readable.toWeb(createReadStream(file, { highWaterMark: HWM, ...(start !== undefined ? { start, end: end! - 1 } : {}) })) as ReadableStream<Uint8Array>;

if (!isMainThread) {
  // Worker: parse one byte range with line numbers relative to its start.
  const { file, start, end } = workerData as { file: string; start: number; end: number };
  parseFeatureStream(stream(file, start, end), { file: path.basename(file), bytesTotal: end - start })
    .then((matrix) => parentPort!.postMessage({ ok: true, matrix }, [matrix.values.buffer as ArrayBuffer]))
    .catch((error: unknown) => parentPort!.postMessage({ ok: false, error: String(error) }));
} else {
  await main();
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const flag = (name: string) => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const rows = Number(flag('--rows') ?? 37_322);
  const workers = Number(flag('--workers') ?? 2);
  const target = args.find((a, i) => !a.startsWith('--') && !args[i - 1]?.startsWith('--')) ?? (await generated(rows));
  const bytes = statSync(target).size;
  const mb = bytes / 1e6;
  console.log(`file: ${target} (${mb.toFixed(1)} MB)`);

  const single = await measure(async () => {
    const lines = await countLines(target);
    return parseFeatureStream(stream(target), { file: path.basename(target), rows: lines, bytesTotal: bytes });
  });
  const matrixBytes = single.result.values.byteLength;
  report('ours, 1 thread (line count pass + parse)', mb, single, matrixBytes);
  console.log(`  shape ${single.result.rows} × ${single.result.cols}; mean ${mean(single.result.values).toFixed(4)}`);
  const checksum = sum(single.result.values);
  single.result.values = new Float32Array(0);

  let best = mb / single.seconds;
  if (workers > 1) {
    const parallel = await measure(() => parseInWorkers(target, bytes, workers));
    report(`ours, ${workers} worker_threads (joined)`, mb, parallel, matrixBytes);
    if (Math.abs(sum(parallel.result.values) - checksum) > 1e-3 * Math.abs(checksum)) throw new Error('parallel result differs');
    best = Math.max(best, mb / parallel.seconds);
  }

  if (!args.includes('--no-python')) {
    const pandas = python(target, 'pandas');
    if (pandas) {
      console.log(`pandas read_csv (C engine): ${pandas.toFixed(2)} s, ${(mb / pandas).toFixed(1)} MB/s`);
      console.log(`ratio ours/pandas: ${(best / (mb / pandas)).toFixed(2)}× (target ≥ 3×)`);
    } else {
      console.log('pandas is not installed (python3 -c "import pandas" fails): pandas comparison skipped.');
      const numpy = python(target, 'numpy');
      if (numpy) {
        console.log(`numpy.loadtxt (reference only, slower than pandas): ${numpy.toFixed(2)} s, ${(mb / numpy).toFixed(1)} MB/s`);
        console.log(`ratio ours/numpy.loadtxt: ${(best / (mb / numpy)).toFixed(2)}×`);
      }
    }
  }
}

interface Measured<T> {
  result: T;
  seconds: number;
  peakRss: number;
  baseRss: number;
}

async function measure<T>(run: () => Promise<T>): Promise<Measured<T>> {
  (globalThis as { gc?: () => void }).gc?.();
  const baseRss = process.memoryUsage().rss;
  let peakRss = baseRss;
  const timer = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 20);
  const t0 = performance.now();
  const result = await run();
  const seconds = (performance.now() - t0) / 1000;
  clearInterval(timer);
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
  return { result, seconds, peakRss, baseRss };
}

function report(label: string, mb: number, m: Measured<unknown>, matrixBytes: number): void {
  const toMb = (b: number) => (b / 2 ** 20).toFixed(0);
  console.log(`${label}: ${m.seconds.toFixed(2)} s, ${(mb / m.seconds).toFixed(1)} MB/s`);
  console.log(
    `  peak RSS ${toMb(m.peakRss)} MiB (${(m.peakRss / matrixBytes).toFixed(2)}× the ${toMb(matrixBytes)} MiB float32 matrix); ` +
      `growth over the ${toMb(m.baseRss)} MiB before: ${toMb(m.peakRss - m.baseRss)} MiB (${((m.peakRss - m.baseRss) / matrixBytes).toFixed(2)}×; target ≤ 1.5×)`,
  );
}

async function parseInWorkers(file: string, size: number, parts: number): Promise<FeatureMatrix> {
  const handle = await open(file, 'r');
  const ranges = await planFileRanges(size, parts, async (offset, length) => {
    const buf = new Uint8Array(length);
    const { bytesRead } = await handle.read(buf, 0, length, offset);
    return buf.subarray(0, bytesRead);
  });
  await handle.close();
  const self = fileURLToPath(import.meta.url);
  const results = await Promise.all(
    ranges.map(
      (r) =>
        new Promise<PartResult>((resolve) => {
          // Workers do not inherit tsx's loader: register it, then load this file as the worker.
          const boot = `import('tsx/esm/api').then((m) => { m.register(); return import(${JSON.stringify(pathToFileURL(self).href)}); })`;
          const worker = new Worker(boot, { eval: true, workerData: { file, start: r.start, end: r.end } });
          worker.once('message', (m: PartResult) => {
            resolve(m);
            void worker.terminate();
          });
          worker.once('error', (error) => resolve({ ok: false, error }));
        }),
    ),
  );
  return joinFeatureParts(results, path.basename(file));
}

/** Counts lines quickly so the output can be allocated once (as the labels file does in the app). */
async function countLines(file: string): Promise<number> {
  // One reused buffer: no garbage for the collector, so the RSS peak reflects the parse.
  const handle = await open(file, 'r');
  const buf = Buffer.allocUnsafe(HWM);
  let lines = 0;
  let last = 10;
  try {
    for (let position = 0; ; ) {
      const { bytesRead } = await handle.read(buf, 0, HWM, position);
      if (bytesRead === 0) break;
      const chunk = buf.subarray(0, bytesRead);
      for (let i = chunk.indexOf(10); i >= 0; i = chunk.indexOf(10, i + 1)) lines++;
      last = chunk[bytesRead - 1]!;
      position += bytesRead;
    }
  } finally {
    await handle.close();
  }
  return last === 10 ? lines : lines + 1;
}

async function generated(rows: number): Promise<string> {
  const file = path.join(os.tmpdir(), `zsl-bench-features-${rows}x2048.txt`);
  if (existsSync(file) && existsSync(`${file}.done`)) return file;
  console.log(`generating ${rows} × 2048 decimals into ${file} (once) …`);
  const out = createWriteStream(file);
  let state = 12345;
  const rand = () => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 4294967296);
  for (let r = 0; r < rows; r++) {
    const parts: string[] = new Array(2048);
    for (let c = 0; c < 2048; c++) {
      // Non-negative, mean ~0.45, like pooled ResNet features; six decimals.
      const v = Math.min(9.999999, -Math.log(1 - rand()) * 0.45);
      parts[c] = v.toFixed(6);
    }
    if (!out.write(parts.join(' ') + '\n')) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
  }
  await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
  createWriteStream(`${file}.done`).end();
  return file;
}

/** The first Python with `lib`: the one on PATH, then Debian's (python3-pandas installs there). */
function pythonWith(lib: string): string | null {
  for (const exe of ['python3', '/usr/bin/python3']) {
    if (spawnSync(exe, ['-c', `import ${lib}`]).status === 0) return exe;
  }
  return null;
}

function python(file: string, lib: 'pandas' | 'numpy'): number | null {
  const exe = pythonWith(lib);
  if (!exe) return null;
  const code =
    lib === 'pandas'
      ? `import time, numpy as np, pandas as pd\nt=time.perf_counter()\ndf=pd.read_csv(${JSON.stringify(file)}, sep=' ', header=None, dtype=np.float32, engine='c')\nprint(time.perf_counter()-t)`
      : `import time, numpy as np\nt=time.perf_counter()\na=np.loadtxt(${JSON.stringify(file)}, dtype=np.float32)\nprint(time.perf_counter()-t)`;
  const run = spawnSync(exe, ['-c', code], { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (run.status !== 0) {
    console.log(`${lib} failed: ${run.stderr.trim().split('\n').at(-1)}`);
    return null;
  }
  return Number(run.stdout.trim());
}

function mean(values: Float32Array): number {
  return sum(values) / Math.max(1, values.length);
}

function sum(values: Float32Array): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i]!;
  return s;
}
