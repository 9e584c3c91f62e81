/**
 * Generated tables like dask.datasets.timeseries ({"timeseries": {...}} datasets): the same table
 * at any partition_freq and worker count, exact timestamps, the columns' distributions (CLT
 * bounds at 5 sigma, a chi-square against Poisson(1000)), values equal to an independent
 * reference built from the Philox words (the addon's known-answer-tested philox), projection,
 * a CSV of the table read back by pandas with the same dtypes and values, the built-in sample
 * through the CLI and the window's job service, and typed BAD_SPEC errors.
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../dist/src-main/engine/engine.js';
import { lowerTables } from '../dist/src-main/collections/dataframe/lower.js';
import { project } from '../dist/src-main/collections/dataframe/table-node.js';
import type { TableNode } from '../dist/src-main/collections/dataframe/table-node.js';
import { native, type TableColumnValues } from '../dist/src-main/native/addon.js';
import { buildTable } from '../dist/src-main/run/table-datasets.js';
import { SAMPLES } from '../dist/src-main/service/samples.js';
import { tessera } from './helpers/cli.js';
import { tempDir } from './helpers/engine.js';
import { runInService } from './helpers/service.js';
import { pandasReadCsv } from './helpers/pandas.js';

const n = native();
const dir = tempDir('tessera-timeseries-');
const NAMES = ['Alice', 'Bob', 'Charlie', 'Dan', 'Edith', 'Frank', 'George', 'Hannah', 'Ingrid', 'Jerry', 'Kevin', 'Laura', 'Michael',
  'Norbert', 'Oliver', 'Patricia', 'Quinn', 'Ray', 'Sarah', 'Tim', 'Ursula', 'Victor', 'Wendy', 'Xavier', 'Yvonne', 'Zelda'];
const MONTH = { start: '2000-01-01', end: '2000-01-31', freq: '1s', seed: 42 };
const START_NS = BigInt(Date.UTC(2000, 0, 1)) * 1_000_000n;

const engines: Record<number, Engine> = {};
beforeAll(async () => { for (const w of [1, 3]) engines[w] = await Engine.start({ workers: w }); });
afterAll(async () => { for (const e of Object.values(engines)) await e.close(); });

interface Generated { nrows: number; partitions: number; columns: TableColumnValues[] }

const table = (opts: Record<string, unknown>): Promise<TableNode> => buildTable('ts', { timeseries: opts }, dir);

/** Runs a table plan on the engine's worker threads and joins its partitions' columns. */
async function generate(engine: Engine, node: TableNode): Promise<Generated> {
  const graph = lowerTables([{ name: 't', node }]);
  const keys = graph.outputs[0].keys;
  const owner = engine.newJob();
  try {
    const run = await engine.run(graph, { owner, keep: new Set(keys), files: new Map() });
    expect(run.records.every((r) => r.kind === 'timeseries')).toBe(true);
    // The memory gate's estimate is the partition's size, from above, to within 1 KiB.
    for (const r of run.records) {
      const est = graph.tasks.find((t) => t.key === r.key)!.estBytes;
      expect(est - r.bytesOut, r.key).toBeGreaterThanOrEqual(0);
      expect(est - r.bytesOut, r.key).toBeLessThan(1024);
    }
    const parts = keys.map((k) => n.readTable(run.chunks.get(k)!));
    const columns = node.columns.map((c, j) => {
      const pieces = parts.map((p) => p.columns[j]);
      for (const p of pieces) expect(p.name).toBe(c.name);
      const values = c.dtype === 'string' ? pieces.flatMap((p) => p.values as string[])
        : concat(pieces.map((p) => p.values as Float64Array | BigInt64Array));
      return { name: c.name, dtype: c.dtype, values, valid: null } as TableColumnValues;
    });
    return { nrows: parts.reduce((s, p) => s + p.nrows, 0), partitions: keys.length, columns };
  } finally {
    engine.freeJob(owner);
  }
}

