/**
 * The layers' boundaries, read from every import in src/ (static, re-exports and
 * dynamic import()): which folder may import which, which imports must be
 * type-only, and which packages a layer must not load. The type checks per layer
 * (tsconfig.core.json, tsconfig.worker.json) keep DOM out of core and the worker;
 * this test keeps the directions, and the worker-only globals Node lacks out of core.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { parseAst } from 'rolldown/parseAst';
import { describe, expect, test } from 'vitest';

type Layer = 'core' | 'storage' | 'worker' | 'client' | 'ui' | 'cli';

/** Per layer: the layers it may import at run time, and those it may import types from only. */
const RULES: Record<Layer, { imports: Layer[]; typesFrom?: Layer[]; packagesNot: RegExp[] }> = {
  // Runs in the worker, Node tests and the CLI: no page, no database, no Node modules.
  core: { imports: ['core'], packagesNot: [/^react(-dom)?$/, /^recharts$/, /^idb$/, /^node:/] },
  // The app's IndexedDB schema, shared by the worker's stores and the page's settings store.
  storage: { imports: ['storage', 'core'], packagesNot: [/^react(-dom)?$/, /^recharts$/, /^node:/] },
  worker: { imports: ['worker', 'storage', 'core'], packagesNot: [/^react(-dom)?$/, /^recharts$/, /^node:/] },
  // The page's door to the worker knows the protocol's types, never the worker's code.
  client: { imports: ['client', 'core'], typesFrom: ['worker'], packagesNot: [/^react(-dom)?$/, /^recharts$/, /^node:/] },
  ui: { imports: ['ui', 'client', 'storage', 'core'], typesFrom: ['worker'], packagesNot: [/^node:/] },
  cli: { imports: ['cli', 'core'], packagesNot: [/^react(-dom)?$/, /^recharts$/, /^idb$/] },
};

/** Globals a Web Worker has and Node does not: core runs in both, so it uses none of them. */
const WORKER_ONLY_GLOBALS = new Set([
  'self', 'postMessage', 'importScripts', 'indexedDB', 'caches', 'location', 'navigator',
  'OffscreenCanvas', 'createImageBitmap', 'ImageData', 'FileReaderSync', 'XMLHttpRequest',
]);

const NODE_BUILTINS = new Set(builtinModules);

interface ImportRef {
  source: string;
  typeOnly: boolean;
}

/** Every module a file imports or re-exports, and whether only types come from it. */
export function importsOf(file: string, text: string): ImportRef[] {
  const ast = parseAst(text, { lang: file.endsWith('.tsx') ? 'tsx' : 'ts' }, file);
  const out: ImportRef[] = [];
  for (const node of ast.body) {
    if (node.type !== 'ImportDeclaration' && node.type !== 'ExportNamedDeclaration' && node.type !== 'ExportAllDeclaration') continue;
    if (!node.source) continue;
    const kind = node.type === 'ImportDeclaration' ? node.importKind : node.exportKind;
    const specifiers = 'specifiers' in node ? (node.specifiers as Array<{ importKind?: string; exportKind?: string }>) : [];
    const everyType = specifiers.length > 0 && specifiers.every((s) => (s.importKind ?? s.exportKind) === 'type');
    out.push({ source: String(node.source.value), typeOnly: kind === 'type' || everyType });
  }
  walk(ast, (node) => {
    if (node.type === 'ImportExpression') {
      const source = node.source as { type: string; value?: unknown };
      if (source.type === 'Literal' && typeof source.value === 'string') out.push({ source: source.value, typeOnly: false });
    }
  });
  return out;
}

/** Identifiers read as globals: every name that is not a property, a key or a declaration. A rough scope: a local of the same name also counts. */
function globalsRead(file: string, text: string): string[] {
  const ast = parseAst(text, { lang: file.endsWith('.tsx') ? 'tsx' : 'ts' }, file);
  const declared = new Set<string>();
  const read: string[] = [];
  walk(ast, (node, parent, key) => {
    if (node.type !== 'Identifier') return;
    const name = String(node.name);
    if (parent && (key === 'id' || key === 'params' || key === 'local' || key === 'exported' || key === 'imported')) declared.add(name);
    const isProperty = parent?.type === 'MemberExpression' && key === 'property' && !parent.computed;
    const isKey = (parent?.type === 'Property' || parent?.type === 'MethodDefinition' || parent?.type === 'PropertyDefinition' || parent?.type === 'TSPropertySignature') && key === 'key';
    const isType = typeof parent?.type === 'string' && String(parent.type).startsWith('TS');
    if (!isProperty && !isKey && !isType) read.push(name);
  });
  return read.filter((name) => !declared.has(name));
}

type Node = { type?: unknown; [key: string]: unknown };
function walk(node: unknown, visit: (node: Node, parent: Node | null, key: string | null) => void, parent: Node | null = null, key: string | null = null): void {
  if (Array.isArray(node)) {
    for (const child of node) walk(child, visit, parent, key);
    return;
  }
  if (!node || typeof node !== 'object') return;
  const n = node as Node;
  if (typeof n.type === 'string') visit(n, parent, key);
  for (const [k, child] of Object.entries(n)) if (child && typeof child === 'object') walk(child, visit, typeof n.type === 'string' ? n : parent, k);
}

const layerOf = (file: string): Layer | null => {
  const top = path.relative('src', file).split(path.sep)[0] as Layer;
  return top in RULES ? top : null;
};

