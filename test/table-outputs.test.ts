/**
 * Table outputs as files (ADR 0017): tables over 10,000 rows are written to OUT/NAME.csv (byte for
 * byte pandas' to_csv(index=False) of pandas' own result) or OUT/NAME.parquet (read back through
 * Tessera's Parquet reader: the same table), small ones stay inline; no temporary file is left, a
 * failing job writes nothing, and the window's exports write both formats. The float spelling is
 * checked against Python's repr() over many generated doubles.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiEvent } from '../dist/src-main/api/contract.js';
import { Engine } from '../dist/src-main/engine/engine.js';
import { JobService } from '../dist/src-main/service/job-service.js';
import { tempDir } from './helpers/engine.js';
import { tessera } from './helpers/cli.js';
import { pythonWithPandas } from './helpers/pandas.js';
import { rng } from './helpers/rng.js';

const N = 30_000;

/** Every column type the CSV reader makes, with nulls, quoting, non-ASCII text and awkward floats. */
function dataset(rnd: () => number): string {
  const words = ['Lyon', 'Paris', '"Saint-Étienne, Loire"', '"say ""hi"""', 'Nice', '', '"two\nlines"'];
  const floats = [1e16, 1e-5, 0.1, -0.0, 1.0, 3.5e300, 5e-324, 123456789012345680, 1e-4, 2.5e-7];
  const lines = ['i,x,f,b,ts,ts2,s'];
  const iso = (ms: number) => new Date(ms).toISOString().replace('T', ' ').replace('Z', '').replace(/\.000$/, '');
  for (let k = 0; k < N; k++) {
    const x = rnd() < 0.05 ? '' : String((rnd() - 0.5) * 20);
    const f = rnd() < 0.05 ? '' : rnd() < 0.5 ? String(floats[Math.floor(rnd() * floats.length)]) : String(rnd() * 1e6);
    const start = Date.UTC(2024, 0, 1) + Math.floor(rnd() * 86400 * 60) * 1000;
    // ts has whole seconds (pandas writes no fraction); ts2 has milliseconds in every block.
    const ts = rnd() < 0.03 ? '' : iso(start);
    const ts2 = iso(start + Math.floor(rnd() * 3_600_000));
    lines.push(`${k},${x},${f},${rnd() < 0.5 ? 'True' : 'False'},${ts},${ts2},${words[Math.floor(rnd() * words.length)]}`);
  }
  return `${lines.join('\n')}\n`;
}

const OUTPUTS: Record<string, string> = {
  small: 't.head(5)',
  all: 't',
  pos: 't[t.x > 0]',
  groups: "t.groupby('i').agg(x=('x', 'sum'), n=('s', 'count'), first=('ts', 'min'))",
  rides: 't.assign(d=t.ts2 - t.ts)',
  big_head: 't.head(12000)',
  big_tail: 't.tail(12000)',
  pos_tail: 't[t.x > 0].tail(10500)',
  cut_tail: 't.head(25000).tail(12000)',
  tail_head: 't.tail(20000).head(11000)',
};

/** pandas' to_csv(index=False) of each output, computed by pandas from the same file. */
function pandasCsv(dir: string): Record<string, string> {
  const script = String.raw`
import json, sys
import pandas as pd
t = pd.read_csv('t.csv', parse_dates=['ts', 'ts2'], float_precision='round_trip')
exprs = json.loads(sys.stdin.read())
out = {}
for name, e in exprs.items():
    r = eval(e, {'t': t})
    if any(n is not None for n in r.index.names): r = r.reset_index()
    out[name] = r.to_csv(index=False)
print(json.dumps(out))`;
  return JSON.parse(execFileSync(pythonWithPandas(), ['-c', script], { cwd: dir, input: JSON.stringify(OUTPUTS), encoding: 'utf8', maxBuffer: 512 * 2 ** 20 }));
}

const noTemps = (dir: string) => expect(readdirSync(dir).filter((n) => n.includes('.tmp-'))).toEqual([]);

