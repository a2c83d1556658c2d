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
