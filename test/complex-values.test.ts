/**
 * Complex values beyond the FFT (issue #19, ADR 0038): complex .npy inputs (complex128,
 * complex64, big-endian, Fortran order, a folder stacked), Python complex literals and their folding, numpy 2's
 * promotion of a Python complex beside arrays, and the complex functions (exp, sqrt, square,
 * logs, powers, comparisons in numpy's order, astype, isnan, isinf, isfinite, products, var, std,
 * cumsum) against numpy over the special values C99's
 * Annex G defines (zeros of both signs, infinities, NaNs, overflow and underflow edges), part by
 * part with the sign of zero; then the errors. The differential test generates more.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runSpec, tempDir, useEngine } from './helpers/engine.js';
import { LocalBackend } from '../dist/src-main/run/local-backend.js';
import { PersistedArrays } from '../dist/src-main/run/persisted-arrays.js';
import { runSpec as runWindowSpec } from '../dist/src-main/run/run-spec.js';
import { persistedList } from '../dist/src-main/service/job-run.js';
import { numpy } from './helpers/numpy.js';
import { inspectFile } from '../dist/src-main/collections/array/files.js';

const dir = tempDir('tessera-complex-');
const engine = useEngine();

/**
 * Expressions whose numpy value is compared part by part; where numpy 1.24 (here) differs from
 * numpy 2, the second is numpy 2's spelling: 1.24's ** also shortcuts the exponents 0, 1 and 2.0
 * (numpy 2 only a Python int 2 and -1 and a float 0.5), which decides the signs of zeros.
 */
const CASES: Record<string, string | [string, string]> = {
  read: 'z', read64: 'z8', readBig: 'zb', fortran: 'zf', fortranRow: 'zf[1] * 2', stacked: 'frames', stackedSum: 'frames.sum(axis=0)',
  exp: 'np.exp(z)', sqrt: 'np.sqrt(z)', square: 'np.square(z)', sqrt8: 'np.sqrt(z8)', exp8: 'np.exp(z8)',
  log: 'np.log(z)', log8: 'np.log(z8)', log10: 'np.log10(z)', log2: 'np.log2(z8)', nearOne: 'np.log(np.exp(1e-9j * z.real) * (1 + 1e-12))',
  cast64: 'z8.astype(np.complex128)', cast32: 'z.astype(np.complex64)', realCast: 'f.astype(complex)', toReal: 'z8.astype(np.float64)', toBool: '(f * 1j).astype(bool)',
  pow0: ['z ** 0', 'np.power(z, 0)'], pow1: ['z ** 1', 'np.power(z, 1)'], pow2: 'z ** 2', pow2float: ['z ** 2.0', 'np.power(z, 2.0)'], powHalf: 'z ** 0.5', powHalf8: 'z8 ** 0.5', pow3: 'z ** 3', pow5: 'z ** 5', powNeg: 'z ** -1', powNeg3: 'z ** -3',
  eq: 'z == np.conj(z)', ne: 'z != (1 - 1j)', lt: 'z < np.conj(z)', le: 'z <= z[::-1]', gt: 'z > (1 + 0j)', ge: '(0.5 + 2j) >= z', isnan: 'np.isnan(z)', isinf: 'np.isinf(z)', isfinite: 'np.isfinite(z)',
  real32: 'f * 1j', int8: 'i + 2j', literalLeft: '(1.5 - 2j) - f', weak64: 'z8 + (1 + 2j)', mixed: 'z8[:10] * z[0]',
  folded: '(1 + 2j) * (3 - 1j) / (2 + 0.5j)', foldedPow: '(1 + 2j) ** 3 - (2 - 1j) ** -2', polar: '2 ** 0.5j + (1 + 1j) ** 1.5',
  matmul: 'z8.reshape(3, 4) @ w', matmulReal: 'f[:4] @ w', dotMethod: 'w.dot(w.T)', realDot: 'f[:4].dot(w)', outer: 'np.outer(z8[:3], f)',
  tensordot: 'np.tensordot(w, z8.reshape(4, 3), axes=1)', var: 'z8.var()', stdAxis: 'w.std(axis=0, ddof=1)', varKeep: 'np.var(w, axis=1, keepdims=True)',
  cumsum: 'np.cumsum(w)', cumsumAxis: 'w.cumsum(axis=1)',
  neg: '-(2j)', negativeBase: '(-2.5) ** 0.25 + (-8) ** (1 / 3)', mean: 'z[1:3].mean(axis=1)', scalarFn: 'np.exp(1j * np.pi)',
};

