/**
 * np.fft and complex arrays (issue #19, ADR 0038) against numpy over uneven chunkings and worker
 * counts: every transform (1-D, 2-D, N-D, real, inverse, n/s/axis/axes/norm), the helpers
 * (fftfreq, fftshift), complex arithmetic and reductions as numpy's loops compute them, complex64
 * from float32, results returned as [re, im] pairs or written as complex .npy files; the kernel
 * against a naive DFT at lengths of every kind (powers of two, primes, composites); and the errors.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tessera } from './helpers/cli.js';
import { tempDir } from './helpers/engine.js';
import { numpy } from './helpers/numpy.js';
import { encodeNpy } from '../dist/src-main/service/npy-encode.js';

const dir = tempDir('tessera-fft-');

/** Tessera's expression, and numpy's where it differs (numpy 1.24 here: float32 transforms give complex128, numpy 2's complex64). */
const CASES: Record<string, string | [string, string]> = {
  fft: 'np.fft.fft(x)', ifft: 'np.fft.ifft(x)', rfft: 'np.fft.rfft(x)', roundtrip: 'np.fft.irfft(np.fft.rfft(x), n=x.shape[0])',
  irfftOdd: 'np.fft.irfft(np.fft.fft(x)[:40], n=77)', padded: 'np.fft.fft(x, n=128)', cropped: 'np.fft.ifft(x, 50)',
  // Lines read through a reshape of a slice (the chunks a task reads are stored under the slice's shape).
  reshapedLines: 'np.fft.fft(x[:90].reshape(-1, 6), axis=1)', reshapedReal: 'abs(np.fft.rfft(x[:90].reshape(-1, 6))).sum()',
  prime: 'np.fft.fft(p)', one: 'np.fft.fft(x[:1])', axis0: 'np.fft.fft(m, axis=0)', fft2: 'np.fft.fft2(m)',
  ifft2: 'np.fft.ifft2(np.fft.fft2(m), s=(13, 7))', fftn: 'np.fft.fftn(c)', fftnAxes: 'np.fft.fftn(c, axes=(0, 2))',
  rfft2: 'np.fft.rfft2(m)', irfft2: 'np.fft.irfft2(np.fft.rfft2(m), s=m.shape)', rfftn: 'np.fft.rfftn(c, axes=(2, 0))', irfftn: 'np.fft.irfftn(np.fft.fftn(c))',
  ortho: "np.fft.fft(x, norm='ortho')", forward: "np.fft.ifft(np.fft.fft(x, norm='forward'), norm='forward')",
  float32: ['np.fft.fft(f)', 'np.fft.fft(f).astype(np.complex64)'], rfft32: ['np.fft.rfft(f)', 'np.fft.rfft(f).astype(np.complex64)'],
  freq: 'np.fft.fftfreq(9, 0.1)', rfreq: 'np.fft.rfftfreq(10)', shift: 'np.fft.fftshift(np.fft.fft(x))', ishift: 'np.fft.ifftshift(m, axes=0)',
  abs: 'abs(np.fft.fft(x))', angle: 'np.angle(np.fft.fft(x))', angleOdd: 'np.angle(np.fft.fft(-x[:22]))', real: 'np.fft.fft(x).real', imag: 'np.imag(np.fft.fft(m))',
  rfftZeros: 'np.fft.rfft(-x[:22] - 3)', rfftPrime: 'np.fft.rfft(p)', transposeAxes: 'np.fft.fft(c).transpose(1, 2, 0)', transposeFn: 'np.transpose(np.fft.fft(c), (2, 0, 1))',
  sNeg: ['np.fft.fftn(c, s=(-1, 3), axes=(0, 2))', 'np.fft.fftn(c, s=(6, 3), axes=(0, 2))'], // numpy 1.24 here has no -1 emptyAxes: 'np.fft.fftn(m, axes=())',
  conj: 'np.conj(np.fft.fft(x))', conjBool: 'np.conj(x > 0)', conjInt: 'np.conjugate((x * 3).astype(np.int16))', conjMethod: '(m > 0).conj()', mul: 'np.fft.fft(x) * np.fft.fft(x[::-1])', div: 'np.fft.fft(x) / np.fft.fft(x + 1)',
  divReal: 'np.fft.fft(x) / (x + 0.5)', plus: 'np.fft.fft(x) + 1', minus: '2 - np.fft.fft(x)', neg: '-np.fft.fft(m)',
  sum0: 'np.fft.fft2(m).sum(axis=0)', mean: 'np.fft.fft(m).mean()', meanKeep: 'np.fft.fft(c).mean(axis=(0, 1), keepdims=True)',
  // Real lines of even length take half-length transforms (native/kernels/fft.cc RealByHalf): shorter
  // odd inputs, a prime half (Bluestein), the backward transform.
  oddIn: 'np.fft.rfft(p, n=120)', twoPrime: 'np.fft.rfft(x[:94])', ifftReal: 'np.fft.ifft(x, n=130)', fftShortEven: 'np.fft.fft(p[:90], n=96)',
  transposed: 'np.fft.fft(m).T', sliced: 'np.fft.fft2(m)[1:9:2, ::-2]', reshaped: 'np.fft.fft(m).reshape(7, 26)', mixed32: ['np.fft.fft(f) * 2.5', '(np.fft.fft(f).astype(np.complex64) * 2.5)'],
};