function concat<T extends Float64Array | BigInt64Array>(xs: T[]): T {
  const out = new (xs[0].constructor as new (n: number) => T)(xs.reduce((s, x) => s + x.length, 0));
  let at = 0;
  for (const x of xs) { out.set(x as never, at); at += x.length; }
  return out;
}

/** SHA-256 of every column's values, in order. */
function digest(g: Generated): string {
  const h = createHash('sha256');
  for (const c of g.columns) {
    h.update(c.name);
    if (Array.isArray(c.values)) h.update(c.values.join('\n'));
    else h.update(new Uint8Array(c.values.buffer, c.values.byteOffset, c.values.byteLength));
  }
  return h.digest('hex');
}

const col = (g: Generated, name: string) => g.columns.find((c) => c.name === name)!.values;

// ---------------------------------------------------------------------------------------------
// An independent reference: Philox words from the addon's philox (checked against Random123's
// known answers elsewhere), ADR 0003's element mapping, numpy's PTRS in V8's Math.

const fnv1a = (s: string) => { let h = 0x811c9dc5; for (const b of Buffer.from(s, 'utf8')) h = Math.imul(h ^ b, 0x01000193) >>> 0; return h; };
const key = (seed: number) => [seed % 2 ** 32, Math.floor(seed / 2 ** 32)];
const bits64 = (w: number[], high: boolean) => (high ? BigInt(w[3]) << 32n | BigInt(w[2]) : BigInt(w[1]) << 32n | BigInt(w[0]));
const unit = (b: bigint) => Number(b >> 11n) / 2 ** 53;
/** Element i of a stream: counter ((i >> 5) << 4) | (i & 15); the high 64 bits when (i >> 4) is odd. */
const elementBits = (seed: number, stream: number, i: number) => {
  const c = Math.floor(i / 32) * 16 + (i % 16);
  return bits64(n.philox({ counter: [c % 2 ** 32, Math.floor(c / 2 ** 32), stream, 0], key: key(seed) }), Math.floor(i / 16) % 2 === 1);
};
function loggam(x: number): number {
  const a = [8.333333333333333e-02, -2.777777777777778e-03, 7.936507936507937e-04, -5.952380952380952e-04, 8.417508417508418e-04,
    -1.917526917526918e-03, 6.410256410256410e-03, -2.955065359477124e-02, 1.796443723688307e-01, -1.39243221690590e+00];
  if (x === 1 || x === 2) return 0;
  const m = x < 7 ? Math.floor(7 - x) : 0;
  let x0 = x + m;
  const x2 = (1 / x0) * (1 / x0);
  let g = a[9];
  for (let k = 8; k >= 0; k--) g = g * x2 + a[k];
  let gl = g / x0 + 0.5 * 1.8378770664093453 + (x0 - 0.5) * Math.log(x0) - x0;
  for (let k = 1; k <= m; k++) { gl -= Math.log(x0 - 1); x0 -= 1; }
  return gl;
}
function poisson(seed: number, stream: number, row: number, lam = 1000): number {
  const slam = Math.sqrt(lam), loglam = Math.log(lam), b = 0.931 + 2.53 * slam, a = -0.059 + 0.02483 * b;
  const invalpha = 1.1239 + 1.1328 / (b - 3.4), vr = 0.9277 - 3.6224 / (b - 2);
  for (let attempt = 0; ; attempt++) {
    const w = n.philox({ counter: [row % 2 ** 32, Math.floor(row / 2 ** 32), stream, attempt], key: key(seed) });
    const U = unit(bits64(w, false)) - 0.5, V = unit(bits64(w, true)), us = 0.5 - Math.abs(U);
    const k = Math.floor((2 * a / us + b) * U + lam + 0.43);
    if (us >= 0.07 && V <= vr) return k;
    if (k < 0 || (us < 0.013 && V > us)) continue;
    if (Math.log(V) + Math.log(invalpha) - Math.log(a / (us * us) + b) <= -lam + k * loglam - loggam(k + 1)) return k;
  }
}

