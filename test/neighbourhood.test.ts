/**
 * Neighbourhood operations (issue #19): dask's coarsen and scipy.ndimage's uniform_filter, over
 * arrays of several dtypes, shapes and chunkings (chunk edges inside every window), against
 * numpy's reshape-and-reduce and Debian's scipy (python3-scipy). Means within 1e-12 (scipy sums a
 * running window, Tessera each window afresh), integers and bools exactly.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tessera } from './helpers/cli.js';
import { pythonWith } from './helpers/python.js';

const dir = mkdtempSync(join(tmpdir(), 'tessera-neighbourhood-'));

function python<T>(code: string): T {
  return JSON.parse(execFileSync(pythonWith('scipy', 'python3-scipy'), ['-c', `import json, numpy as np\nfrom scipy import ndimage\n${code}`], { encoding: 'utf8', maxBuffer: 64 * 2 ** 20 })) as T;
}

type Out = { values?: unknown; value?: unknown; dtype: string; shape: number[] };
function run(datasets: object, outputs: Record<string, string>): { outputs?: Record<string, Out>; error?: { code: string; message: string; hint: string } } {
  const path = join(dir, `job-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(path, JSON.stringify({ tessera: 1, datasets, outputs }));
  return JSON.parse(tessera(['run', path, '--json']).stdout);
}

const ARRAYS: Record<string, string> = {
  f64: 'rng.standard_normal((23, 17))', f32: 'rng.standard_normal((41,)).astype(np.float32)', i16: 'rng.integers(-500, 500, (9, 8, 7)).astype(np.int16)',
  u8: 'rng.integers(0, 256, (30, 11)).astype(np.uint8)', b: 'rng.random((12, 10)) < 0.6',
};
/** Chunkings per array: uneven, so windows straddle chunk edges. */
const CHUNKS: Record<string, unknown[]> = { f64: [[5, 4], [23, 17]], f32: [[6], [41]], i16: [[2, 3, 7], [9, 8, 7]], u8: [[7, 5], [30, 11]], b: [[5, 3], [12, 10]] };

beforeAll(() => {
  python(`rng = np.random.default_rng(8)
${Object.entries(ARRAYS).map(([k, v]) => `np.save(${JSON.stringify(join(dir, `${k}.npy`))}, ${v})`).join('\n')}
print(0)`);
});

