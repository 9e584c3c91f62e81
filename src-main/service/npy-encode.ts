/**
 * Small arrays (a job's value outputs) written as .npy version 1.0 for export. Large outputs are
 * already .npy files written natively; this covers the ones returned as values. Scalars follow the
 * values' JSON encoding ("nan", "inf", big integers as decimal strings) back to numbers.
 */
import type { DTypeName } from '../native/addon.js';
import { itemsize } from '../collections/array/dtype.js';
import { product } from '../collections/array/grid.js';
import { flatten, fromScalar, type Nested, typedArray } from '../collections/array/values.js';

const DESCR: Record<DTypeName, string> = {
  float64: '<f8', float32: '<f4', int64: '<i8', int32: '<i4', int16: '<i2', int8: '|i1',
  uint64: '<u8', uint32: '<u4', uint16: '<u2', uint8: '|u1', bool: '|b1',
};

/** `dtype` complex: `values` are [re, im] pairs, written as numpy's complex128 or complex64. */
export function encodeNpy(dtypeIn: DTypeName | 'complex128' | 'complex64', shapeIn: number[], values: Nested): Buffer {
  const complex = dtypeIn === 'complex128' || dtypeIn === 'complex64';
  const dtype: DTypeName = dtypeIn === 'complex128' ? 'float64' : dtypeIn === 'complex64' ? 'float32' : dtypeIn;
  const shape = complex ? [...shapeIn, 2] : shapeIn;
  const flat = flatten(values);
  const n = product(shape);
  if (flat.length !== n) throw new Error(`encodeNpy: ${flat.length} values for shape (${shape.join(', ')})`);
  const data = new ArrayBuffer(n * itemsize(dtype));
  const view = typedArray(dtype, data);
  for (let i = 0; i < n; i++) {
    const s = flat[i];
    if (view instanceof BigInt64Array || view instanceof BigUint64Array) view[i] = BigInt(typeof s === 'string' ? s : Math.trunc(fromScalar(s)));
    else view[i] = fromScalar(s);
  }
  const shapeText = shapeIn.length === 1 ? `(${shapeIn[0]},)` : `(${shapeIn.join(', ')})`;
  const descr = complex ? (dtype === 'float64' ? '<c16' : '<c8') : DESCR[dtype];
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  // Magic (6) + version (2) + header length (2) + header, padded with spaces to a multiple of 64.
  const unpadded = 10 + header.length + 1;
  header += ' '.repeat((64 - (unpadded % 64)) % 64) + '\n';
  const head = Buffer.alloc(10);
  head.write('\x93NUMPY', 0, 'latin1');
  head[6] = 1;
  head[7] = 0;
  head.writeUInt16LE(header.length, 8);
  return Buffer.concat([head, Buffer.from(header, 'latin1'), Buffer.from(data)]);
}
