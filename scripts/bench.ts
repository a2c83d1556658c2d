/**
 * The whole benchmark suite (`npm run bench`; not part of `npm test`). Runs, in order:
 *   1. the parse bench        scripts/bench-parse.ts          (full-size AwA2 feature file vs pandas)
 *   2. the closed-form bench  scripts/bench-closed-form.ts    (--quick unless --full)
 *   3. the Node training bench scripts/bench-train.ts         (cpu, wasm, webgpu on Dawn)
 *   4. the browser bench      scripts/bench-browser.ts        (headless Chromium: per-backend steps, memory, responsiveness)
 *   5. time to the seed's accuracy level  scripts/bench-time-to-accuracy.ts (every method, and the
 *      seed's own PyTorch training on the same data when Debian's python3-torch is importable)
 *   6. the embedding search      scripts/bench-search.ts         (AwA2's test set against 50 classes, vs plain JS)
 *   7. dropped picture → top-5   scripts/bench-photo.ts          (production build in Chromium, picture demo)
 *   8. when python3-torch is importable, the seed method's own PyTorch training step at the
 *      same shapes, as a reference, with the ratios to it
 * and writes one markdown report of everything measured in this run, with the machine and
 * the versions, into BENCHMARKS.md between its `<!-- bench:start -->` and `<!-- bench:end -->`
 * markers (or to --out FILE, whole).
 *
 *   npx tsx scripts/bench.ts [--full] [--only parse,closed-form,train,browser,accuracy-time,torch]
 *       [--steps 3]                      timed steps of the Node training bench
 *       [--browser-steps 2] [--methods semantic-mlp,devise,...] [--backends webgpu,webgl,wasm,cpu] [--epochs 3]
 *       [--accuracy-scale 1] [--install-references] [--out FILE]
 * --install-references: apt-get install python3-pandas python3-torch first (root, Debian).
 *
 * With the defaults it takes roughly 15–25 minutes on 2 CPU cores (the parse bench's
 * first run also generates a 688 MB file into the temp folder).
 */
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { browserMarkdown, type BrowserBenchResult } from './bench-browser.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const flag = (name: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const ALL = ['parse', 'closed-form', 'train', 'browser', 'accuracy-time', 'search', 'photo', 'torch'];
const only = new Set((flag('only') ?? ALL.join(',')).split(','));
const full = args.includes('--full');
const nodeSteps = flag('steps') ?? '3';
const browserSteps = flag('browser-steps') ?? '2';
const out = flag('out') ? path.resolve(root, flag('out')!) : null;
const BENCHMARKS = path.join(root, 'BENCHMARKS.md');
const START = '<!-- bench:start -->';
const END = '<!-- bench:end -->';
const passThrough = (name: string) => (flag(name) ? [`--${name}`, flag(name)!] : []);

interface Part {
  title: string;
  command: string;
  seconds: number;
  status: number | null;
  output: string;
  markdown: string;
}
const parts: Part[] = [];

/** Runs a bench script with tsx, echoing its output as it comes, and keeps the output. */
function runScript(script: string, scriptArgs: string[]): Promise<{ seconds: number; status: number | null; output: string; command: string }> {
  const command = `npx tsx ${script} ${scriptArgs.join(' ')}`.trim();
  console.log(`\n$ ${command}`);
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn('npx', ['tsx', script, ...scriptArgs], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const take = (chunk: Buffer) => {
      process.stdout.write(chunk);
      output += chunk.toString();
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    child.on('close', (status) => resolve({ seconds: (performance.now() - started) / 1000, status, output, command }));
  });
}

const codeBlock = (text: string) => ['```text', text.trim(), '```'].join('\n');

async function parseBench(): Promise<void> {
  const r = await runScript('scripts/bench-parse.ts', []);
  const keep = r.output.split('\n').filter((l) => /^(file:|machine:|ours|  peak RSS|  result|pandas|ratio|CPU-time ratio|numpy)/.test(l));
  parts.push({ title: 'Parsing the AwA2 feature file', ...r, markdown: codeBlock(keep.join('\n')) });
}