/** A float's parts as numpy's repr writes them (so -0.0, nan and inf survive JSON). */
type Parts = string[];
interface Want { dtype: string; shape: number[]; parts: Parts }

let want: Record<string, Want>;

beforeAll(() => {
  mkdirSync(join(dir, 'frames'));
  want = numpy(`import os
specials = [0.0, -0.0, 1.0, -2.5, 3.0, np.inf, -np.inf, np.nan, 710.0, -745.5, 1e308, 1e-310, 0.5, 7.25]
vals = np.array([complex(a, b) for a in specials for b in specials[:5]] + [1 + 1j] * (70 - 5 * len(specials)))
z = vals.reshape(7, 10)
np.save('z.npy', z)
z8 = (np.arange(12) * (0.5 - 1.25j)).astype(np.complex64)
np.save('z8.npy', z8)
np.save('zb.npy', (np.arange(6) * (1 + 3j)).astype('>c16'))
zf = np.asfortranarray((np.arange(24) * (1 - 0.5j)).reshape(2, 3, 4))
np.save('zf.npy', zf)
frames = [np.arange(4) * (k + 1j) for k in range(3)]
for k, a in enumerate(frames): np.save(os.path.join('frames', 'f%d.npy' % k), a)
frames = np.stack(frames)
f = np.linspace(-2, 2, 10).astype(np.float32)
np.save('f.npy', f)
i = np.arange(-5, 5, dtype=np.int8)
np.save('i.npy', i)
w = np.random.default_rng(3).standard_normal((4, 4)) + 1j * np.random.default_rng(4).standard_normal((4, 4))
np.save('w.npy', w)
env = {'np': np, 'w': w, 'z': z, 'z8': z8, 'zf': zf, 'zb': np.load('zb.npy'), 'frames': frames, 'f': f, 'i': i}
out = {}
with np.errstate(all='ignore'):
    for name, e in ${JSON.stringify(Object.fromEntries(Object.entries(CASES).map(([k, v]) => [k, Array.isArray(v) ? v[1] : v])))}.items():
        r = np.asarray(eval(e, env))
        parts = np.stack([r.real, r.imag], -1) if np.iscomplexobj(r) else r
        out[name] = {'dtype': r.dtype.name, 'shape': list(r.shape), 'parts': [repr(float(x)) for x in parts.ravel()]}
print(json.dumps(out))`, dir);
});

const DATASETS = {
  z: { npy: 'z.npy', chunks: [3, 4] }, z8: { npy: 'z8.npy', chunks: [5] }, zb: { npy: 'zb.npy' }, zf: { npy: 'zf.npy', chunks: [1, 2, 3] },
  frames: { npy: 'frames', stack: 0 }, f: { npy: 'f.npy', chunks: [3] }, i: { npy: 'i.npy' }, w: { npy: 'w.npy', chunks: [3, 2] },
};

const number = (s: string) => (s === 'nan' ? NaN : s === 'inf' ? Infinity : s === '-inf' ? -Infinity : Number(s));
const ulp = (x: number, single: boolean) => (x === 0 ? Number.MIN_VALUE : 2 ** (Math.floor(Math.log2(Math.abs(x))) - (single ? 23 : 52)));

/** Tessera's flat parts (pairs for complex outputs) as numbers. */
function flatParts(v: unknown): number[] {
  if (Array.isArray(v)) return v.flatMap(flatParts);
  if (typeof v === 'boolean') return [Number(v)];
  return [typeof v === 'string' ? number(v) : Number(v)];
}

