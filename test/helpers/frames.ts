/**
 * pandas as the oracle of dataframe job outputs: the same expression text evaluated by pandas
 * (Debian's python3-pandas) over the same files, and the comparison of a job's outputs with it, as
 * test/dataframe-ops.test.ts does: group-by results after reset_index() (as a job output shows
 * them), a Series as a one-column table, floats within a relative tolerance, NaN/NaT as null.
 */
import { execFileSync } from 'node:child_process';
import { expect } from 'vitest';
import { pythonWithPandas } from './pandas.js';

export type Cell = number | string | boolean | null;
export interface Expected { columns?: string[]; rows?: Cell[][]; value?: Cell; error?: string }
export interface JobTable { kind: 'table'; columns: string[]; rows: Cell[][]; nrows: number; path?: string }
export interface JobScalar { kind: 'scalar'; value: Cell }
export type JobOutput = JobTable | JobScalar | { kind: string };

/**
 * pandas' result of each expression. `setup` is Python run first (pandas as pd, numpy as np) that
 * defines the names the expressions use; `names` lists them.
 */
export function pandasResults(cwd: string, setup: string, names: string[], exprs: Record<string, string>): Record<string, Expected> {
  const script = String.raw`
import json, math, sys
import numpy as np, pandas as pd
exprs = json.loads(sys.stdin.read())
` + setup + String.raw`
def cell(v):
    if v is None or v is pd.NaT or (isinstance(v, float) and math.isnan(v)): return None
    if isinstance(v, (bool, np.bool_)): return bool(v)
    if isinstance(v, (int, np.integer)): return int(v)
    if isinstance(v, (float, np.floating)): return float(v)
    if isinstance(v, pd.Timestamp): return v.isoformat()
    if isinstance(v, pd.Timedelta): return str(v)
    return v
def table(df):
    return {'columns': [str(c) for c in df.columns], 'rows': [[cell(v) for v in r] for r in df.itertuples(index=False)]}
scope = {n: globals()[n] for n in ` + JSON.stringify(names) + String.raw`}
scope.update({'len': len, 'concat': pd.concat})
out = {}
for name, e in exprs.items():
    try:
        r = eval(e, scope)
    except Exception as err:
        out[name] = {'error': type(err).__name__ + ': ' + str(err)}; continue
    if isinstance(r, pd.Series):
        r = r.reset_index() if any(n is not None for n in r.index.names) else r.to_frame(r.name if r.name is not None else 0)
    if isinstance(r, pd.DataFrame):
        if any(n is not None for n in r.index.names): r = r.reset_index()
        out[name] = table(r)
    else:
        out[name] = {'value': cell(r)}
print(json.dumps(out))`;
  return JSON.parse(execFileSync(pythonWithPandas(), ['-c', script], { cwd, input: JSON.stringify(exprs), encoding: 'utf8', maxBuffer: 256 * 2 ** 20 }));
}

/** Equal, or numbers within `rtol` relative. */
export function close(a: Cell, b: Cell, rtol = 1e-12): boolean {
  if (typeof a === 'number' && typeof b === 'number') return a === b || Math.abs(a - b) <= rtol * Math.max(Math.abs(a), Math.abs(b));
  return a === b;
}

export const sortedRows = (rows: Cell[][]): Cell[][] => [...rows].sort((x, y) => (JSON.stringify(x) < JSON.stringify(y) ? -1 : 1));

/** A job output equals pandas' result (rows in order, or as multisets with `unordered`). */
export function expectSameOutput(name: string, got: JobOutput, want: Expected, opts: { unordered?: boolean; rtol?: number } = {}): void {
  expect(want.error, `pandas failed on ${name}`).toBeUndefined();
  if (want.value !== undefined) {
    expect(got.kind, name).toBe('scalar');
    const raw = (got as JobScalar).value;
    const v = raw === 'nan' ? null : raw;
    expect(close(v, want.value, opts.rtol), `${name}: ${v} vs ${want.value}`).toBe(true);
    return;
  }
  expect(got.kind, name).toBe('table');
  const t = got as JobTable;
  expect(t.rows, `${name}: a table small enough to come back inline`).toBeDefined();
  const rows = opts.unordered ? sortedRows(t.rows) : t.rows;
  const wantRows = opts.unordered ? sortedRows(want.rows!) : want.rows!;
  // pandas names an unnamed Series 0 (reset_index of groupby().size() too); the job output names it.
  const columns = want.columns!.map((c, k) => (c === '0' ? t.columns[k] : c));
  expect(t.columns, name).toEqual(columns);
  expect(rows.length, `${name}: rows`).toBe(wantRows.length);
  for (let r = 0; r < rows.length; r++) {
    const same = rows[r].length === wantRows[r].length && rows[r].every((c, k) => close(c, wantRows[r][k], opts.rtol));
    if (!same) expect(rows[r], `${name} row ${r}`).toEqual(wantRows[r]);
  }
}
