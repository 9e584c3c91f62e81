/**
 * dtypes and numpy's promotion rules (NumPy 2, NEP 50: Python scalars are "weak" and take the
 * array's type where they fit its kind). float16 and complex are not supported: where numpy would
 * pick float16 (a math function on int8, uint8 or bool) Tessera picks float32.
 */
import type { CTypeName, DTypeName } from '../../native/addon.js';
import { TesseraError } from '../../engine/errors.js';

export type DType = DTypeName;
export const DTYPES: DType[] = ['float64', 'float32', 'int64', 'int32', 'int16', 'int8', 'uint64', 'uint32', 'uint16', 'uint8', 'bool'];

/** The kind of a Python literal in an expression; null for arrays. */
export type WeakKind = 'int' | 'float' | 'bool' | null;

export interface TypeOf {
  dtype: DType;
  weak: WeakKind;
}

export function isDType(s: string): s is DType {
  return (DTYPES as string[]).includes(s);
}

export function itemsize(d: DType): number {
  switch (d) {
    case 'float64': case 'int64': case 'uint64': return 8;
    case 'float32': case 'int32': case 'uint32': return 4;
    case 'int16': case 'uint16': return 2;
    default: return 1;
  }
}

export const isFloat = (d: DType) => d === 'float64' || d === 'float32';
export const isSigned = (d: DType) => d === 'int64' || d === 'int32' || d === 'int16' || d === 'int8';
export const isUnsigned = (d: DType) => d === 'uint64' || d === 'uint32' || d === 'uint16' || d === 'uint8';
export const isInteger = (d: DType) => isSigned(d) || isUnsigned(d);

/** The type kernels compute a dtype in: integers in 64 bits, bool as int64 0/1. */
export function ctypeOf(d: DType): CTypeName {
  if (d === 'float64') return 'f64';
  if (d === 'float32') return 'f32';
  return isUnsigned(d) ? 'u64' : 'i64';
}

const SIGNED_BY_SIZE: Record<number, DType> = { 1: 'int8', 2: 'int16', 4: 'int32', 8: 'int64' };

/** numpy.result_type for two array dtypes. */
export function promoteDtypes(a: DType, b: DType): DType {
  if (a === b) return a;
  if (a === 'bool') return b;
  if (b === 'bool') return a;
  if (isFloat(a) && isFloat(b)) return 'float64';
  if (isFloat(a) || isFloat(b)) {
    const [f, i] = isFloat(a) ? [a, b] : [b, a];
    if (f === 'float64') return 'float64';
    return itemsize(i) <= 2 ? 'float32' : 'float64';
  }
  if (isSigned(a) === isSigned(b)) return itemsize(a) >= itemsize(b) ? a : b;
  const [s, u] = isSigned(a) ? [a, b] : [b, a];
  if (itemsize(s) > itemsize(u)) return s;
  if (itemsize(u) === 8) return 'float64';
  return SIGNED_BY_SIZE[itemsize(u) * 2];
}

/** Promotion with weak Python scalars (NEP 50). */
export function promote(types: TypeOf[]): DType {
  const strong = types.filter((t) => t.weak === null).map((t) => t.dtype);
  const weak = types.filter((t) => t.weak !== null).map((t) => t.weak as Exclude<WeakKind, null>);
  let result: DType | null = strong.length ? strong.reduce(promoteDtypes) : null;
  for (const w of weak) {
    if (result === null) {
      result = w === 'float' ? 'float64' : w === 'int' ? 'int64' : 'bool';
    } else if (w === 'float' && !isFloat(result)) {
      result = 'float64';
    } else if (w === 'int' && result === 'bool') {
      result = 'int64';
    }
  }
  return result ?? 'float64';
}

/** The float type a math function (sqrt, exp, ...) returns for an input dtype. */
export function floatFor(d: DType): DType {
  if (isFloat(d)) return d;
  return itemsize(d) <= 2 ? 'float32' : 'float64';
}

/** Accumulator types and result dtypes of reductions, as numpy defines them. */
export function reductionTypes(fn: string, d: DType): { acc: CTypeName; out: DType } {
  switch (fn) {
    case 'sum': case 'prod':
      if (isFloat(d)) return { acc: 'f64', out: d };
      return isUnsigned(d) ? { acc: 'u64', out: 'uint64' } : { acc: 'i64', out: 'int64' };
    case 'mean': case 'var': case 'std':
      return { acc: 'f64', out: d === 'float32' ? 'float32' : 'float64' };
    case 'min': case 'max':
      return { acc: isFloat(d) ? 'f64' : isUnsigned(d) ? 'u64' : 'i64', out: d };
    case 'argmin': case 'argmax':
      return { acc: isFloat(d) ? 'f64' : isUnsigned(d) ? 'u64' : 'i64', out: 'int64' };
    case 'any': case 'all':
      return { acc: 'i64', out: 'bool' };
    case 'count_nonzero':
      return { acc: 'i64', out: 'int64' };
  }
  throw new TesseraError('UNKNOWN_FUNCTION', `unknown reduction ${fn}`);
}

/** The complex dtype whose parts are of this float dtype (float32 pairs: complex64). */
export function complexDtype(part: string): 'complex128' | 'complex64' {
  return part === 'float32' ? 'complex64' : 'complex128';
}
