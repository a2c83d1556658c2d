/**
 * What a loaded dataset is: which of the five xlsa17 benchmarks (AWA1, AWA2, CUB,
 * SUN, APY) it is, recognised by its folder name, its shape and its class names;
 * the name it is shown by; a content key, so that two different datasets never
 * share a stored id and the same one loaded again replaces only itself; and the
 * human form of a class name ("giant+panda" → "giant panda",
 * "001.Black_footed_Albatross" → "Black footed Albatross").
 * Pure TypeScript: no DOM, no tfjs.
 */

export type BenchmarkId = 'AWA1' | 'AWA2' | 'CUB' | 'SUN' | 'APY';

export interface BenchmarkShape {
  id: BenchmarkId;
  label: string;
  classes: number;
  attributes: number;
  /** Images in the full release. */
  images: number;
  /** Proposed split: seen (trainval) and unseen class counts. */
  seen: number;
  unseen: number;
  /** Folder names the releases use for it (lower case). */
  folders: string[];
}

export const BENCHMARKS: Record<BenchmarkId, BenchmarkShape> = {
  AWA1: { id: 'AWA1', label: 'AwA1', classes: 50, attributes: 85, images: 30_475, seen: 40, unseen: 10, folders: ['awa1', 'awa', 'animals_with_attributes', 'animals_with_attributes1'] },
  AWA2: { id: 'AWA2', label: 'AwA2', classes: 50, attributes: 85, images: 37_322, seen: 40, unseen: 10, folders: ['awa2', 'animals_with_attributes2'] },
  CUB: { id: 'CUB', label: 'CUB', classes: 200, attributes: 312, images: 11_788, seen: 150, unseen: 50, folders: ['cub', 'cub_200_2011'] },
  SUN: { id: 'SUN', label: 'SUN', classes: 717, attributes: 102, images: 14_340, seen: 645, unseen: 72, folders: ['sun', 'sunattributes', 'sun_attributes'] },
  APY: { id: 'APY', label: 'aPY', classes: 32, attributes: 64, images: 15_339, seen: 20, unseen: 12, folders: ['apy', 'apascal', 'ayahoo'] },
};

export interface DatasetFacts {
  /** Paths of the files it was read from (any prefix). */
  paths: string[];
  classNames: string[];
  attributes: number;
  images: number;
}

/**
 * Which benchmark the dataset is, or null. The shape must fit (classes ×
 * attributes); AwA1 and AwA2 share theirs, so a folder name or the release's
 * image count tells them apart, else it stays unnamed rather than guessed.
 */
export function recogniseBenchmark(facts: DatasetFacts): BenchmarkId | null {
  const fits = Object.values(BENCHMARKS).filter((b) => b.classes === facts.classNames.length && b.attributes === facts.attributes);
  if (fits.length === 0) return null;
  const folders = new Set(facts.paths.flatMap((p) => p.toLowerCase().split('/').slice(0, -1)));
  const byFolder = fits.filter((b) => b.folders.some((f) => folders.has(f)));
  if (byFolder.length === 1) return byFolder[0]!.id;
  const byCount = fits.filter((b) => b.images === facts.images);
  if (byCount.length === 1) return byCount[0]!.id;
  if (fits.length === 1 && namesFit(fits[0]!.id, facts.classNames)) return fits[0]!.id;
  return null;
}

/** Cheap checks that the class names look like the benchmark's (CUB's "001.Black_footed_Albatross"). */
function namesFit(id: BenchmarkId, names: string[]): boolean {
  if (id === 'CUB') return names.every((n) => /^\d{3}\.\S+$/.test(n));
  return true;
}

/** "giant+panda" → "giant panda"; "001.Black_footed_Albatross" → "Black footed Albatross". */
export function humanClassName(raw: string): string {
  const name = raw.replace(/^\d+\./, '').replace(/[+_]+/g, ' ').replace(/\s+/g, ' ').trim();
  return name.length > 0 ? name : raw;
}

/**
 * A key of the dataset's content: its shape, class and attribute names, every
 * label and a sample of feature rows spread over the file (64-bit FNV-1a over
 * the bytes, as hex). Two different datasets get different keys; the same files
 * loaded again (from a folder or a zip) get the same key.
 */
export function contentKey(parts: {
  classNames: string[];
  attributeNames: string[];
  labels: Int32Array;
  features: Float32Array;
  featureDim: number;
}): string {
  const hash = new Fnv64();
  hash.text(`${parts.featureDim}|${parts.labels.length}|${parts.classNames.join('\n')}|${parts.attributeNames.join('\n')}`);
  hash.bytes(new Uint8Array(parts.labels.buffer, parts.labels.byteOffset, parts.labels.byteLength));
  const rows = parts.labels.length;
  const step = Math.max(1, Math.floor(rows / 512));
  for (let r = 0; r < rows; r += step) {
    const row = parts.features.subarray(r * parts.featureDim, (r + 1) * parts.featureDim);
    hash.bytes(new Uint8Array(row.buffer, row.byteOffset, row.byteLength));
  }
  return hash.hex();
}

class Fnv64 {
  private hi = 0xcbf29ce4;
  private lo = 0x84222325;

  text(value: string): void {
    this.bytes(new TextEncoder().encode(value));
  }

  bytes(data: Uint8Array): void {
    let { hi, lo } = this;
    for (let i = 0; i < data.length; i++) {
      lo = (lo ^ data[i]!) >>> 0;
      // × 0x100000001b3 in two 32-bit halves: (hi, lo) × (0x100, 0x1b3).
      const loMul = lo * 0x1b3;
      const carry = Math.floor(loMul / 0x1_0000_0000);
      hi = (Math.imul(hi, 0x1b3) + Math.imul(lo, 0x100) + carry) >>> 0;
      lo = loMul >>> 0;
    }
    this.hi = hi;
    this.lo = lo;
  }

  hex(): string {
    return this.hi.toString(16).padStart(8, '0') + this.lo.toString(16).padStart(8, '0');
  }
}
