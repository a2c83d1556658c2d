/**
 * Benchmark of the feature-file parse against pandas.read_csv (C engine, float32),
 * on a real AwA2-features.txt or on generated ones.
 *
 *   npx tsx scripts/bench-parse.ts [path] [--rows 37322] [--workers 2] [--kinds release,fixed] [--repeat 1] [--no-python]
 *
 * Without a path, files of --rows lines (default 37,322, the full AwA2 size) of 2,048
 * values are generated once into os.tmpdir() and reused (scripts/feature-text.ts):
 * "release" prints them as the AwA2 release does (C's %g: 0.00357558, 4.5118e-08,
 * 12.5; ~730 MB), "fixed" with six decimals (0.123456; ~690 MB).
 *
 * The row count is given to the parser as the app gives it (build-dataset.ts reads
 * the labels file first and passes `rows: labels.length`): for a generated file it
 * is --rows; for a path without --rows it is counted once before any timing. Each
 * measurement runs in a fresh child process, so its peak RSS (getrusage maxrss) is
 * its own: time and memory cover everything from the first byte read to the
 * finished Float32Array. Two of our paths: one thread (parseFeatureStream, what a
 * page that is not cross-origin isolated runs) and the command line's shipped path
 * (src/cli/feature-workers.ts parallelFeatureParser: --workers worker_threads into
 * one SharedArrayBuffer, their start and shutdown included; the app's worker runs
 * the same parallel-parse.ts with Web Workers, measured by bench-browser.ts). The
 * parallel result is checked bit for bit against the single-thread one.
 * Node script: not part of the app bundle.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { nodeFile } from '../src/cli/node-files.ts';
import { parseFeatureStream, type FeatureMatrix } from '../src/core/io/features/feature-parser.ts';
import { parallelFeatureParser } from '../src/cli/feature-workers.ts';
import { ensureFeatureFile, type TokenStyle } from './feature-text.ts';
import { pythonWith, referenceSeconds } from './parse-references.ts';

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
  const kinds = (flag('--kinds') ?? 'release,fixed').split(',') as TokenStyle[];
  console.log(`machine: ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? '?'}), load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}; node ${process.version}`);
  const python = args.includes('--no-python') ? null : pythonWith('pandas');
  if (!python && !args.includes('--no-python')) console.log('pandas is not installed (python3 -c "import pandas" fails): pandas comparison skipped.');
  if (explicitPath) {
    const hint = rowsFlag === undefined ? countLines(explicitPath) : Number(rowsFlag);
    console.log(`file: ${explicitPath} (${(statSync(explicitPath).size / 1e6).toFixed(1)} MB); row count ${hint} ${rowsFlag === undefined ? 'counted once before timing (the app takes it from the labels file)' : 'given'}`);
    await benchFile('given', explicitPath, hint, workers, repeat, python);
    return;
  }
  const rows = Number(rowsFlag ?? 37_322);
  for (const kind of kinds) {
    const target = await ensureFeatureFile(rows, kind);
    console.log(`file: ${target} (${(statSync(target).size / 1e6).toFixed(1)} MB, ${kind === 'release' ? "%g tokens as the AwA2 release prints them" : 'fixed six-decimal tokens'}); row count ${rows} given up front, as the app gives labels.length`);
    await benchFile(kind, target, rows, workers, repeat, python);
  }
}

/** Measures one file: our two paths and pandas, each in a fresh process; prints lines that start with `[kind]`. */
async function benchFile(kind: string, target: string, hint: number, workers: number, repeat: number, python: string | null): Promise<void> {
  const mb = statSync(target).size / 1e6;
  const best = new Map<string, PhaseResult>();
  const pandasTimes: { wall: number; cpu: number }[] = [];
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
  const tag = `[${kind}]`;
  const line = (label: string, m: PhaseResult) => {
    console.log(
      `${tag} ${label}: ${m.seconds.toFixed(2)} s, ${(mb / m.seconds).toFixed(1)} MB/s${repeat > 1 ? ` (best of ${repeat})` : ''}; ` +
        `CPU time ${m.cpuSeconds.toFixed(2)} s (all threads); peak RSS ${toMiB(m.peakRss)} MiB = ${(m.peakRss / matrixBytes).toFixed(2)}× the ${toMiB(matrixBytes)} MiB float32 matrix (target ≤ 1.5×; ${toMiB(m.baseRss)} MiB of it is Node + tsx before the parse)`,
    );
  };
  line('ours, 1 thread (parseFeatureStream: a page that is not cross-origin isolated)', single);
  const parallel = best.get('workers');
  if (parallel) {
    line(`ours, ${workers} worker_threads into one SharedArrayBuffer (the shipped CLI path, starting them included)`, parallel);
    const same = parallel.hash === single.hash && parallel.rows === single.rows && parallel.cols === single.cols;
    console.log(`${tag}   shape ${single.rows} × ${single.cols}; parallel result ${same ? 'bit-identical to' : 'DIFFERS from'} the single-thread one${parallel.shared ? ', in a SharedArrayBuffer' : ''}${parallel.fallback ? `; fell back: ${parallel.fallback}` : ''}`);
    if (!same) process.exitCode = 1;
    if (parallel.seconds > 0.8 * single.seconds) {
      console.log(`${tag}   note: the workers only help when the CPUs are free (load average now ${os.loadavg()[0]!.toFixed(1)} on ${os.cpus().length} CPUs)`);
    }
  }
  const shipped = parallel ?? single;
  if (!python || pandasTimes.length === 0) return;
  const pandas = Math.min(...pandasTimes.map((t) => t.wall));
  const pandasCpu = Math.min(...pandasTimes.map((t) => t.cpu));
  console.log(`${tag} pandas read_csv (C engine, float32): ${pandas.toFixed(2)} s, ${(mb / pandas).toFixed(1)} MB/s${repeat > 1 ? ` (best of ${repeat})` : ''}; CPU time ${pandasCpu.toFixed(2)} s`);
  console.log(
    `${tag} ratio to pandas (wall, same run): shipped path ${(pandas / shipped.seconds).toFixed(2)}× (target ≥ 3×); one thread ${(pandas / single.seconds).toFixed(2)}×; ` +
      `CPU time, one thread / pandas ${(pandasCpu / single.cpuSeconds).toFixed(2)}×`,
  );
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
    const parse = parallelFeatureParser(workers);
    m = await parse(nodeFile(file, path.basename(file), size), {
      file: path.basename(file),
      rows: hint,
      bytesTotal: size,
      onNote: (note) => {
        if (!/^\d+ threads$/.test(note)) fallback = note;
      },
    });
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

