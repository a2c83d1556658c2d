/**
 * The zero-shot idea told with a dataset's own classes: an unseen class is a
 * seen one plus or minus a few attributes ("horse + striped → zebra"). Picks
 * the unseen class closest to a seen one (attributes standardised over the
 * classes, so no attribute dominates by its scale) and names the attributes
 * that tell them apart. Pure TypeScript on plain arrays: no DOM, no tfjs.
 */

export interface AttributeAnalogy {
  seen: string;
  unseen: string;
  /** Attributes the unseen class has more of than the seen one, strongest first. */
  plus: string[];
  /** Attributes the seen class has and the unseen one lacks, strongest first. */
  minus: string[];
}

export interface AnalogyInput {
  classNames: readonly string[];
  attributeNames: readonly string[];
  /** Row-major, one row of attributes per class. */
  classAttributes: ArrayLike<number>;
  seenClasses: readonly number[];
  unseenClasses: readonly number[];
}

/** Each attribute's values over the classes, shifted to mean 0 and scaled to variance 1 (constant ones stay 0). */
function standardised(values: ArrayLike<number>, rows: number, cols: number): Float64Array {
  const out = new Float64Array(rows * cols);
  for (let j = 0; j < cols; j++) {
    let mean = 0;
    for (let i = 0; i < rows; i++) mean += values[i * cols + j]!;
    mean /= rows;
    let variance = 0;
    for (let i = 0; i < rows; i++) variance += (values[i * cols + j]! - mean) ** 2;
    const sd = Math.sqrt(variance / rows);
    for (let i = 0; i < rows; i++) out[i * cols + j] = sd > 0 ? (values[i * cols + j]! - mean) / sd : 0;
  }
  return out;
}

/**
 * The closest (unseen, seen) pair and the attributes that tell them apart:
 * up to `count.plus` the unseen class has more of, `count.minus` it has less
 * of (only differences of at least half a standard deviation).
 * Null when a side has no classes or no attribute tells the pair apart.
 */
export function attributeAnalogy(input: AnalogyInput, count: { plus: number; minus: number } = { plus: 2, minus: 1 }): AttributeAnalogy | null {
  const { classNames, attributeNames, classAttributes, seenClasses, unseenClasses } = input;
  const cols = attributeNames.length;
  const rows = classNames.length;
  if (cols === 0 || seenClasses.length === 0 || unseenClasses.length === 0) return null;
  const z = standardised(classAttributes, rows, cols);
  let best: { u: number; s: number; distance: number } | null = null;
  for (const u of unseenClasses) {
    for (const s of seenClasses) {
      let distance = 0;
      for (let j = 0; j < cols; j++) distance += (z[u * cols + j]! - z[s * cols + j]!) ** 2;
      if (!best || distance < best.distance) best = { u, s, distance };
    }
  }
  if (!best || best.distance === 0) return null;
  const differences = Array.from({ length: cols }, (_, j) => ({ name: attributeNames[j]!, d: z[best.u * cols + j]! - z[best.s * cols + j]! }));
  const side = (sign: 1 | -1) =>
    differences
      .filter((x) => sign * x.d >= 0.5)
      .sort((a, b) => sign * (b.d - a.d))
      .slice(0, sign === 1 ? count.plus : count.minus)
      .map((x) => x.name);
  const plus = side(1);
  const minus = side(-1);
  if (plus.length === 0 && minus.length === 0) return null;
  return { seen: classNames[best.s]!, unseen: classNames[best.u]!, plus, minus };
}
