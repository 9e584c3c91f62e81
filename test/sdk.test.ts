/**
 * The TypeScript API (the package's exports, imported by name as a user would): values render
 * into the spec the CLI takes and compute to the CLI's bits; delayed values shared by several
 * computations run once; bags with the user's functions; the example file runs; a script ends
 * when its work does, without close().
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { array, bag, close, compute, configure, delayed, frame, functions, np, specOf } from 'tessera';
import { tempDir } from './helpers/engine.js';

const CLI = join(import.meta.dirname, '..', 'bin', 'tessera.mjs');

describe('the TypeScript API', () => {
  const dir = tempDir('tessera-sdk-');
  writeFileSync(join(dir, 'fns.mjs'), 'export const inc = (x) => x + 1;\nexport const double = (x) => 2 * x;\nexport const add = (a, b) => a + b;\nexport const total = (xs) => xs.reduce((a, b) => a + b, 0);\nexport const isEven = (x) => x % 2 === 0;\nexport const negate = (block) => block.map((v) => -v);\nexport const size = (a) => [a.dtype, a.shape, a.data.length];\n');
  const fns = functions(join(dir, 'fns.mjs'));
  configure({ workers: 2 });
  afterAll(close);

  it('renders the seed job as the CLI spec and computes the same bits', async () => {
    const x = array.random.uniform([1e6], { chunks: 1e5, seed: 42 });
    const m = x.pow(2).sqrt().mean();
    const s = x.std({ ddof: 1 });
    const { spec } = specOf([m, s]);
    expect(spec).toEqual({
      tessera: 1,
      datasets: { d0: { random: 'uniform', shape: [1e6], chunks: 1e5, seed: 42 } },
      outputs: { o0: 'sqrt(d0 ** 2).mean()', o1: 'd0.std(ddof=1)' },
    });
    const [mean, std] = await compute(m, s);
    writeFileSync(join(dir, 'seed.json'), JSON.stringify(spec));
    const cli = JSON.parse(execFileSync(process.execPath, [CLI, 'run', join(dir, 'seed.json'), '--json', '--out', join(dir, 'out')], { encoding: 'utf8' }));
    expect(mean).toBe(cli.outputs.o0.value); // bit for bit
    expect(std).toBe(cli.outputs.o1.value);
    const [grid] = await compute(np('where', array.arange(0, 6, 1, { chunks: 2 }).gt(2), 1, 0).reshape([2, 3]).sum({ axis: 0 }));
    expect(grid).toEqual([1, 1, 1]); // [[0, 0, 0], [1, 1, 1]] summed down
  });

  it('writes operands with the parentheses Python needs, so long chains stay flat', async () => {
    const a = array.arange(0, 4, 1, { chunks: 2 });
    const render = (v: Parameters<typeof specOf>[0][number]) => (specOf([v]).spec.outputs as Record<string, string>).o0;
    expect(render(a.add(1).mul(2))).toBe('(d0 + 1) * 2');
    expect(render(a.sub(a.sub(1)))).toBe('d0 - (d0 - 1)');
    expect(render(a.neg().pow(2))).toBe('(-d0) ** 2');
    expect(render(a.pow(a.neg()))).toBe('d0 ** -d0');
    expect(render(a.gt(1).and(a.lt(3)))).toBe('(d0 > 1) & (d0 < 3)');
    expect(render(a.add(1).sum())).toBe('(d0 + 1).sum()');
    expect(render(a.cumsum({ axis: 0 }))).toBe('d0.cumsum(axis=0)');
    expect(render(np('nanmean', a))).toBe('nanmean(d0)');
    expect(await compute(a.cumsum(), a.cumprod().add(0))).toEqual([[0, 1, 3, 6], [0, 0, 0, 0]]);
    let long = a;
    for (let i = 0; i < 300; i++) long = long.add(1);
    const [sums, squares] = await compute(long.sum(), a.neg().pow(2).sum());
    expect(sums).toBe(6 + 4 * 300);
    expect(squares).toBe(14);
  });

  it('runs computes asked for at once one after another; a failure fails its own compute only', async () => {
    writeFileSync(join(dir, 'slow.mjs'), 'export const slowBoom = async (x) => { await new Promise((r) => setTimeout(r, 100)); throw new Error(`boom ${x}`); };\nexport const slow = async (x) => { await new Promise((r) => setTimeout(r, 5)); return x; };\nexport const abs = (x) => -x;\n');
    const slow = functions(join(dir, 'slow.mjs'));
    const [first, second] = await Promise.allSettled([compute(delayed(slow.slowBoom)(1)), compute(delayed.map(slow.slow, [1, 2, 3]))]);
    expect(first.status).toBe('rejected');
    expect((first as PromiseRejectedResult).reason.message).toContain('boom 1');
    expect(second).toEqual({ status: 'fulfilled', value: [[1, 2, 3]] });
    expect(() => specOf([delayed(fns.total)([delayed(fns.inc)(1)])])).toThrow(/inside a list/);
    expect(await compute(delayed(fns.total)([{ value: 3 }].map((o) => o.value)), delayed(fns.add)(1, 2))).toEqual([3, 3]);
    expect(() => specOf([bag.range(3).map(slow.abs)])).toThrow(/name of a Python builtin/);
  });

  it('runs delayed calls, sharing what several values use, and maps batched as joblib does', async () => {
    const pairs = [1, 2, 3, 4, 5].map((i) => delayed(fns.add)(delayed(fns.inc)(i), delayed(fns.double)(i)));
    const total = pairs.reduce((acc, p) => delayed(fns.add)(acc, p), 0 as unknown);
    const shared = delayed(fns.inc)(10);
    const y = delayed(fns.double)(shared);
    const z = delayed(fns.add)(shared, 1);
    const { spec } = specOf([y, z]);
    expect(Object.keys(spec.delayed as object).sort()).toEqual(['f0', 'f1', 'f2']); // inc(10) once
    expect(await compute(total, y, z, delayed.map(fns.inc, [1, 2, 3]))).toEqual([50, 22, 12, [2, 3, 4]]);
  });

  it('runs bags with the user\'s functions and builtins, as the spec would', async () => {
    const xs = bag.range(100, { npartitions: 4 });
    const words = bag.fromSequence(['a b', 'b c', 'c c'], { npartitions: 2 });
    const got = await compute(
      xs.filter(fns.isEven).map(fns.double).sum(),
      xs.foldby(fns.isEven, fns.add, { initial: 0 }),
      words.str.split().flatten().frequencies().topk(2, 1),
      words.map('len').max(),
      xs.take(3),
    );
    expect(got).toEqual([4900, [[true, 2450], [false, 2500]], [['c', 3], ['b', 2]], 3, [0, 1, 2]]);
  });

  it('runs tables as pandas-style expressions, rendered as the spec writes them, equal to pandas and the CLI', async () => {
    const rows = ['date,origin,delay,distance'];
    for (let i = 0; i < 300; i++) rows.push(`2001-0${1 + (i % 3)}-${String(1 + (i % 28)).padStart(2, '0')} ${String(i % 24).padStart(2, '0')}:15:00,${['SFO', 'LAX', 'JFK', 'ORD', 'SEA'][Math.floor(Math.sqrt(i % 100) / 2)]},${((i * 37) % 111) - 20},${100 + ((i * 53) % 2900)}`);
    const csv = join(dir, 'flights.csv');
    writeFileSync(csv, `${rows.join('\n')}\n`);
    const f = frame.csv(csv, { parseDates: ['date'] });
    const late = f.filter(f.col('delay').gt(15).and(f.col('origin').eq('SEA').not()));
    const values = [
      late.groupby('origin').agg({ mean: ['delay', 'mean'], n: ['delay', 'count'] }),
      f.groupby(f.col('date').dt.hour).agg({ delay: 'max' }).head(3),
      f.col('origin').valueCounts(),
      f.assign({ speed: f.col('distance').div(f.col('delay').abs().add(1)) }).nlargest(2, 'speed'),
      f.col('delay').mean(),
      f.len(),
      f.col('delay').values.pow(2).mean(),
      bag.fromSequence([{ a: 1, b: 'x' }, { a: 2, b: 'y' }]).toDataframe({ meta: { a: 'int64', b: 'string' } }).col('a').sum(),
    ] as const;
    const { spec } = specOf([...values]);
    expect((spec.outputs as Record<string, string>).o0).toBe("d0[(d0['delay'] > 15) & ~(d0['origin'] == 'SEA')].groupby('origin').agg(mean=('delay', 'mean'), n=('delay', 'count'))");
    const got = await compute(...values);
    const want = JSON.parse(execFileSync('/usr/bin/python3', ['-c', `
import json, sys, pandas as pd
f = pd.read_csv(sys.argv[1], parse_dates=['date'])
late = f[(f['delay'] > 15) & ~(f['origin'] == 'SEA')]
g = late.groupby('origin').agg(mean=('delay', 'mean'), n=('delay', 'count')).reset_index()
h = f.groupby(f['date'].dt.hour).agg({'delay': 'max'}).head(3).reset_index()
v = f['origin'].value_counts()
s = f.assign(speed=f['distance'] / (f['delay'].abs() + 1)).nlargest(2, 'speed')
print(json.dumps([g.values.tolist(), h.values.tolist(), [[k, int(n)] for k, n in v.items()], [[str(d).replace(' ', 'T'), o, int(x), int(y), float(z)] for d, o, x, y, z in s.values.tolist()],
  float(f['delay'].mean()), len(f), float((f['delay'].values ** 2).mean())]))`, csv], { encoding: 'utf8' }));
    expect((got[0] as { rows: unknown[][] }).rows).toEqual(want[0]);
    expect((got[1] as { rows: unknown[][] }).rows).toEqual(want[1]);
    expect((got[2] as { rows: unknown[][] }).rows).toEqual(want[2]);
    expect((got[3] as { rows: unknown[][] }).rows).toEqual(want[3]);
    expect(got.slice(4)).toEqual([...want.slice(4), 3]);
    writeFileSync(join(dir, 'tables.json'), JSON.stringify(spec));
    const cli = JSON.parse(execFileSync(process.execPath, [CLI, 'run', join(dir, 'tables.json'), '--json', '--out', join(dir, 'out-tables')], { encoding: 'utf8' }));
    expect(got[4]).toBe(cli.outputs.o4.value); // bit for bit
    expect(got[0]).toEqual({ columns: ['origin', 'mean', 'n'], rows: cli.outputs.o0.rows });
  });

  it('runs map_blocks with the user\'s function, rendered as the spec writes it', async () => {
    const x = array.arange(10, undefined, undefined, { chunks: 4 }).astype('float64');
    const y = x.mapBlocks(fns.negate).add(1);
    expect((specOf([y.sum()]).spec.outputs as Record<string, string>).o0).toBe('(d0.astype(\'float64\').map_blocks(negate) + 1).sum()');
    expect(await compute(y.sum(), y.min())).toEqual([-35, -8]);
  });

  it('passes arrays and bags to delayed calls, computed first', async () => {
    const x = array.arange(12, undefined, undefined, { chunks: 5 });
    const got = await compute(delayed(fns.add)(bag.range(10, { npartitions: 2 }).sum(), x.sum()), delayed(fns.size)(x.reshape([3, 4]).T));
    expect(got).toEqual([111, ['int64', [4, 3], 12]]);
  });

  it('runs the README example file, and a script ends without close()', () => {
    const out = execFileSync(process.execPath, [join(import.meta.dirname, '..', 'examples', 'api', 'example.mjs')], { encoding: 'utf8', timeout: 60_000 });
    expect(out).toContain('seedTotal: 50');
    expect(out).toContain('mapped: 6');
    expect(out).toMatch(/counts: \[ \[ 'wonderful', 1 \], \[ 'afternoon', 1 \] \]/);
    expect(out).toMatch(/mean: 0\.500\d+/);
    expect(out).toMatch(/│ 0 +│ '\w+' +│ \d+ +│ 0\.\d+ +│/); // the table's first row
  });
});
