/**
 * Tables from CSV files through the job spec and the real CLI: the dataset's files, partitions at
 * any blocksize, projection, head and len, checked against pandas.read_csv on the same files.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from './helpers/engine.js';
import { tessera } from './helpers/cli.js';
import { pythonWithPandas } from './helpers/pandas.js';

/** pandas as the oracle: runs `code` with pandas as pd and prints what it returns as JSON. */
function pandas<T>(code: string, cwd: string): T {
  const script = `import json, math, pandas as pd
def rows(df):
    out = []
    for r in df.itertuples(index=False):
        out.append([None if (isinstance(v, float) and math.isnan(v)) or v is pd.NaT else (v.isoformat() if isinstance(v, pd.Timestamp) else (bool(v) if type(v).__name__ == 'bool_' else (int(v) if type(v).__name__ == 'int64' else (float(v) if type(v).__name__ == 'float64' else v)))) for v in r])
    return out
print(json.dumps(${code}))`;
  return JSON.parse(execFileSync(pythonWithPandas(), ['-c', script], { cwd, encoding: 'utf8', maxBuffer: 64 * 2 ** 20 })) as T;
}

const DTYPE = { int64: 'int64', float64: 'float64', bool: 'bool', object: 'string', 'datetime64[ns]': 'timestamp' } as Record<string, string>;

function trips(n: number, seed: number): string {
  let s = seed;
  const rnd = () => { s = (s * 1103515245 + 12345) % 2147483648; return s / 2147483648; };
  const lines = ['id,fare,city,night,pickup,note'];
  for (let i = 0; i < n; i++) {
    const fare = rnd() < 0.05 ? '' : (rnd() * 100 - 10).toFixed(2);
    const city = ['Lyon', 'Paris', '"Saint-Étienne, Loire"', 'Nice'][Math.floor(rnd() * 4)];
    const note = rnd() < 0.1 ? '"said ""hi""\nthen left"' : rnd() < 0.5 ? 'ok' : '';
    const t = new Date(Date.UTC(2024, 0, 1) + Math.floor(rnd() * 86400 * 30) * 1000).toISOString().replace('.000Z', '');
    lines.push(`${seed * 100000 + i},${fare},${city},${rnd() < 0.3 ? 'True' : 'False'},${t},${note}`);
  }
  return `${lines.join('\n')}\n`;
}

function writeJob(dir: string, dataset: Record<string, unknown>, outputs: Record<string, string>): void {
  writeFileSync(join(dir, 'job.json'), JSON.stringify({ tessera: 1, datasets: { t: dataset }, outputs }));
}

