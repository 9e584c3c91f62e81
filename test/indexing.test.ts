import { describe, it } from 'vitest';
import { compareWithNumpy } from './helpers/compare.js';
import { useEngine } from './helpers/engine.js';

const engine = useEngine();

describe('indexing and shape operations agree with numpy', () => {
  it('basic slicing: integers, steps (also negative), newaxis and ellipsis', async () => {
    await compareWithNumpy(engine(), {
      setup: 'a = np.arange(30 * 40, dtype=np.float64).reshape(30, 40)\nx = np.arange(1000)',
      inputs: { a: [7, 9], x: [128] },
      exprs: {
        row: 'a[3]', col: 'a[:, 5]', el: 'a[-1, -2]', blk: 'a[2:17, 8:31]', step: 'a[1:29:3, ::4]', rev: 'a[::-1, ::-3]',
        na: 'a[:, None, 3]', na2: 'x[None, ::100]', ell: 'a[..., 2]', ell2: 'a[3, ...]', neg: 'x[-5:]', revx: 'x[900:100:-7]',
        empty: 'x[10:10]', sliced_sum: 'a[::2, 1::2].sum(axis=0)', chain: 'a[2:][::2][1:, :4]', fused: '(a * 2)[5:9, ::-1] + a[0]',
      },
    });
  });

  it('transpose, reshape (with and without rechunking), concatenate, stack, rechunk', async () => {
    await compareWithNumpy(engine(), {
      setup: 'a = np.arange(24 * 10, dtype=np.int64).reshape(24, 10)\nb = np.arange(240.0).reshape(24, 10) * 0.5\nv = np.arange(60.0)',
      inputs: { a: [5, 10], b: [8, 3], v: [12] },
      exprs: {
        t: 'a.T', tt: 'transpose(a)[2:5]', tsum: '(a.T * 2).sum(axis=1)', r1: 'a.reshape(48, 5)', r2: 'a.reshape(-1)',
        r3: 'b.reshape(12, 20)', r4: 'v.reshape(6, 10)', r5: 'v.reshape(3, 4, 5).sum(axis=1)', r6: '(b + 1).reshape(240)[::7]',
        c0: 'concatenate([a, b])', c1: 'concatenate([a, b, a], axis=1)', cs: 'concatenate([v, v * 2, v[:7]])',
        st0: 'stack([v, v + 1])', st1: 'stack([a, b], axis=2)', rc: 'rechunk(b, (7, 4)) * 2', rcsum: 'rechunk(a * 3, (11, 10)).sum(axis=0)',
      },
    });
  });

  it('chunks of one layer that read different chunks, edges and inputs (one program per region shape, placed per chunk)', async () => {
    await compareWithNumpy(engine(), {
      setup: 's = np.arange(25 * 25, dtype=np.float64).reshape(25, 25) % 17\nv = np.arange(50.0)',
      inputs: { s: [6, 6], v: [7] },
      exprs: {
        sym: 's + s.T', flip: 's[::-1] * s - s[:, ::-1]', symsum: '(s + s.T).sum(axis=0)', band: 's[1:] - s[:-1]',
        cat: 'concatenate([v, v[::-1] * 2]) + 1', catsum: 'concatenate([v[3:], v * 3]).sum()', rev: 'v[::-1] + v',
      },
    });
  });

  it('2-D matmul on blocked operands, against numpy (and fused operands)', async () => {
    await compareWithNumpy(engine(), {
      setup: 'rng = np.random.default_rng(5)\na = rng.normal(size=(70, 45))\nb = rng.normal(size=(45, 33))\ni = (np.arange(20 * 15) % 7).reshape(20, 15).astype(np.int32)',
      inputs: { a: [30, 20], b: [15, 10], i: [6, 5] },
      exprs: { ab: 'a @ b', abt: 'b.T @ a.T', fused: '(a * 2) @ (b + 1)', ii: 'i @ i.T', sum: '(a @ b).sum(axis=0)', dot: 'dot(a[:10], b)' },
      rtol: 1e-10,
    });
  });

  it('matmul operands in every layout: read where they lie (slices, transposes, one row or column) or packed (reversed, strided both ways, another dtype)', async () => {
    await compareWithNumpy(engine(), {
      setup: 'rng = np.random.default_rng(6)\na = rng.normal(size=(60, 50))\nb = rng.normal(size=(50, 40))\n'
        + 'i = (np.arange(50 * 40) % 9).reshape(50, 40).astype(np.int16)',
      inputs: { a: [25, 20], b: [20, 15], i: [20, 15] },
      exprs: {
        rows: 'a[::2] @ b', cols: 'a[:, 3:43] @ b[5:45, 1:39]', t: 'b.T @ a.T', tt: 'a.T.T @ b', ta: 'a[:40].T @ a[10:50]', mixed: 'a @ b[::-1]',
        both: 'a[::2, ::2] @ b[::2, ::3]', row: 'a[7:8] @ b', col: 'a @ b[:, 6:7]', outer: 'a[:, 2:3] @ b[4:5]', inner: 'a[3:4] @ b[:, 8:9]',
        empty: 'a[:, :0] @ b[:0]', ints: 'a @ i', int16: 'i.T @ i',
        dot: 'dot(a[5:], b)', mv: 'a @ b[:, 0]', vm: 'a[:, 0] @ a', vv: 'b[:, 1] @ b[:, 2]', fn: 'matmul(a[0], b)',
        stacks: 'a[:12, :6].reshape(2, 2, 3, 6) @ b[:12, :4].reshape(2, 1, 6, 4)', emptyStack: 'a[:0, :6].reshape(0, 2, 3) @ b[:12, 0].reshape(1, 3, 4)',
      },
      rtol: 1e-10,
    });
    // float32 (sgemm) in place and packed: numpy's float32 product rounds in its own order.
    await compareWithNumpy(engine(), {
      setup: 'f = np.random.default_rng(7).normal(size=(36, 30)).astype(np.float32)',
      inputs: { f: [12, 10] },
      exprs: { f32: 'f @ f.T', f32t: 'f.T @ f[:, ::-1]', f32v: 'f[:, 3] @ f' },
      rtol: 1e-5,
    });
  });

  it('outputs larger than 10,000 elements are written as .npy files', async () => {
    await compareWithNumpy(engine(), {
      setup: 'a = np.arange(300 * 200, dtype=np.float64).reshape(300, 200) / 3',
      inputs: { a: [64, 50] },
      exprs: { centered: 'a - a.mean(axis=1, keepdims=True)', big: 'sqrt(a) * 2', ints: '(a * 3).astype("int32")', tr: 'a.T[::-1]' },
    });
  });
});
