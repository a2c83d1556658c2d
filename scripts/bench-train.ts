/**
 * Step and epoch time of every trained method at AwA2 shapes (23,527 training
 * features × 2,048, 85 attributes, 40 seen classes) on each tfjs backend Node
 * offers here: cpu, wasm, and webgpu (Dawn on Vulkan; lavapipe on CPU-only
 * machines). Times a few steps after a warm-up and scales to one epoch, so it
 * finishes in minutes. Prints a markdown table.
 *   npx tsx scripts/bench-train.ts [--backends cpu,wasm,webgpu] [--methods semantic-mlp,devise,...] [--steps 5]
 * Node only; imports the core and the CLI's backend adapters, never the UI.
 */
import os from 'node:os';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../src/core/compute/backend.ts';
import type { BackendName } from '../src/core/compute/backend-names.ts';
import { defaultParams, METHOD_INFO, METHOD_NAMES, type MethodName } from '../src/core/methods/catalog.ts';
import { RUNNERS } from '../src/core/methods/registry.ts';
import { awa2ShapedView } from '../bench/awa2-shaped-view.ts';
import { nodeProbes } from '../src/cli/node-backends.ts';

const args = process.argv.slice(2);
const flag = (name: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const backends = (flag('backends') ?? 'cpu,wasm,webgpu').split(',') as BackendName[];
const methods = (flag('methods') ?? METHOD_NAMES.filter((m) => METHOD_INFO[m].family === 'trained').join(',')).split(',') as MethodName[];
const timedSteps = Number(flag('steps') ?? 5);

const view = awa2ShapedView();
const rows: string[] = [];
for (const backend of backends) {
  const selected = await selectBackend(backend, nodeProbes).catch((e: unknown) => ({ name: null, error: String(e) }));
  if (!selected.name || selected.name !== backend) {
    console.log(`${backend}: unavailable here (${'notes' in selected ? selected.notes.join(' ') : selected.error})`);
    continue;
  }
  for (const method of methods) {
    const params = defaultParams(method);
    const runner = RUNNERS[method];
    if (runner.family !== 'trained') continue;
    const trainer = runner.createTrainer(view, params, 1);
    trainer.beginEpoch(1);
    const run = async (steps: number) => {
      const losses: tf.Scalar[] = [];
      for (let s = 0; s < steps; s++) losses.push(trainer.step());
      await tf.stack(losses).data(); // waits for the device; the loop itself reads nothing back
      tf.dispose(losses);
    };
    await run(2); // warm-up: shader compilation, first uploads
    const started = performance.now();
    await run(timedSteps);
    const stepMs = (performance.now() - started) / timedSteps;
    const epochS = (stepMs * trainer.stepsPerEpoch) / 1000;
    trainer.dispose();
    trainer.model.dispose();
    const line = `| ${method} | ${backend} | ${Number(params.batchSize)} | ${stepMs.toFixed(1)} | ${trainer.stepsPerEpoch} | ${epochS.toFixed(1)} |`;
    rows.push(line);
    console.log(line);
  }
}
console.log(`\nMachine: ${os.cpus()[0]?.model} × ${os.cpus().length}, Node ${process.version}, tfjs ${tf.version.tfjs}`);
console.log('| method | backend | batch | ms / step | steps / epoch | s / epoch |\n| --- | --- | --- | --- | --- | --- |');
for (const row of rows) console.log(row);
process.exit(0);