describe('tables from CSV files', () => {
  const dir = tempDir();
  mkdirSync(join(dir, 'trips'));
  for (let k = 0; k < 3; k++) writeFileSync(join(dir, 'trips', `month-${k}.csv`), trips(400 + 50 * k, k + 1));
  const oracle = pandas<{ columns: string[]; dtypes: string[]; rows: unknown[][]; n: number; head: unknown[][] }>(`(lambda df: {
    'columns': list(df.columns), 'dtypes': [str(t) for t in df.dtypes], 'rows': rows(df), 'n': len(df), 'head': rows(df.head(7)) })(
    pd.concat([pd.read_csv(f'trips/month-{k}.csv', parse_dates=['pickup'], float_precision='round_trip') for k in range(3)], ignore_index=True))`, dir);

  it.each([[undefined], [4096], [1024]])('reads a folder of files at blocksize %s as pandas does', (blocksize) => {
    writeJob(dir, { csv: 'trips/*.csv', parse_dates: ['pickup'], ...(blocksize ? { blocksize } : {}) }, { all: 't', first: 't.head(7)', n: 'len(t)', fares: "t[['city', 'fare']]", city: 't.city' });
    const r = tessera(['run', 'job.json', '--json'], dir);
    expect(r.status, r.stderr).toBe(0);
    const { outputs } = JSON.parse(r.stdout);
    expect(outputs.all.kind).toBe('table');
    expect(outputs.all.columns).toEqual(oracle.columns);
    expect(outputs.all.dtypes).toEqual(oracle.dtypes.map((t) => DTYPE[t]));
    expect(outputs.all.nrows).toBe(oracle.n);
    expect(outputs.all.rows).toEqual(oracle.rows);
    expect(outputs.first.rows).toEqual(oracle.head);
    expect(outputs.n).toEqual({ kind: 'scalar', dtype: 'int64', value: oracle.n });
    const [ci, fi] = ['city', 'fare'].map((c) => oracle.columns.indexOf(c));
    expect(outputs.fares.columns).toEqual(['city', 'fare']);
    expect(outputs.fares.rows).toEqual(oracle.rows.map((row) => [row[ci], row[fi]]));
    expect(outputs.city.rows).toEqual(oracle.rows.map((row) => [row[ci]]));
  });

  it('reads gzip-compressed files (one partition each, multi-member too) as the same rows, and refuses a truncated one', () => {
    mkdirSync(join(dir, 'gz'), { recursive: true });
    const text = [0, 1, 2].map((k) => readFileSync(join(dir, 'trips', `month-${k}.csv`)));
    writeFileSync(join(dir, 'gz', 'month-0.csv.gz'), gzipSync(text[0]));
    // Two gzip members, as `cat a.gz b.gz` makes: one stream to gzip -d.
    const [head, ...rest] = text[1].toString().split('\n');
    const half = Math.floor(rest.length / 2);
    writeFileSync(join(dir, 'gz', 'month-1.csv.gz'), Buffer.concat([gzipSync(`${[head, ...rest.slice(0, half)].join('\n')}\n`), gzipSync(rest.slice(half).join('\n'))]));
    writeFileSync(join(dir, 'gz', 'month-2.csv.gz'), gzipSync(text[2]));
    writeJob(dir, { csv: 'gz/*.csv.gz', parse_dates: ['pickup'], blocksize: 1024 }, { all: 't', n: 'len(t)' });
    const r = tessera(['run', 'job.json', '--json'], dir);
    expect(r.status, r.stderr).toBe(0);
    const { outputs, stats } = JSON.parse(r.stdout);
    expect(outputs.all.rows).toEqual(oracle.rows);
    expect(outputs.n.value).toBe(oracle.n);
    expect(stats.tasks).toBe(3 + 3); // one read per file (not split at blocksize), and the len
    writeFileSync(join(dir, 'gz', 'month-2.csv.gz'), gzipSync(text[2]).subarray(0, 300));
    const bad = tessera(['run', 'job.json', '--json'], dir);
    expect(bad.status).toBe(2);
    expect(JSON.parse(bad.stdout).error).toMatchObject({ code: 'CSV_BAD_GZIP' });
    expect(JSON.parse(bad.stdout).error.message).toContain('month-2.csv.gz');
  });

  it('names a missing column, a mixed output and a missing file with typed errors', () => {
    writeJob(dir, { csv: 'trips/*.csv' }, { bad: "t[['city', 'fares']]" });
    const bad = tessera(['run', 'job.json', '--json'], dir);
    expect(bad.status).toBe(2);
    expect(JSON.parse(bad.stdout).error).toMatchObject({ code: 'NO_SUCH_COLUMN', position: { output: 'bad' } });
    writeFileSync(join(dir, 'job.json'), JSON.stringify({ tessera: 1, datasets: { t: { csv: 'trips/*.csv' }, x: { arange: 10 } }, outputs: { m: 'len(t) + x.sum()' } }));
    const mixed = tessera(['run', 'job.json', '--json'], dir);
    expect(mixed.status).toBe(2);
    expect(JSON.parse(mixed.stdout).error.code).toBe('BAD_SPEC');
    writeJob(dir, { csv: 'nowhere/*.csv' }, { n: 'len(t)' });
    const missing = tessera(['run', 'job.json', '--json'], dir);
    expect(missing.status).toBe(2);
    expect(JSON.parse(missing.stdout).error.code).toBe('FILE_NOT_FOUND');
  });
});
