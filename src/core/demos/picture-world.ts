/**
 * The picture demo's world: shapes × colours × patterns × sizes. Every class is a
 * combination with a readable name ("large red striped circle") and a one-hot
 * attribute vector a student can read, and `renderPicture` draws an RGBA picture
 * of any combination the way a quick drawing looks: off-centre, slightly rotated
 * and squashed, wobbly outline, jittered colour, a cluttered noisy background.
 * Pure TypeScript: no DOM, no canvas, no tfjs, so the worker, the training script
 * and Node tests draw the very same pictures.
 */
import { ZslError } from '../errors.ts';
import type { Rng } from '../compute/rng.ts';

export const PICTURE_SHAPES = ['circle', 'square', 'triangle', 'star'] as const;
export const PICTURE_COLOURS = ['red', 'green', 'blue', 'yellow', 'purple'] as const;
export const PICTURE_PATTERNS = ['plain', 'striped', 'dotted'] as const;
export const PICTURE_SIZES = ['small', 'large'] as const;

export type PictureShape = (typeof PICTURE_SHAPES)[number];
export type PictureColour = (typeof PICTURE_COLOURS)[number];
export type PicturePattern = (typeof PICTURE_PATTERNS)[number];
export type PictureSize = (typeof PICTURE_SIZES)[number];

/** One combination: one value from each attribute group. */
export interface PictureClass {
  shape: PictureShape;
  colour: PictureColour;
  pattern: PicturePattern;
  size: PictureSize;
}

export type PictureGroup = keyof PictureClass;

/** The attribute groups, in the order their one-hot blocks appear in the attribute vector. */
export const PICTURE_ATTRIBUTE_GROUPS: ReadonlyArray<{ group: PictureGroup; values: readonly string[] }> = [
  { group: 'shape', values: PICTURE_SHAPES },
  { group: 'colour', values: PICTURE_COLOURS },
  { group: 'pattern', values: PICTURE_PATTERNS },
  { group: 'size', values: PICTURE_SIZES },
];

/** Attribute names, one per column of the class attribute matrix (14). */
export const PICTURE_ATTRIBUTES: readonly string[] = PICTURE_ATTRIBUTE_GROUPS.flatMap((g) => g.values);

/** Every combination, in a fixed order (shape slowest, size fastest): 4 × 5 × 3 × 2 = 120. */
export const PICTURE_CLASSES: readonly PictureClass[] = PICTURE_SHAPES.flatMap((shape) =>
  PICTURE_COLOURS.flatMap((colour) =>
    PICTURE_PATTERNS.flatMap((pattern) => PICTURE_SIZES.map((size) => ({ shape, colour, pattern, size }))),
  ),
);

/** "large red striped circle"; plain ones leave the pattern out ("small blue square"). */
export function pictureClassName(c: PictureClass): string {
  return [c.size, c.colour, c.pattern === 'plain' ? null : c.pattern, c.shape].filter(Boolean).join(' ');
}

export const PICTURE_CLASS_NAMES: readonly string[] = PICTURE_CLASSES.map(pictureClassName);

/** Parses a class name (words in any order; "plain" may be written or left out). */
export function attributesOf(name: string): PictureClass {
  const words = name.trim().toLowerCase().split(/\s+/).filter(Boolean);
  const found: Partial<Record<PictureGroup, string>> = {};
  for (const word of words) {
    const group = PICTURE_ATTRIBUTE_GROUPS.find((g) => g.values.includes(word));
    if (!group) {
      throw new ZslError(`"${word}" in "${name}" is not a picture attribute; expected one of ${PICTURE_ATTRIBUTES.join(', ')}.`, {
        variable: 'class name',
      });
    }
    if (found[group.group] !== undefined) {
      throw new ZslError(`"${name}" names two ${group.group}s (${found[group.group]} and ${word}).`, { variable: 'class name' });
    }
    found[group.group] = word;
  }
  found.pattern ??= 'plain';
  const missing = PICTURE_ATTRIBUTE_GROUPS.filter((g) => found[g.group] === undefined).map((g) => g.group);
  if (missing.length > 0) throw new ZslError(`"${name}" has no ${missing.join(' or ')}.`, { variable: 'class name' });
  return found as unknown as PictureClass;
}

/** The class's attribute values in reading order: ["large", "red", "striped", "circle"]. */
export function attributeList(c: PictureClass): string[] {
  return [c.size, c.colour, c.pattern, c.shape];
}

/** One sentence for a student: "a large red circle with stripes". */
export function describePictureClass(c: PictureClass): string {
  const pattern = c.pattern === 'striped' ? ' with stripes' : c.pattern === 'dotted' ? ' with dots' : '';
  return `a ${c.size} ${c.colour} ${c.shape}${pattern}`;
}

/** The one-hot attribute vector (1 for each of the class's four values, 0 elsewhere). */
export function attributeVector(c: PictureClass): Float32Array {
  const out = new Float32Array(PICTURE_ATTRIBUTES.length);
  let offset = 0;
  for (const { group, values } of PICTURE_ATTRIBUTE_GROUPS) {
    out[offset + values.indexOf(c[group])] = 1;
    offset += values.length;
  }
  return out;
}

