/**
 * Benchmark of the text feature parser (src/core/io/features/feature-parser.ts) against
 * pandas.read_csv (C engine, float32), on a real AwA2-features.txt or a generated one.
 *
 *   npx tsx scripts/bench-parse.ts [path] [--rows 37322] [--workers 2] [--repeat 1] [--no-python]
 *
 * Without a path, a file of --rows lines (default 37,322, the full AwA2 size, ~688 MB)
 * of 2,048 decimals like "0.123456" (non-negative, mean ~0.45) is generated once into
 * os.tmpdir() and reused.
 *
 * The row count is given to the parser as the app gives it (build-dataset.ts reads
 * the labels file first and passes `rows: labels.length`): for the generated file it
 * is --rows; for a path without --rows it is counted once before any timing. Each
 * measurement runs in a fresh child process, so its peak RSS (getrusage maxrss) is
 * its own: time and memory cover everything from the first byte read to the
 * finished Float32Array (for workers: bundling the worker code, starting the
 * worker_threads, the parse, shutting them down). The parallel result is checked
 * bit for bit against the single-thread one (a hash of the float32 bits).
 * Node script: not part of the app bundle.
 */
import { spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, openSync, readSync, closeSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { nodeFile } from '../src/cli/node-files.ts';
import { parseFeatureStream, type FeatureMatrix } from '../src/core/io/features/feature-parser.ts';
import { parseFeatureFileInWorkers } from './feature-parse-workers.ts';

interface PhaseResult {
  seconds: number;
  /** CPU time of the whole process over the same span (all threads: user + system). */
  cpuSeconds: number;
  /** Peak RSS of the whole child process (all threads), bytes. */
  peakRss: number;
  /** RSS just before the parse (Node, tsx and the modules loaded), bytes. */
  baseRss: number;
  rows: number;
  cols: number;
  hash: string;
  mean: number;
  shared: boolean;
  fallback: string | null;
}

const args = process.argv.slice(2);
const flag = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};

if (flag('--phase')) await phase(flag('--phase')!, flag('--file')!, Number(flag('--hint')), Number(flag('--workers') ?? 2));
else await main();

