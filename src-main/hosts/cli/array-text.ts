/**
 * An array result as numpy prints it (numpy's array2string defaults): all of it up to 1,000
 * elements, else the first and last 3 items of each axis around `...`; floats to at most 8
 * decimals with trailing zeros dropped (and their places kept as spaces, so points line up), in
 * scientific notation when the magnitudes call for it (a value of 1e8 or more, one under 1e-4, or a
 * spread of more than 1,000x), every element padded to one width; rows of a 2-D or higher array on
 * lines of their own, and lines wrapped at 75 characters. The full values are in `--json`.
 */

import { fromScalar } from '../../collections/array/values.js';

type Nested = unknown[] | number | boolean | string | null;

const THRESHOLD = 1000;
const EDGE = 3;
const PRECISION = 8;
const LINE_WIDTH = 75;

/** The flat elements printed, in order, with `null` where an axis is cut (`...`). */
function shown(v: Nested, shape: number[], axis: number, summarise: boolean, out: unknown[]): void {
  if (axis === shape.length) {
    out.push(v);
    return;
  }
  const items = v as Nested[];
  const cut = summarise && shape[axis] > 2 * EDGE;
  const idx = cut ? [...Array(EDGE).keys(), ...Array.from({ length: EDGE }, (_, k) => shape[axis] - EDGE + k)] : [...Array(shape[axis]).keys()];
  for (const i of idx) shown(items[i], shape, axis + 1, summarise, out);
}

/**
 * x to `p` decimals (fixed) or `p` mantissa decimals (scientific), ties to even as numpy's Dragon4
 * rounds them (JS's toFixed and toExponential round ties away from zero).
 */
function rounded(x: number, p: number, scientific: boolean): string {
  const plain = scientific ? x.toExponential(p) : x.toFixed(p);
  const exact = scientific ? Math.abs(x).toExponential(Math.min(100, p + 30)) : Math.abs(x).toFixed(Math.min(100, p + 30));
  const [mantissa, exponent] = exact.split('e');
  const point = mantissa.indexOf('.');
  if (!/^50*$/.test(mantissa.slice(point + 1 + p))) return plain;
  const kept = mantissa.slice(0, p ? point + 1 + p : point);
  if (Number(kept[kept.length - 1]) % 2 === 1) return plain; // rounding away makes it even
  return `${x < 0 ? '-' : ''}${kept}${exponent === undefined ? '' : `e${exponent}`}`;
}

/** x's text with the sign of a negative zero kept (toFixed and toExponential drop it; numpy prints "-0."). */
function signed(x: number, text: string): string {
  return Object.is(x, -0) && !text.startsWith('-') ? `-${text}` : text;
}

/** The fewest significant digits that read back as x (at float32's precision for a float32 array), as numpy's shortest repr. */
function shortestDigits(x: number, float32: boolean): number {
  for (let p = 1; p <= 17; p++) {
    const back = Number(x.toPrecision(p));
    if (float32 ? Math.fround(back) === Math.fround(x) : back === x) return p;
  }
  return 17;
}

function floatFormatter(xs: number[], float32: boolean): (x: number) => string {
  const finite = xs.filter((x) => Number.isFinite(x) && x !== 0).map(Math.abs);
  const max = finite.length ? Math.max(...finite) : 0;
  const min = finite.length ? Math.min(...finite) : 0;
  const scientific = finite.length > 0 && (max >= 1e8 || min < 1e-4 || max / min > 1e3);
  const special = (x: number) => (Number.isNaN(x) ? 'nan' : x > 0 ? 'inf' : '-inf');
  // Digits: at most PRECISION, fewer where the shortest repr needs fewer (a float32's 0.3, not 0.30000001).
  const short = (x: number) => Math.min(shortestDigits(x, float32) - 1, PRECISION);
  if (scientific) {
    const digits = Math.max(0, ...xs.filter(Number.isFinite).map((x) => trimZeros(rounded(x, short(x), true).split('e')[0]).split('.')[1]?.length ?? 0));
    // Exponents padded to the widest one, two digits at least (numpy: 1.e-005 beside 1.e+200).
    const expWidth = Math.max(2, ...xs.filter((x) => Number.isFinite(x) && x !== 0).map((x) => String(Math.abs(Number(x.toExponential().split('e')[1]))).length));
    return (x) => {
      if (!Number.isFinite(x)) return special(x);
      const [m, e] = rounded(x, digits, true).split('e');
      const exp = Number(e);
      return signed(x, `${digits ? m : `${m}.`}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(expWidth, '0')}`);
    };
  }
  const fixed = (x: number) => {
    // Fraction digits: those the shortest repr needs, at most PRECISION.
    const frac = x === 0 ? 0 : Math.min(PRECISION, Math.max(0, shortestDigits(x, float32) - 1 - Math.floor(Math.log10(Math.abs(x)))));
    const t = trimZeros(rounded(x, frac, false));
    return t.includes('.') ? t : `${t}.`;
  };
  const decimals = Math.max(0, ...xs.filter(Number.isFinite).map((x) => fixed(x).split('.')[1].length));
  return (x) => {
    if (!Number.isFinite(x)) return special(x);
    const t = signed(x, fixed(x));
    return t.padEnd(t.indexOf('.') + 1 + decimals);
  };
}

function trimZeros(s: string): string {
  return s.includes('.') ? s.replace(/0+$/, '') : s; // '1.50' -> '1.5', '2.00' -> '2.'
}

/** A JSON scalar of the result as a number ("nan", "inf", "-inf" and big-int strings included). */
const num = (x: unknown) => (x === null ? NaN : typeof x === 'number' ? x : fromScalar(x as string));

