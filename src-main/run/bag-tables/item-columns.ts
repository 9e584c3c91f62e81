/**
 * A bag's items as table columns, as pandas makes a frame of them (`pd.DataFrame(records)`, what
 * dask's Bag.to_dataframe does per partition): a record (a plain object) gives each column its
 * key's value, a tuple (an array) its value at the column's position, any other item is the one
 * column 0. A missing key or a null is a null row of the column.
 *
 * The schema is the user's (`meta`) or inferred from the first items: booleans, integers (int64),
 * numbers (float64) and strings keep their type; a column of mixed types or of objects is a string
 * column (objects and arrays as their JSON text), as pandas would keep them as objects. Values
 * convert to their column's type only where nothing is lost: 2.5 in an int64 column is an error
 * that says to give the type, never a silent truncation.
 */
import { parseTimestamp } from '../../collections/dataframe/timestamps.js';
import type { Column } from '../../collections/dataframe/schema.js';
import { TesseraError } from '../../engine/errors.js';
import type { TableColumnBuffers } from '../../native/addon.js';

export type ItemColumnType = 'int64' | 'float64' | 'bool' | 'string' | 'timestamp';

/** A column of a bag's table: its name, type, and position (a tuple item's index; a record's key is the name). */
export interface ItemColumn extends Column {
  dtype: ItemColumnType;
  index: number;
}

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

/** The columns `meta` names, in order; null for a name that is not a type (the caller says where). */
export function metaColumns(meta: [string, string][]): ItemColumn[] | { bad: [string, string] } {
  const out: ItemColumn[] = [];
  for (const [name, type] of meta) {
    const dtype = META_TYPES[type];
    if (!dtype) return { bad: [name, type] };
    out.push({ name, dtype, index: out.length });
  }
  return out;
}

const isRecord = (x: unknown): x is Record<string, unknown> =>
  typeof x === 'object' && x !== null && !Array.isArray(x) && !ArrayBuffer.isView(x) && !(x instanceof Map) && !(x instanceof Date);

/** The item's value for column c (undefined: missing). */
function valueAt(item: unknown, c: ItemColumn): unknown {
  if (Array.isArray(item)) return item[c.index];
  if (isRecord(item)) return item[c.name];
  return c.index === 0 ? item : undefined;
}

type Kind = 'bool' | 'int' | 'float' | 'string' | 'other';

function kindOf(v: unknown): Kind {
  switch (typeof v) {
    case 'boolean': return 'bool';
    case 'bigint': return 'int';
    case 'number': return Number.isInteger(v) ? 'int' : 'float';
    case 'string': return 'string';
    default: return 'other';
  }
}

/**
 * The schema of the first items: records' keys in order of first appearance (or `names`), tuples'
 * positions named by `names` or '0', '1', ...; a scalar bag is one column named '0'.
 */
export function inferColumns(items: readonly unknown[], names: readonly string[] | null): ItemColumn[] {
  const kinds = new Map<string, Set<Kind>>();
  const order: string[] = [...(names ?? [])];
  const note = (name: string, v: unknown) => {
    if (!kinds.has(name)) {
      kinds.set(name, new Set());
      if (!names) order.push(name);
    }
    if (v !== null && v !== undefined) kinds.get(name)!.add(kindOf(v));
  };
  for (const item of items.slice(0, INFER_ITEMS)) {
    if (isRecord(item)) {
      if (names) for (const n of names) note(n, item[n]);
      else for (const [k, v] of Object.entries(item)) note(k, v);
    } else if (Array.isArray(item)) {
      const width = names ? names.length : item.length;
      for (let i = 0; i < width; i++) note(names ? names[i] : String(i), item[i]);
    } else {
      note(names?.[0] ?? '0', item);
    }
  }
  return order.map((name, index) => ({ name, index, dtype: typeOf(kinds.get(name) ?? new Set()) }));
}

function typeOf(kinds: Set<Kind>): ItemColumnType {
  if (kinds.size === 1 && kinds.has('bool')) return 'bool';
  if (kinds.size === 1 && kinds.has('int')) return 'int64';
  if (kinds.size && [...kinds].every((k) => k === 'int' || k === 'float')) return 'float64';
  return 'string';
}

/** Says where a value that does not fit its column is, for the error. */
export type Misfit = (column: ItemColumn, row: number, value: unknown) => TesseraError;

const INT64_MIN = -(2n ** 63n), INT64_MAX = 2n ** 63n - 1n;

/** The items' values of `columns` as putTable's buffers. */
export function itemColumns(items: readonly unknown[], columns: readonly ItemColumn[], misfit: Misfit): TableColumnBuffers[] {
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
          else if (typeof v === 'bigint') data[r] = Number(v);
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

function toInt64(v: unknown): bigint | null {
  const x = typeof v === 'bigint' ? v : typeof v === 'number' && Number.isInteger(v) ? BigInt(v) : null;
  return x !== null && x >= INT64_MIN && x <= INT64_MAX ? x : null;
}

/** ISO dates and times in UTC, Dates, or integers as ns since 1970 (pandas' to_datetime of an integer). */
function toTimestamp(v: unknown): bigint | null {
  if (typeof v === 'string') return parseTimestamp(v);
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : BigInt(v.getTime()) * 1_000_000n;
  return toInt64(v);
}

/** A string column, dictionary-encoded: its entries in order of first appearance. */
function stringColumn(items: readonly unknown[], c: ItemColumn, nullAt: (r: number) => void, valid: () => Uint8Array | null): TableColumnBuffers {
  const n = items.length;
  const codes = new Int32Array(n);
  const dict = new Map<string, number>();
  for (let r = 0; r < n; r++) {
    const v = valueAt(items[r], c);
    if (v === null || v === undefined) { nullAt(r); continue; }
    const s = typeof v === 'string' ? v : typeof v === 'object' ? JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? x.toString() : x)) : String(v);
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
