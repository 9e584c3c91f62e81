/**
 * numpy 2's rules, one case per defect that differential testing found (issue #11): constants,
 * dtypes of division, rounding, bool arithmetic and logical functions, Python ints out of a
 * dtype's range, argument binding, ddof, float arange. Each value comes from numpy in NEP 50 mode
 * (Debian's numpy 1.24 with np._set_promotion_state('weak')), except where numpy 1.24 still
 * differs from numpy 2: those expected values are written out, with the reason.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TesseraError } from '../dist/src-main/engine/errors.js';
import { useEngine, runSpec, tempDir } from './helpers/engine.js';
import { expectClose } from './helpers/compare.js';
import { numpy, PY_TOJSON } from './helpers/numpy.js';

const engine = useEngine();

const SETUP = `
u = np.array([96, 129, 194], dtype=np.uint8)
u5 = np.arange(5, dtype=np.uint8)
i8 = np.array([-3, -1, 2, 5], dtype=np.int8)
i16 = np.array([-3, 1, 2], dtype=np.int16)
b = np.array([True, False, True])
a = np.array([1, 2, 3])
c = np.array([4, 5, 6])
e = np.array([2, -1, 0])
g = np.array([1, 2], dtype=np.uint64)
m = np.arange(6.).reshape(2, 3)
z = np.array(5.0)
`;
const INPUTS = ['u', 'u5', 'i8', 'i16', 'b', 'a', 'c', 'e', 'g', 'm', 'z'];
const DATASETS = { x: { arange: [0, 4] } };

interface Expected { dtype: string; shape: number[]; values: unknown }
type Case = string | { expr: string; want: Expected | { error: string } };

/** Runs each expression as its own job (an error ends a job) and compares with numpy or `want`. */
async function check(cases: Case[]): Promise<void> {
  const dir = tempDir();
  numpy(`${SETUP}\n${INPUTS.map((n) => `np.save(${JSON.stringify(join(dir, `${n}.npy`))}, ${n})`).join('\n')}\nprint(1)`);
  const exprs = cases.map((c) => (typeof c === 'string' ? c : c.expr));
  const fromNumpy = numpy<(Expected | { error: string })[]>(`${PY_TOJSON}
np._set_promotion_state('weak')
from numpy import *
round = np.round
env = {k: np.load(${JSON.stringify(dir)} + '/' + k + '.npy') for k in ${JSON.stringify(INPUTS)}}
env['x'] = np.arange(0, 4)
out = []
for src in ${JSON.stringify(exprs)}:
    try:
        with np.errstate(all='ignore'):
            v = np.asarray(eval(src, globals(), env))
        out.append({"dtype": str(v.dtype), "shape": list(v.shape), "values": tojson(v)})
    except Exception as e:
        out.append({"error": type(e).__name__})
print(json.dumps(out))
`);
  const datasets = { ...DATASETS, ...Object.fromEntries(INPUTS.map((n) => [n, { npy: join(dir, `${n}.npy`) }])) };
  for (const [k, c] of cases.entries()) {
    const expr = exprs[k];
    const want = typeof c === 'string' ? fromNumpy[k] : c.want;
    let got: { dtype: string; shape: number[]; values: unknown } | { error: string; code: string };
    try {
      const r = await runSpec(engine(), { datasets, outputs: { r: expr } });
      const o = r.outputs[0];
      got = { dtype: o.dtype, shape: o.kind === 'scalar' ? [] : o.shape, values: o.kind === 'scalar' ? o.value : o.values };
    } catch (err) {
      if (!(err instanceof TesseraError)) throw err;
      got = { error: err.message, code: err.code };
    }
    if ('error' in want) {
      expect('code' in got ? got.code : `a value: ${JSON.stringify(got)}`, `${expr}: numpy raises ${want.error}`).not.toMatch(/^a value|INTERNAL/);
      continue;
    }
    expect('error' in got ? `${(got as { code: string }).code}: ${got.error}` : got.dtype, `${expr}: dtype`).toBe(want.dtype);
    const g = got as Expected;
    expect(g.shape, `${expr}: shape`).toEqual(want.shape);
    expectClose(g.values, want.values, want.dtype.startsWith('float') ? 1e-15 : 0, expr);
  }
}

