/**
 * A bag's items as table columns, as pandas makes a frame of them (`pd.DataFrame(records)`, what
 * dask's Bag.to_dataframe does per partition), by the schema inferred from the first items
 * (collections/bag/program/item-schema.ts) or given as `meta`: a record gives each column its
 * key's value, a tuple its value at the column's position, any other item is the one column '0'.
 * A missing key or a null is a null row of the column.
 *
 * Values convert to their column's type only where nothing is lost: 2.5 in an int64 column, an
 * integer past 2^53 that JSON gave as a double, or a list among records is an error that says
 * what to give, never a silent truncation. A string column takes any value as its text (Python's
 * spelling of True, nan and inf; JSON for objects).
 */
import { fieldOf, formOf, isRecord, type ItemColumn, type ItemColumnType, type ItemSchema } from '../../collections/bag/index.js';
import { parseTimestamp } from '../../collections/dataframe/timestamps.js';
import { TesseraError } from '../../engine/errors.js';
import type { TableColumnBuffers } from '../../native/addon.js';

/** How many leading items a schema is inferred from. */
export const INFER_ITEMS = 1000;

/** The type names `meta` accepts, with pandas' and numpy's spellings. */
const META_TYPES: Record<string, ItemColumnType> = {
  int64: 'int64', int: 'int64', i8: 'int64', Int64: 'int64',
  float64: 'float64', float: 'float64', f8: 'float64',
  bool: 'bool', boolean: 'bool',
  string: 'string', str: 'string', object: 'string', O: 'string',
  timestamp: 'timestamp', 'datetime64[ns]': 'timestamp', datetime64: 'timestamp',
};

export const META_HINT = "meta maps each column to a dtype: int64, float64, bool, string or datetime64[ns], for example meta={'user': 'string', 'amount': 'float64'}";

/** The schema `meta` gives (items of any shape), or the pair whose type is not one. */
export function metaSchema(meta: [string, string][]): ItemSchema | { bad: [string, string] } {
  const columns: ItemColumn[] = [];
  for (const [name, type] of meta) {
    const dtype = META_TYPES[type];
    if (!dtype) return { bad: [name, type] };
    columns.push({ name, dtype, index: columns.length });
  }
  return { form: 'any', columns };
}

/** The item's value for column c (undefined: missing). */
function valueAt(item: unknown, c: ItemColumn): unknown {
  if (Array.isArray(item)) return item[c.index];
  if (isRecord(item) || item instanceof Map) return fieldOf(item, c.name);
  return c.index === 0 ? item : undefined;
}

/** Says where a value that does not fit its column is, for the error. */
export type Misfit = (column: ItemColumn, row: number, value: unknown) => TesseraError;

const INT64_MIN = -(2n ** 63n), INT64_MAX = 2n ** 63n - 1n;

/** Says an item is not of the schema's shape, for the error. */
export type Misshape = (row: number, item: unknown) => TesseraError;