interface Want { dtype: string; shape: number[]; values: unknown }

let want: Record<string, Want>;

beforeAll(() => {
  want = numpy(`rng = np.random.default_rng(8)
arrays = {'x': rng.standard_normal(100), 'p': rng.standard_normal(97), 'm': rng.standard_normal((26, 7)), 'c': rng.standard_normal((6, 5, 4)), 'f': rng.standard_normal(64).astype(np.float32)}
for k, v in arrays.items(): np.save(k + '.npy', v)
out = {}
for name, e in ${JSON.stringify(Object.fromEntries(Object.entries(CASES).map(([k, v]) => [k, Array.isArray(v) ? v[1] : v])))}.items():
    r = np.asarray(eval(e, {'np': np, **arrays}))
    v = np.stack([r.real, r.imag], -1) if np.iscomplexobj(r) else r
    out[name] = {'dtype': str(r.dtype), 'shape': list(r.shape), 'values': v.tolist()}
print(json.dumps(out))`, dir);
});

/** The largest |a - b| over two nested arrays, and the largest |b|. */
function difference(a: unknown, b: unknown): { diff: number; scale: number } {
  if (Array.isArray(b)) {
    const parts = b.map((x, i) => difference((a as unknown[])[i], x));
    return { diff: Math.max(0, ...parts.map((p) => p.diff)), scale: Math.max(0, ...parts.map((p) => p.scale)) };
  }
  return { diff: Math.abs(Number(a) - Number(b)), scale: Math.abs(Number(b)) };
}

function run(outputs: Record<string, string>, chunks: Record<string, unknown>, workers: number, out = join(dir, 'out')): { outputs?: Record<string, { dtype: string; shape?: number[]; values?: unknown; value?: unknown; path?: string }>; error?: { code: string; message: string } } {
  const spec = join(dir, `job-${workers}.json`);
  const datasets = Object.fromEntries(['x', 'p', 'm', 'c', 'f'].map((k) => [k, { npy: join(dir, `${k}.npy`), ...(chunks[k] ? { chunks: chunks[k] } : {}) }]));
  writeFileSync(spec, JSON.stringify({ tessera: 1, datasets, outputs }));
  return JSON.parse(tessera(['run', spec, '--json', '--workers', String(workers), '--out', out]).stdout);
}

