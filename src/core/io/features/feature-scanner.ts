/**
 * The number scanner of the feature-file parser: reads the values of one line
 * straight from the bytes into a Float32Array, each byte once, no per-token
 * strings. A token is an optional sign, digits around an optional point and an
 * optional exponent (as C's %g and %f print them: 0.00357558, 4.5118e-08, 12.5).
 * The digits are accumulated in an int32 (fraction digits four at a time, the
 * last one to three in one step, so a token's length costs no branch per digit);
 * with at most 9 digits (15 when read again in a double) and a decimal exponent
 * within ±22 the value is ONE correctly rounded multiplication or division of two
 * exact doubles (Clinger's fast path), so it equals Number.parseFloat's; anything
 * longer goes to Number.parseFloat on the token's text. Storing into the Float32Array
 * rounds once more, so every value equals Math.fround(Number.parseFloat(token)).
 * The scanner only reports what stopped it; the line assembly (feature-parser.ts)
 * turns that into rows or into an error (feature-errors.ts).
 * Pure TypeScript: no DOM, no Node modules, no tfjs.
 */

export const NL = 10;
export const CR = 13;
export const SPACE = 32;
export const BLANK_TAB = 9;

/** Why scanLine returned: the newline was reached, `limit` values are already written, or a token is not a number. */
export const LINE_DONE = 0;
export const LINE_FULL = 1;
export const BAD_TOKEN = 2;
export const OUT_OF_RANGE = 3;

/** Where scanLine stopped: the newline (LINE_DONE) or the start of the token it could not take. */
export interface ScanState {
  pos: number;
  /** Values written so far (the next index in the output). */
  count: number;
  /** For OUT_OF_RANGE: the end of the token. */
  tokenEnd: number;
}

/** Exact powers of ten (10^0 … 10^22 are all exactly representable doubles). */
const POW10 = new Float64Array(23);
POW10[0] = 1;
for (let k = 1; k < POW10.length; k++) POW10[k] = POW10[k - 1]! * 10;
const POW10_INT = Int32Array.of(1, 10, 100, 1000);
const F32_MAX = 3.4028234663852886e38;

/**
 * Scans values from buf[pos] up to the next newline into out[count …), never at or
 * past `limit`. buf must hold a newline at or after pos (it ends every digit loop),
 * and `view` must be a DataView over the same bytes (for the four-digit loads).
 */
export function scanLine(buf: Uint8Array, view: DataView, pos: number, out: Float32Array, count: number, limit: number, state: ScanState): number {
  const len = buf.length;
  let i = pos;
  let c = buf[i]!;
  for (;;) {
    if (c <= SPACE) {
      while (c === SPACE || c === BLANK_TAB || c === CR) c = buf[++i]!;
      if (c === NL) break;
    }
    const tokenStart = i;
    let neg = false;
    if (c < 48) {
      if (c === 45) {
        neg = true;
        c = buf[++i]!;
      } else if (c === 43) c = buf[++i]!;
    }
    const numberStart = i;
    let m = 0;
    let d = c - 48;
    while (d >>> 0 < 10) {
      m = (Math.imul(m, 10) + d) | 0;
      d = buf[++i]! - 48;
    }
    let digits = i - numberStart;
    let exp = 0;
    if (d === -2) {
      const fracStart = ++i;
      // Four digits at a time (SWAR on a little-endian 32-bit load); the last 1-3 without a branch per digit.
      while (i + 4 <= len) {
        const x = view.getInt32(i, true);
        // A byte of `other` is 0 exactly where x has a digit (up to the first non-digit).
        const other = (x & 0xf0f0f0f0 | ((x + 0x06060606) & 0xf0f0f0f0) >>> 4) ^ 0x33333333;
        if (other === 0) {
          m = (Math.imul(m, 10000) + swar4(x - 0x30303030)) | 0;
          i += 4;
          continue;
        }
        const k = (31 - Math.clz32(other & -other)) >> 3;
        if (k > 0) {
          // The k digits moved to the top bytes: the bytes below read as leading zeros.
          m = (Math.imul(m, POW10_INT[k]!) + swar4((x - 0x30303030) << (32 - 8 * k))) | 0;
          i += k;
        }
        break;
      }
      d = buf[i]! - 48;
      while (d >>> 0 < 10) {
        m = (Math.imul(m, 10) + d) | 0;
        d = buf[++i]! - 48;
      }
      exp = fracStart - i;
      digits += i - fracStart;
    }
    c = d + 48;
    if ((c | 32) === 101 && digits > 0) {
      // 'e' or 'E': a signed decimal exponent, at least one digit.
      c = buf[++i]!;
      let expNeg = false;
      if (c === 45) {
        expNeg = true;
        c = buf[++i]!;
      } else if (c === 43) c = buf[++i]!;
      const expStart = i;
      let e = 0;
      d = c - 48;
      while (d >>> 0 < 10) {
        if (e < 100000) e = e * 10 + d;
        d = buf[++i]! - 48;
      }
      c = d + 48;
      if (i === expStart) digits = 0;
      exp += expNeg ? -e : e;
    }
    if (digits === 0 || !(c === SPACE || c === NL || c === BLANK_TAB || c === CR)) {
      state.pos = tokenStart;
      state.count = count;
      return BAD_TOKEN;
    }
    let value: number;
    if (digits <= 9 && exp >= -22 && exp <= 22) {
      // m < 10^9 is exact in an int32, and 10^|exp| in a double: one correctly rounded operation.
      value = exp < 0 ? m / POW10[-exp]! : m * POW10[exp]!;
    } else if (digits <= 15 && exp >= -22 && exp <= 22) {
      // Too many digits for an int32 (leading zeros included): the mantissa again, in a double (exact below 2^53).
      value = exp < 0 ? mantissa(buf, numberStart) / POW10[-exp]! : mantissa(buf, numberStart) * POW10[exp]!;
    } else {
      value = Number.parseFloat(asciiText(buf, numberStart, i));
      if (!(value <= F32_MAX)) {
        state.pos = tokenStart;
        state.count = count;
        state.tokenEnd = i;
        return OUT_OF_RANGE;
      }
    }
    if (count >= limit) {
      state.pos = tokenStart;
      state.count = count;
      return LINE_FULL;
    }
    out[count++] = neg ? -value : value;
  }
  state.pos = i;
  state.count = count;
  return LINE_DONE;
}

/** Four digits, one a byte (the first in the lowest byte), as an integer. */
function swar4(t: number): number {
  t = (t * 10 + (t >>> 8)) & 0x00ff00ff;
  return (t * 100 + (t >>> 16)) & 0xffff;
}

/** The digits (around a point) from buf[i] as an integer, in a double; exact up to 15 digits. */
function mantissa(buf: Uint8Array, i: number): number {
  let m = 0;
  for (let d = buf[i]! - 48; d >>> 0 < 10 || d === -2; d = buf[++i]! - 48) if (d !== -2) m = m * 10 + d;
  return m;
}

/** The bytes of a token already checked to be ASCII digits, point, sign and exponent. */
function asciiText(buf: Uint8Array, start: number, end: number): string {
  let s = '';
  for (let k = start; k < end; k++) s += String.fromCharCode(buf[k]!);
  return s;
}