describe('neighbourhood operations', () => {
  it('uniform_filter agrees with scipy.ndimage for every mode, size and dtype, under any chunking', () => {
    const cases: [string, string, string][] = [];  // [name, array, call args]
    for (const k of Object.keys(ARRAYS)) {
      const nd = k === 'f32' ? 1 : k === 'i16' ? 3 : 2;
      for (const mode of ['reflect', 'mirror', 'nearest', 'wrap', 'constant']) {
        for (const size of [1, 2, 3, 4, nd === 1 ? '5' : nd === 2 ? '(3, 2)' : '(2, 1, 3)']) {
          cases.push([`${k}_${mode}_${String(size).replace(/\W+/g, '_')}`, k, `${size}, mode='${mode}'${mode === 'constant' ? ', cval=1.5' : ''}`]);
        }
      }
    }
    const want = python<Record<string, { v: unknown; dtype: string }>>(`
out = {}
for name, k, args in ${JSON.stringify(cases)}:
    a = np.load(${JSON.stringify(dir)} + '/' + k + '.npy')
    r = eval('ndimage.uniform_filter(a, ' + args + ')')
    out[name] = {'v': r.tolist(), 'dtype': str(r.dtype)}
print(json.dumps(out))`);
    for (const chunkIdx of [0, 1]) {
      const datasets = Object.fromEntries(Object.keys(ARRAYS).map((k) => [k, { npy: join(dir, `${k}.npy`), chunks: CHUNKS[k][chunkIdx] }]));
      const got = run(datasets, Object.fromEntries(cases.map(([name, k, args]) => [name, `uniform_filter(${k}, ${args})`])));
      expect(got.error).toBeUndefined();
      for (const [name] of cases) {
        const o = got.outputs![name];
        expect(o.dtype, name).toBe(want[name].dtype);
        const a = (o.values as unknown[]).flat(3) as (number | boolean)[], b = (want[name].v as unknown[]).flat(3) as (number | boolean)[];
        expect(a.length, name).toBe(b.length);
        if (o.dtype.startsWith('float')) {
          const tol = o.dtype === 'float32' ? 1e-6 : 1e-12;
          a.forEach((x, i) => expect(Math.abs((x as number) - (b[i] as number)), `${name}[${i}]`).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(b[i] as number))));
        } else {
          expect(a, name).toEqual(b);
        }
      }
    }
  });

  it('coarsen agrees with numpy\'s reshape and reduction, trims the excess when asked, and refuses misaligned factors as dask does', () => {
    const cases: [string, string][] = [
      ['m', 'coarsen(np.mean, f64, {0: 23, 1: 1})'], ['s', 'coarsen(np.sum, u8, {0: 3, 1: 11})'], ['x', 'coarsen(np.max, i16, {0: 3, 2: 7})'],
      ['t', 'coarsen(np.min, f64, {0: 4, 1: 5}, trim_excess=True)'], ['a', 'coarsen(np.any, b, {0: 4, 1: 2})'], ['v', 'coarsen(np.var, f32, {0: 41})'],
    ];
    const want = python<Record<string, unknown>>(`
L = lambda k: np.load(${JSON.stringify(dir)} + '/' + k + '.npy')
f64, u8, i16, b, f32 = L('f64'), L('u8'), L('i16'), L('b'), L('f32')
print(json.dumps({
  'm': f64.reshape(1, 23, 17, 1).mean(axis=(1, 3)).tolist(), 's': u8.reshape(10, 3, 1, 11).sum(axis=(1, 3)).tolist(),
  'x': i16.reshape(3, 3, 8, 1, 1, 7).max(axis=(1, 3, 5)).tolist(), 't': f64[:20, :15].reshape(5, 4, 3, 5).min(axis=(1, 3)).tolist(),
  'a': b.reshape(3, 4, 5, 2).any(axis=(1, 3)).tolist(), 'v': float(f32.reshape(1, 41).var(axis=1)[0]),
}))`);
    for (const chunkIdx of [0, 1]) {
      const datasets = Object.fromEntries(Object.keys(ARRAYS).map((k) => [k, { npy: join(dir, `${k}.npy`), chunks: CHUNKS[k][chunkIdx] }]));
      const got = run(datasets, Object.fromEntries(cases));
      expect(got.error).toBeUndefined();
      const o = got.outputs!;
      expect(o.s.values).toEqual(want.s);
      expect(o.s.dtype).toBe('uint64');
      expect(o.x.values).toEqual(want.x);
      expect(o.x.dtype).toBe('int16');
      expect(o.t.values).toEqual(want.t);
      expect(o.a.values).toEqual(want.a);
      (o.m.values as number[][]).flat().forEach((v, i) => expect(Math.abs(v - (want.m as number[][]).flat()[i])).toBeLessThan(1e-14));
      expect(Math.abs((o.v.values as number[])[0] - (want.v as number))).toBeLessThan(1e-5);
    }
    const bad = run({ f64: { npy: join(dir, 'f64.npy') } }, { c: 'coarsen(np.mean, f64, {0: 5})' });
    expect(bad.error).toMatchObject({ code: 'VALUE_ERROR', message: 'Coarsening factors {0: 5} do not align with array shape (23, 17).', hint: expect.stringContaining('trim_excess') });
    expect(run({ f64: { npy: join(dir, 'f64.npy') } }, { c: 'coarsen(np.sqrt, f64, {0: 1})' }).error).toMatchObject({ code: 'BAD_ARGUMENTS' });
    expect(run({ f64: { npy: join(dir, 'f64.npy') } }, { c: 'coarsen(np.mean, f64, (0, 2))' }).error).toMatchObject({ code: 'BAD_ARGUMENTS', hint: expect.stringContaining('{0: 2') });
    expect(run({ f64: { npy: join(dir, 'f64.npy') } }, { c: "uniform_filter(f64, 3, mode='bogus')" }).error).toMatchObject({ code: 'RUNTIME_ERROR' });
  });
});
