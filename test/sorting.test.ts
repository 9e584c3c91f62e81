/**
 * sort, argsort, topk, median, percentile and quantile (issue #19) against numpy's stable sort,
 * over uneven chunkings and worker counts: 1-D arrays of several chunks (sorted runs merged by
 * rank, long enough for the radix sort; more than 64 chunks become 64 runs), N-D arrays along
 * each axis, ties, NaN, -0.0 and narrow
 * integers. Generated cases (dtypes, weak q, keepdims) are in the differential test.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tessera } from './helpers/cli.js';
import { tempDir } from './helpers/engine.js';
import { numpy, PY_TOJSON } from './helpers/numpy.js';

const dir = tempDir();

const OUTPUTS: Record<string, string> = {
  sortV: 'np.sort(v)',
  argsortV: 'np.argsort(v)',
  sortK: 'np.sort(k)',
  argsortK: 'k.argsort()',
  sortM0: 'np.sort(m, axis=0)',
  argsortM1: 'np.argsort(m, axis=1, kind="stable")',
  sortMNone: 'np.sort(m, axis=None)',
  topk: 'da.topk(u, 7)',
  bottom: 'u.topk(-5)',
  topkM: 'da.topk(m, 2, axis=0)',
  medianU: 'np.median(u)',
  medianEven: 'np.median(u[1:])',
  medianV: 'np.median(v)',
  medianM: 'np.median(m, axis=1)',
  medianK: 'np.median(k)',
  percentiles: 'np.percentile(u, [0, 12.5, 50, 99.9, 100])',
  percentileK: 'np.percentile(k, 37)',
  quantileM: 'np.quantile(m, 0.3, axis=0)',
  quantileKeep: 'np.quantile(m, [0.25, 0.75], axis=(0, 1), keepdims=True)',
};

const PY_TOPK = `
def topk(a, k, axis=-1):
    s = np.sort(np.asarray(a), axis=axis, kind="stable"); n = s.shape[axis]
    return np.take(s, np.arange(-k), axis=axis) if k < 0 else np.flip(np.take(s, np.arange(n - k, n), axis=axis), axis=axis)
class Da: pass
da = Da(); da.topk = topk
class Arr(np.ndarray):
    def topk(self, k, axis=-1): return topk(np.asarray(self), k, axis)
    def argsort(self, axis=-1, kind=None): return np.argsort(np.asarray(self), axis=axis, kind="stable")
`;

/** -0.0 as 0: Tessera's JSON writes both as 0 (the argsort outputs pin their order). */
const zeroless = (x: unknown): unknown => (Array.isArray(x) ? x.map(zeroless) : x === 0 ? 0 : x);

