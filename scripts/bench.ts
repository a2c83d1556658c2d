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
 *   8. the ResNet backbone       scripts/bench-resnet.ts         (ResNet-101 weights load, photo latency and
 *      extraction pictures/s per backend under Node and in the app in Chromium)
 *   9. when python3-torch is importable, the seed method's own PyTorch training step at the
 *      same shapes, as a reference, with the ratios to it
 * and writes each part's block of BENCHMARKS.md whole (scripts/bench-blocks.ts: the block
 * between `<!-- bench:NAME:start -->` and `<!-- bench:NAME:end -->`), with the command, the
 * date and the machine, plus the `suite` block with the versions; `--only` rewrites only
 * the blocks of the parts it runs. --out FILE writes everything there instead.
 *
 *   npx tsx scripts/bench.ts [--full] [--only parse,closed-form,train,browser,accuracy-time,search,photo,resnet,torch]
 *       [--resnet-depth 101|50|narrow]       the ResNet part's network (narrow: a smoke run)
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
import { BENCHMARKS, machineLine, utcNow, writeBenchBlock } from './bench-blocks.ts';
import { browserMarkdown, type BrowserBenchResult } from './bench-browser.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const flag = (name: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const ALL = ['parse', 'closed-form', 'train', 'browser', 'accuracy-time', 'search', 'photo', 'resnet', 'torch'];
const only = new Set((flag('only') ?? ALL.join(',')).split(','));
const full = args.includes('--full');
const nodeSteps = flag('steps') ?? '3';
const browserSteps = flag('browser-steps') ?? '2';
const out = flag('out') ? path.resolve(root, flag('out')!) : null;
const passThrough = (name: string) => (flag(name) ? [`--${name}`, flag(name)!] : []);

interface Part {
  /** The block of BENCHMARKS.md it writes (scripts/bench-blocks.ts). */
  name: string;
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
  const lines = r.output.split('\n');
  // The headline is the shipped path's ratio on the release-style file.
  const headline = lines.find((l) => l.startsWith('[release] ratio to pandas'));
  const keep = lines.filter((l) => /^(file:|machine:|\[\w+\]|pandas is not)/.test(l));
  parts.push({
    name: 'parse',
    title: 'Parsing the AwA2 feature file in Node (one thread, and the CLI\'s worker_threads)',
    ...r,
    markdown: [headline ? `**${headline.replace('[release] ', 'Release-style file: ')}**` : '', '', codeBlock(keep.join('\n'))].join('\n'),
  });
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
  parts.push({ name: 'closed-form', title: 'Closed forms (tfjs cpu under Node)', ...r, markdown });
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
    name: 'train',
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
  parts.push({ name: 'browser', title: 'In the browser (headless Chromium, `scripts/bench-browser.ts`)', ...r, markdown });
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
    const result = JSON.parse(readFileSync(json, 'utf8')) as {
      rows: TimeRow[];
      level: number;
      seedStep: { appMs: number; opsMs: number; torchMs: number | null; torchThreads: number } | null;
    };
    const torch = result.rows.find((row) => row.where.startsWith('torch'));
    const verdicts = result.rows
      .filter((row) => !row.where.startsWith('torch'))
      .map((row) =>
        torch?.secondsToLevel && row.secondsToLevel !== null
          ? `${row.method} (${row.where}): ${(row.secondsToLevel / torch.secondsToLevel).toFixed(2)}× the PyTorch seed's time${row.method === 'semantic-mlp' ? ` (target ≤ 1×: ${row.secondsToLevel <= torch.secondsToLevel ? 'met' : 'not met'})` : ''}`
          : `${row.method} (${row.where}): no ratio (${row.secondsToLevel === null ? 'level not reached' : 'no PyTorch reference'})`,
      );
    const step = result.seedStep;
    const perStep = step?.torchMs
      ? ` Per step, which does not depend on which check first crosses the level: the app's seed step ${step.appMs.toFixed(1)} ms against PyTorch's ${step.torchMs.toFixed(1)} ms on ${step.torchThreads} thread${step.torchThreads === 1 ? '' : 's'} (${(step.appMs / step.torchMs).toFixed(2)}×).`
      : '';
    verdict = `Per method, against the seed's own PyTorch training on the same data and threads, same run. Target "the seed's method reaches the level in no more time than PyTorch": ${verdicts.join('; ')}.${perStep}`;
  } catch {
    verdict = 'No result file: see the command\'s output.';
  }
  parts.push({
    name: 'accuracy-time',
    title: `Time to the seed's accuracy level (u ≥ 32 %, data at ${scale}× AwA2)`,
    ...r,
    markdown: [table.join('\n'), '', verdict, '', ...r.output.split('\n').filter((l) => l.startsWith('Step anatomy'))].join('\n'),
  });
}

