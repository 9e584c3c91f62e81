/**
 * np.histogram (issue #19) against numpy over uneven chunkings and worker counts: equal bins over
 * the data's range (edges computed lazily from its min and max) or over a given range, given
 * edges, density, float32 data (float32 edges), integers and bools, weights (float, integer, bool,
 * float32); and numpy's errors, one of them raised from the data (NaN with no range). Generated cases are in the differential test.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tessera } from './helpers/cli.js';
import { tempDir } from './helpers/engine.js';
import { numpy, PY_TOJSON } from './helpers/numpy.js';

const dir = tempDir();

const OUTPUTS: Record<string, string> = {
  counts: 'histogram(u, 20)[0]',
  edges: 'histogram(u, 20)[1]',
  ranged: 'histogram(u, 7, range=(-1, 1))[0]',
  rangedEdges: 'np.histogram(f, 5, range=(0, 1))[1]',
  given: 'histogram(k, [-3, -1, 0, 2.5, 3])[0]',
  density: 'histogram(u, 9, density=True)[0]',
  float32: 'histogram(f, 6)[0]',
  float32Edges: 'histogram(f, 6)[1]',
  ints: 'histogram(k, 4)[0]',
  bools: 'histogram(k > 0, 3)[0]',
  single: 'histogram(k * 0 + 2, 3)[1]',
  matrix: 'histogram(m, 5)[0]',
  // Weights (dyadic, so every order of summing is exact): float64 sums, the weights' dtype.
  weighted: 'histogram(u, 20, weights=uw)[0]',
  weightedGiven: 'histogram(k, [-3, -1, 0, 2.5, 3], weights=k)[0]',
  weightedDensity: 'histogram(u, 9, weights=uw, density=True)[0]',
  weightedBools: 'histogram(m, 5, weights=m > 0.5)[0]',
  weightedFloat32: 'histogram(f, 6, range=(0, 1), weights=f * 0 + 0.25)[0]',
  // Values on the edges and one ulp either side (a bin guessed from a value's position must be
  // stepped to the edges themselves).
  onEdges7: 'histogram(e, 7, range=(0.1, 0.7))[0]',
  onEdges49: 'histogram(e, 49, range=(0.1, 0.7))[0]',
  onEdges100: 'histogram(e, 100, range=(0.1, 0.7))[0]',
  onEdgesFloat32: 'histogram(e.astype(np.float32), 49, range=(0.1, 0.7))[0]',
  // Uneven edges: a few counted through (values on them too), many searched.
  unevenFew: 'histogram(e, [0.1, 0.2, 0.25, 0.4, 0.7])[0]',
  unevenMany: 'histogram(u, [-3, -2, -1.5, -1, -0.75, -0.5, -0.4, -0.3, -0.2, -0.1, -0.05, 0, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.75, 1, 1.25, 1.5, 2, 2.5, 3, 3.5, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 20, 30])[0]',
  unevenFloat32: 'histogram(f, [0, 0.01, 0.3, 0.31, 1])[0]',
};

/**
 * numpy 2's histogram where it differs from the Debian numpy 1.24 this test runs: equal bins over
 * float32 data's own range have edges computed in float32 (numpy 1.24: in float64).
 */
const PY_EDGES_V2 = `
histogram_v1 = np.histogram
def histogram_v2(a, bins=10, range=None, density=None, weights=None):
    x = np.asarray(a)
    if x.dtype != np.float32 or range is not None or not isinstance(bins, int):
        return histogram_v1(a, bins, range=range, density=density, weights=weights)
    lo, hi = x.min(), x.max()
    step = np.subtract(hi, lo, dtype=np.float32) / np.float32(bins)
    edges = np.arange(0, bins + 1, dtype=np.float32) * step + lo
    edges[-1] = hi
    return histogram_v1(x, edges, density=density, weights=weights)
`;

