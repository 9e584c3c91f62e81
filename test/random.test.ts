/**
 * Random arrays come from a counter-based generator keyed by (seed, element index): the same
 * numbers for any chunking and any number of workers. Float reductions over them agree across
 * chunkings within 1e-14 and are bit-identical across worker counts (the combine order is fixed).
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../dist/src-main/engine/engine.js';
import { numpy } from './helpers/numpy.js';
import { runSpec, tempDir, values } from './helpers/engine.js';

const N = 10_000_000;
const CHUNKS = [100_000, 1_000_000, 5_000_000];
let engines: Record<number, Engine>;
beforeAll(async () => { engines = { 1: await Engine.start({ workers: 1 }), 2: await Engine.start({ workers: 2 }) }; });
afterAll(async () => { for (const e of Object.values(engines)) await e.close(); });

function digest(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

describe('random arrays are independent of chunking and worker count', () => {
  it('x is bit-identical for chunks of 1e5, 1e6 and 5e6 and for 1 or 2 workers; sqrt(x**2).mean() agrees', async () => {
    const dir = tempDir();
    const hashes = new Set<string>();
    const means: Record<string, number> = {};
    for (const chunk of CHUNKS) {
      for (const workers of [1, 2]) {
        const sub = `${dir}/${chunk}-${workers}`;
        mkdirSync(sub);
        const r = await runSpec(engines[workers], {
          datasets: { x: { random: 'uniform', shape: [N], seed: 42, chunks: [chunk] }, z: { random: 'normal', shape: [N / 10], seed: 42, chunks: [chunk / 10] } },
          outputs: { x: 'x', z: 'z', m: 'sqrt(x ** 2).mean()' },
        }, sub);
        const paths = Object.fromEntries(r.outputs.map((o) => [o.name, o.kind === 'array' ? o.path! : '']));
        hashes.add(`${digest(paths.x)}:${digest(paths.z)}`);
        means[`${chunk}-${workers}`] = values(r).m as number;
      }
    }
    expect(hashes.size, 'x and z differ between chunkings or worker counts').toBe(1);
    for (const chunk of CHUNKS) expect(means[`${chunk}-1`], `mean with chunks ${chunk}: 1 vs 2 workers`).toBe(means[`${chunk}-2`]);
    const ref = means[`${CHUNKS[0]}-1`];
    for (const m of Object.values(means)) expect(Math.abs(m - ref) / ref).toBeLessThanOrEqual(1e-14);
    // numpy, on the very numbers Tessera generated, agrees to 1e-12.
    const want = numpy<number>(`x = np.load(${JSON.stringify(`${dir}/${CHUNKS[0]}-1/out/x.npy`)})\nprint(json.dumps(float(np.sqrt(x ** 2).mean())))`);
    expect(Math.abs(ref - want) / want).toBeLessThanOrEqual(1e-12);
  });

  it('uniform and normal have the right distribution', async () => {
    const r = await runSpec(engines[2], {
      datasets: { u: { random: 'uniform', shape: [4_000_000], seed: 1, chunks: [500_000] }, z: { random: 'normal', shape: [4_000_000], seed: 1, chunks: [500_000] } },
      outputs: {
        um: 'u.mean()', uv: 'u.var()', umin: 'u.min()', umax: 'u.max()', ulow: '(u < 0.1).mean()',
        zm: 'z.mean()', zs: 'z.std()', z1: '(abs(z) < 1).mean()', z2: '(abs(z) < 2).mean()', zk: '(z ** 4).mean()',
      },
    });
    const v = values(r) as Record<string, number>;
    // Standard errors for 4e6 samples are ~1.5e-4 (uniform mean) and ~5e-4 (normal mean): allow 5 sigma.
    expect(Math.abs(v.um - 0.5)).toBeLessThan(8e-4);
    expect(Math.abs(v.uv - 1 / 12)).toBeLessThan(5e-4);
    expect(v.umin).toBeGreaterThanOrEqual(0);
    expect(v.umax).toBeLessThan(1);
    expect(Math.abs(v.ulow - 0.1)).toBeLessThan(1e-3);
    expect(Math.abs(v.zm)).toBeLessThan(2.5e-3);
    expect(Math.abs(v.zs - 1)).toBeLessThan(2e-3);
    expect(Math.abs(v.z1 - 0.682689)).toBeLessThan(1.5e-3);
    expect(Math.abs(v.z2 - 0.954500)).toBeLessThan(1e-3);
    expect(Math.abs(v.zk - 3)).toBeLessThan(0.02);
  });

  it('different seeds give different streams; the same seed the same stream', async () => {
    const r = await runSpec(engines[2], {
      datasets: {
        a: { random: 'uniform', shape: [1000], seed: 1 }, b: { random: 'uniform', shape: [1000], seed: 2 },
        c: { random: 'uniform', shape: [1000], seed: 1, chunks: [7] },
      },
      outputs: { ab: '(a == b).sum()', ac: '(a == c).all()', corr: '((a - 0.5) * (b - 0.5)).mean()' },
    });
    const v = values(r);
    expect(v.ab).toBe(0);
    expect(v.ac).toBe(true);
    expect(Math.abs(v.corr as number)).toBeLessThan(0.01);
  });
});
