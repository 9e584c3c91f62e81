/**
 * The structural paths: reshape, rechunk, concatenate and stack over computed arrays, views and
 * reductions, against numpy. Each case here was a wrong value or an INTERNAL error once.
 */
import { computeArrays, persistArray, unpersistArray } from '../dist/src-main/collections/array/compute.js';
import { describe, expect, it } from 'vitest';
import { ExprContext, type Node } from '../dist/src-main/collections/array/expr.js';
import { arange, concatenate, elementwise, index, rechunk, reshape } from '../dist/src-main/collections/array/index.js';
import { compareWithNumpy } from './helpers/compare.js';
import { useEngine } from './helpers/engine.js';

const engine = useEngine();

const SMALL = 'a = np.array([1, 2, 3])\nc = np.array([4, 5, 6])\nm = np.arange(6.).reshape(2, 3)\nm2 = m + 10';

describe('reshape, rechunk, concatenate and stack agree with numpy', () => {
  it('a reshaped computed array written to a .npy file (its chunks are its input\'s, in another shape)', async () => {
    await compareWithNumpy(engine(), {
      setup: 'big = np.arange(100 * 200, dtype=np.float64).reshape(100, 200) * 1.5',
      inputs: { big: [10, 50] },
      exprs: { r2: '(big + 1).reshape(200, 100)', flat: '(big + 1).reshape(-1)', r3: '(big * 2).reshape(50, 20, 20)' },
    });
    await compareWithNumpy(engine(), {
      setup: 'big = np.arange(100 * 200, dtype=np.float64).reshape(100, 200) * 1.5',
      inputs: { big: 'auto' },
      exprs: { r2: '(big + 1).reshape(200, 100)', flat: '(big + 1).reshape(-1)' },
    });
  });

  it('reshape and rechunk of a concatenation read every input, not the first one', async () => {
    await compareWithNumpy(engine(), {
      setup: SMALL,
      inputs: { a: 'auto', c: 'auto', m: 'auto', m2: 'auto' },
      exprs: {
        st: 'stack([m, m2], axis=-1).ravel()', cosst: 'rechunk(cos(stack((a, c), 1)), (3, 2))',
        rc: 'rechunk(concatenate((a, c)), 2)', cat1: 'concatenate([m, m2], axis=1).ravel()',
        cat0: 'concatenate([m, m2]).reshape(3, 4)', st0: 'stack([a, c]).reshape(3, 2)',
      },
    });
  });

  it('a rechunk of a reduction that moves its chunks', async () => {
    await compareWithNumpy(engine(), {
      setup: 'r = np.arange(12.).reshape(3, 4)',
      inputs: { r: [1, -1] },
      exprs: { s: 'rechunk(r.sum(axis=1), 2) + 1', t: 'rechunk(r.max(axis=0), 3) * r', u: 'rechunk(r.sum(axis=1), 3)' },
    });
  });

  it('empty regions of a concatenation (nothing to read, any input holds them)', async () => {
    await compareWithNumpy(engine(), {
      setup: SMALL,
      inputs: { a: 'auto', c: 'auto', m: [1, 2], m2: 'auto' },
      exprs: {
        e0: 'concatenate([m[-1:0], m2[-1:0]])[0:0:-1, 0:-1:-3]', e1: 'concatenate([a[3:3], c[:0]])', e2: 'concatenate([a[3:3], c[:0], a]) + 1',
        e3: 'stack([m[:, 2:2], m2[:, :0]], axis=1).sum(axis=2)',
      },
    });
  });

  it('reshapes of empty arrays, and to 0-d (their rows cannot be taken from their input\'s chunks)', async () => {
    await compareWithNumpy(engine(), {
      setup: `${SMALL}\nz = np.arange(0.)\nv = np.arange(12)`,
      inputs: { a: 'auto', c: 'auto', m: [1, 2], m2: 'auto', z: 'auto', v: [5] },
      exprs: {
        mm: '(v[:0].reshape(3, 0) @ z.reshape(0, 6))', st: 'stack([(v[:0].reshape(3, 0) @ z.reshape(0, 6)), v[:6].reshape(1, 6) + (v[:0].reshape(3, 0) @ z.reshape(0, 6))], axis=-3)',
        e3: '(v + 1)[4:4].reshape(2, 0, 5)', s0: 'rechunk(m[:1, :1] + 1, [[0, 1], 1]).reshape(())', s1: '(rechunk(m[:1, 1:2] * 2, [[0, 1], 1]).reshape(()) + m).ravel()', t: '(v + 1).reshape(3, 4)[:, 2:2].reshape(0, 7).T', cat: 'concatenate([(m + 1)[:, 1:1].reshape(4, 0), m.reshape(3, 2)[:, :0]])',
      },
    });
  });

  it('a newaxis sliced to nothing has no chunk (its grid covers its shape)', async () => {
    await compareWithNumpy(engine(), {
      setup: SMALL,
      inputs: { a: 'auto', c: 'auto', m: [1, 2], m2: 'auto' },
      exprs: {
        cat: 'concatenate([m[:, None][:, 1:], m2[:, None]], axis=1)', sum: 'concatenate([m[:, None][:, 1:], m2[:, None]], axis=1).sum(axis=1)',
        rc: 'rechunk(concatenate([m[:, None][:, 1:], m2[:, None]], axis=1), 1)', e: 'm[:, None][:, 1:] + 1', t: 'a[None][-2:-2].T',
      },
    });
  });

  it('explicit chunks [] for a zero-length dimension give it one empty chunk (numpy sums it to 0)', async () => {
    await compareWithNumpy(engine(), {
      setup: `${SMALL}\ne = np.arange(0.)`,
      inputs: { e: [[]], m: 'auto' },
      exprs: { s: 'e.sum()', r: 'rechunk(m[:0], [[], 3])', rs: 'rechunk(m[:0] + 1, [[], 3]).sum(axis=0)', cat: 'concatenate([e, m[0]])' },
    });
  });

  it('reshape and rechunk of a persisted array read its chunks, which are fixed (not a grid laid over a source)', async () => {
    const ctx = new ExprContext();
    const y = elementwise(ctx, 'multiply', [arange(ctx, 0, 24, 1, undefined, [5], true), arange(ctx, 0, 24, 1, undefined, [7], true)]);
    const cases = (x: Node, flat: Node): Node[] => [
      reshape(ctx, x, [6, 4]), rechunk(ctx, x, [[3, 1], [6]]), reshape(ctx, flat, [4, 6]), rechunk(ctx, flat, [[7, 7, 7, 3]]),
      concatenate(ctx, [rechunk(ctx, flat, [[2, 22]]), flat]), reshape(ctx, index(ctx, x, [{ kind: 'slice', start: null, stop: null, step: -1 }]), [-1]),
    ];
    const stored2 = await persistArray(engine(), ctx, reshape(ctx, y, [4, 6]));
    const stored1 = await persistArray(engine(), ctx, y);
    try {
      const got = await computeArrays(engine(), cases(stored2, stored1).map((node, i) => ({ name: `c${i}`, node })));
      const want = await computeArrays(engine(), cases(reshape(ctx, y, [4, 6]), y).map((node, i) => ({ name: `c${i}`, node })));
      expect(got.outputs).toEqual(want.outputs);
    } finally {
      unpersistArray(engine(), stored1);
      unpersistArray(engine(), stored2);
    }
  });
});