async function main(): Promise<void> {
  const workers = Number(flag('--workers') ?? 2);
  const repeat = Math.max(1, Number(flag('--repeat') ?? 1));
  const explicitPath = args.find((a, i) => !a.startsWith('--') && !args[i - 1]?.startsWith('--'));
  const rowsFlag = flag('--rows');
  const target = explicitPath ?? (await generated(Number(rowsFlag ?? 37_322)));
  const bytes = statSync(target).size;
  const mb = bytes / 1e6;
  let hint: number;
  if (explicitPath && rowsFlag === undefined) {
    hint = countLines(target);
    console.log(`file: ${target} (${mb.toFixed(1)} MB); row count ${hint} counted once before timing (the app takes it from the labels file)`);
  } else {
    hint = Number(rowsFlag ?? 37_322);
    console.log(`file: ${target} (${mb.toFixed(1)} MB); row count ${hint} given up front, as the app gives labels.length (no line-count pass)`);
  }
  console.log(`machine: ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? '?'}), load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}; node ${process.version}`);

  const best = new Map<string, PhaseResult>();
  const pandasTimes: { wall: number; cpu: number }[] = [];
  const python = args.includes('--no-python') ? null : pythonWith('pandas');
  for (let r = 0; r < repeat; r++) {
    for (const name of ['single', ...(workers > 1 ? ['workers'] : [])]) {
      const result = runPhase(name, target, hint, workers);
      const prev = best.get(name);
      if (!prev || result.seconds < prev.seconds) best.set(name, { ...result, peakRss: Math.max(result.peakRss, prev?.peakRss ?? 0) });
      else prev.peakRss = Math.max(prev.peakRss, result.peakRss);
    }
    if (python) {
      const t = referenceSeconds(python, target, 'pandas');
      if (t !== null) pandasTimes.push(t);
    }
  }

  const single = best.get('single')!;
  const matrixBytes = single.rows * single.cols * 4;
  const toMiB = (b: number) => (b / 2 ** 20).toFixed(0);
  const line = (label: string, m: PhaseResult) => {
    console.log(
      `${label}: ${m.seconds.toFixed(2)} s, ${(mb / m.seconds).toFixed(1)} MB/s${repeat > 1 ? ` (best of ${repeat})` : ''}; ` +
        `CPU time ${m.cpuSeconds.toFixed(2)} s (all threads)`,
    );
    console.log(
      `  peak RSS ${toMiB(m.peakRss)} MiB = ${(m.peakRss / matrixBytes).toFixed(2)}× the ${toMiB(matrixBytes)} MiB float32 matrix (target ≤ 1.5×); ` +
        `${toMiB(m.baseRss)} MiB of it is Node + tsx before the parse`,
    );
  };
  line('ours, 1 thread (parseFeatureStream, row hint, the app path)', single);
  console.log(`  shape ${single.rows} × ${single.cols}; mean ${single.mean.toFixed(4)}`);
  let ours = mb / single.seconds;
  const parallel = best.get('workers');
  if (parallel) {
    line(`ours, ${workers} worker_threads into one SharedArrayBuffer (includes starting them)`, parallel);
    const same = parallel.hash === single.hash && parallel.rows === single.rows && parallel.cols === single.cols;
    console.log(`  result ${same ? 'bit-identical to' : 'DIFFERS from'} the single-thread one${parallel.shared ? ', in a SharedArrayBuffer' : ''}${parallel.fallback ? `; fell back: ${parallel.fallback}` : ''}`);
    if (!same) process.exitCode = 1;
    ours = Math.max(ours, mb / parallel.seconds);
  }

  if (parallel && parallel.seconds > 0.8 * single.seconds) {
    console.log(
      `  note: the workers only help when the CPUs are free (load average now ${os.loadavg()[0]!.toFixed(1)} on ${os.cpus().length} CPUs); ` +
        `their CPU time / ${workers} is ${(parallel.cpuSeconds / workers).toFixed(2)} s`,
    );
  }
  if (args.includes('--no-python')) return;
  if (!python) {
    console.log('pandas is not installed (python3 -c "import pandas" fails): pandas comparison skipped.');
    const numpy = pythonWith('numpy');
    const t = numpy ? referenceSeconds(numpy, target, 'numpy') : null;
    if (t) console.log(`numpy.loadtxt (reference only, slower than pandas): ${t.wall.toFixed(2)} s, ${(mb / t.wall).toFixed(1)} MB/s; ratio ours/numpy: ${(ours / (mb / t.wall)).toFixed(2)}×`);
    return;
  }
  if (pandasTimes.length === 0) return;
  const pandas = Math.min(...pandasTimes.map((t) => t.wall));
  const pandasCpu = Math.min(...pandasTimes.map((t) => t.cpu));
  console.log(
    `pandas read_csv (C engine, float32): ${pandas.toFixed(2)} s, ${(mb / pandas).toFixed(1)} MB/s${repeat > 1 ? ` (best of ${repeat})` : ''}; CPU time ${pandasCpu.toFixed(2)} s`,
  );
  console.log(`ratio ours (best mode) / pandas: ${(ours / (mb / pandas)).toFixed(2)}× (target ≥ 3×); single thread alone: ${(pandas / single.seconds).toFixed(2)}×`);
  // CPU time barely depends on what else the machine runs: a steadier view of the same comparison.
  console.log(`CPU-time ratio, single thread / pandas: ${(pandasCpu / single.cpuSeconds).toFixed(2)}×`);
  if (parallel) {
    console.log(
      `CPU-time ratio, ${workers} workers / pandas, counting their CPU time / ${workers} (what the wall time would be on ${workers} free CPUs): ` +
        `${((pandasCpu * workers) / parallel.cpuSeconds).toFixed(2)}×`,
    );
  }
}

