/** An independent float64 AdamW (PyTorch's documented algorithm) for the optimiser tests, and a tiny seeded generator. */

export function createTestRng(seed: number): () => number {
  let state = seed >>> 0;
  return () => (state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 4294967296;
}

/** torch.optim.AdamW's documented update with clip_grad_value_, in float64, written out independently. */
export function adamwReference(p0: number[], grads: number[][], o: { lr: number; wd: number; clip: number }) {
  const [b1, b2, eps] = [0.9, 0.999, 1e-8];
  const p = p0.slice();
  const m = p.map(() => 0);
  const v = p.map(() => 0);
  grads.forEach((g, t) => {
    for (let k = 0; k < p.length; k++) {
      const gk = Math.max(-o.clip, Math.min(o.clip, g[k]!));
      p[k]! -= o.lr * o.wd * p[k]!;
      m[k] = b1 * m[k]! + (1 - b1) * gk;
      v[k] = b2 * v[k]! + (1 - b2) * gk * gk;
      const mHat = m[k]! / (1 - b1 ** (t + 1));
      const vHat = v[k]! / (1 - b2 ** (t + 1));
      p[k]! -= (o.lr * mHat) / (Math.sqrt(vHat) + eps);
    }
  });
  return p;
}
