/**
 * Small results copied out of the store: chunks assembled into one C-order typed array, then
 * turned into nested lists. JSON cannot hold NaN, infinities or integers beyond 2^53, so those
 * become the strings "nan", "inf", "-inf" and decimal strings.
 */
import { native, type DTypeName } from '../../native/addon.js';
import { typedArray } from '../../native/typed-view.js';
import { cStrides, product } from './grid.js';

export type Scalar = number | boolean | string;
export type Nested = Scalar | Nested[];

export { type Typed, typedArray } from '../../native/typed-view.js';

export function toScalar(v: number | bigint, dtype: DTypeName): Scalar {
  if (dtype === 'bool') return v !== 0 && v !== 0n;
  if (typeof v === 'bigint') return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString();
  if (Number.isNaN(v)) return 'nan';
  if (v === Infinity) return 'inf';
  if (v === -Infinity) return '-inf';
  return v;
}

/** The inverse of toScalar for numbers: a JSON scalar back to a number ("nan", "inf", big-int strings). */
export function fromScalar(s: Scalar): number {
  if (typeof s === 'boolean') return s ? 1 : 0;
  if (typeof s === 'number') return s;
  return s === 'nan' ? NaN : s === 'inf' ? Infinity : s === '-inf' ? -Infinity : Number(s);
}

/** The scalars of nested lists in C order (the inverse of nest). */
export function flatten(v: Nested, out: Scalar[] = []): Scalar[] {
  if (Array.isArray(v)) for (const x of v) flatten(x, out);
  else out.push(v);
  return out;
}

/** Reads an output's chunks (by chunk id) into a flat array of scalars in C order. */
export function readValues(dtype: DTypeName, shape: number[], chunks: { id: number; offset: number[]; shape: number[] }[]): Scalar[] {
  const total = product(shape);
  const flat = new Array<Scalar>(total);
  const strides = cStrides(shape);
  for (const c of chunks) {
    const { data } = native().readChunk(c.id);
    const arr = typedArray(dtype, data);
    const n = product(c.shape);
    const cs = cStrides(c.shape);
    for (let i = 0; i < n; i++) {
      let rem = i, at = 0;
      for (let d = 0; d < c.shape.length; d++) {
        const q = Math.floor(rem / cs[d]);
        rem -= q * cs[d];
        at += (c.offset[d] + q) * strides[d];
      }
      flat[at] = toScalar(arr[i], dtype);
    }
  }
  return flat;
}

export function nest(flat: Scalar[], shape: number[]): Nested {
  if (shape.length === 0) return flat[0];
  const build = (d: number, base: number): Nested[] => {
    const stride = product(shape.slice(d + 1));
    return Array.from({ length: shape[d] }, (_, i) => (d === shape.length - 1 ? flat[base + i] : build(d + 1, base + i * stride)));
  };
  return build(0, 0);
}
