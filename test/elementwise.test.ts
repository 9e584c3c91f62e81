import { describe, it } from 'vitest';
import { compareWithNumpy } from './helpers/compare.js';
import { useEngine } from './helpers/engine.js';

const engine = useEngine();

describe('elementwise expressions agree with numpy', () => {
  it('arithmetic, math functions and fused chains on float64, with uneven chunks', async () => {
    await compareWithNumpy(engine(), {
      setup: 'rng = np.random.default_rng(1)\nx = rng.normal(size=997)\ny = rng.uniform(0.1, 2, size=997)',
      inputs: { x: [100], y: [333] },
      exprs: {
        chain: 'sqrt(x ** 2) * 3 + y', div: 'x / y', fdiv: 'x // y', mod: 'x % y', pw: 'y ** 1.5', neg: '-x', ab: 'abs(x)',
        e: 'exp(x)', l: 'log(y)', l1: 'log1p(y)', s: 'sin(x)', c: 'cos(x)', t: 'tan(x)', fl: 'floor(x * 3)',
        ce: 'ceil(x * 3)', ro: 'round(x * 2.5)', rd: 'round(x, 2)', mi: 'minimum(x, y)', ma: 'maximum(x, 0.5)',
        cl: 'clip(x, -0.5, 0.5)', wh: 'where(x > 0, x, y)', sg: 'sign(x)', sub: '(x - y) * (x + y) - x * x + y * y',
      },
    });
  });

  it('comparisons and logic give bool arrays', async () => {
    await compareWithNumpy(engine(), {
      setup: 'x = np.linspace(-2, 2, 101)\ny = np.cos(x)',
      inputs: { x: [17], y: [50] },
      exprs: {
        lt: 'x < y', le: 'x <= 0', gt: 'x > y', ge: 'x >= 0.5', eq: 'x == 0', ne: 'x != y',
        both: '(x > 0) & (y > 0.5)', either: '(x < -1) | (x > 1)', xo: '(x > 0) ^ (y > 0.9)', no: '~(x > 0)',
        nz: 'isnan(log(x))', cast: '(x > 0).astype("float64") * 2',
      },
    });
  });

  it('numpy dtype promotion across integer, unsigned, float32 and bool inputs', async () => {
    await compareWithNumpy(engine(), {
      setup: `i8 = np.arange(-50, 50, dtype=np.int8)
u8 = np.arange(0, 200, 2, dtype=np.uint8)
i32 = np.arange(100, dtype=np.int32) * 1000 - 7
u16 = np.arange(100, dtype=np.uint16) * 600
f32 = np.linspace(-3, 3, 100, dtype=np.float32)
i64 = np.arange(100, dtype=np.int64) * 3 - 150
u64 = np.arange(100, dtype=np.uint64) * 7
b = np.arange(100) % 3 == 0`,
      inputs: { i8: [30], u8: [40], i32: [64], u16: [25], f32: [50], i64: [100], u64: [10], b: [33] },
      exprs: {
        i8u8: 'i8 + u8', i8i8: 'i8 * i8', wrapcmp: '(i8 + i8) > 0', i32f32: 'i32 * f32', u16i8: 'u16 - i8',
        i64u64: 'i64 + u64', f32s: 'f32 * 2.5', i8s: 'i8 * 3', bplus: 'b + b', bint: 'b + 1', bf: 'b * 1.5',
        idiv: 'i32 // 7', imod: 'i64 % 7', ineg: '-i8', iabs: 'abs(i8)', itd: 'i32 / 4', ipow: 'i64 ** 2',
        sq16: 'sqrt(u16)', sq64: 'sqrt(abs(i64))', f32math: 'exp(f32)', astype8: '(i32).astype("int8")',
        astypeu8: 'f32.astype("uint8")', tobool: 'f32.astype("bool")', inv: '~i32', band: 'i32 & 255', bor: 'u8 | 1',
        whmix: 'where(b, i8, f32)', mm: 'minimum(i8, u8)', cmpmix: 'u64 > i64', u8u8: 'u8 + u8', u8wrapcmp: '(u8 + u8) > 100',
      },
    });
  });

  it('broadcasting against rows, columns and scalars, on a 2-D grid of chunks', async () => {
    await compareWithNumpy(engine(), {
      setup: 'a = np.arange(24 * 13, dtype=np.float64).reshape(24, 13) / 7\nrow = np.linspace(0, 1, 13)\ncol = np.linspace(1, 2, 24).reshape(24, 1)',
      inputs: { a: [5, 4], row: [13], col: [7, 1] },
      exprs: { r: 'a * row', c: 'a - col', rc: 'row + col', s: '2 ** a[:3, :4]', all3: 'a * row / col + 1' },
    });
  });
});
