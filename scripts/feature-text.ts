/**
 * Feature-file text for benchmarks: rows of values printed the way the AwA2 release
 * prints them (C's %g: six significant digits, trailing zeros dropped, an exponent
 * below 1e-4, e.g. 0.00357558, 4.5118e-08, 12.5, 0) or as fixed six decimals.
 * Values are non-negative with mean ~0.45 and a tail of tiny ones, like pooled
 * ResNet features after a ReLU. Node script helper: not part of the app bundle.
 */
import { createWriteStream, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export type TokenStyle = 'release' | 'fixed';

/** C's printf("%g", v) for a finite v. */
export function formatG(v: number): string {
  if (v === 0) return Object.is(v, -0) ? '-0' : '0';
  const e = Number(v.toExponential(5).split('e')[1]);
  if (e < -4 || e >= 6) {
    const [mantissa, exponent] = v.toExponential(5).split('e') as [string, string];
    const sign = exponent.startsWith('-') ? '-' : '+';
    const digits = exponent.replace(/^[+-]/, '').padStart(2, '0');
    return `${stripZeros(mantissa)}e${sign}${digits}`;
  }
  return stripZeros(v.toFixed(Math.max(0, 5 - e)));
}

function stripZeros(text: string): string {
  return text.includes('.') ? text.replace(/0+$/, '').replace(/\.$/, '') : text;
}

/** A deterministic generator of one row of `cols` tokens at a time. */
export function featureRows(cols: number, style: TokenStyle, seed = 12345): () => string {
  let state = seed >>> 0;
  const rand = () => (state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 4294967296;
  const parts: string[] = new Array(cols);
  return () => {
    for (let c = 0; c < cols; c++) {
      let v = -Math.log(1 - rand()) * 0.45;
      if (style === 'fixed') {
        parts[c] = Math.min(9.999999, v).toFixed(6);
        continue;
      }
      const u = rand();
      // A few exact zeros and a tail of tiny activations (half of them printed with an exponent).
      if (u < 0.03) v = 0;
      else if (u < 0.3) v *= 10 ** (-1 - 5 * rand());
      parts[c] = formatG(v);
    }
    return parts.join(' ');
  };
}

/** A generated file of `rows` × 2048 values in `style`, written once into os.tmpdir() and reused. */
export async function ensureFeatureFile(rows: number, style: TokenStyle): Promise<string> {
  const file = path.join(os.tmpdir(), `zsl-bench-features-${style}-${rows}x2048.txt`);
  if (existsSync(file) && existsSync(`${file}.done`)) return file;
  console.log(`generating ${rows} × 2048 ${style} tokens into ${file} (once) …`);
  const out = createWriteStream(file);
  const next = featureRows(2048, style);
  for (let r = 0; r < rows; r++) {
    if (!out.write(`${next()}\n`)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
  }
  await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
  createWriteStream(`${file}.done`).end();
  return file;
}

