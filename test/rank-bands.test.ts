/**
 * median, percentile, quantile and topk of long 1-D arrays (at least 2^22 elements), which
 * rank-slices.ts finds through a band bracketed by a sorted sample instead of a whole sort,
 * against numpy: uniform, sorted (the band in one chunk, the others empty), heavy ties, float32
 * with -0.0 and 0.0, a NaN, and the cases the band must leave to the whole sort (integers past
 * 2^53, infinities at the wanted ranks). The banded job's store never holds the array sorted.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tessera } from './helpers/cli.js';
import { tempDir } from './helpers/engine.js';
import { numpy, PY_TOJSON } from './helpers/numpy.js';

const dir = tempDir();
const N = 4_500_000;
const NAMES = ['u', 's', 't', 'f', 'nanv', 'big', 'infv'];

const BANDED: Record<string, string> = {
  pu: 'np.percentile(u, [1, 30, 99.99])', mu: 'np.median(u)', qu: 'np.quantile(u, 0.5)', top: 'topk(u, 5)', bottom: 'topk(u, -3)',
  ms: 'np.median(s)', ps: 'np.percentile(s, 73.3)', pt: 'np.percentile(t, 41)', mt: 'np.median(t)', topt: 'topk(t, 4)',
  mf: 'np.median(f)', pf: 'np.percentile(f, 50.0001).astype(np.float32)',
  // The sign of a zero rank (arctan2(+-0, -1) is +-pi; JSON writes -0.0 as 0): ties of -0.0 and 0.0 keep the input's order.
  zf: 'np.arctan2(np.median(f).astype(np.float64), -1.0)', zp: 'np.arctan2(np.percentile(f, 50.0001).astype(np.float64), -1.0)',
  pnan: 'np.percentile(nanv, 30)', mnan: 'np.median(nanv)', pinf: 'np.percentile(infv, 50)',
};
/** Outputs numpy 1.24 (the oracle) computes by other rules than numpy 2: float32's percentile in float64. */
const NOT_NUMPY_2 = ['zp'];
const WHOLE: Record<string, string> = { pbig: 'np.percentile(big, 60)', mbig: 'np.median(big)', pinf5: 'np.percentile(infv, 5)' };

type Out = { dtype: string; value?: unknown; values?: unknown };
/** -0.0 as 0: Tessera's JSON writes both as 0 (zf and zp check the sign). */
const zeroless = (x: unknown): unknown => (Array.isArray(x) ? x.map(zeroless) : x === 0 ? 0 : x);
function run(outputs: Record<string, string>, chunks: number, workers: number): { outputs: Record<string, Out>; stats: { peak_store_bytes: number } } {
  const spec = join(dir, `job-${Object.keys(outputs).join('-')}-${chunks}.json`);
  const datasets = Object.fromEntries(NAMES.map((n) => [n, { npy: join(dir, `${n}.npy`), chunks: chunks === -1 ? [-1] : [chunks] }]));
  writeFileSync(spec, JSON.stringify({ tessera: 1, datasets, outputs }));
  const r = tessera(['run', spec, '--json', '--workers', String(workers)]);
  const got = JSON.parse(r.stdout);
  expect(got.error, r.stderr).toBeUndefined();
  return got;
}

function oracle(outputs: Record<string, string>): Record<string, { dtype: string; values: unknown }> {
  return numpy(`${PY_TOJSON}
def topk(a, k):
    s = np.sort(a, kind="stable")
    return s[:-k] if k < 0 else s[::-1][:k]
env = {"np": np, "topk": topk}
for n in ${JSON.stringify(NAMES)}: env[n] = np.load(${JSON.stringify(dir)} + "/" + n + ".npy")
out = {}
for k, e in ${JSON.stringify(outputs)}.items():
    r = np.asarray(eval(e, env))
    out[k] = {"dtype": str(r.dtype), "values": tojson(r)}
print(json.dumps(out))`);
}

beforeAll(() => {
  numpy(`rng = np.random.default_rng(11)
d = ${JSON.stringify(dir)} + "/"
u = rng.random(${N})
np.save(d + "u.npy", u)
np.save(d + "s.npy", np.sort(u))
np.save(d + "t.npy", rng.integers(0, 50, ${N}))
np.save(d + "f.npy", np.round(rng.standard_normal(${N}), 1).astype(np.float32))
nanv = u.copy(); nanv[1234567] = np.nan
np.save(d + "nanv.npy", nanv)
np.save(d + "big.npy", rng.integers(2**62, 2**62 + 2**20, ${N}))
infv = u.copy(); infv[rng.random(${N}) < 0.1] = -np.inf
np.save(d + "infv.npy", infv)
print(0)`);
}, 120_000);

describe('ranks of long arrays through a band', () => {
  for (const [chunks, workers] of [[700_000, 2], [1_000_000, 3]] as const) {
    it(`equal numpy's, the store never holding the sorted array: chunks ${chunks}, ${workers} workers`, () => {
      const got = run(BANDED, chunks, workers);
      const want = oracle(BANDED);
      for (const [k, w] of Object.entries(want)) {
        if (NOT_NUMPY_2.includes(k)) continue;
        expect(got.outputs[k].dtype, k).toBe(w.dtype);
        expect(zeroless(got.outputs[k].values ?? got.outputs[k].value), k).toEqual(zeroless(w.values));
      }
      // Every output, also where numpy 1.24 is not numpy 2, the same as the whole sort's (one chunk).
      const whole = run(BANDED, -1, 1);
      for (const k of Object.keys(BANDED)) expect(got.outputs[k], k).toEqual(whole.outputs[k]);
      // The whole sort holds every sorted run (all of an array) before merging; a band holds its
      // mask (a byte an element) and its few elements: each kind of output took a band.
      if (workers === 2) {
        for (const k of ['mu', 'pu', 'top', 'bottom', 'ps', 'topt', 'pf', 'pnan']) {
          expect(run({ [k]: BANDED[k] }, chunks, workers).stats.peak_store_bytes, k).toBeLessThan(N * 8 / 4);
        }
      }
    }, 120_000);
  }

  it('leaves to the whole sort what the band cannot carry exactly: integers past 2^53, infinite bounds', () => {
    const got = run(WHOLE, 800_000, 2);
    const want = oracle(WHOLE);
    for (const [k, w] of Object.entries(want)) {
      expect(got.outputs[k].dtype, k).toBe(w.dtype);
      expect(zeroless(got.outputs[k].values ?? got.outputs[k].value), k).toEqual(zeroless(w.values));
    }
    expect(run({ mbig: WHOLE.mbig }, 800_000, 2).stats.peak_store_bytes).toBeGreaterThan(N * 8);
  }, 120_000);
});