async function closedFormBench(): Promise<void> {
  const r = await runScript('scripts/bench-closed-form.ts', full ? [] : ['--quick']);
  const rows = r.output
    .split('\n')
    .map((l) => /^(ESZSL|SAE)\s+n=(\d+) D=(\d+): ([\d.]+) s\s+\((.*)\)/.exec(l))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => `| ${m[1]} | ${Number(m[2]).toLocaleString('en')} × ${Number(m[3]).toLocaleString('en')} | ${m[4]} | ${m[5]} |`);
  const markdown = [
    full ? 'All sizes up to AwA2 (23,527 × 2,048).' : 'With --quick: sizes up to 23,527 × 1,024 (`--full` adds 23,527 × 2,048).',
    '',
    '| method | n × D | seconds | phases |',
    '| --- | --- | --- | --- |',
    ...rows,
  ].join('\n');
  parts.push({ title: 'Closed forms (tfjs cpu under Node)', ...r, markdown });
}

interface StepRow {
  method: string;
  backend: string;
  stepMs: number;
  epochS: number;
  /** The device reported errors while these steps ran: the time is not the time of a real step. */
  invalid?: boolean;
}
const nodeRows: StepRow[] = [];

async function trainBench(): Promise<void> {
  const r = await runScript('scripts/bench-train.ts', ['--steps', nodeSteps, ...passThrough('methods')]);
  const tail = r.output.slice(r.output.lastIndexOf('| method | backend |'));
  for (const line of tail.split('\n')) {
    const m = /^\| (\w+) \| (\w+) \| \d+ \| ([\d.]+) \| \d+ \| ([\d.]+) \|$/.exec(line.trim());
    if (m) nodeRows.push({ method: m[1]!, backend: m[2]!, stepMs: Number(m[3]), epochS: Number(m[4]) });
  }
  const unavailable = r.output.split('\n').filter((l) => /unavailable here/.test(l));
  // Dawn prints WebGPU validation errors instead of throwing: steps that failed on the device would look fast.
  const validation = r.output.split('\n').filter((l) => /^validation:/.test(l)).length;
  const firstError = /^validation:\n(.*)$/m.exec(r.output)?.[1];
  if (validation > 0) {
    for (const row of nodeRows) if (row.backend === 'webgpu') row.invalid = true;
    unavailable.push(
      `webgpu under Node: ${validation} WebGPU validation errors during the run (first: "${firstError}"), so its rows are marked invalid: ` +
        'the failed commands did no work. (Dawn on lavapipe offers a 128 MiB storage-buffer binding; the 23,527 × 2,048 float32 features take 184 MiB.)',
    );
  }
  parts.push({
    title: `Training steps at AwA2 shapes under Node (${nodeSteps} timed steps after 2 warm-up steps)`,
    ...r,
    markdown: [pivot(nodeRows, ['cpu', 'wasm', 'webgpu']), ...unavailable.map((l) => `\n${l}`)].join('\n'),
  });
}

/** method rows × backend columns of ms/step and s/epoch, plus each backend's ratio to wasm. */
function pivot(rows: StepRow[], backends: string[]): string {
  const present = backends.filter((b) => rows.some((r) => r.backend === b));
  const methods = [...new Set(rows.map((r) => r.method))];
  const get = (m: string, b: string) => rows.find((r) => r.method === m && r.backend === b);
  const header = ['method', ...present.flatMap((b) => [`${b} ms/step`, `${b} s/epoch`]), ...present.filter((b) => b !== 'wasm' && present.includes('wasm')).map((b) => `${b} / wasm`)];
  const lines = [`| ${header.join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`];
  for (const m of methods) {
    const cells = present.flatMap((b) => {
      const r = get(m, b);
      if (!r) return ['–', '–'];
      return r.invalid ? [`~~${r.stepMs.toFixed(1)}~~ invalid`, `~~${r.epochS.toFixed(1)}~~`] : [r.stepMs.toFixed(1), r.epochS.toFixed(1)];
    });
    const ratios = present
      .filter((b) => b !== 'wasm' && present.includes('wasm'))
      .map((b) => {
        const r = get(m, b);
        const w = get(m, 'wasm');
        return r && w && !r.invalid && !w.invalid ? `${(r.stepMs / w.stepMs).toFixed(2)}×` : '–';
      });
    lines.push(`| ${[m, ...cells, ...ratios].join(' | ')} |`);
  }
  return lines.join('\n');
}