async function searchBench(): Promise<void> {
  const r = await runScript('scripts/bench-search.ts', []);
  const lines = r.output.split('\n');
  const title = lines.find((l) => l.startsWith('Embedding search:')) ?? '';
  parts.push({ name: 'search', title: 'Embedding search', ...r, markdown: [title, '', ...lines.filter((l) => l.startsWith('|'))].join('\n') });
}

async function photoBench(): Promise<void> {
  const r = await runScript('scripts/bench-photo.ts', []);
  const keep = r.output.split('\n').filter((l) => /^(drop → top-5|median)/.test(l));
  parts.push({ name: 'photo', title: 'Dropped picture → top-5 (picture demo, ESZSL, WebGPU on SwiftShader)', ...r, markdown: codeBlock(keep.join('\n')) });
}

async function resnetBench(): Promise<void> {
  const r = await runScript('scripts/bench-resnet.ts', ['--depth', flag('resnet-depth') ?? '101', '--backends', 'wasm,cpu', '--photos', '2', '--extract', '2', '--browser']);
  const lines = r.output.split('\n');
  /** The table that starts with this header line, as printed at the end (rows are also printed as they come). */
  const table = (header: string) => {
    const at = lines.findIndex((l) => l.startsWith(header));
    if (at < 0) return [];
    const end = lines.findIndex((l, i) => i > at && !l.startsWith('|'));
    return lines.slice(at, end < 0 ? undefined : end);
  };
  const title = lines.find((l) => l.startsWith('ResNet-')) ?? '';
  const h5 = lines.find((l) => l.startsWith('Keras .h5')) ?? '';
  const markdown = [title, '', h5, '', ...table('| backend (Node)'), '', ...table('| backend (the app in Chromium)')].join('\n');
  parts.push({ name: 'resnet', title: 'ResNet-101 backbone: weights load, photo latency at 224 px, extraction throughput', ...r, markdown });
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
      name: 'torch',
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
    name: 'torch',
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
if (only.has('resnet')) await resnetBench();
if (only.has('torch')) await torchReference();

const minutes = ((performance.now() - started) / 60_000).toFixed(1);
const suiteCommand = ['npx tsx scripts/bench.ts', ...args].join(' ');
const header = (p: Part) => [
  `### ${p.title}`,
  '',
  `Written whole by \`${suiteCommand}\` (this part: \`${p.command}\`, ${p.seconds.toFixed(0)} s${p.status ? `, exit status ${p.status}` : ''}), ${utcNow()}; every figure in this block comes from that one run.`,
  `Machine: ${machineLine()}.`,
  '',
];
const blocks = parts.map((p) => ({ name: p.name, markdown: [...header(p), p.markdown].join('\n') }));
const suite = [
  '## The suite\'s last run',
  '',
  `\`${suiteCommand}\`, ${utcNow()}: ${minutes} min, parts ${parts.map((p) => p.name).join(', ')} (each wrote its block below).`,
  '',
  ...versions(),
].join('\n');
if (out) {
  writeFileSync(out, [suite, ...blocks.map((b) => b.markdown)].join('\n\n'));
} else {
  writeBenchBlock('suite', suite);
  for (const block of blocks) writeBenchBlock(block.name, block.markdown);
}
console.log(`\n${[suite, ...blocks.map((b) => b.markdown)].join('\n\n')}\nwritten to ${path.relative(root, out ?? BENCHMARKS)}`);
process.exit(parts.some((p) => p.status && p.name !== 'torch') ? 1 : 0);
