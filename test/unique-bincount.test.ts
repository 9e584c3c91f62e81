/**
 * np.unique (with first indices, inverse and counts) and np.bincount (with weights; issue #19): numpy's results whatever the chunking and
 * worker count, over integers, floats with NaN and both zeros, bools, and empty arrays; their
 * lengths depend on the data, so each job first counts (unique's mask) or finds the range
 * (bincount's length), then plans the rest.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tessera } from './helpers/cli.js';
import { tempDir } from './helpers/engine.js';
import { numpy, PY_TOJSON } from './helpers/numpy.js';

const dir = tempDir();
let n = 0;

function run(datasets: object, outputs: Record<string, string>, workers = 2): { outputs?: Record<string, { values?: unknown; dtype: string; shape: number[] }>; error?: { code: string; message: string; hint: string } } {
  const p = join(dir, `job-${n++}.json`);
  writeFileSync(p, JSON.stringify({ tessera: 1, datasets, outputs }));
  return JSON.parse(tessera(['run', p, '--json', '--workers', String(workers)]).stdout);
}

const INPUTS: Record<string, string> = {
  i16: 'rng.integers(0, 40, 3000).astype(np.int16)',
  u8: 'rng.integers(0, 256, 2000).astype(np.uint8)',
  f64: 'np.where(rng.random(1500) < 0.05, np.nan, np.round(rng.standard_normal(1500), 1)) * np.where(rng.random(1500) < 0.5, 1, -1)',
  f32: 'np.round(rng.standard_normal(800), 2).astype(np.float32)',
  b: 'rng.random(500) < 0.3',
  w: 'np.round(rng.random(3000) * 64) / 8', // dyadic: every order of summing is exact
};
const EXPRS: Record<string, string> = {
  u_i16: 'unique(i16)', c_i16: 'unique(i16, return_counts=True)[1]', u_f64: 'unique(f64)', c_f64: 'np.unique(f64, return_counts=True)[1]',
  u_f32: 'unique(f32)', u_b: 'unique(b)', c_b: 'unique(b, return_counts=True)[1]', u_2d: 'unique(u8.reshape(40, 50)[5:9])', u_empty: 'unique(i16[:0])',
  ix_i16: 'unique(i16, return_index=True)[1]', inv_i16: 'unique(i16, return_inverse=True)[1]', ix_f64: 'unique(f64, return_index=True)[1]',
  inv_f64: 'unique(f64, return_index=True, return_inverse=True)[2]', inv_2d: 'unique(u8.reshape(40, 50)[5:9], return_inverse=True)[1]',
  all_b: 'unique(b, True, True, True)[3]', inv_empty: 'unique(i16.reshape(30, 100)[:0], return_inverse=True)[1]',
  bc_i16: 'bincount(i16)', bc_u8: 'bincount(u8, minlength=300)', bc_b: 'bincount(b)', bc_mask: 'bincount(i16[i16 > 30])', bc_empty: 'bincount(u8[:0], minlength=4)',
  bcw_i16: 'bincount(i16, weights=w)', bcw_u8: 'bincount(u8, weights=u8, minlength=260)', bcw_b: 'bincount(b, weights=b)',
  bcw_mask: 'bincount(i16[i16 > 30], weights=w[i16 > 30])', bcw_empty: 'bincount(u8[:0], weights=u8[:0])',
};

let want: Record<string, { v: unknown; dtype: string }>;

beforeAll(() => {
  want = numpy(`${PY_TOJSON}
def unique_v2(ar, return_index=False, return_inverse=False, return_counts=False):
    # numpy 2: the inverse has the input's shape (numpy 1.24, the oracle here: flat); the first
    # occurrences by a stable sort (1.24 uses one whenever return_index is asked; Tessera always).
    r = np.unique(ar, return_index, return_inverse, return_counts)
    if not return_inverse:
        return r
    r = list(r)
    r[1 + return_index] = r[1 + return_index].reshape(np.shape(ar))
    return tuple(r)
rng = np.random.default_rng(12)
${Object.entries(INPUTS).map(([k, v]) => `${k} = ${v}\nnp.save(${JSON.stringify(join(dir, `${k}.npy`))}, ${k})`).join('\n')}
out = {}
for name, e in ${JSON.stringify(Object.entries(EXPRS))}:
    r = eval(e, {'np': np, 'unique': unique_v2, 'bincount': np.bincount, **globals()})
    out[name] = {'v': tojson(r), 'dtype': str(r.dtype)}
print(json.dumps(out))`);
});

describe('unique and bincount', () => {
  it('give numpy\'s values and dtypes, the same for every chunking and worker count', () => {
    for (const [chunks, workers] of [[1, 2], [7, 1], [333, 3], [[-1], 2]] as [number | number[], number][]) {
      const datasets = Object.fromEntries(Object.keys(INPUTS).map((k) => [k, { npy: join(dir, `${k}.npy`), chunks }]));
      const got = run(datasets, EXPRS, workers);
      expect(got.error, `chunks ${chunks}`).toBeUndefined();
      for (const name of Object.keys(EXPRS)) {
        expect(got.outputs![name].dtype, `${name}, chunks ${chunks}`).toBe(want[name].dtype);
        expect(got.outputs![name].values, `${name}, chunks ${chunks}`).toEqual(want[name].v);
      }
    }
  });

  it('refuses negative values, floats and unsupported options as numpy does', () => {
    const d = { i16: { npy: join(dir, 'i16.npy'), chunks: 100 }, f64: { npy: join(dir, 'f64.npy') } };
    expect(run(d, { o: 'bincount(i16 - 3)' }).error).toMatchObject({ code: 'VALUE_ERROR', message: "'list' argument must have no negative elements" });
    expect(run(d, { o: 'bincount(f64)' }).error?.message).toContain("Cannot cast array data from dtype('float64')");
    expect(run(d, { o: 'bincount(i16.reshape(30, 100))' }).error?.message).toBe('object too deep for desired array');
    expect(run(d, { o: 'bincount(i16, weights=i16[:5])' }).error).toMatchObject({ code: 'VALUE_ERROR', message: "The weights and list don't have the same length." });
    expect(run(d, { o: 'unique(i16, axis=0)' }).error?.code).toBe('BAD_ARGUMENTS');
  });
});