let browserResult: BrowserBenchResult | null = null;
async function browserBench(): Promise<void> {
  const json = path.join(os.tmpdir(), `zss-bench-browser-${process.pid}.json`);
  const r = await runScript('scripts/bench-browser.ts', [
    '--steps', browserSteps, ...passThrough('methods'), ...passThrough('backends'), ...passThrough('epochs'), ...passThrough('timeout'), '--json', json,
  ]);
  try {
    browserResult = JSON.parse(readFileSync(json, 'utf8')) as BrowserBenchResult;
  } catch {
    browserResult = null;
  }
  const markdown = browserResult
    ? [pivot(browserResult.training.map((t) => ({ ...t, invalid: Boolean(t.gpuErrors) })), ['webgpu', 'webgl', 'wasm', 'cpu']), '', 'Every row, with memory:', '', browserMarkdown(browserResult)].join('\n')
    : codeBlock(r.output.split('\n').slice(-30).join('\n'));
  parts.push({ title: 'In the browser (headless Chromium, `scripts/bench-browser.ts`)', ...r, markdown });
}

interface TimeRow {
  method: string;
  where: string;
  secondsToLevel: number | null;
}
async function accuracyTimeBench(): Promise<void> {
  const json = path.join(os.tmpdir(), `zss-bench-accuracy-${process.pid}.json`);
  const scale = flag('accuracy-scale') ?? '1';
  const r = await runScript('scripts/bench-time-to-accuracy.ts', ['--scale', scale, '--json', json]);
  const table = r.output.slice(r.output.indexOf('| method | where |')).split('\n').filter((l) => l.startsWith('|'));
  let verdict = '';
  try {
    const result = JSON.parse(readFileSync(json, 'utf8')) as { rows: TimeRow[]; level: number };
    const torch = result.rows.find((row) => row.where.startsWith('torch'));
    const verdicts = result.rows
      .filter((row) => !row.where.startsWith('torch') && ['semantic-mlp', 'cvae'].includes(row.method))
      .map((row) =>
        torch?.secondsToLevel && row.secondsToLevel !== null
          ? `${row.method}: ${(row.secondsToLevel / torch.secondsToLevel).toFixed(2)}× the PyTorch seed's time (target ≤ 0.20×: ${row.secondsToLevel / torch.secondsToLevel <= 0.2 ? 'met' : 'not met'})`
          : `${row.method}: no ratio (${row.secondsToLevel === null ? 'level not reached' : 'no PyTorch reference'})`,
      );
    verdict = `Target "the seed's method and the generative method reach the level in at most a fifth of the PyTorch seed's time": ${verdicts.join('; ')}.`;
  } catch {
    verdict = 'No result file: see the command\'s output.';
  }
  parts.push({
    title: `Time to the seed's accuracy level (u ≥ 32 %, data at ${scale}× AwA2)`,
    ...r,
    markdown: [table.join('\n'), '', verdict].join('\n'),
  });
}

async function searchBench(): Promise<void> {
  const r = await runScript('scripts/bench-search.ts', []);
  const lines = r.output.split('\n');
  const title = lines.find((l) => l.startsWith('Embedding search:')) ?? '';
  parts.push({ title: 'Embedding search', ...r, markdown: [title, '', ...lines.filter((l) => l.startsWith('|'))].join('\n') });
}

async function photoBench(): Promise<void> {
  const r = await runScript('scripts/bench-photo.ts', []);
  const keep = r.output.split('\n').filter((l) => /^(drop → top-5|median)/.test(l));
  parts.push({ title: 'Dropped picture → top-5 (picture demo, ESZSL, WebGPU on SwiftShader)', ...r, markdown: codeBlock(keep.join('\n')) });
}

