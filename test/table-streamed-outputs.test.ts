/**
 * Table outputs larger than the memory limit (issue #18): a table the planner expects to be large
 * is written to its file by the run that makes it, each partition as soon as it is made and then
 * released, so the chunk store stays under the limit where keeping the output whole would not.
 * The file is pandas' to_csv of the same frame byte for byte (and the Parquet file the same table);
 * a table that turns out small comes back inline with no file; a job that fails or is cancelled
 * leaves no file and no temporary file, and an earlier run's file of the same name is untouched.
 */
import { execFileSync, spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readdirSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, ENV, tessera } from './helpers/cli.js';
import { tempDir } from './helpers/engine.js';
import { pythonWithPandas } from './helpers/pandas.js';
import { rng } from './helpers/rng.js';

const LIMIT = 8 * 2 ** 20;
const OUTPUTS = {
  // About 90% of a 30 MB file's rows: 3x the limit if it were held whole.
  kept: 'b[b.value > 100]',
  // Estimated as large (a filter's estimate is its input), a few dozen rows in fact: inline.
  few: 'b[b.value > 999.95]',
};

describe('table outputs streamed to their files', () => {
  const dir = tempDir();
  const fd = openSync(join(dir, 'big.csv'), 'w');
  writeSync(fd, 'key,value,label\n');
  const rnd = rng(23);
  for (let block = 0; block < 70; block++) {
    let text = '';
    for (let i = 0; i < 20_000; i++) text += `${Math.floor(rnd() * 500)},${Math.round(rnd() * 1e6) / 1000},label-${Math.floor(rnd() * 40)}\n`;
    writeSync(fd, text);
  }
  closeSync(fd);
  const spec = (outputs: Record<string, string>) => JSON.stringify({ tessera: 1, datasets: { b: { csv: 'big.csv', blocksize: '2MB' } }, outputs });
  writeFileSync(join(dir, 'job.json'), spec(OUTPUTS));
  const want = JSON.parse(execFileSync(pythonWithPandas(), ['-c', String.raw`
import json, sys
import pandas as pd
b = pd.read_csv('big.csv', float_precision='round_trip')
print(json.dumps({name: eval(e, {'b': b}).to_csv(index=False) for name, e in json.loads(sys.stdin.read()).items()}))`], { cwd: dir, input: JSON.stringify(OUTPUTS), encoding: 'utf8', maxBuffer: 256 * 2 ** 20 })) as Record<string, string>;
  const files = (sub: string) => (existsSync(join(dir, sub)) ? readdirSync(join(dir, sub)).sort() : []);

  it('writes a table 3x the memory limit with the store under it: pandas\' CSV byte for byte; a small one inline, no file', () => {
    const r = tessera(['run', 'job.json', '--json', '--out', 'csv', '--format', 'csv', '--memory-limit', String(LIMIT)], dir);
    expect(r.status, r.stderr).toBe(0);
    const { outputs, stats } = JSON.parse(r.stdout);
    expect(stats.peak_store_bytes).toBeLessThanOrEqual(LIMIT);
    expect(outputs.kept.path).toBe(join(dir, 'csv', 'kept.csv'));
    expect(outputs.kept.nrows).toBe(want.kept.split('\n').length - 2);
    const got = readFileSync(outputs.kept.path, 'utf8');
    expect(got.length).toBeGreaterThan(3 * LIMIT);
    expect(got === want.kept, 'kept differs from pandas').toBe(true);
    const few = want.few.trim().split('\n').slice(1).map((l) => l.split(','));
    expect(few.length).toBeGreaterThan(5);
    expect(outputs.few.nrows).toBe(few.length);
    expect(outputs.few.rows).toEqual(few.map(([k, v, l]) => [Number(k), Number(v), l]));
    expect(files('csv')).toEqual(['kept.csv']);
  });

  it('writes it as Parquet with the store under the limit: read back, the same table', () => {
    const r = tessera(['run', 'job.json', '--json', '--out', 'pq', '--memory-limit', String(LIMIT)], dir);
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).stats.peak_store_bytes).toBeLessThanOrEqual(LIMIT);
    expect(files('pq')).toEqual(['kept.parquet']);
    writeFileSync(join(dir, 'back.json'), JSON.stringify({ tessera: 1, datasets: { k: { parquet: 'pq/kept.parquet' } }, outputs: { kept: 'k' } }));
    const back = tessera(['run', 'back.json', '--json', '--out', 'back', '--format', 'csv'], dir);
    expect(back.status, back.stderr).toBe(0);
    expect(readFileSync(join(dir, 'back', 'kept.csv'), 'utf8') === want.kept).toBe(true);
  });

  it('a job that fails after the table was written leaves no file, and an earlier file of that name as it was', () => {
    writeFileSync(join(dir, 'bad.json'), spec({ kept: OUTPUTS.kept, bad: 'b.key // 0' }));
    for (const format of ['csv', 'parquet']) {
      const r = tessera(['run', 'bad.json', '--json', '--out', `bad-${format}`, '--format', format, '--memory-limit', String(LIMIT)], dir);
      expect(r.status, r.stderr).toBe(1);
      expect(JSON.parse(r.stdout).error.code).toBe('VALUE_ERROR');
      expect(files(`bad-${format}`)).toEqual([]);
    }
    const before = readFileSync(join(dir, 'csv', 'kept.csv'));
    const r = tessera(['run', 'bad.json', '--json', '--out', 'csv', '--format', 'csv'], dir);
    expect(r.status).toBe(1);
    expect(files('csv')).toEqual(['kept.csv']);
    expect(readFileSync(join(dir, 'csv', 'kept.csv')).equals(before)).toBe(true);
  });

  it('a job cancelled while it writes the table (SIGTERM) leaves no file and no temporary file', async () => {
    const child = spawn(process.execPath, [BIN, 'run', 'job.json', '--out', 'cut', '--format', 'csv', '--memory-limit', String(LIMIT)], { cwd: dir, env: ENV });
    const exited = new Promise<number | null>((resolve) => child.on('close', (status) => resolve(status)));
    // Once the output's temporary file exists, the run is writing it.
    const deadline = Date.now() + 30_000;
    while (!files('cut').some((n) => n.startsWith('kept.csv.tmp-')) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 2));
    expect(files('cut').some((n) => n.startsWith('kept.csv.tmp-'))).toBe(true);
    child.kill('SIGTERM');
    expect(await exited).toBe(143);
    expect(files('cut')).toEqual([]);
  }, 60_000);
});
