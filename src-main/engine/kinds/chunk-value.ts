/**
 * Chunks as JS values, for code that runs user functions. storeValue keeps a value as a payload
 * chunk (structured-clone bytes); readChunkValue gives it back: a payload chunk is deserialized; a dense array chunk becomes { dtype, shape, data } with data a
 * typed array of its elements in C order; a table partition { nrows, columns } (readTable's copy).
 */
import { deserialize, serialize } from 'node:v8';
import { TesseraError } from '../errors.js';
import { native, type DTypeName } from '../../native/addon.js';
import { typedArray } from '../../native/typed-view.js';

export interface DenseValue {
  dtype: DTypeName;
  shape: number[];
  data: ArrayBufferView;
}

/**
 * Stores a value as a payload chunk of `owner`; returns [chunk, bytesIn, bytesOut] as a JS kind's
 * runner does. `made` says what made the value, for the error when it cannot cross threads
 * ("inc (pipeline.ts) returned").
 */
export function storeValue(owner: number, value: unknown, bytesIn: number, made: string): [number, number, number] {
  let bytes: Buffer;
  try {
    bytes = serialize(value);
  } catch (e) {
    throw new TesseraError('USER_FUNCTION_FAILED', `${made} a value that cannot be stored: ${(e as Error).message}`,
      'return plain data (numbers, strings, arrays, objects, typed arrays, Maps); functions and class instances with private state cannot cross threads', { phase: 'run' });
  }
  return [native().putBytes(owner, bytes), bytesIn, bytes.length];
}

export function readChunkValue(id: number): { value: unknown; bytes: number } {
  const layout = native().chunkLayout(id);
  if (layout === 'bytes') {
    const b = native().getBytes(id);
    return { value: deserialize(b), bytes: b.byteLength };
  }
  if (layout === 'table') {
    const t = native().readTable(id);
    return { value: t, bytes: t.columns.reduce((s, c) => s + (Array.isArray(c.values) ? c.values.reduce((n, v) => n + v.length, 0) : c.values.byteLength), 0) };
  }
  const c = native().readChunk(id);
  return { value: { dtype: c.dtype, shape: c.shape, data: typedArray(c.dtype, c.data) } satisfies DenseValue, bytes: c.data.byteLength };
}