describe('histogram as numpy', () => {
  numpy(`rng = np.random.default_rng(21)
np.save(${JSON.stringify(join(dir, 'u.npy'))}, rng.normal(size=5003))
np.save(${JSON.stringify(join(dir, 'uw.npy'))}, np.round(rng.random(5003) * 64) / 8)
np.save(${JSON.stringify(join(dir, 'f.npy'))}, rng.random(3001).astype(np.float32))
np.save(${JSON.stringify(join(dir, 'k.npy'))}, rng.integers(-3, 4, 2001).astype(np.int16))
np.save(${JSON.stringify(join(dir, 'm.npy'))}, rng.random((41, 13)))
edges = np.concatenate([np.histogram_bin_edges([], b, range=(0.1, 0.7)) for b in (7, 49, 100)])
np.save(${JSON.stringify(join(dir, 'e.npy'))}, np.concatenate([edges, np.nextafter(edges, -np.inf), np.nextafter(edges, np.inf)]))
print(0)`);
  const want = numpy<Record<string, { dtype: string; shape: number[]; values: unknown }>>(`${PY_TOJSON}${PY_EDGES_V2}
env = {**np.__dict__, "np": np, "histogram": histogram_v2}
np.histogram = histogram_v2
for name in ["u", "f", "k", "m", "uw", "e"]:
    env[name] = np.load(${JSON.stringify(dir)} + "/" + name + ".npy")
out = {}
for key, e in ${JSON.stringify(OUTPUTS)}.items():
    r = np.asarray(eval(e, env))
    out[key] = {'dtype': str(r.dtype), 'shape': list(r.shape), 'values': tojson(r)}
print(json.dumps(out))`);

  for (const [chunk, mChunks, workers] of [[997, [7, 5], 1], [5003, [41, 13], 2], [250, [1, 13], 3]] as const) {
    it(`agrees with numpy: chunks of ${chunk}, 2-D chunks ${JSON.stringify(mChunks)}, ${workers} worker(s)`, () => {
      const spec = join(dir, `job-${chunk}.json`);
      const npy = (name: string, chunks: readonly number[]) => ({ npy: join(dir, `${name}.npy`), chunks });
      writeFileSync(spec, JSON.stringify({
        tessera: 1,
        datasets: { u: npy('u', [chunk]), uw: npy('uw', [Math.ceil(chunk / 4)]), f: npy('f', [Math.ceil(chunk / 2)]), k: npy('k', [Math.ceil(chunk / 3)]), m: npy('m', mChunks), e: npy('e', [Math.ceil(chunk / 40)]) },
        outputs: OUTPUTS,
      }));
      const run = tessera(['run', spec, '--json', '--workers', String(workers)]);
      const got = JSON.parse(run.stdout) as { outputs?: Record<string, { dtype: string; shape?: number[]; values?: unknown }>; error?: unknown };
      expect(got.error, run.stderr).toBeUndefined();
      for (const [k, w] of Object.entries(want)) {
        const g = got.outputs![k];
        expect(g.dtype, k).toBe(w.dtype);
        expect(g.shape ?? [], k).toEqual(w.shape);
        expect(g.values, k).toEqual(w.values);
      }
    }, 120_000);
  }

  it('refuses what numpy refuses, one error found in the data', () => {
    const spec = join(dir, 'bad.json');
    const run = (output: string) => {
      writeFileSync(spec, JSON.stringify({ tessera: 1, datasets: { x: { arange: [0, 12], dtype: 'float64' } }, outputs: { o: output } }));
      return JSON.parse(tessera(['run', spec, '--json']).stdout) as { error?: { code: string; message: string }; outputs?: Record<string, { values?: unknown }> };
    };
    expect(run('histogram(x / (x - 3), 4)[0]').error?.code).toBe('VALUE_ERROR'); // inf in the data, no range
    expect(run('histogram(x / (x - 3), 4, range=(0, 5))[0]').outputs?.o).toMatchObject({ values: [1, 6, 1, 1] });
    expect(run('histogram(x, [4])[0]').outputs?.o).toMatchObject({ dtype: 'int64', shape: [0] });
    expect(run('histogram(x, [4], weights=x > 1)[0]').outputs?.o).toMatchObject({ dtype: 'bool', shape: [0] });
    expect(run('histogram(x, 3, weights=x[:5])[0]').error).toMatchObject({ code: 'VALUE_ERROR', message: 'weights should have the same shape as a.' });
    expect(run('histogram(x, 0)[0]').error).toMatchObject({ code: 'VALUE_ERROR', message: '`bins` must be positive, when an integer' });
    expect(run('histogram(x, [1, 0])[0]').error).toMatchObject({ code: 'VALUE_ERROR', message: '`bins` must increase monotonically, when an array' });
    expect(run('histogram(x, 3, range=(2, 1))[0]').error).toMatchObject({ code: 'VALUE_ERROR', message: 'max must be larger than min in range parameter.' });
  });
});
