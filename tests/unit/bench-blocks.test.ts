/** BENCHMARKS.md's blocks (scripts/bench-blocks.ts): a run replaces its own block whole and leaves the rest of the file alone. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { writeBenchBlock } from '../../scripts/bench-blocks.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function file(text: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'zsl-blocks-'));
  dirs.push(dir);
  const target = path.join(dir, 'BENCHMARKS.md');
  writeFileSync(target, text);
  return target;
}

test('replaces only its own block, whole', () => {
  const target = file(['# B', 'intro', '<!-- bench:parse:start -->', 'old parse', 'more old', '<!-- bench:parse:end -->', 'between', '<!-- bench:train:start -->', 'old train', '<!-- bench:train:end -->', 'tail', ''].join('\n'));
  writeBenchBlock('parse', 'new parse\n', target);
  expect(readFileSync(target, 'utf8')).toBe(
    ['# B', 'intro', '<!-- bench:parse:start -->', 'new parse', '<!-- bench:parse:end -->', 'between', '<!-- bench:train:start -->', 'old train', '<!-- bench:train:end -->', 'tail', ''].join('\n'),
  );
});

test('appends a block the file does not have yet', () => {
  const target = file('# B\n');
  writeBenchBlock('photo', 'figures', target);
  writeBenchBlock('photo', 'newer figures', target);
  expect(readFileSync(target, 'utf8')).toBe('# B\n\n<!-- bench:photo:start -->\nnewer figures\n<!-- bench:photo:end -->\n');
});