describe('complex values', () => {
  it('read, fold, promote and compute as numpy does, part by part, zeros signed', async () => {
    const r = await runSpec(engine(), { datasets: DATASETS, outputs: Object.fromEntries(Object.entries(CASES).map(([k, v]) => [k, Array.isArray(v) ? v[0] : v])) }, dir);
    expect(r.outputs.map((o) => o.name).sort()).toEqual(Object.keys(CASES).sort());
    for (const o of r.outputs) {
      const w = want[o.name];
      expect(o.dtype, o.name).toBe(w.dtype);
      const got = flatParts(o.kind === 'scalar' ? o.value : o.values);
      const exp = w.parts.map(number);
      expect(got.length, o.name).toBe(exp.length);
      const single = w.dtype === 'complex64' || w.dtype === 'float32';
      // Exact where numpy's loops are these formulas; exp, sqrt and the polar fold within 4 ulp.
      const tol = ['exp', 'exp8', 'sqrt', 'sqrt8', 'powHalf', 'powHalf8', 'polar', 'scalarFn', 'log', 'log8', 'log10', 'log2', 'nearOne', 'negativeBase'].includes(o.name) ? 4
        // Products, variances and running sums: summed in another order than numpy's (zgemm's one accumulation per part).
        : ['matmul', 'matmulReal', 'dotMethod', 'realDot', 'tensordot', 'var', 'stdAxis', 'varKeep', 'cumsum', 'cumsumAxis'].includes(o.name) ? 64 : 0;
      exp.forEach((e, k) => {
        const g = got[k];
        const same = Object.is(e, g) || (Number.isNaN(e) && Number.isNaN(g))
          || (Number.isFinite(e) && e !== 0 && Number.isFinite(g) && Math.abs(g - e) <= tol * ulp(e, single));
        expect(same, `${o.name} = ${JSON.stringify(CASES[o.name])}: part ${k} is ${Object.is(g, -0) ? '-0' : g}, numpy ${w.parts[k]}`).toBe(true);
      });
    }
  });

  it('writes complex outputs to HDF5 and Zarr that h5py and zarr read as numpy computes them, and reads their files back', async () => {
    const outputs = { a: 'z * (1 - 2j)', b: 'z8 ** 2', s: 'z[2:4].sum()', f: 'np.fft.fft(z[1])' };
    for (const out of ['c.h5', 'c.zarr']) await runSpec(engine(), { datasets: DATASETS, outputs }, dir, { outDir: join(dir, out) });
    const check = numpy<Record<string, boolean>>(`import h5py, zarr
z, z8 = np.load('z.npy'), np.load('z8.npy')
with np.errstate(all='ignore'):
    want = {'a': z * (1 - 2j), 'b': z8 ** 2, 's': z[2:4].sum(), 'f': np.fft.fft(z[1])}
h, g = h5py.File('c.h5', 'r'), zarr.open_group('c.zarr', 'r')
same = lambda x, w: x.dtype == w.dtype and x.shape == w.shape and (np.allclose(x, w, rtol=1e-12, equal_nan=True) if w.ndim and w.size > 1 and np.isfinite(w).all() else np.array_equal(x, w, equal_nan=True))
out = {}
for k, w in want.items():
    w = np.asarray(w)
    out['h5 ' + k] = bool(same(np.asarray(h[k][()]), w))
    out['zarr ' + k] = bool(same(np.asarray(g[k][...]), w))
out['h5 chunks'] = h['a'].chunks is not None and h['a'].dtype == np.complex128
print(json.dumps(out))`, dir);
    for (const [k, ok] of Object.entries(check)) expect(ok, k).toBe(true);
    // Back into Tessera, and h5py's own complex datasets: chunked with gzip and shuffle, big-endian, complex64, through the library (fletcher32).
    numpy(`import h5py
z = np.load('z.npy')
with h5py.File('h5py.h5', 'w') as f:
    f.create_dataset('gz', data=z, chunks=(3, 4), compression='gzip', shuffle=True)
    f.create_dataset('be', data=z.astype('>c16'), chunks=(2, 10))
    f.create_dataset('c8', data=z.astype(np.complex64), compression='gzip')
    f.create_dataset('fl', data=z, chunks=(4, 3), fletcher32=True)
np.save('zc8.npy', z.astype(np.complex64))
print(0)`, dir);
    const back = await runSpec(engine(), {
      datasets: { h: { hdf5: 'c.h5', dataset: '/a' }, r: { zarr: 'c.zarr', dataset: 'a', chunks: [2, 5] }, gz: { hdf5: 'h5py.h5', dataset: '/gz' },
        be: { hdf5: 'h5py.h5', dataset: '/be' }, c8: { hdf5: 'h5py.h5', dataset: '/c8' }, fl: { hdf5: 'h5py.h5', dataset: '/fl', chunks: [3, 3] }, z: DATASETS.z, zc8: { npy: 'zc8.npy' } },
      outputs: { same: '((h == r) | np.isnan(h)).all()', files: '((gz == z) & (be == z) & (fl == z) | np.isnan(z)).all()', c8: '((c8 == zc8) | np.isnan(zc8)).all()', dt: 'c8[0]' },
    }, dir);
    const v = Object.fromEntries(back.outputs.map((o) => [o.name, o]));
    expect(v.same).toMatchObject({ dtype: 'bool', value: true });
    expect(v.files).toMatchObject({ dtype: 'bool', value: true });
    expect(v.c8).toMatchObject({ dtype: 'bool', value: true });
    expect(v.dt).toMatchObject({ dtype: 'complex64' });
  });

  it('persists a complex output for the next job, listed as complex', async () => {
    const kept = new PersistedArrays();
    const run = (spec: object, opts: object = {}) => runWindowSpec(new LocalBackend(engine()), { tessera: 1, ...spec }, { baseDir: dir, outDir: join(dir, 'out'), persisted: kept, ...opts });
    await run({ datasets: DATASETS, outputs: { w: 'z8.reshape(3, 4) * 2j' } }, { persist: ['w'] });
    expect(persistedList(kept)).toEqual([expect.objectContaining({ name: 'w', dtype: 'complex64', shape: [3, 4] })]);
    const next = await run({ datasets: { w: { persisted: 'w' } }, outputs: { s: 'w.sum()', i: 'w.imag[0, 2]' } });
    const want = numpy<number[]>(`w = np.load('z8.npy').reshape(3, 4) * 2j; s = w.sum(); print(json.dumps([float(s.real), float(s.imag), float(w.imag[0, 2])]))`, dir);
    expect(next.result.outputs.map((o) => ('value' in o ? o.value : null))).toEqual([[want[0], want[1]], want[2]]);
    kept.clear();
  });

  it('inspects a complex .npy as complex, chunked by its values', async () => {
    const info = await inspectFile(join(dir, 'z.npy'));
    expect(info).toMatchObject({ kind: 'array', dtype: 'complex128', shape: [7, 10] });
  });

  it('refuses what it cannot do, saying what can be done', async () => {
    const err = async (outputs: Record<string, string>, datasets: Record<string, Record<string, unknown>> = DATASETS) => {
      try {
        await runSpec(engine(), { datasets, outputs }, dir);
      } catch (e) {
        return e as { code: string; message: string; hint: string };
      }
      throw new Error(`no error for ${JSON.stringify(outputs)}`);
    };
    expect(await err({ o: '1j < 2j' })).toMatchObject({ code: 'TYPE_ERROR' });
    expect(await err({ o: '1j / 0' })).toMatchObject({ code: 'ZERO_DIVISION', message: 'complex division by zero' });
    expect(await err({ o: '(1e200 + 1j) ** 2' })).toMatchObject({ code: 'OVERFLOW_ERROR', message: 'complex exponentiation' });
    expect(await err({ o: 'z.astype()' })).toMatchObject({ code: 'BAD_ARGUMENTS' });
    expect(await err({ o: '0j ** -1' })).toMatchObject({ code: 'ZERO_DIVISION', message: '0.0 to a negative or complex power' });
    expect(await err({ o: 'z ** 1.5' })).toMatchObject({ code: 'UNSUPPORTED_COMPLEX' });
    expect(await err({ o: 'np.sin(z)' })).toMatchObject({ code: 'UNSUPPORTED_COMPLEX', hint: expect.stringContaining('sqrt') });
    expect(await err({ o: 'np.zeros(3, dtype=complex)' })).toMatchObject({ code: 'UNSUPPORTED_COMPLEX' });
    expect(await err({ o: 'z // 2' })).toMatchObject({ code: 'UNSUPPORTED_COMPLEX' });
    expect(await err({ o: '~(1j)' })).toMatchObject({ code: 'TYPE_ERROR' });
    numpy(`np.save(os.path.join('frames', 'real.npy'), np.arange(4.0)); print(0)`.replace('np.save', 'import os\nnp.save'), dir);
    expect(await err({ o: 'frames.sum()' }, { frames: { npy: 'frames', stack: 0 } })).toMatchObject({ code: 'BAD_DATASET', message: expect.stringContaining('complex128') });
  });
});
