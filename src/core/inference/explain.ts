/**
 * Why the model chose a class, in attributes a person can read: the strongest
 * attributes of each top class and, when the model's common space is the
 * attribute space itself (ESZSL, SAE, the bilinear methods), the attributes it
 * reads in the image. Pure TypeScript: no DOM, no tfjs.
 */

export interface AttributeWeight {
  name: string;
  value: number;
}

/** The `count` largest values of a row, with their attribute names. */
export function topAttributes(row: ArrayLike<number>, names: string[], count: number): AttributeWeight[] {
  return Array.from({ length: names.length }, (_, i) => ({ name: names[i]!, value: row[i]! }))
    .sort((a, b) => b.value - a.value)
    .slice(0, count);
}

/**
 * Attributes shared by what the image shows and what a class has: the product of
 * the two, largest first (only positive evidence on both sides counts).
 */
export function sharedAttributes(read: ArrayLike<number>, classRow: ArrayLike<number>, names: string[], count: number): AttributeWeight[] {
  return Array.from({ length: names.length }, (_, i) => ({ name: names[i]!, value: Math.max(0, read[i]!) * Math.max(0, classRow[i]!) }))
    .filter((w) => w.value > 0)
    .sort((a, b) => b.value - a.value)
    .slice(0, count);
}

/** One attribute in the answer's bar chart: what the model reads and what the class has, each scaled to [-1, 1]. */
export interface AttributeEvidence {
  name: string;
  /** What the model reads in the image, divided by the largest |value| it reads; null when it reads no attributes. */
  read: number | null;
  /** The class's own value, divided by the largest |value| in the class's row. */
  classValue: number;
}

/**
 * The attributes behind an answer: the ones the model reads most strongly in
 * the image (or, when its space is not the attribute space, the class's own
 * strongest), each with both sides on a scale of its own (the two are in
 * different units), strongest reading first.
 */
export function attributeEvidence(read: ArrayLike<number> | null, classRow: ArrayLike<number>, names: string[], count: number): AttributeEvidence[] {
  const scale = (values: ArrayLike<number>) => {
    let max = 0;
    for (let i = 0; i < names.length; i++) max = Math.max(max, Math.abs(values[i]!));
    return max > 0 ? max : 1;
  };
  const classScale = scale(classRow);
  const readScale = read ? scale(read) : 1;
  const basis = read ?? classRow;
  return Array.from({ length: names.length }, (_, i) => i)
    .sort((x, y) => basis[y]! - basis[x]!)
    .slice(0, count)
    .map((i) => ({ name: names[i]!, read: read ? read[i]! / readScale : null, classValue: classRow[i]! / classScale }));
}