/** The seed notebook's semantic MLP in PyTorch, same shapes and settings as src/core/methods/semantic-mlp.ts. */
const TORCH_SEED = `
import time, sys, torch
N, D, A, Z, B = 23527, 2048, 85, 40, 64
steps, warm = int(sys.argv[1]), 2
torch.manual_seed(1)
X = torch.clamp(torch.randn(N, D) * 0.5 + 0.45, min=0)
y = torch.arange(N) % Z
S = torch.randn(Z, A)
net = torch.nn.Sequential(torch.nn.Dropout(0.3), torch.nn.Linear(A, 1024), torch.nn.ReLU(), torch.nn.Dropout(0.5), torch.nn.Linear(1024, D), torch.nn.ReLU())
opt = torch.optim.AdamW(net.parameters(), lr=1e-4, weight_decay=9e-5)
order = torch.randperm(N)
def step(i):
    idx = order[(i * B) % N:(i * B) % N + B]
    loss = torch.nn.functional.mse_loss(net(S[y[idx]]), X[idx])
    opt.zero_grad(); loss.backward()
    torch.nn.utils.clip_grad_value_(net.parameters(), 5); opt.step()
    return loss.item()
for i in range(warm): step(i)
t = time.perf_counter()
for i in range(steps): step(warm + i)
ms = (time.perf_counter() - t) / steps * 1000
print(f"torch {torch.__version__} cpu, {torch.get_num_threads()} threads: {ms:.2f} ms/step, {ms * ((N + B - 1) // B) / 1000:.2f} s/epoch")
`;
async function torchReference(): Promise<void> {
  const probe = spawnSync('/usr/bin/python3', ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8' });
  if (probe.status !== 0) {
    const why = probe.error ? String(probe.error) : (probe.stderr.trim().split('\n').at(-1) ?? 'import failed');
    console.log(`\nPyTorch reference: skipped (/usr/bin/python3 -c 'import torch' fails: ${why}); Debian's python3-torch is not installed.`);
    parts.push({
      title: 'PyTorch reference (the seed notebook\'s own training step)',
      command: "/usr/bin/python3 -c 'import torch'",
      seconds: 0,
      status: null, // skipped, not failed
      output: why,
      markdown: `Not measured: Debian's \`python3-torch\` is not importable here (\`${why}\`). When it is, this part times the seed's MLP step in PyTorch (CPU) at the same shapes and gives the ratios of the tfjs rows to it.`,
    });
    return;
  }
  const steps = '20';
  console.log(`\n$ /usr/bin/python3 - ${steps}   (torch ${probe.stdout.trim()}, the seed's step)`);
  const started = performance.now();
  const run = spawnSync('/usr/bin/python3', ['-', steps], { input: TORCH_SEED, encoding: 'utf8' });
  const output = `${run.stdout}${run.stderr}`;
  console.log(output.trim());
  const ms = Number(/([\d.]+) ms\/step/.exec(run.stdout)?.[1] ?? NaN);
  const ratios = [...nodeRows.map((r) => ({ ...r, where: 'Node' })), ...(browserResult?.training ?? []).map((r) => ({ ...r, where: 'Chromium' }))]
    .filter((r) => r.method === 'semantic-mlp' && Number.isFinite(ms) && !('invalid' in r && r.invalid) && !('gpuErrors' in r && r.gpuErrors))
    .map((r) => `${r.where} ${r.backend} ${(r.stepMs / ms).toFixed(2)}×`);
  parts.push({
    title: 'PyTorch reference (the seed notebook\'s own training step)',
    command: "/usr/bin/python3 - (inline script in scripts/bench.ts)",
    seconds: (performance.now() - started) / 1000,
    status: run.status,
    output,
    markdown: [codeBlock(output), '', ratios.length ? `Seed step time relative to PyTorch, same run: ${ratios.join('; ')}.` : 'No seed rows to compare.'].join('\n'),
  });
}

function versions(): string[] {
  const pkg = (name: string) => {
    try {
      return (JSON.parse(readFileSync(path.join(root, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
    } catch {
      return '?';
    }
  };
  const chromium = browserResult?.chromium ?? (spawnSync('/usr/bin/chromium', ['--version'], { encoding: 'utf8' }).stdout ?? '').trim();
  return [
    `- Machine: ${os.cpus()[0]?.model ?? '?'}, ${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB memory; load average at the end ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`,
    `- Node ${process.version}, tfjs ${pkg('@tensorflow/tfjs')} (webgpu ${pkg('@tensorflow/tfjs-backend-webgpu')}, wasm ${pkg('@tensorflow/tfjs-backend-wasm')}), Vite ${pkg('vite')}, Playwright ${pkg('playwright')}, Chromium ${chromium || 'not found'}`,
    `- Date: ${new Date().toISOString().replace('T', ' ').slice(0, 16)} UTC`,
  ];
}

// A fresh machine after `npm install`: the browser parts need Debian's chromium, WebGPU under
// Node needs lavapipe (the same script npm test runs). The Python references are optional.
const deps = spawnSync('bash', ['scripts/ensure-system-deps.sh'], { cwd: root, stdio: 'inherit' });
if (deps.status !== 0) {
  console.error('The benchmarks need the system packages above; nothing was measured.');
  process.exit(1);
}
if (args.includes('--install-references')) {
  const apt = spawnSync('bash', ['-c', 'apt-get install -y -qq python3-pandas python3-torch >/dev/null'], { stdio: 'inherit' });
  if (apt.status !== 0) console.log('Could not install python3-pandas and python3-torch (needs root and Debian); their rows will be skipped.');
}

const started = performance.now();
if (only.has('parse')) await parseBench();
if (only.has('closed-form')) await closedFormBench();
if (only.has('train')) await trainBench();
if (only.has('browser')) await browserBench();
if (only.has('accuracy-time')) await accuracyTimeBench();
if (only.has('search')) await searchBench();
if (only.has('photo')) await photoBench();
if (only.has('torch')) await torchReference();

const report = [
  '## Benchmark suite, one run (`npm run bench`)',
  '',
  `Everything below was measured in one run of \`${['npx tsx scripts/bench.ts', ...args].join(' ')}\` (${((performance.now() - started) / 60_000).toFixed(1)} min), parts: ${[...only].filter((p) => ALL.includes(p)).join(', ')}.`,
  '',
  ...versions(),
  '',
  'How to read it:',
  '- No GPU here: WebGPU and WebGL in Chromium run on SwiftShader, and WebGPU under Node on lavapipe; all are CPU figures on 2 shared cores.',
  '- Step times: a warm-up, then a few timed steps (each waits for the device once at the end), scaled to one epoch (368 steps of 64 at 23,527 images). Few steps make them noisy; the machine was shared with other jobs.',
  '- In Chromium the trainers are the app\'s own (src/core RUNNERS) in a bench-only worker (bench/worker.ts) that registers the backends exactly as src/worker/worker.ts does; the app\'s worker protocol has no request that loads a synthetic AwA2-sized dataset, so the app\'s worker itself is timed only in the responsiveness part (the demo).',
  '- Memory: tf.memory() after every step (numBytes, numTensors; numBytesInGPU is what tfjs reports for webgpu/webgl buffers), and the resident memory of this browser\'s renderer and GPU processes from /proc. performance.memory is not exposed in a dedicated worker in Chromium.',
  '- Responsiveness: the production build (vite preview) trains the demo on WebGPU; like tests/e2e/train-demo.test.ts, SwiftShader\'s GPU process and the worker threads run at nice 19 (only this browser\'s processes are reniced), so the main thread is measured as if the GPU and the worker had cores of their own.',
  ...parts.flatMap((p) => [
    '',
    `### ${p.title}`,
    '',
    `\`${p.command}\`: ${p.seconds.toFixed(0)} s${p.status ? `, exit status ${p.status}` : ''}`,
    '',
    p.markdown,
  ]),
  '',
].join('\n');
if (out) {
  writeFileSync(out, report);
} else {
  // The suite's section of BENCHMARKS.md is replaced; everything around it is kept.
  const current = readFileSync(BENCHMARKS, 'utf8');
  const [start, end] = [current.indexOf(START), current.indexOf(END)];
  if (start < 0 || end < start) throw new Error(`BENCHMARKS.md lacks the ${START} … ${END} markers; pass --out FILE to write elsewhere.`);
  writeFileSync(BENCHMARKS, `${current.slice(0, start + START.length)}\n${report}\n${current.slice(end)}`);
}
console.log(`\n${report}\nwritten to ${path.relative(root, out ?? BENCHMARKS)}`);
process.exit(parts.some((p) => p.status && p.title !== 'PyTorch reference (the seed notebook\'s own training step)') ? 1 : 0);
