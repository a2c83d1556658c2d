/**
 * BENCHMARKS.md is made of blocks, each written whole by one command: a block sits
 * between `<!-- bench:NAME:start -->` and `<!-- bench:NAME:end -->`, and a run of
 * that command replaces its block entirely (never a part of it), so every figure in
 * it comes from the one run the block names. A block not yet in the file is
 * appended. Node script helper: not part of the app bundle.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const BENCHMARKS = path.join(path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..'), 'BENCHMARKS.md');

const marker = (name: string, end: 'start' | 'end') => `<!-- bench:${name}:${end} -->`;

/** Replaces (or appends) block `name` of `file` with `markdown`. */
export function writeBenchBlock(name: string, markdown: string, file = BENCHMARKS): void {
  const current = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n';
  const [start, end] = [marker(name, 'start'), marker(name, 'end')];
  const block = `${start}\n${markdown.trim()}\n${end}`;
  const a = current.indexOf(start);
  const b = current.indexOf(end);
  const next = a >= 0 && b > a ? `${current.slice(0, a)}${block}${current.slice(b + end.length)}` : `${current.trimEnd()}\n\n${block}\n`;
  writeFileSync(file, next);
}

/** One line naming the machine and the load, for a block's header. */
export function machineLine(): string {
  const cpus = os.cpus();
  return `${cpus[0]?.model ?? 'unknown CPU'}, ${cpus.length} cores, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB; load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}; Node ${process.version}`;
}

export const utcNow = () => `${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC`;
