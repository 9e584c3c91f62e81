/**
 * Chunk-size profiling: a tiny sweep on the real engine and its report's internal consistency
 * (shares sum to 1, per-task times match the task stream, the recommendation is among the
 * fastest), the advice in words, the worker-time accounting on a known schedule, the "auto"
 * chunk model and its memory of profiles, and `tessera profile` / `tessera run --report` as the
 * user runs them.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { profileJob, rememberProfile } from '../dist/src-main/profile/sweep.js';
import { LocalBackend } from '../dist/src-main/run/local-backend.js';
import { runMetrics } from '../dist/src-main/profile/run-metrics.js';
import { advise, formatCount } from '../dist/src-main/profile/recommend.js';
import { AutoChunker, modelChunkBytes, opCost } from '../dist/src-main/profile/auto-chunks.js';
import { machineInfo } from '../dist/src-main/profile/machine.js';
import { ProfileStore } from '../dist/src-main/profile/profile-store.js';
import { jobSignature } from '../dist/src-main/profile/signature.js';
import { buildJob, validateSpec } from '../dist/src-main/run/job-spec.js';
import { arrayChunkParameter } from '../dist/src-main/profile/chunk-parameter.js';
import { tessera } from './helpers/cli.js';
import { tempDir, useEngine } from './helpers/engine.js';
import { numpy } from './helpers/numpy.js';

const engine = useEngine();
const SEED = { tessera: 1 as const, datasets: { x: { random: 'uniform', shape: [2_000_000], seed: 42 } }, outputs: { m: 'sqrt(x ** 2).mean()' } };

describe('profile', () => {
  it('measures a sweep whose numbers agree with themselves and with the task stream', async () => {
    const p = await profileJob(new LocalBackend(engine()), SEED, tempDir(), { values: [2e4, 2e5, 2e6], repeat: 2 });
    expect(p.points.map((x) => x.value)).toEqual([20000, 200000, 2000000]);
    expect(p.points.map((x) => x.chunks)).toEqual([100, 10, 1]);
    for (const x of p.points) {
      expect(x.runs).toHaveLength(2);
      for (const r of x.runs) {
        expect(r.computeShare + r.overheadShare + r.idleShare).toBeCloseTo(1, 12);
        for (const share of [r.computeShare, r.overheadShare, r.idleShare]) expect(share).toBeGreaterThanOrEqual(0);
      }
      expect(x.wall.min).toBeLessThanOrEqual(x.wall.median);
      expect(x.wall.median).toBeLessThanOrEqual(x.wall.max);
      expect(x.median.bytesRead).toBeLessThan(100_000); // random data is generated: only partial sums are read
    }
    // 100 partial sums, a combine tree of fan-in 8 over them (13 + 2 + 1): 116 tasks.
    expect(p.points[0].median.tasks).toBe(116);
    // Per-task time and compute share agree with the task stream of the run they describe.
    const best = p.timelines.best!;
    const point = p.points.find((x) => x.value === best.value)!;
    expect(best.records.length).toBe(point.median.tasks);
    const mean = best.records.reduce((a, r) => a + (r.stop - r.start), 0) / best.records.length;
    expect(point.median.taskMs).toBeCloseTo(mean, 9);
    const busy = best.records.reduce((a, r) => a + (r.stop - r.start), 0);
    expect(point.median.computeShare).toBeCloseTo(busy / (p.workers * point.median.wallS * 1000), 2);
    // The recommendation is within the noise of the fastest chunking measured (5%, or its runs' range), and says what to do.
    const fastest = p.points.reduce((a, b) => (b.wall.median < a.wall.median ? b : a));
    expect(p.points.find((x) => x.value === p.recommended)!.wall.median).toBeLessThanOrEqual(Math.max(fastest.wall.median * 1.05, fastest.wall.max));
    expect(p.recommendation).toMatch(/use chunks of \(\d+\) for x \(\S+ elements, [\d.]+ [KMG]?i?B a chunk\)\.$/);
    expect(p.warnings.some((w) => w.includes('x in chunks of 2e6 gives 1 chunk for 2 workers'))).toBe(true);
  });

  it('accounts worker time as compute, overhead (idle while work is ready) and idle', () => {
    // 2 workers over 10 ms: two 4 ms tasks at once; a third ready at 4 ms but started at 6 ms.
    const rec = (worker: number, ready: number, start: number, stop: number) => ({ key: `l:${start}`, layer: 'l', kind: 'map' as const, worker, ready, start, stop, bytesIn: 10, bytesOut: 1 });
    const m = runMetrics({ records: [rec(0, 0, 0, 4), rec(1, 0, 0, 4), rec(0, 4, 6, 10)], samples: [], wallS: 0.01, startedAt: 0, workers: 2, peakStoreBytes: 5 });
    expect(m.computeShare).toBeCloseTo(12 / 20, 12);
    expect(m.overheadShare).toBeCloseTo(2 / 20, 12); // 4-6 ms: one task ready, two idle workers
    expect(m.idleShare).toBeCloseTo(6 / 20, 12);     // 6-10 ms: worker 1 has nothing ready
    expect(m.taskMs).toBeCloseTo(4, 12);
    expect(m.bytesRead).toBe(30);
  });

  it('explains both slow ends in words and warns about memory and idle workers', () => {
    const point = (value: number, wall: number, overhead: number, idle: number, peak: number, chunks: number) => {
      const m = { wallS: wall, tasks: chunks * 2, taskMs: wall * 500 / chunks, computeShare: 1 - overhead - idle, overheadShare: overhead, idleShare: idle, peakManagedBytes: peak, peakUnmanagedBytes: 0, bytesRead: 0 };
      return { value, chunkShape: [value], chunkBytes: value * 8, chunks, runs: [m], median: m, wall: { median: wall, min: wall, max: wall } };
    };
    const a = advise([point(1e5, 3.1, 0.61, 0.05, 2e6, 100), point(2e6, 1.0, 0.05, 0.05, 180e6, 5), point(1e7, 1.02, 0.02, 0.5, 900e6, 1)], 2, 500e6, 'x');
    // Among the near-fastest, less memory wins: a 1% faster chunking at twice the memory loses.
    const b = advise([point(1e6, 1.0, 0.05, 0.05, 100e6, 10), point(1e7, 0.99, 0.02, 0.05, 200e6, 4)], 2, null, 'x');
    expect([b.best, b.recommended]).toEqual([1e7, 1e6]);
    expect(b.recommendation).toBe('Chunks of 1e6 are within 1% of the fastest (1e7) and peak at 95.4 MiB, the least of the 2 chunkings within the noise of the fastest (1e6, 1e7); use chunks of (1000000) for x (1e6 elements, 7.6 MiB a chunk).');
    expect(b.recommendedChunks).toEqual([1e6]);
    // Within the noise: a median 8% slower, inside the range of the fastest's runs, still counts.
    const noisy = (value: number, median: number, min: number, max: number, peak: number) => ({ ...point(value, median, 0.05, 0.05, peak, 10), wall: { median, min, max } });
    const c = advise([noisy(1e6, 1.08, 0.95, 1.2, 50e6), noisy(1e7, 1.0, 0.9, 1.1, 300e6), noisy(1e8, 1.5, 1.4, 1.6, 10e6)], 2, null, 'x');
    expect([c.best, c.recommended]).toEqual([1e7, 1e6]);
    expect(advise([noisy(1e6, 1.12, 0.95, 1.2, 50e6), noisy(1e7, 1.0, 0.9, 1.1, 300e6)], 2, null, 'x').recommended).toBe(1e7); // beyond it: no
    expect(a.best).toBe(2e6);
    expect(a.recommended).toBe(2e6);
    expect(a.recommendation).toBe('x in chunks of 1e5 spends 61% of worker time on scheduling overhead (200 tasks of 15.50 ms); 2e6 is 3.1x faster and peaks at 171.7 MiB; use chunks of (2000000) for x (2e6 elements, 15.3 MiB a chunk).');
    // The small end is said once, in the recommendation; the large end is explained below it.
    expect(a.explanations).toHaveLength(1);
    expect(a.explanations[0]).toBe('x in chunks of 1e7 makes 1 chunk for 2 workers, so workers sit idle 50% of the time and peaks at 858.3 MiB of memory against 171.7 MiB.');
    expect(a.warnings).toEqual(['x in chunks of 1e7 peaks at 858.3 MiB, over the memory limit of 476.8 MiB.', 'x in chunks of 1e7 gives 1 chunk for 2 workers: 1 worker would have nothing to do.']);
    expect(formatCount(316228)).toBe('3.2e5');
  });

  it('advises the chunk shape each sweep point ran with, in C and in Fortran order', async () => {
    const dir = tempDir();
    numpy(`np.save('c.npy', np.ones((4000, 300))); np.save('f.npy', np.asfortranarray(np.ones((4000, 300)))); print(1)`, dir);
    for (const file of ['c.npy', 'f.npy']) {
      const spec = validateSpec({ tessera: 1, datasets: { a: { npy: file } }, outputs: { s: 'a.sum()' } });
      const p = arrayChunkParameter('a', (await buildJob(spec, dir)).datasets.get('a')!, 2);
      for (const v of [3e4, 2e5, 1.2e6]) {
        const grid = (await buildJob(validateSpec(p.apply(spec, v)), dir)).datasets.get('a')!.grid;
        expect({ file, v, shape: p.chunkShape(v), count: p.chunkCount(v) }).toEqual({ file, v, shape: grid.map((g) => Math.max(...g)), count: grid.reduce((n, g) => n * g.length, 1) });
      }
    }
  });

  it('chooses "auto" chunks by the model, then by what a profile of the job measured', async () => {
    // The model: tiny chunks pay overhead, one huge chunk idles a worker; a limit caps the size.
    const o = { totalBytes: 800e6, workers: 2, overheadPerTaskMs: 0.03, bytesPerWorkerS: 4e9, memoryLimit: null };
    const b = modelChunkBytes(o);
    expect(b).toBeGreaterThanOrEqual(2 ** 20);
    expect(b).toBeLessThan(400e6);
    expect(modelChunkBytes({ ...o, overheadPerTaskMs: 3 })).toBeGreaterThan(b);
    expect(modelChunkBytes({ ...o, memoryLimit: 60e6 })).toBeLessThanOrEqual(10e6);

    const data = tempDir();
    const store = new ProfileStore(join(data, 'profiles.json'));
    const machine = machineInfo(engine().simd);
    const chunker = new AutoChunker(store, machine, 2);
    const before = await chunker.choose({ dataset: 'x', totalBytes: 16e6, signature: jobSignature(SEED), memoryLimit: null });
    expect(before.reason).toContain('default until a profile measures it');
    expect(before.reason).toMatch(/read bandwidth/);
    expect((await store.machine(machine.id))!.readBytesPerS).toBeGreaterThan(1e8); // probed once, remembered
    expect(opCost({ outputs: { m: 'exp(x).sum()' } })).toBeGreaterThan(opCost({ outputs: { m: 'x.sum()' } }));
    const p = await profileJob(new LocalBackend(engine()), SEED, tempDir(), { values: [1e5, 1e6], repeat: 1 });
    await rememberProfile(store, p);
    const fresh = new AutoChunker(store, machine, 2);
    const after = await fresh.choose({ dataset: 'x', totalBytes: 16e6, signature: jobSignature(SEED), memoryLimit: null });
    expect(after.bytes).toBe(p.recommended * 8);
    expect(after.reason).toContain("this job's profile on this machine");
    // Another job on the machine: the model, now with measured constants.
    const other = await fresh.choose({ dataset: 'y', totalBytes: 16e6, signature: 'other', memoryLimit: null });
    expect(other.reason).toContain('(measured)');
    // The job spec's "auto" follows the chooser; explicit chunks are left alone.
    const built = await buildJob({ ...SEED, datasets: { x: { random: 'uniform', shape: [2_000_000], seed: 42, chunks: 'auto' }, y: { arange: 10, chunks: 5 } } }, data, { autoChunks: async () => ({ bytes: 8e5, reason: 'test' }) });
    expect(built.datasets.get('x')!.grid[0].length).toBe(20);
    expect(built.datasets.get('y')!.grid).toEqual([[5, 5]]);
    expect(built.autoChunks).toEqual([{ dataset: 'x', bytes: 8e5, reason: 'test' }]);
  });

  it('profiles a 2-D job over a .npy file from the command line, with an HTML report', () => {
    const dir = tempDir();
    numpy(`np.save('a.npy', np.random.default_rng(1).normal(size=(20000, 100))); print('null')`, dir);
    writeFileSync(join(dir, 'job.json'), JSON.stringify({ tessera: 1, datasets: { a: { npy: 'a.npy' } }, outputs: { s: '(a - a.mean(axis=0)).std(axis=0)' } }));
    const r = tessera(['profile', 'job.json', '--chunks', '1e4,1e5,1e6', '--repeat', '1', '--json', '--report', 'report.html'], dir);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const p = JSON.parse(r.stdout);
    expect(p.parameter).toEqual({ label: 'chunks of a', dataset: 'a' });
    expect(p.points.map((x: { chunks: number }) => x.chunks)).toEqual([200, 20, 2]);
    const fastest = p.points.reduce((a: { wall: { median: number } }, b: { wall: { median: number } }) => (b.wall.median < a.wall.median ? b : a));
    expect(p.points.find((x: { value: number }) => x.value === p.recommended).wall.median).toBeLessThanOrEqual(Math.max(fastest.wall.median * 1.05, fastest.wall.max));
    expect(p.points[0].median.bytesRead).toBeGreaterThanOrEqual(16e6); // the file, read at least once
    const html = readFileSync(join(dir, 'report.html'), 'utf8');
    expect(html).toContain(p.recommendation.replace(/'/g, '&#39;'));
    expect(html).toContain('<svg class="chart"');
    expect((html.match(/<svg class="timeline"/g) ?? []).length).toBe(2);
    expect(html).not.toMatch(/<script|src="http/);

    const text = tessera(['profile', 'job.json', '--chunks', '1e5,1e6', '--repeat', '1'], dir);
    expect(text.status).toBe(0);
    expect(text.stdout).toMatch(/^\* 1e[56] /m);
    expect(text.stdout).toMatch(/use chunks of \(\d+, \d+\) for a \(1e[56] elements/);
  });

  it('profiles a job that runs the user\'s functions from the command line, as `tessera run` runs it', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'fns.mjs'), 'export const clip = (block) => block.map((v) => Math.min(v, 0.5));\n');
    writeFileSync(join(dir, 'job.json'), JSON.stringify({ tessera: 1, functions: 'fns.mjs', datasets: { x: { random: 'uniform', shape: [1_000_000], seed: 1 } }, outputs: { m: "x.map_blocks(clip, dtype='float64').mean()" } }));
    const r = tessera(['profile', 'job.json', '--chunks', '1e5,5e5', '--repeat', '1', '--json'], dir);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).points.map((x: { chunks: number }) => x.chunks)).toEqual([10, 2]);
  });

  it('writes a self-contained run report with the timeline, memory, per-layer times, chunking and machine', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'job.json'), JSON.stringify(SEED));
    const r = tessera(['run', 'job.json', '--json', '--report', 'run.html'], dir);
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.chunking.x.reason).toMatch(/chunk model/);
    const html = readFileSync(join(dir, 'run.html'), 'utf8');
    for (const part of ['<h2>Timeline</h2>', '<h2>Memory</h2>', '<h2>Per layer</h2>', '<h2>Chunking</h2>', '<h2>Machine</h2>', 'uniform-power-sqrt-mean']) expect(html).toContain(part);
    expect(html).toContain(`${out.stats.tasks}</td>`);
    expect(html).not.toMatch(/<script|src="http/);
    // Words, not the JSON's keys; the date it was made; labelled lanes and axes.
    for (const label of ['>wall time<', '>peak chunk store (managed)<', '>peak RSS (process)<']) expect(html).toContain(label);
    expect(html).not.toMatch(/>(wall_s|peak_store_bytes|peak_rss_bytes)</);
    expect(html).toMatch(/<p class="note">20\d\d-\d\d-\d\d \d\d:\d\d UTC<\/p>/);
    expect(html).toContain('>worker 0</text>');
    expect(html).toMatch(/<svg class="memory"[^]*>0 B<\/text>[^]*( s| ms)<\/text>/); // a byte axis and a time axis
  });
});