describe('table outputs written to files', () => {
  const dir = tempDir();
  writeFileSync(join(dir, 't.csv'), dataset(rng(17)));
  // Several partitions, so rows arrive from several worker threads and pandas' blocks span them.
  writeFileSync(join(dir, 'job.json'), JSON.stringify({ tessera: 1, datasets: { t: { csv: 't.csv', parse_dates: ['ts', 'ts2'], blocksize: 150_000 } }, outputs: OUTPUTS }));
  const want = pandasCsv(dir);

  it('--format csv: large tables are files equal to pandas to_csv byte for byte, small ones inline', () => {
    const r = tessera(['run', 'job.json', '--json', '--out', 'csv', '--format', 'csv', '--workers', '2'], dir);
    expect(r.status, r.stderr).toBe(0);
    const { outputs } = JSON.parse(r.stdout);
    expect(outputs.small.rows).toHaveLength(5);
    expect(outputs.small.path).toBeUndefined();
    for (const name of ['all', 'pos', 'groups', 'rides', 'big_head', 'big_tail', 'pos_tail', 'cut_tail', 'tail_head']) {
      const o = outputs[name];
      expect(o.rows, name).toBeUndefined();
      expect(o.path, name).toBe(join(dir, 'csv', `${name}.csv`));
      const got = readFileSync(o.path, 'utf8');
      expect(o.nrows, name).toBe(want[name].split('\n').length - 2 - (want[name].match(/"two\nlines"/g)?.length ?? 0));
      if (got !== want[name]) expect(got.slice(0, 2000), name).toBe(want[name].slice(0, 2000));
      expect(got === want[name], `${name} differs from pandas`).toBe(true);
    }
    noTemps(join(dir, 'csv'));
  });

  it('Parquet (the default): read back through a Tessera job, the same table as the CSV files', () => {
    const r = tessera(['run', 'job.json', '--json', '--out', 'pq', '--workers', '2'], dir);
    expect(r.status, r.stderr).toBe(0);
    const { outputs } = JSON.parse(r.stdout);
    expect(outputs.all.path).toBe(join(dir, 'pq', 'all.parquet'));
    noTemps(join(dir, 'pq'));
    // A timedelta is written as BIGINT nanoseconds (ADR 0017): compared as such below.
    const names = ['all', 'pos', 'groups', 'big_head', 'big_tail', 'pos_tail'];
    writeFileSync(join(dir, 'back.json'), JSON.stringify({
      tessera: 1, datasets: { ...Object.fromEntries(names.map((n) => [n, { parquet: `pq/${n}.parquet` }])), rides: { parquet: 'pq/rides.parquet' } },
      outputs: { ...Object.fromEntries(names.map((n) => [n, n])), rides: 'rides' },
    }));
    const back = tessera(['run', 'back.json', '--json', '--out', 'back', '--format', 'csv'], dir);
    expect(back.status, back.stderr).toBe(0);
    for (const n of names) expect(readFileSync(join(dir, 'back', `${n}.csv`), 'utf8') === want[n], n).toBe(true);
    const rides = JSON.parse(back.stdout).outputs.rides;
    expect(rides.dtypes).toEqual(['int64', 'float64', 'float64', 'bool', 'timestamp', 'timestamp', 'string', 'int64']);
    const csvRides = readFileSync(join(dir, 'csv', 'rides.csv'), 'utf8').split('\n');
    const pqRides = readFileSync(join(dir, 'back', 'rides.csv'), 'utf8').split('\n');
    expect(pqRides).toHaveLength(csvRides.length);
    expect(pqRides.slice(0, 3).map((l) => l.split(',').slice(0, 6).join())).toEqual(csvRides.slice(0, 3).map((l) => l.split(',').slice(0, 6).join()));
  });

  it('a job that fails leaves no output file and no temporary file', () => {
    writeFileSync(join(dir, 'bad.json'), JSON.stringify({ tessera: 1, datasets: { t: { csv: 't.csv', parse_dates: ['ts', 'ts2'], blocksize: 150_000 } }, outputs: { all: 't', bad: 't.i // 0' } }));
    for (const format of ['csv', 'parquet']) {
      const r = tessera(['run', 'bad.json', '--json', '--out', `bad-${format}`, '--format', format], dir);
      expect(r.status).toBe(1);
      expect(JSON.parse(r.stdout).error.code).toBe('VALUE_ERROR');
      expect(existsSync(join(dir, `bad-${format}`)) ? readdirSync(join(dir, `bad-${format}`)) : []).toEqual([]);
    }
  });

  it('keeps the sign of zero in Parquet: 0.0 and -0.0 side by side, among repeated values', () => {
    // DuckDB's column compression and its Parquet dictionaries take 0.0 and -0.0 for one value;
    // the writer stores and writes them so that each keeps its own. 300,000 sorted values of two
    // decimals (written as Python's repr, as the CSV writer does), zeros of both signs among them.
    const rnd = rng(5);
    const values = Array.from({ length: 300_000 }, () => {
      const k = Math.floor(rnd() * 19_999) - 9_999;
      return k === 0 || k % 10 === 0 ? (rnd() < 0.5 ? -0 : 0) : k / 100;
    }).sort((a, b) => b - a);
    const text = ['i,x', ...values.map((v, i) => `${i},${Object.is(v, -0) ? '-0.0' : v === 0 ? '0.0' : String(v)}`)].join('\n');
    expect(text).toContain(',-0.0\n');
    expect(text).toContain(',0.0\n');
    writeFileSync(join(dir, 'zeros.csv'), `${text}\n`);
    writeFileSync(join(dir, 'zeros.json'), JSON.stringify({ tessera: 1, datasets: { z: { csv: 'zeros.csv' } }, outputs: { z: 'z' } }));
    expect(tessera(['run', 'zeros.json', '--out', 'zeros-pq'], dir).status).toBe(0);
    writeFileSync(join(dir, 'zeros-back.json'), JSON.stringify({ tessera: 1, datasets: { z: { parquet: 'zeros-pq/z.parquet' } }, outputs: { z: 'z' } }));
    expect(tessera(['run', 'zeros-back.json', '--out', 'zeros-back', '--format', 'csv'], dir).status).toBe(0);
    expect(readFileSync(join(dir, 'zeros-back', 'z.csv'), 'utf8') === `${text}\n`).toBe(true);
  });

  it('refuses an unknown format', () => {
    const r = tessera(['run', 'job.json', '--json', '--format', 'xlsx'], dir);
    expect(r.status).toBe(2);
    expect(JSON.parse(r.stdout).error.code).toBe('BAD_OPTION');
  });

  describe('exports from the job service', () => {
    let engine: Engine;
    let service: JobService;
    beforeAll(async () => {
      engine = await Engine.start({ workers: 2 });
      service = new JobService(engine, { host: 'web', dataDir: tempDir(), baseDir: dir });
    });
    afterAll(async () => {
      await service.close();
      await engine.close();
    });

    it('writes a large and an inline table as CSV and as Parquet', async () => {
      let done!: (e: ApiEvent) => void;
      const finished = new Promise<ApiEvent>((r) => { done = r; });
      const { jobId } = service.runJob({ tessera: 1, datasets: { t: { csv: 't.csv', parse_dates: ['ts', 'ts2'], blocksize: 150_000 } }, outputs: { pos: OUTPUTS.pos, small: OUTPUTS.small } } as never,
        { memoryLimit: null, workers: null, scheduler: 'threads' }, (e) => { if (e.event === 'job.done' || e.event === 'job.failed') done(e); });
      expect((await finished).event).toBe('job.done');
      const csv = await service.exportFile(jobId, 'out.pos.csv');
      expect(csv.fileName).toBe('pos.csv');
      expect(readFileSync(csv.path, 'utf8') === want.pos).toBe(true);
      const pq = await service.exportFile(jobId, 'out.pos');
      expect(pq.fileName).toBe('pos.parquet');
      expect(readFileSync(pq.path).subarray(0, 4).toString()).toBe('PAR1');
      const smallCsv = await service.exportFile(jobId, 'out.small.csv');
      expect(readFileSync(smallCsv.path, 'utf8')).toBe(want.small);
      const smallPq = await service.exportFile(jobId, 'out.small.parquet');
      expect(readFileSync(smallPq.path).subarray(0, 4).toString()).toBe('PAR1');
    });
  });
});