/** Runs one measurement in a fresh Node process (same tsx loader flags) and reads its JSON line. */
function runPhase(name: string, file: string, hint: number, workers: number): PhaseResult {
  const self = fileURLToPath(import.meta.url);
  const run = spawnSync(
    process.execPath,
    [...process.execArgv, self, '--phase', name, '--file', file, '--hint', String(hint), '--workers', String(workers)],
    { encoding: 'utf8', maxBuffer: 1 << 20 },
  );
  const last = run.stdout.trim().split('\n').at(-1) ?? '';
  if (run.status !== 0 || !last.startsWith('{')) throw new Error(`phase ${name} failed: ${run.stderr || run.stdout}`);
  return JSON.parse(last) as PhaseResult;
}

async function phase(name: string, file: string, hint: number, workers: number): Promise<void> {
  const size = statSync(file).size;
  let fallback: string | null = null;
  const baseRss = process.memoryUsage().rss;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let m: FeatureMatrix;
  if (name === 'single') {
    m = await parseFeatureStream(nodeFile(file, path.basename(file), size).stream(), { file: path.basename(file), rows: hint, bytesTotal: size });
  } else {
    m = await parseFeatureFileInWorkers(file, { rows: hint, workers, onFallback: (reason) => (fallback = reason) });
  }
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const peakRss = process.resourceUsage().maxRSS * 1024;
  const result: PhaseResult = {
    seconds,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    peakRss,
    baseRss,
    rows: m.rows,
    cols: m.cols,
    hash: hashBits(m.values),
    mean: mean(m.values),
    shared: m.values.buffer instanceof SharedArrayBuffer,
    fallback,
  };
  console.log(JSON.stringify(result));
}

/** FNV-1a over the float32 bit patterns (two lanes, so it is quick): equal hashes mean identical values. */
function hashBits(values: Float32Array): string {
  const bits = new Uint32Array(values.buffer, values.byteOffset, values.length);
  let a = 0x811c9dc5;
  let b = 0x01000193;
  for (let i = 0; i < bits.length; i++) {
    const v = bits[i]!;
    a = Math.imul(a ^ v, 0x01000193);
    b = Math.imul(b ^ (v >>> 7), 0x5bd1e995) ^ i;
  }
  return `${(a >>> 0).toString(16)}-${(b >>> 0).toString(16)}-${values.length}`;
}

function mean(values: Float32Array): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i]!;
  return s / Math.max(1, values.length);
}

/** Lines in a file (used only for a path given without --rows, before any timing). */
function countLines(file: string): number {
  const fd = openSync(file, 'r');
  const buf = Buffer.allocUnsafe(1 << 20);
  let lines = 0;
  let last = 10;
  try {
    for (let position = 0; ; ) {
      const n = readSync(fd, buf, 0, buf.length, position);
      if (n === 0) break;
      const chunk = buf.subarray(0, n);
      for (let i = chunk.indexOf(10); i >= 0; i = chunk.indexOf(10, i + 1)) lines++;
      last = chunk[n - 1]!;
      position += n;
    }
  } finally {
    closeSync(fd);
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

/** Wall and CPU seconds of the reference reader, or null. */
function referenceSeconds(exe: string, file: string, lib: 'pandas' | 'numpy'): { wall: number; cpu: number } | null {
  const code =
    lib === 'pandas'
      ? `import time, numpy as np, pandas as pd\nt=time.perf_counter()\nc=time.process_time()\ndf=pd.read_csv(${JSON.stringify(file)}, sep=' ', header=None, dtype=np.float32, engine='c')\nprint(time.perf_counter()-t, time.process_time()-c)`
      : `import time, numpy as np\nt=time.perf_counter()\nc=time.process_time()\na=np.loadtxt(${JSON.stringify(file)}, dtype=np.float32)\nprint(time.perf_counter()-t, time.process_time()-c)`;
  const run = spawnSync(exe, ['-c', code], { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (run.status !== 0) {
    console.log(`${lib} failed: ${run.stderr.trim().split('\n').at(-1)}`);
    return null;
  }
  const [wall, cpu] = run.stdout.trim().split(/\s+/).map(Number);
  return { wall: wall!, cpu: cpu! };
}
