/**
 * The structural paths: reshape, rechunk, concatenate and stack over computed arrays, views and
 * reductions, against numpy. Each case here was a wrong value or an INTERNAL error once.
 */
import { describe, it } from 'vitest';
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
});
