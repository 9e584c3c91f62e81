/**
 * An array result as numpy prints it (numpy's array2string defaults): all of it up to 1,000
 * elements, else the first and last 3 items of each axis around `...`; floats to at most 8
 * decimals with trailing zeros dropped (and their places kept as spaces, so points line up), in
 * scientific notation when the magnitudes call for it (a value of 1e8 or more, one under 1e-4, or a
 * spread of more than 1,000x), every element padded to one width; rows of a 2-D or higher array on
 * lines of their own, and lines wrapped at 75 characters. The full values are in `--json`.
 */

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

function floatFormatter(xs: number[]): (x: number) => string {
  const finite = xs.filter((x) => Number.isFinite(x) && x !== 0).map(Math.abs);
  const max = finite.length ? Math.max(...finite) : 0;
  const min = finite.length ? Math.min(...finite) : 0;
  const scientific = finite.length > 0 && (max >= 1e8 || min < 1e-4 || max / min > 1e3);
  const special = (x: number) => (Number.isNaN(x) ? 'nan' : x > 0 ? 'inf' : '-inf');
  if (scientific) {
    // One mantissa precision for all: the fewest digits that print every value as to PRECISION.
    const digits = Math.max(0, ...xs.filter(Number.isFinite).map((x) => trimZeros(rounded(x, PRECISION, true).split('e')[0]).split('.')[1]?.length ?? 0));
    return (x) => {
      if (!Number.isFinite(x)) return special(x);
      const [m, e] = rounded(x, digits, true).split('e');
      const exp = Number(e);
      return `${digits ? m : `${m}.`}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
    };
  }
  const fixed = (x: number) => trimZeros(rounded(x, PRECISION, false));
  const decimals = Math.max(0, ...xs.filter(Number.isFinite).map((x) => fixed(x).split('.')[1].length));
  return (x) => {
    if (!Number.isFinite(x)) return special(x);
    const t = fixed(x);
    return t.padEnd(t.indexOf('.') + 1 + decimals);
  };
}

function trimZeros(s: string): string {
  return s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '.') : s;
}

function formatter(dtype: string, xs: unknown[]): (x: unknown) => string {
  if (dtype === 'bool') return (x) => (x ? 'True' : 'False');
  if (dtype.startsWith('float')) {
    const f = floatFormatter(xs.map((x) => (x === null ? NaN : Number(x))));
    return (x) => f(x === null ? NaN : Number(x));
  }
  if (dtype === 'str' || dtype === 'string') return (x) => `'${String(x)}'`;
  return (x) => String(x);
}

/** The array's text as numpy prints it. */
export function arrayText(values: Nested, shape: number[], dtype: string): string {
  const size = shape.reduce((a, b) => a * b, 1);
  const summarise = size > THRESHOLD;
  const flat: unknown[] = [];
  shown(values, shape, 0, summarise, flat);
  const fmt = formatter(dtype, flat);
  const width = Math.max(0, ...flat.map((x) => fmt(x).length));
  const cell = (x: unknown) => fmt(x).padStart(width);
  if (!shape.length) return fmt(values);
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
