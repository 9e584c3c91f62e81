/**
 * A stored chunk as a JS value, for code that runs user functions: a payload chunk (what a call
 * task stored) is deserialized; a dense array chunk becomes { dtype, shape, data } with data a
 * typed array of its elements in C order; a table partition { nrows, columns } (readTable's copy).
 */
import { deserialize } from 'node:v8';
import { native, type DTypeName } from '../../native/addon.js';
import { typedArray } from '../../native/typed-view.js';

export interface DenseValue {
  dtype: DTypeName;
  shape: number[];
  data: ArrayBufferView;
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