describe('sorting and order statistics as numpy', () => {
  numpy(`rng = np.random.default_rng(11)
v = rng.integers(-50, 50, 9007).astype(np.float64) / 4
v[rng.integers(0, v.size, 40)] = np.nan
v[rng.integers(0, v.size, 40)] = -0.0
np.save(${JSON.stringify(join(dir, 'v.npy'))}, v)
np.save(${JSON.stringify(join(dir, 'u.npy'))}, rng.normal(size=9001))
np.save(${JSON.stringify(join(dir, 'k.npy'))}, rng.integers(-3, 4, 3001).astype(np.int16))
np.save(${JSON.stringify(join(dir, 'm.npy'))}, np.round(rng.random((61, 17)), 2))
print(0)`);
  const want = numpy<Record<string, { dtype: string; shape: number[]; values: unknown }>>(`${PY_TOJSON}${PY_TOPK}
env = {**np.__dict__, "np": np, "da": da}
for name in "vukm":
    env[name] = np.load(${JSON.stringify(dir)} + "/" + name + ".npy").view(Arr)
sort0, argsort0 = np.sort, np.argsort
np.sort = lambda a, axis=-1, kind=None: sort0(np.asarray(a), axis=axis, kind="stable")
np.argsort = lambda a, axis=-1, kind=None: argsort0(np.asarray(a), axis=axis, kind="stable")
out = {}
for key, e in ${JSON.stringify(OUTPUTS)}.items():
    r = np.asarray(eval(e, env))
    out[key] = {'dtype': str(r.dtype), 'shape': list(r.shape), 'values': tojson(r)}
print(json.dumps(out))`);

  const cases = [[[997], [7, 5], 1], [[2500], [20, 17], 2], [[9007], [61, 3], 2], [[97], [1, 17], 3]] as const;
  for (const [vChunks, mChunks, workers] of cases) {
    it(`agrees with numpy: 1-D chunks ${vChunks[0]}, 2-D chunks ${JSON.stringify(mChunks)}, ${workers} worker(s)`, () => {
      const spec = join(dir, `job-${vChunks[0]}.json`);
      const npy = (name: string, chunks: readonly number[]) => ({ npy: join(dir, `${name}.npy`), chunks });
      writeFileSync(spec, JSON.stringify({
        tessera: 1,
        datasets: { v: npy('v', vChunks), u: npy('u', [Math.max(1, vChunks[0] >> 1)]), k: npy('k', [Math.ceil(vChunks[0] / 3)]), m: npy('m', mChunks) },
        outputs: OUTPUTS,
      }));
      const run = tessera(['run', spec, '--json', '--workers', String(workers)]);
      const got = JSON.parse(run.stdout) as { outputs?: Record<string, { dtype: string; shape?: number[]; values?: unknown; value?: unknown }>; error?: unknown };
      expect(got.error, run.stderr).toBeUndefined();
      for (const [k, w] of Object.entries(want)) {
        const g = got.outputs![k];
        expect(g.dtype, k).toBe(w.dtype);
        expect(g.shape ?? [], k).toEqual(w.shape);
        expect(zeroless(g.values ?? g.value), k).toEqual(zeroless(w.values));
      }
    }, 120_000);
  }

  it('refuses what numpy refuses, with its messages', () => {
    const spec = join(dir, 'bad.json');
    const run = (output: string) => {
      writeFileSync(spec, JSON.stringify({ tessera: 1, datasets: { x: { arange: [0, 12] }, b: { full: [4], value: true, dtype: 'bool' } }, outputs: { o: output } }));
      return JSON.parse(tessera(['run', spec, '--json']).stdout) as { error?: { code: string; message: string }; outputs?: Record<string, { values?: unknown }> };
    };
    expect(run('np.percentile(x, 101)').error).toMatchObject({ code: 'VALUE_ERROR', message: 'Percentiles must be in the range [0, 100]' });
    expect(run('np.quantile(x, [0.5, -0.1])').error).toMatchObject({ code: 'VALUE_ERROR', message: 'Quantiles must be in the range [0, 1]' });
    expect(run('np.percentile(b, 50)').error?.code).toBe('TYPE_ERROR');
    expect(run('np.quantile(b, 1)').outputs?.o).toMatchObject({ value: true }); // an integer q takes the element itself
    expect(run('np.sort(x, kind="bogo")').error?.code).toBe('VALUE_ERROR');
    expect(run('x.sort()').error?.code).toBe('BAD_ARGUMENTS');
    expect(run('da.topk(x, 13)').error?.code).toBe('VALUE_ERROR');
    expect(run('np.sort(x.sum())').error?.code).toBe('AXIS_ERROR');
    expect(run('np.argsort(x.sum())').outputs?.o).toMatchObject({ values: [0] });
    expect(run('np.argsort(x.sum(), axis=5)').error?.code).toBe('AXIS_ERROR');
    expect(run('np.sort(x, kind="stable", stable=True)').error?.code).toBe('VALUE_ERROR');
    expect(run('np.percentile(x, [])').outputs?.o).toMatchObject({ dtype: 'float64', shape: [0] });
  });
});
