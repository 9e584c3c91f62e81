/** A typed view of native (little-endian) element data of a dtype, as the addon hands it out; bool is bytes. */
import type { DTypeName } from './addon.js';

export type Typed = Float64Array | Float32Array | BigInt64Array | BigUint64Array | Int32Array | Int16Array | Int8Array | Uint32Array | Uint16Array | Uint8Array;

export function typedArray(dtype: DTypeName, buf: ArrayBuffer): Typed {
  switch (dtype) {
    case 'float64': return new Float64Array(buf);
    case 'float32': return new Float32Array(buf);
    case 'int64': return new BigInt64Array(buf);
    case 'uint64': return new BigUint64Array(buf);
    case 'int32': return new Int32Array(buf);
    case 'int16': return new Int16Array(buf);
    case 'int8': return new Int8Array(buf);
    case 'uint32': return new Uint32Array(buf);
    case 'uint16': return new Uint16Array(buf);
    default: return new Uint8Array(buf);
  }
}
