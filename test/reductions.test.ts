import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tessera } from './helpers/cli.js';
import { compareWithNumpy } from './helpers/compare.js';
import { tempDir, useEngine } from './helpers/engine.js';
import { numpy } from './helpers/numpy.js';

const engine = useEngine();

describe('reductions agree with numpy', () => {
  it('every reduction over all axes, float64, many uneven chunks (tree combine)', async () => {
    await compareWithNumpy(engine(), {
      setup: 'rng = np.random.default_rng(3)\nx = rng.normal(loc=5, scale=3, size=100_003)',
      inputs: { x: [1000] },
      exprs: {
        sum: 'x.sum()', prod: '(x[:40] / 5).prod()', mean: 'x.mean()', var: 'x.var()', std: 'x.std()', std1: 'x.std(ddof=1)',
        min: 'x.min()', max: 'x.max()', argmin: 'x.argmin()', argmax: 'x.argmax()', any: '(x > 15).any()', all: '(x > -20).all()',
        cnz: 'count_nonzero(x > 5)', fused: 'sqrt(x ** 2).mean()', sumsq: '((x - 5) ** 2).sum()',
      },
    });
  });

  it('reductions over chosen axes with keepdims, on a 3-D chunk grid', async () => {
    await compareWithNumpy(engine(), {
      setup: 'rng = np.random.default_rng(4)\na = rng.uniform(-1, 1, size=(12, 17, 9))',
      inputs: { a: [5, 6, 4] },
      exprs: {
        s0: 'a.sum(axis=0)', s1: 'a.sum(axis=1)', s2: 'a.sum(axis=2)', s01: 'a.sum(axis=(0, 1))', s02k: 'a.sum(axis=(0, 2), keepdims=True)',
        m1k: 'a.mean(axis=1, keepdims=True)', v2: 'a.var(axis=2)', sd0: 'a.std(axis=0, ddof=1)', mn1: 'a.min(axis=1)', mx2: 'a.max(axis=-1)',
        am0: 'a.argmin(axis=0)', aM1: 'a.argmax(axis=1)', aM2: 'a.argmax(axis=2)', any1: '(a > 0.9).any(axis=1)', all2: '(a > -0.9).all(axis=2)',
        cnz0: 'count_nonzero(a > 0, axis=0)', prod2: '(a + 2).prod(axis=2)', centered: '(a - a.mean(axis=0)).std(axis=0)',
        rowcenter: 'a[0] - a[0].mean(axis=1, keepdims=True)',
      },
    });
  });

  it('integer reductions are exact and follow numpy result types', async () => {
    await compareWithNumpy(engine(), {
      setup: `i32 = (np.arange(50_000, dtype=np.int64) * 7919 % 100_003 - 50_000).astype(np.int32)
u8 = (np.arange(50_000) % 251).astype(np.uint8)
i64 = np.arange(50_000, dtype=np.int64) * 1_000_000_007
b = np.arange(50_000) % 7 == 0
i16 = (np.arange(60, dtype=np.int16) % 5) + 1`,
      inputs: { i32: [999], u8: [4096], i64: [3000], b: [777], i16: [7] },
      exprs: {
        s32: 'i32.sum()', su8: 'u8.sum()', s64: 'i64.sum()', sb: 'b.sum()', mn: 'i32.min()', mx: 'u8.max()', am: 'i32.argmin()',
        mean32: 'i32.mean()', var8: 'u8.var()', p16: 'i16.prod()', cnt: 'count_nonzero(u8)', anyb: 'b.any()', allb: 'b.all()',
        m64: 'i64.max()', std64: 'i64.std()', s2d: 'i32.reshape(100, 500).sum(axis=1)',
      },
    });
  });

  it('NaN propagates through min, max and sum; argmin finds the first NaN', async () => {
    await compareWithNumpy(engine(), {
      setup: 'x = np.arange(1000.0)\nx[537] = np.nan\nx[800] = np.nan\ny = np.linspace(1, 2, 1000)\ny[10] = np.inf',
      inputs: { x: [100], y: [128] },
      exprs: { mn: 'x.min()', mx: 'x.max()', s: 'x.sum()', am: 'x.argmin()', aM: 'x.argmax()', ymax: 'y.max()', ysum: 'y.sum()', yam: 'y.argmax()' },
    });
  });

  it('float32 input reduces with float64 accumulators to numpy\'s dtypes', async () => {
    await compareWithNumpy(engine(), {
      setup: 'x = np.linspace(-1, 1, 30_000, dtype=np.float32)',
      inputs: { x: [4000] },
      exprs: { s: 'x.sum()', m: 'x.mean()', sd: 'x.std()', mn: 'x.min()', am: 'x.argmax()' },
      rtol: 1e-5,
    });
  });
});

describe('float products are compensated', () => {
  it('prod of 3,000 factors over uneven chunks is within 1 ulp of the exact product, whatever the chunking', () => {
    const dir = tempDir();
    const ref = numpy<{ exact: number; ulp: number; numpyUlps: number }>(`
import math
from fractions import Fraction
x = np.random.default_rng(11).uniform(0.5, 2.0, 3000)
np.save(${JSON.stringify(join(dir, 'x.npy'))}, x)
p = Fraction(1)
for v in x: p *= Fraction(float(v))
exact = float(p)
print(json.dumps({'exact': exact, 'ulp': math.ulp(exact), 'numpyUlps': abs(float(np.prod(x)) - exact) / math.ulp(exact)}))`);
    for (const chunks of [[3000], [7], [1000]]) {
      const spec = join(dir, `p${chunks[0]}.json`);
      writeFileSync(spec, JSON.stringify({ tessera: 1, datasets: { x: { npy: join(dir, 'x.npy'), chunks } }, outputs: { p: 'x.prod()' } }));
      const got = JSON.parse(tessera(['run', spec, '--json']).stdout).outputs.p.value as number;
      expect(Math.abs(got - ref.exact) / ref.ulp, `chunks ${chunks}: ${got} against ${ref.exact} (numpy ${ref.numpyUlps.toFixed(1)} ulp off)`).toBeLessThanOrEqual(1);
    }
  });
});
