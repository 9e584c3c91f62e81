/**
 * Boolean-mask indexing and what is built on it (issue #19): x[mask] over a mask of x's shape or
 * of its leading axes, a mask of a masked result, nonzero, flatnonzero, argwhere, extract and
 * where(condition), against numpy over uneven chunkings and worker counts. Generated cases are in
 * the differential test.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tessera } from './helpers/cli.js';
import { compareWithNumpy } from './helpers/compare.js';
import { tempDir, useEngine } from './helpers/engine.js';
import { numpy, PY_TOJSON } from './helpers/numpy.js';

const dir = tempDir();
const engine = useEngine();

const OUTPUTS: Record<string, string> = {
  rows: 'm[m[:, 1] > 0.2]',
  cells: 'm[(m > 0.5) & (m < 0.9)]',
  nested: 'm[m > 0.3][m[m > 0.3] < 0.4]',
  none: 'm[m > 2]',
  all: 'v[v >= 0]',
  sum: 'v[v > 0.5].sum()',
  npmean: 'np.mean(v[v < 0.25])',
  max: 'm[m < 0.5].max()',
  anyall: 'v[v > 0.99].all()',
  mean: 'm[m[:, 0] < 0.5].mean(axis=0)',
  nz: 'nonzero(m > 0.95)[1]',
  flat: 'flatnonzero(v > 0.9)',
  arg: 'argwhere(m > 0.97)',
  extract: 'extract(v < 0.05, v)',
  where1: 'where(v > 0.99)[0]',
  // A 0-d mask: a new leading axis of length 1 or 0.
  scalarTrue: 'm[m.sum() > 1]',
  scalarFalse: 'v[v.sum() < 0]',
  scalarOfScalar: 'v.max()[v.max() > 0.5]',
};

describe('boolean-mask indexing as numpy', () => {
  for (const [chunks, workers] of [[[7, 3], 1], [[50, 5], 2], [[1, 5], 3], [[-1, -1], 2]] as const) {
    it(`agrees with numpy: chunks ${JSON.stringify(chunks)}, ${workers} worker(s)`, () => {
      numpy(`np.save(${JSON.stringify(join(dir, 'm.npy'))}, np.random.default_rng(5).random((203, 5)))
np.save(${JSON.stringify(join(dir, 'v.npy'))}, np.random.default_rng(6).random(1001))
print(0)`);
      const spec = join(dir, `job-${chunks.join('x')}.json`);
      writeFileSync(spec, JSON.stringify({ tessera: 1, datasets: { m: { npy: join(dir, 'm.npy'), chunks }, v: { npy: join(dir, 'v.npy'), chunks: [chunks[0] === -1 ? -1 : chunks[0] * 3] } }, outputs: OUTPUTS }));
      const run = tessera(['run', spec, '--json', '--workers', String(workers)]);
      const got = JSON.parse(run.stdout) as { outputs?: Record<string, { dtype: string; shape?: number[]; values?: unknown; value?: unknown }>; error?: unknown };
      expect(got.error, run.stderr).toBeUndefined();
      const want = numpy<Record<string, { dtype: string; shape: number[]; values: unknown }>>(`${PY_TOJSON}
m = np.load(${JSON.stringify(join(dir, 'm.npy'))}); v = np.load(${JSON.stringify(join(dir, 'v.npy'))})
out = {}
for k, e in ${JSON.stringify(OUTPUTS)}.items():
    r = np.asarray(eval(e, {**np.__dict__, "np": np, "m": m, "v": v}))
    out[k] = {'dtype': str(r.dtype), 'shape': list(r.shape), 'values': tojson(r)}
print(json.dumps(out))`);
      for (const [k, w] of Object.entries(want)) {
        const g = got.outputs![k];
        expect(g.dtype, k).toBe(w.dtype);
        expect(g.shape ?? [], k).toEqual(w.shape);
        const values = g.values ?? g.value;
        if (k === 'sum' || k === 'mean' || k === 'npmean') {
          const flat = (x: unknown): number[] => (Array.isArray(x) ? x.flatMap(flat) : [x as number]);
          flat(values).forEach((x, i) => expect(Math.abs(x - flat(w.values)[i]), k).toBeLessThan(1e-12 * Math.max(1, Math.abs(x))));
        } else {
          expect(values, k).toEqual(w.values);
        }
      }
    }, 120_000);
  }

  it('compresses long chunks (many of the evaluator\'s blocks) and long rows (a row in several blocks) in every item size', async () => {
    await compareWithNumpy(engine(), {
      setup: 'rng = np.random.default_rng(9)\nv = rng.random(200_000)\nw = (rng.random((40, 3000)) * 100).astype(np.int16)\nb = rng.random(50_000) > 0.5',
      inputs: { v: [70_000], w: [7, 1100], b: [30_000] },
      exprs: {
        direct: 'v[v > 0.3]', fused: '(v * 2)[v < 0.1]', f32: 'v.astype(np.float32)[v > 0.99]', bools: 'b[v[:50_000] > 0.5]',
        rows: 'w[w[:, 0] > 50]', u8: 'w.astype(np.uint8)[w > 90]', rowsum: 'w[w[:, 7] < 20].sum(axis=0)', none: 'w[w[:, 0] > 1000]',
      },
    });
  });

  it('refuses a mask of the wrong shape with numpy\'s message, and the max of nothing', () => {
    const spec = join(dir, 'bad.json');
    writeFileSync(spec, JSON.stringify({ tessera: 1, datasets: { x: { arange: [0, 12] } }, outputs: { o: 'x.reshape(3, 4)[x[:4] > 1]' } }));
    const bad = JSON.parse(tessera(['run', spec, '--json']).stdout).error as { code: string; message: string };
    expect(bad.code).toBe('INDEX_ERROR');
    expect(bad.message).toContain('boolean index did not match indexed array along axis 0; size of axis is 3 but size of corresponding boolean axis is 4');
    // The max of nothing: numpy's error, from the one-pass reduction (floats) and from the count run (integers).
    for (const dtype of ['float64', 'int64']) {
      writeFileSync(spec, JSON.stringify({ tessera: 1, datasets: { x: { arange: [0, 12], dtype } }, outputs: { o: 'x[x > 100].max()' } }));
      expect(JSON.parse(tessera(['run', spec, '--json']).stdout).error.code, dtype).toBe('EMPTY_REDUCTION');
    }
  });
});