describe('float64 spelled as Python repr()', () => {
  it('matches repr() over generated doubles: random bits, subnormals, powers of ten, integers, signed zero', () => {
    const rnd = rng(5);
    const bits: string[] = [];
    const push = (v: number) => { const b = new DataView(new ArrayBuffer(8)); b.setFloat64(0, v); bits.push(b.getBigUint64(0).toString(16).padStart(16, '0')); };
    for (let i = 0; i < 20000; i++) {
      const b = new DataView(new ArrayBuffer(8));
      b.setUint32(0, Math.floor(rnd() * 2 ** 32)); b.setUint32(4, Math.floor(rnd() * 2 ** 32));
      if (!Number.isNaN(b.getFloat64(0))) bits.push(b.getBigUint64(0).toString(16).padStart(16, '0'));
    }
    for (let e = -330; e <= 310; e++) { push(Number(`1e${e}`)); push(Number(`-3.7e${e}`)); }
    for (let i = 0; i < 2000; i++) { push(Math.round(rnd() * 2 ** 53)); push(rnd()); push(Math.floor(rnd() * 1e6) / 1000); push(5e-324 * Math.floor(rnd() * 1e6)); }
    for (const v of [0, -0, 1e16, 1e15, 9999999999999998, 1e-5, 1e-4, 0.0001234, Infinity, -Infinity, Number.MAX_VALUE, Number.MIN_VALUE, 2.2250738585072014e-308]) push(v);
    const tool = fileURLToPath(new URL('../build/tools/float-repr', import.meta.url));
    const ours = execFileSync(tool, { input: `${bits.join('\n')}\n`, encoding: 'utf8', maxBuffer: 64 * 2 ** 20 }).split('\n');
    const python = execFileSync(pythonWithPandas(), ['-c', 'import sys, struct\nfor l in sys.stdin: print(repr(struct.unpack(">d", bytes.fromhex(l.strip()))[0]))'],
      { input: `${bits.join('\n')}\n`, encoding: 'utf8', maxBuffer: 64 * 2 ** 20 }).split('\n');
    expect(ours.length).toBe(bits.length + 1);
    const wrong = ours.flatMap((s, i) => (s === python[i] ? [] : [`${bits[i]}: ${s} vs ${python[i]}`]));
    expect(wrong.slice(0, 10)).toEqual([]);
  });
});