/** Attribute values that never occur among the classes NOT in `unseen`: with any of them, zero-shot recognition is impossible. */
export function valuesMissingFromSeen(unseen: readonly string[]): string[] {
  const unseenSet = new Set(unseen.map((n) => pictureClassName(attributesOf(n))));
  const present = new Set<string>();
  for (const c of PICTURE_CLASSES) if (!unseenSet.has(pictureClassName(c))) attributeList(c).forEach((v) => present.add(v));
  return PICTURE_ATTRIBUTES.filter((a) => !present.has(a));
}

/**
 * The default unseen combinations: 24 of 120, those whose group indices sum to 0
 * mod 5. Each shape, colour, pattern and size still appears in many seen classes,
 * and every unseen class differs from some seen class in one attribute only.
 */
export const PICTURE_UNSEEN: readonly string[] = PICTURE_CLASSES.filter(
  (c) =>
    (PICTURE_SHAPES.indexOf(c.shape) + PICTURE_COLOURS.indexOf(c.colour) + PICTURE_PATTERNS.indexOf(c.pattern) + PICTURE_SIZES.indexOf(c.size)) % 5 === 0,
).map(pictureClassName);

type Rgb = [number, number, number];

const BASE_COLOURS: Record<PictureColour, Rgb> = {
  red: [214, 40, 40],
  green: [46, 160, 67],
  blue: [42, 82, 214],
  yellow: [242, 202, 32],
  purple: [138, 52, 182],
};

/** Radius of the shape's circumscribed circle, as a fraction of the picture side. */
const SIZE_RANGE: Record<PictureSize, [number, number]> = { small: [0.15, 0.21], large: [0.31, 0.41] };

/** Star and polygon outlines in unit coordinates (circumradius 1, y down). */
const POLYGONS: Record<Exclude<PictureShape, 'circle'>, Array<[number, number]>> = {
  square: [[-0.72, -0.72], [0.72, -0.72], [0.72, 0.72], [-0.72, 0.72]],
  triangle: [0, 1, 2].map((k) => angleToPoint(-Math.PI / 2 + (2 * Math.PI * k) / 3, 1)),
  star: Array.from({ length: 10 }, (_, k) => angleToPoint(-Math.PI / 2 + (Math.PI * k) / 5, k % 2 === 0 ? 1 : 0.45)),
};

function angleToPoint(angle: number, radius: number): [number, number] {
  return [radius * Math.cos(angle), radius * Math.sin(angle)];
}

export interface RenderOptions {
  /** Samples per pixel side for anti-aliasing (default 2, i.e. 4 samples). */
  supersample?: number;
}

/**
 * Draws one picture of the combination: size × size RGBA pixels, row-major,
 * alpha 255. Everything random is drawn from `rng`, so a seed replays it.
 */
