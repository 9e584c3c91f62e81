/**
 * Python's complex numbers (`2j`, `1 + 2j`) as CPython computes them, for literals folded before
 * they meet an array: + - * as their formulas, / and ** as CPython 3.11's _Py_c_quot and
 * complex_pow (integer exponents up to 100 by repeated squaring, others through polar form), the
 * errors Python raises. Beside an array a Python complex is weak (complex.ts).
 */
import { TesseraError } from '../../engine/errors.js';

export interface PyComplex { re: number; im: number }

const zeroDivision = (msg: string) => new TesseraError('ZERO_DIVISION', msg, '');

function mul(a: PyComplex, b: PyComplex): PyComplex {
  return { re: a.re * b.re - a.im * b.im, im: a.re * b.im + a.im * b.re };
}

function quot(a: PyComplex, b: PyComplex): PyComplex {
  const absR = Math.abs(b.re), absI = Math.abs(b.im);
  if (absR >= absI) {
    if (absR === 0) throw zeroDivision('complex division by zero');
    const ratio = b.im / b.re, denom = b.re + b.im * ratio;
    return { re: (a.re + a.im * ratio) / denom, im: (a.im - a.re * ratio) / denom };
  }
  if (absI >= absR) {
    const ratio = b.re / b.im, denom = b.re * ratio + b.im;
    return { re: (a.re * ratio + a.im) / denom, im: (a.im * ratio - a.re) / denom };
  }
  return { re: NaN, im: NaN }; // a NaN part
}

function powu(x: PyComplex, n: number): PyComplex {
  let r: PyComplex = { re: 1, im: 0 }, p = x;
  for (let mask = 1; mask > 0 && n >= mask; mask <<= 1) {
    if (n & mask) r = mul(r, p);
    p = mul(p, p);
  }
  return r;
}

function pow(a: PyComplex, b: PyComplex): PyComplex {
  if (b.im === 0 && Number.isInteger(b.re) && Math.abs(b.re) <= 100) {
    const n = b.re;
    if (n > 0) return powu(a, n);
    try {
      return quot({ re: 1, im: 0 }, powu(a, -n));
    } catch {
      throw zeroDivision('0.0 to a negative or complex power');
    }
  }
  if (b.re === 0 && b.im === 0) return { re: 1, im: 0 };
  if (a.re === 0 && a.im === 0) {
    if (b.im !== 0 || b.re < 0) throw zeroDivision('0.0 to a negative or complex power');
    return { re: 0, im: 0 };
  }
  const vabs = Math.hypot(a.re, a.im);
  let len = Math.pow(vabs, b.re);
  const at = Math.atan2(a.im, a.re);
  let phase = at * b.re;
  if (b.im !== 0) {
    len /= Math.exp(at * b.im);
    phase += b.im * Math.log(vabs);
  }
  return { re: len * Math.cos(phase), im: len * Math.sin(phase) };
}

/** a op b for Python numbers, at least one complex; null for an operator this does not fold. */
export function foldComplex(op: string, a: PyComplex, b: PyComplex): PyComplex | boolean | null {
  switch (op) {
    case '+': return { re: a.re + b.re, im: a.im + b.im };
    case '-': return { re: a.re - b.re, im: a.im - b.im };
    case '*': return mul(a, b);
    case '/': return quot(a, b);
    case '**': {
      // CPython: an infinite part of the result is an OverflowError (its _Py_ADJUST_ERANGE2).
      const p = pow(a, b);
      if (Math.abs(p.re) === Infinity || Math.abs(p.im) === Infinity) throw new TesseraError('OVERFLOW_ERROR', 'complex exponentiation', 'a Python complex holds parts up to about 1.8e308');
      return p;
    }
    case '==': return a.re === b.re && a.im === b.im;
    case '!=': return a.re !== b.re || a.im !== b.im;
    case '<': case '<=': case '>': case '>=':
      throw new TesseraError('TYPE_ERROR', `'${op}' not supported between instances of 'complex' and 'complex'`, 'compare abs() or .real');
    default:
      throw new TesseraError('TYPE_ERROR', `unsupported operand type(s) for ${op}: 'complex'`, 'complex numbers take + - * / ** == and !=');
  }
}

/** Python's repr of a complex number, for messages: `2j`, `(1+2j)`. */
export function complexRepr(z: PyComplex): string {
  const part = (x: number) => (Number.isNaN(x) ? 'nan' : x === Infinity ? 'inf' : x === -Infinity ? '-inf' : Object.is(x, -0) ? '-0' : String(x));
  if (Object.is(z.re, 0)) return `${part(z.im)}j`;
  const im = part(z.im);
  return `(${part(z.re)}${im.startsWith('-') ? '' : '+'}${im}j)`;
}