/** The items' values of `columns` (of `schema`) as putTable's buffers. */
export function itemColumns(items: readonly unknown[], schema: ItemSchema, columns: readonly ItemColumn[], misfit: Misfit, misshape: Misshape): TableColumnBuffers[] {
  if (schema.form !== 'any') {
    const width = schema.columns.length;
    items.forEach((item, r) => {
      if (item === null || item === undefined) return;
      if (formOf(item) !== schema.form || (schema.form === 'tuple' && (item as unknown[]).length > width)) throw misshape(r, item);
    });
  }
  return columns.map((c) => {
    const n = items.length;
    let valid: Uint8Array | null = null;
    const nullAt = (r: number) => {
      valid ??= new Uint8Array(n).fill(1);
      valid[r] = 0;
    };
    switch (c.dtype) {
      case 'float64': {
        const data = new Float64Array(n);
        for (let r = 0; r < n; r++) {
          const v = valueAt(items[r], c);
          if (v === null || v === undefined) { data[r] = NaN; nullAt(r); } else if (typeof v === 'number') data[r] = v;
          else if (typeof v === 'bigint' && BigInt(Number(v)) === v) data[r] = Number(v);
          else throw misfit(c, r, v);
        }
        return { name: c.name, dtype: c.dtype, data, valid };
      }
      case 'int64':
      case 'timestamp': {
        const data = new BigInt64Array(n);
        for (let r = 0; r < n; r++) {
          const v = valueAt(items[r], c);
          if (v === null || v === undefined) { nullAt(r); continue; }
          const x = c.dtype === 'int64' ? toInt64(v) : toTimestamp(v);
          if (x === null) throw misfit(c, r, v);
          data[r] = x;
        }
        return { name: c.name, dtype: c.dtype, data, valid };
      }
      case 'bool': {
        const data = new Uint8Array(n);
        for (let r = 0; r < n; r++) {
          const v = valueAt(items[r], c);
          if (v === null || v === undefined) nullAt(r);
          else if (typeof v === 'boolean') data[r] = v ? 1 : 0;
          else throw misfit(c, r, v);
        }
        return { name: c.name, dtype: c.dtype, data, valid };
      }
      case 'string':
        return stringColumn(items, c, nullAt, () => valid);
    }
  });
}

/** An integer JS holds exactly (a double past 2^53 may already be rounded: refused). */
function toInt64(v: unknown): bigint | null {
  const x = typeof v === 'bigint' ? v : typeof v === 'number' && Number.isSafeInteger(v) ? BigInt(v) : null;
  return x !== null && x >= INT64_MIN && x <= INT64_MAX ? x : null;
}

/** ISO dates and times in UTC, Dates, or integers as ns since 1970 (pandas' to_datetime of an integer). */
function toTimestamp(v: unknown): bigint | null {
  if (typeof v === 'string') return parseTimestamp(v);
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : BigInt(v.getTime()) * 1_000_000n;
  return toInt64(v);
}

/** A value as a string column's text: Python's spelling of booleans and special floats, ISO dates, JSON for objects. */
function textOf(v: unknown): string {
  switch (typeof v) {
    case 'string': return v;
    case 'boolean': return v ? 'True' : 'False';
    case 'number': return Number.isNaN(v) ? 'nan' : v === Infinity ? 'inf' : v === -Infinity ? '-inf' : String(v);
    case 'bigint': return String(v);
  }
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? 'NaT' : v.toISOString();
  return JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? x.toString() : x instanceof Map ? Object.fromEntries(x) : x instanceof Set ? [...x] : x)) ?? String(v);
}

/** A string column, dictionary-encoded: its entries in order of first appearance. */
function stringColumn(items: readonly unknown[], c: ItemColumn, nullAt: (r: number) => void, valid: () => Uint8Array | null): TableColumnBuffers {
  const n = items.length;
  const codes = new Int32Array(n);
  const dict = new Map<string, number>();
  for (let r = 0; r < n; r++) {
    const v = valueAt(items[r], c);
    if (v === null || v === undefined) { nullAt(r); continue; }
    const s = textOf(v);
    let code = dict.get(s);
    if (code === undefined) { code = dict.size; dict.set(s, code); }
    codes[r] = code;
  }
  const dictOffsets = new BigUint64Array(dict.size + 1);
  let bytes = 0, k = 0;
  for (const s of dict.keys()) { bytes += Buffer.byteLength(s); dictOffsets[++k] = BigInt(bytes); }
  const dictBytes = new Uint8Array(bytes);
  const view = Buffer.from(dictBytes.buffer, dictBytes.byteOffset, dictBytes.byteLength);
  k = 0;
  for (const s of dict.keys()) view.write(s, Number(dictOffsets[k++]));
  return { name: c.name, dtype: 'string', data: codes, valid: valid(), dictOffsets, dictBytes };
}