export function renderPicture(c: PictureClass, rng: Rng, size = 32, options: RenderOptions = {}): Uint8ClampedArray {
  if (!Number.isInteger(size) || size < 8) throw new ZslError(`expected a picture size of at least 8 pixels, got ${size}.`);
  const ss = Math.max(1, Math.floor(options.supersample ?? 2));
  const uniform = (a: number, b: number) => a + (b - a) * rng.next();

  // Paper: a light tone with a soft gradient.
  const paper: Rgb = [uniform(212, 250), uniform(212, 250), uniform(205, 245)];
  const gradient = [uniform(-18, 18), uniform(-18, 18)];
  // Clutter: a few faint grey strokes, never coloured, so they cannot fake a colour.
  const strokes = Array.from({ length: 1 + rng.int(4) }, () => ({
    x0: uniform(-0.1, 1.1) * size, y0: uniform(-0.1, 1.1) * size,
    x1: uniform(-0.1, 1.1) * size, y1: uniform(-0.1, 1.1) * size,
    width: uniform(0.02, 0.05) * size, ink: uniform(60, 170), alpha: uniform(0.2, 0.55),
  }));

  // The shape: where, how big, how turned and squashed, how wobbly.
  const [rMin, rMax] = SIZE_RANGE[c.size];
  const radius = uniform(rMin, rMax) * size;
  const margin = radius * 1.02;
  const cx = uniform(margin, size - margin);
  const cy = uniform(margin, size - margin);
  const angle = uniform(-0.35, 0.35);
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  const sx = uniform(0.88, 1.12);
  const sy = uniform(0.88, 1.12);
  const wobble = [uniform(0, 0.05), uniform(0, 2 * Math.PI), uniform(0, 0.04), uniform(0, 2 * Math.PI)] as const;
  const fill = jitterColour(BASE_COLOURS[c.colour], rng);
  const outline: Rgb = [fill[0] * 0.55, fill[1] * 0.55, fill[2] * 0.55];
  const marks: Rgb = mix(fill, [248, 248, 244], uniform(0.7, 0.85));
  const outlinePx = uniform(0.03, 0.05) * size;
  // Patterns are sized to the picture, not the shape, so small shapes still show them.
  const period = uniform(0.13, 0.17) * size;
  const patternAngle = uniform(0, Math.PI);
  const pc = Math.cos(patternAngle);
  const ps = Math.sin(patternAngle);
  const phase = rng.next();
  const noise = uniform(3, 9);

  const inside = (x: number, y: number): { inside: boolean; edge: number } => {
    const dx = x - cx;
    const dy = y - cy;
    let u = (cos * dx + sin * dy) / (radius * sx);
    let v = (-sin * dx + cos * dy) / (radius * sy);
    const theta = Math.atan2(v, u);
    const k = 1 + wobble[0] * Math.sin(3 * theta + wobble[1]) + wobble[2] * Math.sin(5 * theta + wobble[3]);
    u /= k;
    v /= k;
    if (c.shape === 'circle') {
      const rho = Math.hypot(u, v);
      return { inside: rho <= 1, edge: Math.abs(1 - rho) * radius };
    }
    const poly = POLYGONS[c.shape];
    return { inside: pointInPolygon(u, v, poly), edge: distanceToPolygon(u, v, poly) * radius };
  };
  const markAt = (x: number, y: number): boolean => {
    if (c.pattern === 'plain') return false;
    const a = (x * pc + y * ps) / period + phase;
    if (c.pattern === 'striped') return a - Math.floor(a) < 0.45;
    const b = (-x * ps + y * pc) / period + phase;
    const fa = a - Math.floor(a) - 0.5;
    const fb = b - Math.floor(b) - 0.5;
    return fa * fa + fb * fb < 0.33 * 0.33;
  };

  const out = new Uint8ClampedArray(size * size * 4);
  const sample: Rgb = [0, 0, 0];
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let r = 0;
      let g = 0;
      let b = 0;
      for (let sy2 = 0; sy2 < ss; sy2++) {
        for (let sx2 = 0; sx2 < ss; sx2++) {
          const x = px + (sx2 + 0.5) / ss;
          const y = py + (sy2 + 0.5) / ss;
          background(x, y, sample);
          const hit = inside(x, y);
          if (hit.inside || hit.edge < outlinePx / 2) {
            const colour = hit.edge < outlinePx / 2 ? outline : markAt(x, y) ? marks : fill;
            sample[0] = colour[0];
            sample[1] = colour[1];
            sample[2] = colour[2];
          }
          r += sample[0];
          g += sample[1];
          b += sample[2];
        }
      }
      const n = ss * ss;
      const i = (py * size + px) * 4;
      out[i] = r / n + noise * rng.normal();
      out[i + 1] = g / n + noise * rng.normal();
      out[i + 2] = b / n + noise * rng.normal();
      out[i + 3] = 255;
    }
  }
  return out;

  function background(x: number, y: number, into: Rgb): void {
    const shade = gradient[0]! * (x / size - 0.5) + gradient[1]! * (y / size - 0.5);
    into[0] = paper[0] + shade;
    into[1] = paper[1] + shade;
    into[2] = paper[2] + shade;
    for (const s of strokes) {
      if (distanceToSegment(x, y, s.x0, s.y0, s.x1, s.y1) < s.width / 2) {
        into[0] += (s.ink - into[0]) * s.alpha;
        into[1] += (s.ink - into[1]) * s.alpha;
        into[2] += (s.ink - into[2]) * s.alpha;
      }
    }
  }
}

function jitterColour(base: Rgb, rng: Rng): Rgb {
  const brightness = 0.85 + 0.25 * rng.next();
  return base.map((v) => Math.min(255, Math.max(0, v * brightness + (rng.next() - 0.5) * 36))) as Rgb;
}

function mix(a: Rgb, b: Rgb, t: number): Rgb {
  return [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t];
}

function pointInPolygon(x: number, y: number, poly: Array<[number, number]>): boolean {
  let inside = false;
  for (let i = 0, j = poly.length - 1; i < poly.length; j = i++) {
    const [xi, yi] = poly[i]!;
    const [xj, yj] = poly[j]!;
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

function distanceToPolygon(x: number, y: number, poly: Array<[number, number]>): number {
  let best = Infinity;
  for (let i = 0, j = poly.length - 1; i < poly.length; j = i++) {
    best = Math.min(best, distanceToSegment(x, y, poly[j]![0], poly[j]![1], poly[i]![0], poly[i]![1]));
  }
  return best;
}

function distanceToSegment(x: number, y: number, x0: number, y0: number, x1: number, y1: number): number {
  const dx = x1 - x0;
  const dy = y1 - y0;
  const length2 = dx * dx + dy * dy;
  const t = length2 > 0 ? Math.max(0, Math.min(1, ((x - x0) * dx + (y - y0) * dy) / length2)) : 0;
  return Math.hypot(x - x0 - t * dx, y - y0 - t * dy);
}
