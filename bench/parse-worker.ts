/**
 * Bench-only Web Worker: parses a dropped feature File exactly as the app's worker
 * does (src/worker/parallel-features.ts: sub-workers into one SharedArrayBuffer
 * when the page is cross-origin isolated), or on one thread, and reports the time
 * from the File to the finished Float32Array. Driven by scripts/bench-browser.ts.
 */
import { streamFeatureFile } from '../src/core/io/build-dataset.ts';
import { fromBlob } from '../src/core/io/source-file.ts';
import { browserFeatureParser, rememberBlob } from '../src/worker/parallel-features.ts';
import type { ParseBenchRequest, ParseBenchResult } from './protocol.ts';

const scope = self as unknown as DedicatedWorkerGlobalScope;

scope.onmessage = async (event: MessageEvent<ParseBenchRequest>) => {
  const { file, rows, mode } = event.data;
  const notes: string[] = [];
  try {
    const source = rememberBlob(fromBlob(file), file);
    const parse = mode === 'app' ? browserFeatureParser() : streamFeatureFile;
    const started = performance.now();
    const m = await parse(source, { file: file.name, rows, bytesTotal: file.size, onNote: (note) => notes.push(note) });
    const ms = performance.now() - started;
    // FNV-1a over the float32 bits: equal hashes mean identical values.
    const bits = new Uint32Array(m.values.buffer, m.values.byteOffset, m.values.length);
    let h = 0x811c9dc5;
    for (let i = 0; i < bits.length; i++) h = Math.imul(h ^ bits[i]!, 0x01000193);
    const result: ParseBenchResult = {
      mode, ms, rows: m.rows, cols: m.cols, notes, hash: (h >>> 0).toString(16),
      shared: m.values.buffer instanceof SharedArrayBuffer, isolated: crossOriginIsolated, threads: navigator.hardwareConcurrency,
    };
    scope.postMessage(result);
  } catch (error) {
    scope.postMessage({ mode, error: error instanceof Error ? error.message : String(error) });
  }
};