// ---------------------------------------------------------------------------------------------

describe('a generated time series', () => {
  let month: Generated;
  beforeAll(async () => { month = await generate(engines[3], await table({ ...MONTH, partition_freq: '1d' })); }, 60_000);

  it('is the same table at partition_freq 1d, 6h and 7d, on 1 or 3 workers', async () => {
    // Ten days (864,000 rows) keep the six runs quick; the month's first ten days are the same rows.
    const tenDays = { ...MONTH, end: '2000-01-11' };
    const runs: Generated[] = [];
    for (const [pf, parts] of [['1d', 10], ['6h', 40], ['7d', 2]] as const) {
      for (const w of [1, 3]) {
        const g = await generate(engines[w], await table({ ...tenDays, partition_freq: pf }));
        expect(g.partitions, `${pf} on ${w}`).toBe(parts);
        expect(g.nrows).toBe(864_000);
        runs.push(g);
      }
    }
    const want = digest(runs[0]);
    for (const g of runs) expect(digest(g)).toBe(want);
    expect(month.partitions).toBe(30);
    expect(digest({ ...month, columns: month.columns.map((c) => ({ ...c, values: c.values.slice(0, 864_000) }) as TableColumnValues) })).toBe(want);
  }, 120_000);

  it('has (end - start) / freq rows, a timestamp every freq from start, and dask\'s columns', () => {
    expect(month.columns.map((c) => [c.name, c.dtype])).toEqual([['timestamp', 'timestamp'], ['id', 'int64'], ['name', 'string'], ['x', 'float64'], ['y', 'float64']]);
    expect(month.nrows).toBe(30 * 86400);
    const ts = col(month, 'timestamp') as BigInt64Array;
    expect(ts.length).toBe(month.nrows);
    let wrong = 0;
    for (let i = 0; i < ts.length; i++) if (ts[i] !== START_NS + BigInt(i) * 1_000_000_000n) wrong++;
    expect(wrong).toBe(0);
    expect(ts[ts.length - 1]).toBe(BigInt(Date.UTC(2000, 0, 30, 23, 59, 59)) * 1_000_000n);
  });

  it('draws x and y uniform in [-1, 1): mean 0, std 1/sqrt(3), uncorrelated (5 sigma)', () => {
    const N = month.nrows;
    const x = col(month, 'x') as Float64Array, y = col(month, 'y') as Float64Array;
    for (const v of [x, y]) {
      let lo = Infinity, hi = -Infinity, s = 0, s2 = 0;
      for (const t of v) { lo = Math.min(lo, t); hi = Math.max(hi, t); s += t; s2 += t * t; }
      expect(lo).toBeGreaterThanOrEqual(-1);
      expect(hi).toBeLessThan(1);
      const mean = s / N, variance = s2 / N - mean * mean;
      expect(Math.abs(mean)).toBeLessThan(5 * Math.sqrt(1 / 3 / N));
      // var(s^2) ~ (mu4 - sigma^4) / N, with mu4 = 1/5 for uniform [-1, 1).
      expect(Math.abs(variance - 1 / 3)).toBeLessThan(5 * Math.sqrt((1 / 5 - 1 / 9) / N));
    }
    let sxy = 0;
    for (let i = 0; i < N; i++) sxy += x[i] * y[i];
    expect(Math.abs(sxy / N)).toBeLessThan(5 * Math.sqrt(1 / 9 / N));
    expect(x).not.toEqual(y);
  });

  it('draws id from Poisson(1000): mean, variance and a chi-square over its histogram', () => {
    const N = month.nrows, lam = 1000;
    const ids = col(month, 'id') as BigInt64Array;
    const counts = new Map<number, number>();
    let s = 0, s2 = 0;
    for (const b of ids) { const k = Number(b); s += k; s2 += k * k; counts.set(k, (counts.get(k) ?? 0) + 1); }
    const mean = s / N, variance = s2 / N - mean * mean;
    expect(Math.abs(mean - lam)).toBeLessThan(5 * Math.sqrt(lam / N));
    // var(s^2) ~ (mu4 - sigma^4) / N, with mu4 = lam + 3 lam^2 for a Poisson.
    expect(Math.abs(variance - lam)).toBeLessThan(5 * Math.sqrt((lam + 2 * lam * lam) / N));
    // Cells of one value each from 880 to 1120 (at least 50 expected), and both tails.
    const pmf = (k: number) => Math.exp(-lam + k * Math.log(lam) - loggam(k + 1));
    const cells: { observed: number; expected: number }[] = [];
    let below = 0, belowP = 0;
    for (let k = 0; k < 880; k++) { below += counts.get(k) ?? 0; belowP += pmf(k); }
    cells.push({ observed: below, expected: belowP * N });
    let insideP = belowP;
    for (let k = 880; k <= 1120; k++) { cells.push({ observed: counts.get(k) ?? 0, expected: pmf(k) * N }); insideP += pmf(k); }
    cells.push({ observed: N - cells.reduce((t, c) => t + c.observed, 0), expected: (1 - insideP) * N });
    const chi2 = cells.reduce((t, c) => t + (c.observed - c.expected) ** 2 / c.expected, 0);
    const df = cells.length - 1;
    expect(chi2).toBeLessThan(df + 5 * Math.sqrt(2 * df));
  });

  it('draws every one of dask\'s 26 names with frequency 1/26 (5 sigma)', () => {
    const N = month.nrows, p = 1 / 26;
    const counts = new Map<string, number>();
    for (const s of col(month, 'name') as string[]) counts.set(s, (counts.get(s) ?? 0) + 1);
    expect([...counts.keys()].sort()).toEqual(NAMES);
    for (const [name, c] of counts) expect(Math.abs(c / N - p), name).toBeLessThan(5 * Math.sqrt(p * (1 - p) / N));
  });

  it('gives the values of an independent reference (Philox words, ADR 0003\'s mapping, numpy\'s PTRS)', () => {
    const x = col(month, 'x') as Float64Array, y = col(month, 'y') as Float64Array, ids = col(month, 'id') as BigInt64Array, names = col(month, 'name') as string[];
    // Heads, block edges, partition edges (86400 a day) and the last rows.
    const rows = [...Array.from({ length: 70 }, (_, i) => i), 86399, 86400, 86401, 1_000_003, 2 * 86400 - 1, month.nrows - 33, month.nrows - 1];
    for (const i of rows) {
      expect(x[i], `x[${i}]`).toBe(2 * unit(elementBits(42, fnv1a('x'), i)) - 1);
      expect(y[i], `y[${i}]`).toBe(2 * unit(elementBits(42, fnv1a('y'), i)) - 1);
      expect(names[i], `name[${i}]`).toBe(NAMES[Number((elementBits(42, fnv1a('name'), i) * 26n) >> 64n)]);
      expect(Number(ids[i]), `id[${i}]`).toBe(poisson(42, fnv1a('id'), i));
    }
  });

  it('generates only the columns a job uses, with the same values', async () => {
    const node = project(await table({ ...MONTH, end: '2000-01-02', partition_freq: '6h' }), ['name', 'x']);
    const g = await generate(engines[3], node);
    expect(g.columns.map((c) => c.name)).toEqual(['name', 'x']);
    expect(g.nrows).toBe(86400);
    expect(col(g, 'x')).toEqual((col(month, 'x') as Float64Array).subarray(0, 86400));
    expect(col(g, 'name')).toEqual((col(month, 'name') as string[]).slice(0, 86400));
    const graph = lowerTables([{ name: 't', node }]);
    expect(graph.tasks.map((t) => (t.spec as { columns: { name: string }[] }).columns.map((c) => c.name))).toEqual(Array(4).fill(['name', 'x']));
  });

  it('another seed, start or freq gives another table; an unaligned end gets a last, shorter partition', async () => {
    const day = { start: '2000-01-01', end: '2000-01-02', partition_freq: '7h' };
    const a = await generate(engines[1], await table({ ...day, seed: 1 }));
    const b = await generate(engines[1], await table({ ...day, seed: 2 }));
    expect(a.partitions).toBe(4); // 7h, 7h, 7h, 3h
    expect(a.nrows).toBe(86400);
    expect(col(a, 'x')).not.toEqual(col(b, 'x'));
    const odd = await generate(engines[3], await table({ start: '2000-01-01T00:00:00.5', end: '2000-01-01T00:01:00', freq: '700ms', partition_freq: '10s', seed: 1 }));
    expect(odd.nrows).toBe(Math.ceil(59_500 / 700));
    expect(odd.partitions).toBe(6);
    const ts = col(odd, 'timestamp') as BigInt64Array;
    ts.forEach((t, i) => expect(t).toBe(START_NS + 500_000_000n + BigInt(i) * 700_000_000n));
  });

  it('writes as CSV that pandas reads back with the same dtypes and values', () => {
    const N = 20_000;
    const c = month.columns;
    const iso = (ns: bigint) => new Date(Number(ns / 1_000_000n)).toISOString().slice(0, 19);
    const lines = [c.map((x) => x.name).join(',')];
    for (let i = 0; i < N; i++) {
      lines.push(c.map((x) => (x.dtype === 'timestamp' ? iso((x.values as BigInt64Array)[i]) : String(x.values[i]))).join(','));
    }
    const path = join(dir, 'month.csv');
    writeFileSync(path, `${lines.join('\n')}\n`);
    const [read] = pandasReadCsv([{ path, sep: ',', quote: '"', naValues: [], parseDates: ['timestamp'] }]);
    expect(read.map((x) => [x.name, x.dtype])).toEqual([['timestamp', 'datetime64[ns]'], ['id', 'int64'], ['name', 'object'], ['x', 'float64'], ['y', 'float64']]);
    for (const x of c) {
      // The helper gives floats as Python's repr (exact), int64 and timestamps (ns) as decimal strings.
      const pandas = read.find((r) => r.name === x.name)!.values.map((v) => (x.dtype === 'float64' ? Number(v) : v));
      const ours = Array.from({ length: N }, (_, i) => (x.dtype === 'float64' ? (x.values as Float64Array)[i] : String(x.values[i])));
      expect(pandas, x.name).toEqual(ours);
    }
  });
});

