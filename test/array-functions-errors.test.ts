/**
 * numpy's errors from the functions built of primitives (issue #19): the data-dependent ones a
 * task raises where it meets them (nanargmin of a slice of NaNs only, average weights that sum to
 * zero) and the argument errors the planner raises. Their values are in the differential test.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tessera } from './helpers/cli.js';
import { tempDir } from './helpers/engine.js';

const dir = tempDir();
let n = 0;

function run(outputs: Record<string, string>, workers = 2): { outputs?: Record<string, { value?: unknown; values?: unknown }>; error?: { code: string; message: string; hint: string } } {
  const p = join(dir, `job-${n++}.json`);
  writeFileSync(p, JSON.stringify({ tessera: 1, datasets: { x: { arange: [0, 24], dtype: 'float64', chunks: [5] } }, outputs }));
  return JSON.parse(tessera(['run', p, '--json', '--workers', String(workers)]).stdout);
}

describe('errors of the composed array functions', () => {
  it('nanargmin/nanargmax raise for a slice of NaNs only, in whichever chunk it lies, and not otherwise', () => {
    const e = run({ o: 'nanargmin(where(x >= 20, nan, x).reshape(4, 6), axis=1)' });
    expect(e.error).toBeUndefined();
    expect(e.outputs!.o.values).toEqual([0, 0, 0, 0]);
    for (const workers of [1, 3]) {
      const bad = run({ o: 'nanargmax(where(x >= 18, nan, x).reshape(4, 6), axis=1)' }, workers);
      expect(bad.error?.code).toBe('VALUE_ERROR');
      expect(bad.error?.message).toBe('All-NaN slice encountered');
      expect(bad.error?.hint).toContain('nanmin/nanmax');
    }
    // nanmax of the same slice is NaN, as numpy (a warning there, no error).
    expect(run({ o: 'nanmax(where(x >= 18, nan, x).reshape(4, 6), axis=1)' }).outputs!.o.values).toEqual([5, 11, 17, 'nan']);
  });

  it('average raises ZeroDivisionError for weights that sum to zero, and checks the weights\' shape', () => {
    const zero = run({ o: 'average(x.reshape(4, 6), axis=1, weights=array_w)'.replace('array_w', 'arange(6) - 2.5') });
    expect(zero.error?.code).toBe('ZERO_DIVISION');
    expect(zero.error?.message).toContain('Weights sum to zero');
    expect(run({ o: 'average(x.reshape(4, 6), weights=arange(6))' }).error?.message).toContain('Axis must be specified');
    expect(run({ o: 'average(x.reshape(4, 6), axis=0, weights=arange(6))' }).error?.message).toContain('consistent with shape of a');
  });

  it('refuses bad arguments with numpy\'s messages', () => {
    expect(run({ o: 'broadcast_to(x, (2, 5))' }).error?.message).toContain('could not be broadcast');
    expect(run({ o: 'repeat(x, -1)' }).error?.message).toContain('negative');
    expect(run({ o: 'pad(x, -1)' }).error?.code).toBe('VALUE_ERROR');
    expect(run({ o: "pad(x[:3], 5, mode='reflect')" }).error?.code).toBe('NOT_SUPPORTED');
    expect(run({ o: "pad(x[:0], 1, mode='edge')" }).error?.message).toContain("can't extend empty axis");
    expect(run({ o: "pad(x, 1, mode='median')" }).error?.message).toContain('not supported');
    expect(run({ o: 'cov(x.reshape(2, 3, 4))' }).error?.message).toContain('more than 2 dimensions');
    expect(run({ o: 'linspace(0, 1, -1)' }).error?.message).toContain('must be non-negative');
    expect(run({ o: 'tril(x.sum())' }).error?.code).toBe('VALUE_ERROR');
  });

  it('matmul refuses what numpy refuses, with its messages: a 0-d operand, unequal inner axes, stacks that do not broadcast', () => {
    const m = 'x.reshape(4, 6)';
    expect(run({ o: `x[0] @ ${m}` }).error?.message).toBe('matmul: Input operand 0 does not have enough dimensions (has 0, gufunc core with signature (n?,k),(k,m?)->(n?,m?) requires 1)');
    expect(run({ o: `matmul(${m}, x[3])` }).error?.message).toContain('Input operand 1 does not have enough dimensions');
    expect(run({ o: `${m} @ ${m}` }).error?.message).toContain('(size 4 is different from 6)');
    expect(run({ o: `${m} @ x[:4]` }).error?.message).toContain('(size 4 is different from 6)');
    expect(run({ o: `x.reshape(2, 2, 6) @ x[:18].reshape(3, 6, 1)` }).error?.message).toContain('could not be broadcast');
    expect(run({ o: `(x.reshape(2, 2, 6) @ x.reshape(1, 6, 4)).shape[0] + (x[:6] @ x.reshape(6, 4)).sum()` }).error).toBeUndefined();
  });

  it('einsum and linalg.norm refuse what numpy refuses, with its messages', () => {
    const m = 'x.reshape(4, 6)';
    expect(run({ o: `einsum('ij,jk', ${m}, ${m})` }).error?.message).toContain("label 'j' has sizes 6 and 4");
    expect(run({ o: `einsum('ijk', ${m})` }).error?.message).toBe('einstein sum subscripts string contains too many subscripts for operand 0');
    expect(run({ o: `einsum('i', ${m})` }).error?.message).toContain("no '...' ellipsis");
    expect(run({ o: `einsum('ij->ii', ${m})` }).error?.message).toContain("output subscript 'i' multiple times");
    expect(run({ o: `einsum('ij->k', ${m})` }).error?.message).toContain("'k' which never appeared");
    expect(run({ o: `einsum('ii', ${m})` }).error?.message).toBe("dimensions in operand 0 for collapsing index 'i' don't match (4 != 6)");
    expect(run({ o: `einsum('ij,jk', ${m})` }).error?.message).toContain('fewer operands');
    expect(run({ o: `einsum('...i', ${m}).shape[0] + einsum('i...->...', ${m}).sum()` }).error).toBeUndefined();
    expect(run({ o: `einsum('.i', ${m})` }).error?.message).toBe("invalid subscript '.' in einstein sum subscripts string, subscripts must be letters");
    expect(run({ o: `einsum('...i->i', ${m})` }).error?.message).toContain("no '...' ellipsis provided to broadcast the extra dimensions");
    expect(run({ o: `einsum('...abc', ${m})` }).error?.message).toBe('einstein sum subscripts string contains too many subscripts for operand 0');
    expect(run({ o: `einsum('i1', ${m})` }).error?.message).toContain("invalid subscript '1'");
    expect(run({ o: 'np.linalg.norm(x.reshape(2, 3, 4), 2, axis=(1, 2))' }).error?.code).toBe('NOT_SUPPORTED');
    expect(run({ o: "np.linalg.norm(x, 'fro')" }).error?.message).toBe("Invalid norm order 'fro' for vectors");
    expect(run({ o: `np.linalg.norm(${m}, 3)` }).error?.message).toBe('Invalid norm order for matrices.');
    expect(run({ o: 'np.linalg.norm(x.reshape(2, 3, 4), 1)' }).error?.message).toBe('Improper number of dimensions to norm.');
    expect(run({ o: `np.linalg.norm(${m}, axis=(1, -1))` }).error?.message).toBe('Duplicate axes given.');
    expect(run({ o: `np.linalg.eig(${m})` }).error).toMatchObject({ code: 'UNKNOWN_NAME', hint: expect.stringContaining('norm, qr, svd, solve') });
    // Values: numpy's for a trace, a diagonal and a matrix's 1-norm (the rest is in the differential test).
    const v = run({ t: "einsum('ii', x[:16].reshape(4, 4))", d: "einsum('ii->i', x[:16].reshape(4, 4))", n: `np.linalg.norm(${m}, 1)`, i: `np.linalg.norm(${m}, -np.inf)` });
    expect(v.outputs).toMatchObject({ t: { value: 30 }, d: { values: [0, 5, 10, 15] }, n: { value: 56 }, i: { value: 15 } });
  });
});
