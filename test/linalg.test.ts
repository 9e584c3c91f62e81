/**
 * np.linalg.qr, svd and solve (issue #19): TSQR over row chunks, the SVD through it, and solve of
 * a square system, on LAPACK. numpy is the oracle where the results are unique (R with its signs
 * made positive, singular values, solutions); Q, U and V are checked by what defines them
 * (reconstruction, orthonormal columns), and every result must be the same for every chunking.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tessera } from './helpers/cli.js';
import { tempDir } from './helpers/engine.js';
import { numpy } from './helpers/numpy.js';

const dir = tempDir();
let n = 0;

type Out = { values?: unknown; value?: unknown; dtype: string; shape: number[]; path?: string };
function run(datasets: object, outputs: Record<string, string>): { outputs?: Record<string, Out>; error?: { code: string; message: string; hint: string } } {
  const p = join(dir, `job-${n++}.json`);
  writeFileSync(p, JSON.stringify({ tessera: 1, datasets, outputs }));
  return JSON.parse(tessera(['run', p, '--json', '--out', join(dir, `out-${n}`)]).stdout);
}

beforeAll(() => {
  numpy(`rng = np.random.default_rng(21)
np.save(${JSON.stringify(join(dir, 'tall.npy'))}, rng.standard_normal((700, 5)))
np.save(${JSON.stringify(join(dir, 'taller.npy'))}, rng.standard_normal((9000, 48)))
np.save(${JSON.stringify(join(dir, 'short.npy'))}, rng.standard_normal((4, 90)).astype(np.float32))
np.save(${JSON.stringify(join(dir, 'square.npy'))}, rng.standard_normal((9, 9)))
np.save(${JSON.stringify(join(dir, 'ints.npy'))}, rng.integers(-5, 5, (6, 6)).astype(np.int32))
print(0)`);
});

describe('linalg: qr, svd, solve', () => {
  // 9000 x 48 in one chunk is factored in LAPACK's row blocks of 2730 (native/kernels/linalg.cc); 700 x 5 in one.
  it.each([['tall.npy', [[700, 5], [97, 5], [3, 5], [-1, -1]]], ['taller.npy', [[9000, 48], [4000, 48], [-1, -1]]]])('factorises a tall matrix (%s) over any row chunking: Q R is A, Q orthonormal, R numpy\'s up to signs and the same for every chunking; singular values numpy\'s', (file, chunkings) => {
    const results = (chunkings as number[][]).map((chunks) => run({ a: { npy: join(dir, file as string), chunks } }, {
      q: 'np.linalg.qr(a)[0]', r: 'np.linalg.qr(a)[1]', u: 'np.linalg.svd(a, full_matrices=False)[0]', s: 'np.linalg.svd(a, full_matrices=False)[1]', vt: 'np.linalg.svd(a, full_matrices=False)[2]',
    }));
    for (const r of results) expect(r.error).toBeUndefined();
    const resultsFile = join(dir, `${file}-results.json`);
    writeFileSync(resultsFile, JSON.stringify(results.map((r) => r.outputs)));
    const check = numpy<{ recon: number; orth: number; r: number; s: number; svd: number; uorth: number; spread: number }>(`
a = np.load(${JSON.stringify(join(dir, file as string))})
eye = np.eye(a.shape[1])
res = json.load(open(${JSON.stringify(resultsFile)}))
def val(o): return np.load(o['path']) if 'path' in o else np.array(o['values'])
qn, rn = np.linalg.qr(a); rn = np.sign(np.diag(rn))[:, None] * rn
sn = np.linalg.svd(a, compute_uv=False)
worst = dict(recon=0, orth=0, r=0, s=0, svd=0, uorth=0, spread=0)
for o in res:
    q, r, u, s, vt = (val(o[k]) for k in ('q', 'r', 'u', 's', 'vt'))
    worst['recon'] = max(worst['recon'], np.abs(q @ r - a).max())
    worst['orth'] = max(worst['orth'], np.abs(q.T @ q - eye).max())
    worst['r'] = max(worst['r'], np.abs(r - rn).max() + (np.abs(np.tril(r, -1)).max()))
    worst['s'] = max(worst['s'], np.abs(s - sn).max())
    worst['svd'] = max(worst['svd'], np.abs((u * s) @ vt - a).max())
    worst['uorth'] = max(worst['uorth'], np.abs(u.T @ u - eye).max())
    worst['spread'] = max(worst['spread'], np.abs(val(o['vt']) - val(res[0]['vt'])).max())
print(json.dumps({k: float(v) for k, v in worst.items()}))`);
    expect(check.recon).toBeLessThan(1e-12);
    expect(check.orth).toBeLessThan(1e-13);
    expect(check.r).toBeLessThan(1e-12);
    expect(check.s).toBeLessThan(1e-12);
    expect(check.svd).toBeLessThan(1e-12);
    expect(check.uorth).toBeLessThan(1e-13);
    expect(check.spread).toBeLessThan(1e-12); // the same singular vectors, signs included, for every chunking
  });

  it('gives a short matrix\'s SVD through its transpose, in float32 for float32 input, and solves systems as numpy', () => {
    const r = run({ w: { npy: join(dir, 'short.npy'), chunks: [4, 7] }, m: { npy: join(dir, 'square.npy'), chunks: [4, 4] }, i: { npy: join(dir, 'ints.npy') } }, {
      s: 'np.linalg.svd(w, compute_uv=False)', u: 'np.linalg.svd(w, full_matrices=False)[0]', vt: 'np.linalg.svd(w, full_matrices=False)[2]',
      n2: 'np.linalg.norm(m, 2)', nm2: 'np.linalg.norm(m, -2)', nuc: "np.linalg.norm(w, 'nuc')", n2t: 'np.linalg.norm(m, 2, axis=(1, 0), keepdims=True)',
      x: 'np.linalg.solve(m, m[:, 2] * 3 + 1)', xm: 'np.linalg.solve(m, m.T[:, :4])', xi: 'np.linalg.solve(i + 7 * eye(6, dtype=int32), arange(6))',
    });
    expect(r.error).toBeUndefined();
    const o = r.outputs!;
    expect([o.s.dtype, o.u.dtype, o.vt.dtype, o.x.dtype, o.xi.dtype]).toEqual(['float32', 'float32', 'float32', 'float64', 'float64']);
    expect(o.u.shape).toEqual([4, 4]);
    expect(o.vt.shape).toEqual([4, 90]);
    const norms = numpy<number[]>(`m = np.load(${JSON.stringify(join(dir, 'square.npy'))}); w = np.load(${JSON.stringify(join(dir, 'short.npy'))})
print(json.dumps([float(np.linalg.norm(m, 2)), float(np.linalg.norm(m, -2)), float(np.linalg.norm(w, 'nuc')), str(np.linalg.norm(w, 'nuc').dtype)]))`);
    expect(Math.abs((o.n2 as { value: number }).value - norms[0])).toBeLessThan(1e-12);
    expect(Math.abs((o.nm2 as { value: number }).value - norms[1])).toBeLessThan(1e-12);
    expect(Math.abs((o.nuc as { value: number }).value - norms[2])).toBeLessThan(1e-4);
    expect(o.nuc.dtype).toBe(norms[3]);
    expect(o.n2t.shape).toEqual([1, 1]);
    const check = numpy<{ s: number; recon: number; x: number; xm: number; xi: number }>(`
w = np.load(${JSON.stringify(join(dir, 'short.npy'))}).astype(np.float64); m = np.load(${JSON.stringify(join(dir, 'square.npy'))}); i = np.load(${JSON.stringify(join(dir, 'ints.npy'))})
o = json.loads(${JSON.stringify(JSON.stringify(o))})
val = lambda k: np.array(o[k]['values'])
print(json.dumps({'s': float(np.abs(val('s') - np.linalg.svd(w, compute_uv=False)).max()), 'recon': float(np.abs((val('u') * val('s')) @ val('vt') - w).max()),
  'x': float(np.abs(val('x') - np.linalg.solve(m, m[:, 2] * 3 + 1)).max()), 'xm': float(np.abs(val('xm') - np.linalg.solve(m, m.T[:, :4])).max()),
  'xi': float(np.abs(val('xi') - np.linalg.solve(i + 7 * np.eye(6, dtype=np.int32), np.arange(6))).max())}))`);
    expect(check.s).toBeLessThan(1e-5);
    expect(check.recon).toBeLessThan(1e-5);
    expect(check.x).toBeLessThan(1e-12);
    expect(check.xm).toBeLessThan(1e-12);
    expect(check.xi).toBeLessThan(1e-12);
  });

  it('refuses a singular system, a non-square one, a wide QR and a full SVD of a non-square matrix, saying what to do', () => {
    const d = { m: { npy: join(dir, 'square.npy') }, a: { npy: join(dir, 'tall.npy') } };
    expect(run(d, { x: 'np.linalg.solve(m * 0, m[:, 0])' }).error).toMatchObject({ code: 'LINALG_ERROR', message: 'Singular matrix' });
    expect(run(d, { x: 'np.linalg.solve(a, a[:, 0])' }).error).toMatchObject({ code: 'LINALG_ERROR', message: 'Last 2 dimensions of the array must be square' });
    expect(run(d, { x: 'np.linalg.solve(m, a[:, 0])' }).error?.code).toBe('VALUE_ERROR');
    expect(run(d, { x: 'np.linalg.qr(a.T)[0]' }).error).toMatchObject({ code: 'NOT_SUPPORTED', hint: expect.stringContaining('transpose') });
    expect(run(d, { x: 'np.linalg.svd(a)[1]' }).error).toMatchObject({ code: 'NOT_SUPPORTED', hint: expect.stringContaining('full_matrices=False') });
    expect(run(d, { x: 'np.linalg.svd(m)[1]' }).error).toBeUndefined(); // square: full and reduced are one
  });
});