/** What is wrong with one file's imports, as sentences; empty when it keeps its layer's rules. */
export function violations(file: string, text: string): string[] {
  const from = layerOf(file);
  if (!from) return [];
  const rule = RULES[from];
  const out: string[] = [];
  for (const { source, typeOnly } of importsOf(file, text)) {
    if (source.startsWith('.')) {
      const to = layerOf(path.relative('.', path.resolve(path.dirname(file), source)));
      if (!to || rule.imports.includes(to)) continue;
      if (typeOnly && rule.typesFrom?.includes(to)) continue;
      out.push(`${file}: imports ${typeOnly ? 'types from ' : ''}${source} (${to}); ${from} may import ${rule.imports.join(', ')}${rule.typesFrom ? `, and types from ${rule.typesFrom.join(', ')}` : ''}`);
      continue;
    }
    // The package's name: 'react-dom/client' is react-dom, '@tensorflow/tfjs-core/dist/x' is @tensorflow/tfjs-core, 'fs' is node:fs.
    const bare = source.replace(/^node:/, '');
    const pkg = bare.split('/').slice(0, bare.startsWith('@') ? 2 : 1).join('/');
    const name = source.startsWith('node:') || NODE_BUILTINS.has(pkg) ? `node:${pkg}` : pkg;
    if (rule.packagesNot.some((pattern) => pattern.test(name))) out.push(`${file}: imports the package ${source}, which ${from} must not load`);
  }
  if (from === 'core') {
    const used = [...new Set(globalsRead(file, text).filter((name) => WORKER_ONLY_GLOBALS.has(name)))];
    if (used.length > 0) out.push(`${file}: uses ${used.join(', ')}, which Node does not have (core runs in Node too)`);
  }
  return out;
}

const sources = readdirSync('src', { recursive: true, encoding: 'utf8' })
  .map((f) => path.join('src', f))
  .filter((f) => /\.tsx?$/.test(f) && !f.endsWith('.d.ts'));

describe('import rules', () => {
  test('every file in src/ keeps its layer\'s boundaries', () => {
    expect(sources.length).toBeGreaterThan(100);
    expect(sources.flatMap((file) => violations(file, readFileSync(file, 'utf8')))).toEqual([]);
  });

  test('the checker reads type-only, mixed, re-exported and dynamic imports', () => {
    const refs = importsOf(
      'src/ui/x.ts',
      `import type { A } from './a.ts';\nimport { b, type C } from './b.ts';\nimport { type D } from './d.ts';\nexport * from './e.ts';\nexport type { F } from './f.ts';\nconst g = () => import('./g.ts');\n// import h from './h.ts'`,
    );
    expect(refs).toEqual([
      { source: './a.ts', typeOnly: true },
      { source: './b.ts', typeOnly: false },
      { source: './d.ts', typeOnly: true },
      { source: './e.ts', typeOnly: false },
      { source: './f.ts', typeOnly: true },
      { source: './g.ts', typeOnly: false },
    ]);
  });

  test.each([
    ['src/core/data/x.ts', "import { store } from '../../worker/host.ts';", /core may import core/],
    ['src/core/data/x.ts', "import type { Request } from '../../worker/protocol.ts';", /imports types from .*worker\/protocol\.ts \(worker\)/],
    ['src/core/x.ts', "import { App } from '../ui/App.tsx';", /\(ui\)/],
    ['src/core/x.ts', "import { parseArgs } from '../cli/args.ts';", /\(cli\)/],
    ['src/core/x.ts', "import { WorkerClient } from '../client/worker-client.ts';", /\(client\)/],
    ['src/core/x.ts', "import { useState } from 'react';", /the package react, which core must not load/],
    ['src/core/x.ts', "import { createRoot } from 'react-dom/client';", /react-dom\/client/],
    ['src/core/x.ts', "import { readFileSync } from 'node:fs';", /the package node:fs/],
    ['src/core/x.ts', "import path from 'path';", /the package path/],
    ['src/core/x.ts', "const fs = await import('node:fs');", /the package node:fs/],
    ['src/core/x.ts', 'export const say = (m: string) => self.postMessage(m);', /uses self, which Node does not have/],
    ['src/worker/x.ts', "import { App } from '../ui/App.tsx';", /worker may import worker, storage, core/],
    ['src/worker/x.ts', "import { createElement } from 'react';", /the package react, which worker must not load/],
    ['src/cli/x.ts', "import { AppStore } from '../ui/store.ts';", /cli may import cli, core/],
    ['src/ui/x.ts', "import { createWorkerHost } from '../worker/host.ts';", /ui may import .*and types from worker/],
  ])('%s refuses %s', (file, text, message) => {
    expect(violations(file, text).join('\n')).toMatch(message);
  });

  test('allowed directions pass', () => {
    expect(violations('src/ui/x.ts', "import type { Request } from '../worker/protocol.ts';\nimport { WorkerClient } from '../client/worker-client.ts';")).toEqual([]);
    expect(violations('src/worker/x.ts', "import { openAppDatabase } from '../storage/app-database.ts';\nimport * as tf from '@tensorflow/tfjs';")).toEqual([]);
    expect(violations('src/core/x.ts', 'export function f(location: string) { return location.length; }\nconst o = { self: 1 }; o.self;')).toEqual([]);
  });
});
