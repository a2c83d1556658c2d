/** Small statistics the bench scripts share. Node script helper: not part of the app bundle. */

/** The middle value of xs (the upper middle for an even count). */
export const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