/**
 * Complex elements ([re, im] pairs) as numpy prints them: the real parts formatted together, the
 * imaginary parts together with a sign, then "j" (before the imaginary part's padding).
 */
function complexFormatter(xs: unknown[], float32: boolean): (x: unknown) => string {
  const pairs = xs.map((x) => (x as unknown[]).map(num));
  const re = floatFormatter(pairs.map((p) => p[0]), float32), im = floatFormatter(pairs.map((p) => p[1]), float32);
  // The imaginary parts signed, then aligned as numpy's FloatingFormat does: the integer parts
  // (sign included) padded left to one width, which a non-finite part's text also fits.
  const signed = (i: number) => { const body = im(i).trimEnd(); return body.startsWith('-') ? body : `+${body}`; };
  const texts = pairs.map((p) => signed(p[1]));
  const intPart = (t: string) => (t.includes('.') ? t.indexOf('.') : t.length);
  const finite = pairs.map((p) => Number.isFinite(p[1]));
  const right = Math.max(0, ...texts.map((t, k) => (finite[k] && t.includes('.') ? t.length - t.indexOf('.') - 1 : 0)));
  const left = Math.max(0, ...texts.map((t, k) => (finite[k] ? intPart(t) : t.length - right - 1)));
  return (x) => {
    const [r, i] = (x as unknown[]).map(num);
    const t = im(i), body = signed(i);
    const padded = Number.isFinite(i) ? ' '.repeat(Math.max(0, left - intPart(body))) + body : body.padStart(left + right + 1);
    return `${re(r)}${padded}j${' '.repeat(Math.max(0, t.length - t.trimEnd().length))}`;
  };
}

/**
 * A float as Python's repr writes a complex number's part: the shortest digits that read back (at
 * float32's precision for complex64, as numpy's), fixed for exponents -4 to 15, else d.ddde+XX,
 * and an integral value without ".0".
 */
function pyPart(v: number, float32: boolean): string {
  if (Number.isNaN(v)) return 'nan';
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
  if (v === 0) return Object.is(v, -0) ? '-0' : '0';
  let p = 1;
  while (p < 17 && (float32 ? Math.fround(Number(v.toPrecision(p))) !== Math.fround(v) : Number(v.toPrecision(p)) !== v)) p++;
  const [mantissa, e] = v.toExponential(p - 1).split('e');
  const exp = Number(e);
  if (exp < -4 || exp >= 16) return `${mantissa}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  const digits = mantissa.replace('-', '').replace('.', '');
  const point = exp + 1;
  const body = point <= 0 ? `0.${'0'.repeat(-point)}${digits}` : point >= digits.length ? digits + '0'.repeat(point - digits.length) : `${digits.slice(0, point)}.${digits.slice(point)}`;
  return `${v < 0 ? '-' : ''}${body}`;
}

/** A complex scalar as Python prints it: (re+imj). */
function complexScalar(x: unknown, float32: boolean): string {
  const [r, i] = (x as unknown[]).map(num);
  const imag = pyPart(i, float32);
  return `(${pyPart(r, float32)}${imag.startsWith('-') ? '' : '+'}${imag}j)`;
}

function formatter(dtype: string, xs: unknown[]): (x: unknown) => string {
  // numpy gives True the width of False in any array with a shape.
  if (dtype === 'bool') return (x) => (x ? ' True' : 'False');
  if (dtype.startsWith('complex')) return complexFormatter(xs, dtype === 'complex64');
  if (dtype.startsWith('float')) {
    const f = floatFormatter(xs.map(num), dtype === 'float32');
    return (x) => f(num(x));
  }
  if (dtype === 'str' || dtype === 'string') return (x) => `'${String(x)}'`;
  return (x) => String(x);
}

/** The array's text as numpy prints it. */
export function arrayText(values: Nested, shape: number[], dtype: string): string {
  const size = shape.reduce((a, b) => a * b, 1);
  if (shape.length && size === 0) return '[]'; // numpy prints any empty array so
  const summarise = size > THRESHOLD;
  const flat: unknown[] = [];
  shown(values, shape, 0, summarise, flat);
  const fmt = formatter(dtype, flat);
  const width = Math.max(0, ...flat.map((x) => fmt(x).length));
  const cell = (x: unknown) => fmt(x).padStart(width);
  if (!shape.length) return dtype.startsWith('complex') ? complexScalar(values, dtype === 'complex64') : fmt(values).trimStart();
  let at = 0;
  const render = (axis: number, indent: string): string => {
    const n = shape[axis];
    const cut = summarise && n > 2 * EDGE;
    const count = cut ? 2 * EDGE : n;
    const parts: string[] = [];
    for (let k = 0; k < count; k++) {
      if (cut && k === EDGE) parts.push('...');
      parts.push(axis === shape.length - 1 ? cell(flat[at++]) : render(axis + 1, `${indent} `));
    }
    if (axis === shape.length - 1) {
      // Wrapped as numpy wraps a row: a word goes to a new line (under the first, the line before
      // losing its trailing spaces) when it would pass LINE_WIDTH less the brackets around it.
      const hang = `${indent} `;
      const room = LINE_WIDTH - axis - 1;
      let text = '';
      let line = hang;
      parts.forEach((word, k) => {
        if (line.length + word.length > room && line.length > hang.length) {
          text += `${line.trimEnd()}\n`;
          line = hang;
        }
        line += k < parts.length - 1 ? `${word} ` : word;
      });
      return `[${(text + line).slice(hang.length)}]`;
    }
    // Rows of an inner axis on lines of their own; a blank line between blocks of a 3-D array's.
    const sep = `\n${'\n'.repeat(shape.length - axis - 2)}${indent} `;
    return `[${parts.join(sep)}]`;
  };
  return render(0, '');
}