describe('np.fft and complex arrays', () => {
  for (const [chunks, workers] of [[{ x: 30, p: 40, m: [5, 3], c: [4, 2, 3], f: 10 }, 2], [{}, 1], [{ x: 7, p: 97, m: [26, 1], c: [1, 5, 1], f: 64 }, 3]] as const) {
    it(`agree with numpy: chunks ${JSON.stringify(chunks)}, ${workers} worker(s)`, () => {
      const got = run(Object.fromEntries(Object.entries(CASES).map(([k, v]) => [k, Array.isArray(v) ? v[0] : v])), chunks, workers);
      expect(got.error).toBeUndefined();
      for (const [name, w] of Object.entries(want)) {
        const g = got.outputs![name];
        expect(g.dtype, name).toBe(w.dtype);
        expect(g.shape ?? [], name).toEqual(w.shape);
        const { diff, scale } = difference(g.values ?? g.value, w.values);
        const eps = w.dtype === 'complex64' || w.dtype === 'float32' ? 2e-6 : 1e-13;
        expect(diff, `${name}: off by ${diff} at scale ${scale}`).toBeLessThanOrEqual(eps * Math.max(1, scale) * 8);
      }
    }, 120_000);
  }

  it('computes every length as a naive DFT does: powers of two, primes and composites', () => {
    const lengths = [1, 2, 3, 4, 5, 7, 8, 9, 12, 16, 17, 31, 32, 60, 97, 100, 128, 243, 1000];
    const outputs = Object.fromEntries(lengths.map((n) => [`n${n}`, `np.fft.fft(x2[:${n}])`]));
    const values = Array.from({ length: 1000 }, (_, i) => Math.sin(i * 0.37) + ((i * 7919) % 13) / 13);
    numpy(`np.save('x2.npy', np.array(${JSON.stringify(values)})); print(0)`, dir);
    writeFileSync(join(dir, 'dft.json'), JSON.stringify({ tessera: 1, datasets: { x2: { npy: join(dir, 'x2.npy') } }, outputs }));
    const got = JSON.parse(tessera(['run', join(dir, 'dft.json'), '--json', '--out', join(dir, 'out')]).stdout) as { outputs: Record<string, { values: [number, number][] }> };
    for (const n of lengths) {
      let worst = 0, scale = 0;
      for (let k = 0; k < n; k++) {
        let re = 0, im = 0;
        for (let j = 0; j < n; j++) {
          const a = (-2 * Math.PI * ((j * k) % n)) / n;
          re += values[j] * Math.cos(a);
          im += values[j] * Math.sin(a);
        }
        const [gr, gi] = got.outputs[`n${n}`].values[k];
        worst = Math.max(worst, Math.abs(gr - re), Math.abs(gi - im));
        scale = Math.max(scale, Math.abs(re), Math.abs(im));
      }
      expect(worst, `length ${n}`).toBeLessThanOrEqual(1e-13 * n * Math.max(1, scale));
    }
  });

  it('transforms long lines (the four-step path: powers of two, 3-5-7 lengths, and Bluestein\'s long inner transform) as numpy does', () => {
    // 2^16 and 2^17; 81 * 125 * 7; the primes 65537 and 100003 (Bluestein, over a four-step 2^18).
    const lengths = [65536, 131072, 70875, 65537, 100003];
    numpy(`np.save('long.npy', np.random.default_rng(8).standard_normal(131072)); print(0)`, dir);
    const outputs: Record<string, string> = {};
    for (const n of lengths) {
      outputs[`f${n}`] = `np.fft.fft(l[:${n}])`;
      outputs[`i${n}`] = `np.fft.ifft(np.fft.fft(l[:${n}]) * 0.5)`;
      outputs[`r${n}`] = `np.fft.irfft(np.fft.rfft(l[:${n}]), ${n})`;
    }
    // Many real lines in one task: batches of half spectra (two of 1,024 lines here).
    const lines: Record<string, string> = { b2: 'np.fft.rfft(l.reshape(2048, 64), n=128, axis=1)', b3: 'np.fft.ifft(l.reshape(1024, 128), axis=1)' };
    Object.assign(outputs, lines);
    writeFileSync(join(dir, 'long.json'), JSON.stringify({ tessera: 1, datasets: { l: { npy: join(dir, 'long.npy'), chunks: 20000 } }, outputs }));
    const got = JSON.parse(tessera(['run', join(dir, 'long.json'), '--json', '--out', join(dir, 'longout')]).stdout) as { outputs: Record<string, { path: string }>; error?: unknown };
    expect(got.error).toBeUndefined();
    const errors = numpy<Record<string, number>>(`l = np.load('long.npy')
out = {}
for n in ${JSON.stringify(lengths)}:
    for k, want in (('f', np.fft.fft(l[:n])), ('i', np.fft.ifft(np.fft.fft(l[:n]) * 0.5)), ('r', np.fft.irfft(np.fft.rfft(l[:n]), n))):
        got = np.load(${JSON.stringify(join(dir, 'longout'))} + '/' + k + str(n) + '.npy')
        out[k + str(n)] = float(np.abs(got - want).max() / np.abs(want).max()) if got.shape == want.shape else 1.0
for k, e in ${JSON.stringify(lines)}.items():
    want = eval(e)
    got = np.load(${JSON.stringify(join(dir, 'longout'))} + '/' + k + '.npy')
    out[k] = float(np.abs(got - want).max() / np.abs(want).max()) if got.shape == want.shape else 1.0
print(json.dumps(out))`, dir);
    for (const [name, e] of Object.entries(errors)) expect(e, name).toBeLessThan(1e-13);
  });

  it('writes a large complex result as a complex .npy file numpy reads', () => {
    numpy(`np.save('big.npy', np.random.default_rng(3).standard_normal(30000)); print(0)`, dir);
    writeFileSync(join(dir, 'big.json'), JSON.stringify({ tessera: 1, datasets: { b: { npy: join(dir, 'big.npy'), chunks: 7000 } }, outputs: { s: 'np.fft.fft(b)', h: 'np.fft.rfft(b.astype(np.float32))' } }));
    const got = JSON.parse(tessera(['run', join(dir, 'big.json'), '--json', '--out', join(dir, 'bigout')]).stdout) as { outputs: Record<string, { dtype: string; shape: number[]; path: string }> };
    expect(got.outputs.s).toMatchObject({ dtype: 'complex128', shape: [30000] });
    expect(got.outputs.h).toMatchObject({ dtype: 'complex64', shape: [15001] });
    const check = numpy<{ s: [string, number]; h: [string, number] }>(`b = np.load('big.npy')
s = np.load(${JSON.stringify(got.outputs.s.path)}); h = np.load(${JSON.stringify(got.outputs.h.path)})
print(json.dumps({'s': [str(s.dtype), float(np.abs(s - np.fft.fft(b)).max() / np.abs(np.fft.fft(b)).max())],
                  'h': [str(h.dtype), float(np.abs(h - np.fft.rfft(b.astype(np.float32))).max() / np.abs(np.fft.rfft(b)).max())]}))`, dir);
    expect(check.s[0]).toBe('complex128');
    expect(check.s[1]).toBeLessThan(1e-14);
    expect(check.h[0]).toBe('complex64');
    expect(check.h[1]).toBeLessThan(1e-6);
  });

  it('keeps inf, -0 and exact zeros where numpy does, and prints complex values as numpy and Python do', () => {
    numpy(`np.save('inf.npy', np.array([1, np.inf])); np.save('nz.npy', np.array([-0.0] * 4)); print(0)`, dir);
    writeFileSync(join(dir, 'edges.json'), JSON.stringify({ tessera: 1, datasets: { i: { npy: join(dir, 'inf.npy') }, z: { npy: join(dir, 'nz.npy') }, a: { arange: [1, 23], dtype: 'float64', chunks: 5 } },
      outputs: { inf: 'np.fft.fft(i)', zero: 'np.fft.fft(z)[0]', dc: 'np.fft.rfft(-a)[0]', small: '(np.fft.fft(a.astype(np.float32)) * 0)[0] - 0.2', arr: 'np.fft.fft(a[:4]) / 3', byZero: 'np.fft.fft(a[:3] - 1) / 0' } }));
    const text = tessera(['run', join(dir, 'edges.json'), '--out', join(dir, 'out')]).stdout;
    expect(text).toContain('inf  complex128  (2)\n[ inf+0.j -inf+0.j]');
    expect(text).toContain('zero  complex128  (-0+0j)');
    expect(text).toContain('dc  complex128  (-253+0j)'); // exactly real: no rounding left in the imaginary part
    expect(text).toContain('small  complex64  (-0.2+0j)');
    expect(text).toContain('arr  complex128  (4)\n[ 3.33333333+0.j         -0.66666667+0.66666667j -0.66666667+0.j\n -0.66666667-0.66666667j]');
    expect(text).toContain('byZero  complex128  (3)\n[ inf+nanj -inf+infj -inf-infj]'); // Smith's zero branch, printed as numpy aligns it
  });

  it('exports a complex value output as a .npy file numpy reads as complex', () => {
    writeFileSync(join(dir, 'c16.npy'), encodeNpy('complex128', [2, 2], [[[1, 2], [3, -4]], [[0.5, 0], [-0, 'inf']]]));
    writeFileSync(join(dir, 'c8.npy'), encodeNpy('complex64', [1], [[0.1, -0.2]]));
    expect(numpy(`a = np.load('c16.npy'); b = np.load('c8.npy')
print(json.dumps([str(a.dtype), a.shape, repr(a.tolist()), str(b.dtype), repr(b.tolist())]))`, dir))
      .toEqual(['complex128', [2, 2], '[[(1+2j), (3-4j)], [(0.5+0j), (-0+infj)]]', 'complex64', '[(0.10000000149011612-0.20000000298023224j)]']);
  });

  it('refuses what numpy refuses, and says what complex arrays take', () => {
    const err = (e: string) => run({ o: e }, {}, 1).error;
    expect(err('np.fft.fft(x, n=0)')).toMatchObject({ code: 'VALUE_ERROR', message: 'Invalid number of FFT data points (0) specified.' });
    // A length is an integer, never a bool (numpy: TypeError).
    for (const e of ['np.fft.fft(x, n=True)', 'np.fft.fftfreq(True)', 'np.fft.fft2(x.reshape(2, -1), s=(True, 2))']) expect(err(e), e).toMatchObject({ code: 'TYPE_ERROR' });
    expect(err("np.fft.fft(x, norm='both')")).toMatchObject({ code: 'VALUE_ERROR' });
    expect(err('np.fft.rfft(np.fft.fft(x))')).toMatchObject({ code: 'TYPE_ERROR' });
    expect(err('np.fft.fft(x) % 2')).toMatchObject({ code: 'UNSUPPORTED_COMPLEX', message: expect.stringContaining('the operator %') });
    expect(err('sin(np.fft.fft(x))')).toMatchObject({ code: 'UNSUPPORTED_COMPLEX' });
    expect(err('np.fft.fft(x)[x > 0]')).toMatchObject({ code: 'UNSUPPORTED_COMPLEX' });
    expect(err('np.fft.fft(x, axis=2)')).toMatchObject({ code: 'AXIS_ERROR' });
  });
});
