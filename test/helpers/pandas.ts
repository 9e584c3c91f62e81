/**
 * pandas as an independent oracle for tables: reads CSV files with pandas.read_csv (Debian's
 * python3-pandas) and returns each column's dtype and values in a JSON form exact for every type:
 * floats as Python's repr (round-trip exact; 'nan', 'inf', '-inf' as strings), int64 and
 * timestamps (ns since 1970 UTC) as decimal strings, strings as they are, bools as booleans, and a
 * missing value as null. Several reads go to one Python process (importing pandas takes a while).
 */
import { execFileSync } from 'node:child_process';
import { pythonWith } from './python.js';

export interface PandasRead {
  path: string;
  sep: string;
  quote: string;
  /** The missing-value strings, exactly (keep_default_na=False). */
  naValues: string[];
  header?: boolean;
  parseDates?: string[];
  dtype?: Record<string, string>;
  usecols?: string[];
}

export interface PandasColumn {
  name: string;
  dtype: string;
  values: (string | boolean | null)[];
}

export const pythonWithPandas = (): string => pythonWith('pandas', 'python3-pandas');

const SCRIPT = String.raw`
import json, sys, math
import numpy as np, pandas as pd
reads = json.loads(sys.stdin.read())
def cell(x, kind):
    if x is None or (isinstance(x, float) and math.isnan(x)) or x is pd.NaT: return None
    if isinstance(x, (bool, np.bool_)): return bool(x)
    if isinstance(x, (float, np.floating)):
        x = float(x)
        return 'inf' if x == math.inf else '-inf' if x == -math.inf else repr(x)
    if isinstance(x, (int, np.integer)): return str(int(x))
    return str(x)
out = []
for o in reads:
    kw = dict(sep=o['sep'], keep_default_na=False, na_values=o['naValues'], float_precision='round_trip')
    if o['quote'] == '': kw['quoting'] = 3
    else: kw['quotechar'] = o['quote']
    if o.get('header') is False: kw['header'] = None
    if o.get('parseDates'): kw['parse_dates'] = o['parseDates']
    if o.get('dtype'): kw['dtype'] = o['dtype']
    if o.get('usecols'): kw['usecols'] = o['usecols']
    df = pd.read_csv(o['path'], **kw)
    cols = []
    for name in df.columns:
        s = df[name]
        kind = str(s.dtype)
        if kind.startswith('datetime64'):
            ns = s.values.astype('datetime64[ns]').astype('int64')
            vals = [None if pd.isna(x) else str(int(i)) for x, i in zip(s, ns)]
        else:
            vals = [cell(x, kind) for x in s]
        cols.append({'name': str(name), 'dtype': kind, 'values': vals})
    out.append(cols)
print(json.dumps(out))
`;

/** pandas.read_csv of each request, in one Python process. */
export function pandasReadCsv(reads: PandasRead[]): PandasColumn[][] {
  const out = execFileSync(pythonWithPandas(), ['-c', SCRIPT], { input: JSON.stringify(reads), encoding: 'utf8', maxBuffer: 512 * 2 ** 20 });
  return JSON.parse(out) as PandasColumn[][];
}

/** Our table dtype for a pandas dtype (object: strings; a bool column with nulls is object there). */
export function tableDtypeOf(pandasDtype: string): string {
  if (pandasDtype.startsWith('datetime64')) return 'timestamp';
  if (pandasDtype === 'object') return 'string';
  return pandasDtype;
}
