/**
 * A bag's list result as a table the window's grid can show (TableResult.vue): [item, count]
 * pairs (frequencies and their top k) as two columns, so the grid sorts them and draws the bar
 * chart of a group-by; records (objects) as their keys; anything else as one column of values.
 * Values that are not cells (lists, objects) are shown as their JSON.
 */
import type { Cell } from './table-view';

export interface ListTable {
  columns: string[];
  dtypes: string[];
  rows: Cell[][];
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function cell(v: unknown): Cell {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') return v;
  return JSON.stringify(v);
}

/** The dtype a column of cells reads as: int64, float64, bool, else string. */
function dtypeOf(cells: readonly Cell[]): string {
  const present = cells.filter((c) => c !== null);
  if (present.length && present.every((c) => typeof c === 'number')) return present.every((c) => Number.isInteger(c)) ? 'int64' : 'float64';
  if (present.length && present.every((c) => typeof c === 'boolean')) return 'bool';
  return 'string';
}

export function listAsTable(values: readonly unknown[]): ListTable {
  let columns: string[];
  let rows: Cell[][];
  if (values.length && values.every((v) => Array.isArray(v) && v.length === 2)) {
    rows = values.map((v) => (v as unknown[]).map(cell));
    columns = rows.every((r) => r[1] === null || typeof r[1] === 'number') ? ['item', 'count'] : ['key', 'value'];
  } else if (values.length && values.every(isRecord)) {
    const keys = new Set<string>();
    for (const v of values.slice(0, 100)) for (const k of Object.keys(v)) keys.add(k);
    columns = [...keys];
    rows = values.map((v) => columns.map((k) => cell((v as Record<string, unknown>)[k])));
  } else {
    columns = ['value'];
    rows = values.map((v) => [cell(v)]);
  }
  return { columns, dtypes: columns.map((_, i) => dtypeOf(rows.map((r) => r[i]))), rows };
}