describe('the built-in sample', () => {
  const sample = SAMPLES.find((s) => s.name === 'timeseries')!;

  it('is the job of examples/timeseries.json, after the seed job the window opens with', () => {
    expect(SAMPLES[0].name).toBe('seed');
    expect(JSON.parse(readFileSync(new URL('../examples/timeseries.json', import.meta.url), 'utf8'))).toEqual(sample.spec);
  });

  it('runs from the command line', () => {
    const r = tessera(['run', join(import.meta.dirname, '..', 'examples', 'timeseries.json'), '--json'], dir);
    expect(r.status, r.stderr).toBe(0);
    const { outputs } = JSON.parse(r.stdout);
    expect(outputs.rows).toEqual({ kind: 'scalar', dtype: 'int64', value: 2_592_000 });
    expect(outputs.first.columns).toEqual(['timestamp', 'id', 'name', 'x', 'y']);
    expect(outputs.first.rows.map((row: unknown[]) => row[0])).toEqual(Array.from({ length: 10 }, (_, i) => `2000-01-01T00:00:0${i}`));
    // Filter, group-by and reduction over the generated rows: about half the rows have x > 0 (within 5 sigma).
    expect(outputs.by_name).toMatchObject({ kind: 'table', columns: ['name', 'n', 'mean_y', 'max_id'], dtypes: ['string', 'int64', 'float64', 'int64'], nrows: 26 });
    const names = outputs.by_name.rows.map((row: unknown[]) => row[0]);
    expect(names).toEqual([...names].sort());
    const positives = outputs.by_name.rows.reduce((s: number, row: number[]) => s + row[1], 0);
    expect(Math.abs(positives - 1_296_000)).toBeLessThan(5 * Math.sqrt(2_592_000 * 0.25));
    expect(outputs.hourly.rows.map((row: unknown[]) => row[0])).toEqual(Array.from({ length: 24 }, (_, h) => h));
    expect(Math.abs(outputs.mean_x.value)).toBeLessThan(5 * (1 / Math.sqrt(3)) / Math.sqrt(2_592_000));
  });

  it('runs through the window\'s job service', async () => {
    const outputs = await runInService(engines[3], sample.spec, dir);
    expect(outputs.map((o) => o.name)).toEqual(['first', 'rows', 'by_name', 'hourly', 'mean_x']);
    expect(outputs.find((o) => o.name === 'rows')).toMatchObject({ value: 2_592_000 });
  });
});

