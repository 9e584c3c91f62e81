/**
 * The columns a bag's items make as a table, as `pd.DataFrame(items)` makes them (dask's
 * Bag.to_dataframe): records (plain objects and Maps) give a column per key in order of first appearance,
 * tuples (arrays) a column per position, other items the one column '0'. Inferred here, in the
 * worker thread that ran the bag's steps, from the items themselves (a Date, a BigInt or NaN as
 * they are, not as JSON would say them): the `columns` aggregation's result.
 *
 * Types are strict about what was seen: booleans are bool, integers JS holds exactly (and BigInts)
 * int64, other numbers float64, Dates timestamp, strings string; a column of mixed types or of
 * objects is string (text of each value); a column with no value but nulls is float64.
 */

import { TesseraError } from '../../../engine/errors.js';

export type ItemColumnType = 'int64' | 'float64' | 'bool' | 'string' | 'timestamp';

/** A column of a bag's table: its name, type, and position in a tuple item. */
export interface ItemColumn {
  name: string;
  dtype: ItemColumnType;
  index: number;
}

/**
 * The shape every item must have: the first item's (inferred), or 'any' when the user gave
 * `meta` (a record by its keys, a tuple by position, anything else as column '0').
 */
export type ItemForm = 'record' | 'tuple' | 'scalar' | 'any';

export interface ItemSchema {
  form: ItemForm;
  columns: ItemColumn[];
}

export const isRecord = (x: unknown): x is Record<string, unknown> =>
  typeof x === 'object' && x !== null && !Array.isArray(x) && !ArrayBuffer.isView(x) && !(x instanceof Map) && !(x instanceof Set) && !(x instanceof Date);

/** A record's entries: a plain object's, or a Map's (a JS Map is what a Python dict is), keys as strings. */
function entriesOf(item: Record<string, unknown> | Map<unknown, unknown>): [string, unknown][] {
  return item instanceof Map ? [...item].map(([k, v]) => [String(k), v]) : Object.entries(item);
}

/** A record's value under `name` (undefined: it has none). */
export function fieldOf(item: Record<string, unknown> | Map<unknown, unknown>, name: string): unknown {
  if (!(item instanceof Map)) return item[name];
  return item.has(name) ? item.get(name) : entriesOf(item).find(([k]) => k === name)?.[1];
}

export function formOf(item: unknown): Exclude<ItemForm, 'any'> {
  return Array.isArray(item) ? 'tuple' : isRecord(item) || item instanceof Map ? 'record' : 'scalar';
}

type Kind = 'bool' | 'int' | 'float' | 'string' | 'time' | 'other';

function kindOf(v: unknown): Kind {
  switch (typeof v) {
    case 'boolean': return 'bool';
    case 'bigint': return 'int';
    case 'number': return Number.isSafeInteger(v) ? 'int' : 'float';
    case 'string': return 'string';
    default: return v instanceof Date ? 'time' : 'other';
  }
}

function typeOf(kinds: Set<Kind>): ItemColumnType {
  if (!kinds.size) return 'float64';
  if (kinds.size === 1) {
    const [k] = kinds;
    if (k === 'bool') return 'bool';
    if (k === 'int') return 'int64';
    if (k === 'float') return 'float64';
    if (k === 'time') return 'timestamp';
  }
  if ([...kinds].every((k) => k === 'int' || k === 'float')) return 'float64';
  return 'string';
}

const misshapen = (why: string) => new TesseraError('BAG_TABLE_TYPE', `to_dataframe: ${why}`, 'make every item the same shape with a map step, or give meta=...');

/**
 * The schema of `items` (the first ones of a bag). `names` are the `columns=` of to_dataframe:
 * tuples' positions in order, or the records' keys to keep. BAG_TABLE_TYPE when the items do not
 * make a table: items of different shapes, a tuple wider than `names`.
 */
export function inferSchema(items: readonly unknown[], names: readonly string[] | null): ItemSchema {
  const first = items.find((x) => x !== null && x !== undefined);
  const form = first === undefined ? 'scalar' : formOf(first);
  const kinds = new Map<string, Set<Kind>>();
  const order: string[] = [...(names ?? [])];
  const note = (name: string, v: unknown) => {
    if (!kinds.has(name)) {
      kinds.set(name, new Set());
      if (!names) order.push(name);
    }
    if (v !== null && v !== undefined) kinds.get(name)!.add(kindOf(v));
  };
  items.forEach((item, i) => {
    if (item === null || item === undefined) return;
    if (formOf(item) !== form) throw misshapen(`item ${i} is ${describeForm(formOf(item))}, not ${describeForm(form)} as item ${items.indexOf(first)} is: a table's rows have one shape`);
    if (form === 'record') {
      const r = item as Record<string, unknown>;
      if (names) for (const n of names) note(n, fieldOf(r, n));
      else for (const [k, v] of entriesOf(r)) note(k, v);
    } else if (form === 'tuple') {
      const t = item as unknown[];
      if (names && t.length > names.length) throw misshapen(`item ${i} has ${t.length} values, but columns names ${names.length}`);
      for (let k = 0; k < t.length; k++) note(names ? names[k] : String(k), t[k]);
      if (names) for (let k = t.length; k < names.length; k++) note(names[k], undefined);
    } else {
      note(names?.[0] ?? '0', item);
    }
  });
  return { form, columns: order.map((name, index) => ({ name, index, dtype: typeOf(kinds.get(name) ?? new Set()) })) };
}

export function describeForm(form: ItemForm): string {
  return form === 'record' ? 'a record' : form === 'tuple' ? 'a list' : 'a single value';
}