describe('numpy 2 rules that differential testing found broken (issue #11)', () => {
  it('nan, inf, -inf, 0.0 and -0.0 are distinct constants, within an output and across outputs', async () => {
    await check(['clip(x, -inf, inf)', 'where(x > 1, inf, -inf)', 'x + nan', '1 / (x * -0.0)', '1 / (x * 0.0)']);
    // Across the outputs of one job: each constant keeps its own value.
    const r = await runSpec(engine(), { datasets: DATASETS, outputs: { p: '1 / (x * 0.0 + 0.0)', n: '1 / (x * 0.0 - 0.0) * -1', i: 'x + inf', j: 'x - inf' } });
    const v = Object.fromEntries(r.outputs.map((o) => [o.name, o.values]));
    expect(v).toEqual({ p: ['inf', 'inf', 'inf', 'inf'], n: ['-inf', '-inf', '-inf', '-inf'], i: ['inf', 'inf', 'inf', 'inf'], j: ['-inf', '-inf', '-inf', '-inf'] });
  });

  it('~ on narrow unsigned and signed ints wraps to the dtype, also when widened later', async () => {
    await check(['(~u).sum()', '~u', '(~u).astype("int64")', '(~i8).sum()', '~b']);
  });

  it('full converts its value as numpy does (bool(value) for bool), and a true fill value makes a bool array', async () => {
    await check(['full((3,), 0.25, dtype="bool")', 'full((3,), nan, dtype="bool")', 'full((2,), 2.7, dtype="int8")', 'full((2,), True)',
      { expr: 'full((3,), 300, dtype="uint8")', want: { error: 'OverflowError' } }]);
    const r = await runSpec(engine(), { datasets: { t: { full: [3], value: true } }, outputs: { t: 't' } });
    expect([r.outputs[0].dtype, r.outputs[0].values]).toEqual(['bool', [true, true, true]]);
    await expect(runSpec(engine(), { datasets: { t: { full: [3], value: 'x' } }, outputs: { t: 't' } })).rejects.toMatchObject({ code: 'BAD_ARGUMENTS' });
  });

  it('comparisons with a Python int outside the dtype give the mathematical answer (numpy 2)', async () => {
    // numpy 1.24 raises OverflowError (or returns a Python bool) here; numpy 2 compares the values.
    const all = (v: boolean, n: number, dtype = 'bool') => ({ dtype, shape: [n], values: new Array(n).fill(v) });
    await check([
      { expr: 'u < -1', want: all(false, 3) }, { expr: 'u > -1', want: all(true, 3) }, { expr: 'u == 300', want: all(false, 3) },
      { expr: 'u != 300', want: all(true, 3) }, { expr: '-1 < u', want: all(true, 3) }, { expr: '300 <= u', want: all(false, 3) },
      { expr: 'g >= -5', want: all(true, 2) }, { expr: 'g < -5', want: all(false, 2) }, { expr: 'i8 > 1000', want: all(false, 4) },
      'u < 100', 'i8 >= -3',
    ]);
  });

  it('true division of integers and bool gives float64, whatever their width', async () => {
    await check(['i8 / i8', 'b / True', 'u / 2', 'i16 / i16', 'b / b', 'u / 300']);
  });

  it('rint and round follow numpy: rint of ints is a float, round keeps ints, round(bool) is a float', async () => {
    // numpy's float16 becomes float32 in Tessera (README).
    await check([
      { expr: 'rint(i8)', want: { dtype: 'float32', shape: [4], values: [-3, -1, 2, 5] } }, 'rint(i16)', 'rint(a)',
      { expr: 'round(b)', want: { dtype: 'float32', shape: [3], values: [1, 0, 1] } },
      'round(i8, 1)', 'round(i8)', 'round(i8, -1)', 'round(a * 15, -1)', 'round(m / 7, 2)', 'round(m * 25, -1)', 'round(i8, 1) & i8',
      { expr: 'round(b, 1)', want: { error: 'UFuncTypeError' } },
    ]);
  });

  it('bool arithmetic without a bool loop gives int8; ** 2 squares', async () => {
    await check(['b ** b', 'b // b', 'b % b', 'b ** 2', 'b ** True', 'b // 2', 'b % 2', 'b + b', 'b * b', 'b + 1']);
  });

  it('logical_and, logical_or and logical_xor give bool, with NaN true', async () => {
    await check(['logical_xor(i8, 5)', 'logical_and(i8, 0)', 'logical_or(m - 2, 0)', 'logical_and(m * nan, 1)', 'logical_xor(b, b)', 'logical_or(u, i8[:3])',
      // A Python number is its own truth, not cast to the array's dtype first (1e-300 in float32 is 0).
      { expr: 'logical_and(i16.astype("float32"), 1e-300)', want: { dtype: 'bool', shape: [3], values: [true, true, true] } }, 'logical_or(u.astype("float32") * 0, 1e-320)']);
  });

  it('a Python int that does not fit the dtype is an OverflowError', async () => {
    const raises = (expr: string) => ({ expr, want: { error: 'OverflowError' } });
    await check([raises('u + -1'), raises('i8 + 1000'), raises('u * 256'), raises('minimum(u, -1)'), raises('where(b, u, 300)'),
      raises('u & -1'), raises('i8 ^ 300'), raises('u ** -1'), raises('g + -1'), 'u + 1.5', 'u / -1', 'b + 300', 'i8 + 127',
      // numpy >= 2.1 drops a Python int bound beyond the dtype's range on its open side (1.24
      // raises); one beyond the other side overflows, unless a float bound makes the clip float64.
      { expr: 'clip(u, -1, 300)', want: { dtype: 'uint8', shape: [3], values: [96, 129, 194] } },
      { expr: 'clip(u, 0.0, -1)', want: { dtype: 'float64', shape: [3], values: [-1, -1, -1] } },
      raises('clip(u, 300, None)'), raises('u.clip(None, -1)'),
      // Only a literal's truth matters to logical functions.
      { expr: 'logical_xor(u, 4294967296)', want: { dtype: 'bool', shape: [3], values: [false, false, false] } }]);
  });

  it('Python ints are exact at any size: 2^53 + 1, int64 and uint64 extremes, and beyond 2^64 in float arithmetic', async () => {
    await check(['g * 9007199254740993', 'g + 18446744073709551613', 'a - 9223372036854775807', 'a | 9223372036854775807',
      'maximum(m, 18446744073709551615)', 'm + 2 ** 70', 'g + (2 ** 64 - 3)', 'a * (-(2 ** 62) // 3)', 'g < 18446744073709551615',
      { expr: 'a + 2 ** 63', want: { error: 'OverflowError' } }, { expr: 'g + 2 ** 64', want: { error: 'OverflowError' } }]);
  });

  it('numpy functions make numpy scalars of Python literals (np.asarray), which take part in promotion', async () => {
    await check(['floor(65535.0) & u', 'log(2) + i16.astype("float32")', 'sqrt(2) * i16.astype("float32")', 'u + (2 < 3)', 'u + 2 * 3',
      'minimum(1, 2) + u', 'clip(7, 0, None) + u', 'rint(False) + i16', // numpy 2's where takes 1.5 as a Python float (weak); numpy 1.24 makes it float64.
      { expr: 'where(i16, 1.5, rint(False))', want: { dtype: 'float32', shape: [3], values: [1.5, 1.5, 1.5] } }, 'u + -True', 'u + ~False * -1', 'u[:0] // +True',
      { expr: 'a[:0] ** -7', want: { dtype: 'int64', shape: [0], values: [] } },
      { expr: 'sign(9223372036854775808) + u', want: { dtype: 'uint64', shape: [3], values: [97, 130, 195] } },
      { expr: 'u.reshape(-1, 0)', want: { error: 'ValueError' } }]);
  });

  it('Python literals fold as Python computes them: float floor division and modulo, comparisons, & | ^', async () => {
    await check(['m + 9007199254740993 % inf', 'm + -5.0 // inf', 'm + 5.0 % nan', 'm + -7.5 % 2.0', 'm + 7.5 // -2.0', 'm * (0.0 % -3.0)',
      'u + (2 < 3)', 'u + (True & False)', 'u + (3 & 5)', 'u + (6 ^ 3)', 'i8 * (1 | 2)', 'u + (2.5 == 2.5)', 'm + (-7 // 2) + (-7 % 2)']);
  });

  it('argmin and argmax take one axis, not a tuple', async () => {
    await check([{ expr: 'm.argmin(axis=(0,))', want: { error: 'TypeError' } }, { expr: 'argmax(m, (1,))', want: { error: 'TypeError' } }, 'argmax(m, 1)']);
  });

  it('integer arrays to negative integer powers from an array raise, naming the task', async () => {
    await check([{ expr: 'a ** e', want: { error: 'ValueError' } }, { expr: 'b ** -1', want: { error: 'ValueError' } }, 'a ** abs(e)', 'a ** 2.0']);
    await expect(runSpec(engine(), { datasets: { a: { arange: [1, 4] }, e: { arange: [1, -2, -1] } }, outputs: { r: 'a ** e' } }))
      .rejects.toMatchObject({ code: 'VALUE_ERROR', task: expect.stringMatching(/power/) });
  });

  it('positional arguments bind in numpy\'s order: dtype second, so extra ones are errors', async () => {
    await check([{ expr: 'i8.std(0, 1)', want: { error: 'TypeError' } }, { expr: 'sum(i8, 0, True)', want: { error: 'TypeError' } },
      'i8.std(0, None, None, 1)', 'sum(i8, 0, None, None, True)', 'sum(i8, dtype="int8")', 'u.sum(dtype="uint8")', 'i8.prod(dtype="float32")',
      'mean(i8, 0, "float32")', 'argmax(m, 1, keepdims=True)', { expr: 'argmax(m, 1, None, True)', want: { error: 'TypeError' } }]);
  });

  it('ddof may be negative or larger than the count; a 0-d array has no axis 0 (numpy 2)', async () => {
    await check(['i8.var(ddof=-1)', 'i8.std(ddof=-2)', 'i8.var(ddof=4)', 'i8.var(ddof=9)', 'z.sum()', 'var(z * 1e300)', 'var(m * 1e300)', 'std(m[0] * 1e154)',
      // numpy 1.24 accepts axis=0 on a 0-d array; numpy 2 raises AxisError.
      { expr: 'z.sum(axis=0)', want: { error: 'AxisError' } }]);
    await expect(runSpec(engine(), { datasets: { z: { full: [], value: 1.5 } }, outputs: { r: 'z.sum(axis=0)' } }))
      .rejects.toMatchObject({ code: 'AXIS_ERROR', hint: expect.stringMatching(/numpy 2/) });
  });

  it('float arange computes each element as numpy does', async () => {
    await check(['arange(0.5, 1.75, 0.1) == 1.0', 'arange(0.5, 1.75, 0.1)', 'arange(0.5, 1.75, 0.1, dtype="float32")', 'arange(1, 2.2, 0.3, dtype="int16")',
      'arange(0.5, 5, 1.5, dtype="int64")', 'arange(-1.5, -7, -0.7)', 'arange(10, 0, -3)', 'arange(0, 1e-3, 1e-4)']);
  });
});