describe('bad timeseries specs', () => {
  const cases: [Record<string, unknown>, RegExp][] = [
    [{ start: '2000-13-01' }, /"start" must be a date/],
    [{ end: '2000-02-30' }, /"end" must be a date/],
    [{ start: 'yesterday' }, /"start" must be a date/],
    [{ freq: '1M' }, /"freq" must be a fixed frequency/],
    [{ freq: '0s' }, /"freq" must be a fixed frequency/],
    [{ partition_freq: 'weekly' }, /"partition_freq" must be a fixed frequency/],
    [{ start: '2000-01-31', end: '2000-01-01' }, /"end" \(2000-01-01\) must come after "start"/],
    [{ start: '2000-01-01', end: '2000-01-01' }, /must come after/],
    [{ start: '2000-01-01', end: '2001-01-01', freq: '1ms', partition_freq: '1d' }, /3\.16224e\+10 rows|31622400000 rows/],
    [{ partition_freq: '1s' }, /2592000 partitions, more than 100000/],
    [{ seed: -1 }, /"seed" must be a non-negative integer/],
    [{ seed: 1.5 }, /"seed" must be a non-negative integer/],
    [{ freq: 1 }, /"freq" must be a string/],
    [{ colour: 'red' }, /unknown timeseries option "colour"/],
    [{ dtypes: { x: 'complex' } }, /column 'x' the dtype "complex"/],
    [{ dtypes: { timestamp: 'float' } }, /'timestamp', which is the time column/],
    [{ dtypes: ['x'] }, /"dtypes" must map column names/],
  ];
  it.each(cases)('%j is BAD_SPEC', async (opts, message) => {
    await expect(table(opts)).rejects.toMatchObject({ code: 'BAD_SPEC', message: expect.stringMatching(message) });
  });

  it('a dataset whose timeseries is not an object, or with other keys, is BAD_SPEC', async () => {
    await expect(buildTable('ts', { timeseries: '2000-01-01' }, dir)).rejects.toMatchObject({ code: 'BAD_SPEC', message: expect.stringMatching(/must be an object of options/) });
    await expect(buildTable('ts', { timeseries: {}, chunks: 10 }, dir)).rejects.toMatchObject({ code: 'BAD_SPEC', message: expect.stringMatching(/unknown key "chunks"/) });
  });

  it('the CLI names the dataset and exits with 2', () => {
    writeFileSync(join(dir, 'bad.json'), JSON.stringify({ tessera: 1, datasets: { ts: { timeseries: { freq: 'often' } } }, outputs: { n: 'len(ts)' } }));
    const r = tessera(['run', 'bad.json', '--json'], dir);
    expect(r.status).toBe(2);
    expect(JSON.parse(r.stdout).error).toMatchObject({ code: 'BAD_SPEC', message: expect.stringMatching(/^dataset 'ts': "freq" must be a fixed frequency, not 'often'/) });
  });
});
