/**
 * Tables used as arrays (`t.fare.values`, `t[['a', 'b']].to_numpy()`) inside array expressions,
 * against numpy over pandas' columns: the same text evaluated by Python with the dataset as a
 * DataFrame and numpy's functions in scope. The table part runs first (its partitions become dense
 * chunks), the array part over them, in one job, at any blocksize.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from './helpers/engine.js';
import { tessera } from './helpers/cli.js';
import { pythonWithPandas } from './helpers/pandas.js';
import { rng } from './helpers/rng.js';

const OUTPUTS: Record<string, string> = {
  meanSquare: '(t.fare.fillna(0).values ** 2).mean()',
  filteredMax: 't[t.pax > 2].fare.values.max()',
  columnSums: "t[['pax', 'id']].to_numpy().sum(axis=0)",
  withArray: 't.pax.values[:5] * x',
  roots: 'sqrt(t.fare.fillna(1).abs().values).sum()',
  bools: '(t.fare.values > 50).sum()',
  ratio: 't.fare.fillna(0).values.sum() / t.pax.values.sum()',
};

function numpyResults(dir: string): Record<string, unknown> {
  const script = String.raw`
import json, math, sys
import numpy as np, pandas as pd
from numpy import *
t = pd.read_csv('t.csv', float_precision='round_trip')
x = np.arange(5)
def plain(v):
    if isinstance(v, np.ndarray): return [plain(e) for e in v.tolist()]
    if isinstance(v, list): return [plain(e) for e in v]
    v = v.item() if hasattr(v, 'item') else v
    if isinstance(v, float) and math.isnan(v): return 'nan'
    return v
print(json.dumps({k: plain(eval(e)) for k, e in json.loads(sys.stdin.read()).items()}))`;
  return JSON.parse(execFileSync(pythonWithPandas(), ['-c', script], { cwd: dir, input: JSON.stringify(OUTPUTS), encoding: 'utf8' }));
}

function close(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => close(x, b[i]));
  if (typeof a === 'number' && typeof b === 'number') return a === b || Math.abs(a - b) <= 1e-12 * Math.max(Math.abs(a), Math.abs(b));
  return a === b;
}

describe('tables as arrays', () => {
  const dir = tempDir();
  const rnd = rng(23);
  const lines = ['id,fare,pax,city'];
  for (let i = 0; i < 4000; i++) lines.push(`${i},${rnd() < 0.05 ? '' : (rnd() * 100 - 5).toFixed(3)},${1 + Math.floor(rnd() * 5)},c${Math.floor(rnd() * 9)}`);
  writeFileSync(join(dir, 't.csv'), `${lines.join('\n')}\n`);
  const expected = numpyResults(dir);

  it.each([[2048], [undefined]])('equal numpy over pandas columns at blocksize %s', (blocksize) => {
    writeFileSync(join(dir, 'job.json'), JSON.stringify({
      tessera: 1, datasets: { t: { csv: 't.csv', ...(blocksize ? { blocksize } : {}) }, x: { arange: 5 } }, outputs: { ...OUTPUTS, n: 'len(t)' },
    }));
    const r = tessera(['run', 'job.json', '--json', '--workers', '2'], dir);
    expect(r.status, r.stderr).toBe(0);
    const { outputs } = JSON.parse(r.stdout);
    for (const name of Object.keys(OUTPUTS)) {
      const got = outputs[name].kind === 'scalar' ? outputs[name].value : outputs[name].values;
      expect(close(got, expected[name]), `${name}: ${JSON.stringify(got)} vs ${JSON.stringify(expected[name])}`).toBe(true);
    }
    expect(outputs.n.value).toBe(4000);
    expect(outputs.columnSums).toMatchObject({ kind: 'array', dtype: 'int64', shape: [2] });
  });

  it('refuses a string column as an array and a table mixed with an array without .values', () => {
    for (const [expr, code] of [['t.city.values.sum()', 'UNSUPPORTED'], ['t.pax + x', 'BAD_SPEC']] as const) {
      writeFileSync(join(dir, 'job.json'), JSON.stringify({ tessera: 1, datasets: { t: { csv: 't.csv' }, x: { arange: 5 } }, outputs: { o: expr } }));
      const r = tessera(['run', 'job.json', '--json'], dir);
      expect(r.status, expr).toBe(2);
      expect(JSON.parse(r.stdout).error.code, expr).toBe(code);
    }
  });
});
