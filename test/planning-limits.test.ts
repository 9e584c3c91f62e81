/**
 * Planning refuses, with a typed error and before allocating anything the size of the graph, what
 * it cannot hold: grids of more chunks than MAX_CHUNKS (by one dimension or by their product);
 * each of these ended the process with "Fatal JavaScript invalid size error" before. Expressions
 * nest at most MAX_NESTING levels (a typed error beyond), and flat chains of any length plan
 * without deep recursion (they gave INTERNAL "Maximum call stack size exceeded").
 */
import { describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildJob, validateSpec } from '../dist/src-main/run/job-spec.js';
import { jobWarnings } from '../dist/src-main/run/run-job.js';
import { runSpec, tempDir, useEngine } from './helpers/engine.js';

const engine = useEngine();

async function refusal(spec: Parameters<typeof runSpec>[1]): Promise<{ code: string; hint: string }> {
  try {
    await runSpec(engine(), spec);
  } catch (e) {
    return e as { code: string; hint: string };
  }
  throw new Error('expected a refusal');
}

describe('planning limits', () => {
  it('refuses grids of too many chunks with TOO_MANY_CHUNKS and says what chunk size to use', async () => {
    const cases = [
      { datasets: { z: { zeros: [1e15] } }, outputs: { s: 'z.sum()' } },
      { outputs: { s: 'random.uniform(size=10**15).sum()' } },
      { datasets: { z: { zeros: [200_000_000], chunks: 1 } }, outputs: { s: 'z.sum()' } },
      // 10^5 row chunks broadcast against 10^5 column chunks: 10^10 chunks.
      { datasets: { r: { ones: [100_000, 1], chunks: [1, 1] }, c: { ones: [1, 100_000], chunks: [1, 1] } }, outputs: { s: '(r + c).sum()' } },
    ];
    for (const spec of cases) {
      const err = await refusal(spec);
      expect(err.code, JSON.stringify(spec)).toBe('TOO_MANY_CHUNKS');
      expect(err.hint).toMatch(/larger chunks/);
    }
  });

  it('refuses a job of too many tasks in all (TOO_MANY_TASKS) before making any', async () => {
    const outputs = Object.fromEntries([1, 2, 3, 4, 5].map((k) => [`y${k}`, `(x + ${k}).sum()`]));
    const err = await refusal({ datasets: { x: { ones: [2 ** 20], chunks: 1 } }, outputs });
    expect(err.code).toBe('TOO_MANY_TASKS');
    expect(err.hint).toMatch(/larger chunks/);
  });

  it('refuses nesting beyond 200 levels with a SYNTAX_ERROR at the place, never INTERNAL', async () => {
    for (const expr of [`${'('.repeat(1000)}x${')'.repeat(1000)}`, `${'-'.repeat(300)}x`, `${'sqrt('.repeat(300)}x${')'.repeat(300)}`, `x${'.T'.repeat(300)}`, `2 ${'** 2 '.repeat(300)}`]) {
      const err = await refusal({ datasets: { x: { arange: [0, 4] } }, outputs: { y: expr } });
      expect(err.code, expr.slice(0, 40)).toBe('SYNTAX_ERROR');
    }
    // 150 levels is fine.
    const r = await runSpec(engine(), { datasets: { x: { arange: [0, 4] } }, outputs: { y: `${'('.repeat(150)}x + 1${')'.repeat(150)}` } });
    expect(r.outputs[0].values).toEqual([1, 2, 3, 4]);
  });

  it('sums of 100,000 literals and of 20,000 arrays plan and run (cut into fused layers of bounded depth)', async () => {
    const terms = (t: string, n: number) => Array(n).fill(t).join(' + ');
    const r = await runSpec(engine(), {
      datasets: { x: { arange: [0, 4] }, f: { arange: [0, 1, 0.25] } },
      outputs: { lit: `x * 0 + ${terms('1', 100_000)}`, ints: terms('x', 20_000), floats: `${terms('f', 20_000)} - f * 20000` },
    });
    const v = Object.fromEntries(r.outputs.map((o) => [o.name, o.values]));
    expect(v.lit).toEqual([100_000, 100_000, 100_000, 100_000]);
    expect(v.ints).toEqual([0, 20_000, 40_000, 60_000]);
    // Left to right, as numpy adds: quarters are exact in binary, so the result is exact too.
    expect(v.floats).toEqual([0, 0, 0, 0]);
  });

  it('checks a mapped file of 300,000 chunks against the memory limit without spreading them (Math.max(...sizes) overflowed the stack)', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'x.u8'), Buffer.alloc(300_000, 1));
    const job = await buildJob(validateSpec({ tessera: 1, datasets: { x: { raw: 'x.u8', dtype: 'uint8', shape: [300_000], chunks: 1 } }, outputs: { s: 'x.sum()' } }), dir);
    expect(jobWarnings(job, 1_000_000)).toEqual([]);
    expect(jobWarnings(job, 0.5)).toHaveLength(1);
  });
});
