/**
 * Seeded pseudo-random numbers, so that demo data, weight initialisation,
 * shuffling and dropout replay exactly under a seed. Pure TypeScript.
 */

export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Standard normal. */
  normal(): number;
  /** Integer in [0, n). */
  int(n: number): number;
  /** A fresh 32-bit seed, for seeding tfjs ops that take one. */
  seed(): number;
  /** The generator's position, to continue exactly from a checkpoint. */
  snapshot(): RngState;
  restore(state: RngState): void;
}

export interface RngState {
  state: number;
  spare: number | null;
}

/** mulberry32: tiny, fast and good enough for ML bookkeeping (not cryptography). */
export function createRng(seed: number): Rng {
  let state = (Math.floor(seed) ^ 0x9e3779b9) >>> 0;
  let spare: number | null = null;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    normal() {
      if (spare !== null) {
        const value = spare;
        spare = null;
        return value;
      }
      // Box-Muller; 1 - u keeps the logarithm finite.
      const u = 1 - next();
      const v = next();
      const radius = Math.sqrt(-2 * Math.log(u));
      spare = radius * Math.sin(2 * Math.PI * v);
      return radius * Math.cos(2 * Math.PI * v);
    },
    int(n: number) {
      return Math.floor(next() * n);
    },
    seed() {
      return Math.floor(next() * 2 ** 31);
    },
    snapshot: () => ({ state, spare }),
    restore(saved) {
      state = saved.state >>> 0;
      spare = saved.spare;
    },
  };
}

/** Fisher-Yates shuffle of a copy. */
export function shuffled<T extends ArrayLike<number>>(values: T, rng: Rng): Int32Array {
  const out = Int32Array.from(values as ArrayLike<number>);
  for (let i = out.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const tmp = out[i]!;
    out[i] = out[j]!;
    out[j] = tmp;
  }
  return out;
}
