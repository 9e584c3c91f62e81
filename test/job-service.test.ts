/**
 * What the job service tells a window, from real jobs on the real engine: the layer graph (deps,
 * chunk grids), chunk state events that agree with the task stream, histograms checked against
 * numpy (whole for small outputs, sampled for large files), per-job worker counts and schedulers,
 * and errors that name the dataset at fault.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiEvent, EventSchemas } from '../dist/src-main/api/contract.js';
import { Engine } from '../dist/src-main/engine/engine.js';
import { JobService } from '../dist/src-main/service/job-service.js';
import { ChunkState, chunkIndex } from '../dist/src-main/api/task-columns.js';
import { tempDir } from './helpers/engine.js';
import { numpy } from './helpers/numpy.js';

let engine: Engine;
let service: JobService;
const baseDir = tempDir();

beforeAll(async () => {
  engine = await Engine.start({ workers: 2 });
  service = new JobService(engine, { host: 'web', dataDir: tempDir(), baseDir, startEngine: (o) => Engine.start(o) });
});
afterAll(async () => {
  await service.close();
  await engine.close();
});

async function run(spec: object, options: object = {}): Promise<ApiEvent[]> {
  const events: ApiEvent[] = [];
  let done!: () => void;
  const finished = new Promise<void>((r) => { done = r; });
  service.runJob(spec as never, { memoryLimit: null, workers: null, scheduler: 'threads', ...options }, (e) => {
    events.push(e);
    if (e.event === 'job.done' || e.event === 'job.failed') done();
  });
  await finished;
  return events;
}

const of = <E extends ApiEvent['event']>(events: ApiEvent[], name: E) => events.filter((e) => e.event === name).map((e) => e.data) as Extract<ApiEvent, { event: E }>['data'][];

describe('job service events', () => {
  it('describes the graph as layers with their inputs and chunk grids, and streams chunk states that match the tasks', async () => {
    const events = await run({ tessera: 1, datasets: { x: { random: 'uniform', shape: [40, 30], seed: 1, chunks: [10, 15] } }, outputs: { m: '(x - x.mean(axis=0)).std(axis=0)' } });
    const started = of(events, 'job.started')[0];
    const byLabel = new Map(started.layers.map((l) => [l.name, l]));
    for (const l of started.layers) for (const d of l.deps) expect(byLabel.has(d)).toBe(true);
    const withGrid = started.layers.filter((l) => l.grid);
    expect(withGrid.some((l) => JSON.stringify(l.grid) === JSON.stringify([[10, 10, 10, 10], [15, 15]]))).toBe(true);
    expect(started.layers.some((l) => l.deps.length > 0)).toBe(true);
    // Small graphs come task by task; every dependency index points at a task.
    expect(started.graph!.keys.length).toBe(started.tasks);
    for (const ds of started.graph!.deps) for (const d of ds) expect(d).toBeLessThan(started.tasks);

    // Tasks and chunks are named by layer number and chunk number; their keys are those of the graph.
    const keyOf = (layer: number, chunk: number) => `${started.layers[layer].name}:${chunkIndex(chunk, started.layers[layer].indexShape!).join(',')}`;
    const batches = of(events, 'job.tasks');
    const keys = batches.flatMap((t) => [...t.layer].map((l, k) => keyOf(l, t.chunk[k])));
    for (const t of batches) for (let k = 0; k < t.layer.length; k++) expect(t.stop[k]).toBeGreaterThanOrEqual(t.start[k]);
    const changes = of(events, 'job.chunks').flatMap((c) => [...c.layer].map((l, k) => ({ key: keyOf(l, c.chunk[k]), state: c.state[k] })));
    const running = changes.filter((c) => c.state === ChunkState.Running).map((c) => c.key);
    const released = changes.filter((c) => c.state === ChunkState.Released).map((c) => c.key);
    expect(changes.every((c) => c.state === ChunkState.Running || c.state === ChunkState.Released)).toBe(true);
    // A task that started and finished between two batches is sent once, as finished.
    for (const k of running) expect(keys).toContain(k);
    expect(keys.sort()).toEqual([...started.graph!.keys].sort());
    for (const k of released) expect(keys).toContain(k);
    expect(new Set(released).size).toBe(released.length);
    expect(released.length).toBeGreaterThan(0);
  });

  it('adds histograms that agree with numpy, for value outputs and for large outputs written to files', async () => {
    numpy(`import numpy as np; np.save('h.npy', np.random.default_rng(5).normal(size=(300, 50))); np.save('big.npy', np.random.default_rng(6).exponential(size=3_000_000)); print('null')`, baseDir);
    const events = await run({ tessera: 1, datasets: { h: { npy: 'h.npy' }, b: { npy: 'big.npy' } }, outputs: { v: 'h[:, 3] * 2', big: 'b + 1' } });
    const outputs = of(events, 'job.done')[0].outputs;
    const v = outputs.find((o) => o.name === 'v')!;
    const oracle = numpy<{ counts: number[]; lo: number; hi: number }>(
      `a = np.load('h.npy')[:, 3] * 2; c, e = np.histogram(a, bins=32, range=(a.min(), a.max())); print(json.dumps({'counts': c.tolist(), 'lo': float(a.min()), 'hi': float(a.max())}))`, baseDir);
    expect(v.histogram!.lo).toBe(oracle.lo);
    expect(v.histogram!.hi).toBe(oracle.hi);
    // numpy puts a value on an inner bin edge in the upper bin, as does floor(); rounding at an
    // edge may move a value by one bin, never more.
    expect(v.histogram!.counts.reduce((a, b) => a + b, 0)).toBe(300);
    v.histogram!.counts.forEach((c, i) => expect(Math.abs(c - oracle.counts[i])).toBeLessThanOrEqual(1));
    expect(v.histogram!.sampled).toBe(300);

    const big = outputs.find((o) => o.name === 'big')!;
    expect(big.path).toMatch(/big\.npy$/);
    expect(big.histogram!.total).toBe(3_000_000);
    expect(big.histogram!.sampled).toBeLessThan(3_000_000);
    expect(big.histogram!.lo).toBeGreaterThanOrEqual(1);
    // An exponential sample: the first bins hold most of it, as in the full data.
    const full = numpy<number[]>(`a = np.load('big.npy') + 1; c, _ = np.histogram(a, bins=32, range=(a.min(), a.max())); print(json.dumps((c / c.sum()).tolist()))`, baseDir);
    const shares = big.histogram!.counts.map((c) => c / big.histogram!.sampled);
    expect(Math.abs(shares[0] - full[0])).toBeLessThan(0.02);
  });

  it('runs a job on the worker count and scheduler it asks for, then returns to the default', async () => {
    const spec = { tessera: 1, datasets: {}, outputs: { s: 'arange(10000, chunks=1000).sum()' } };
    const one = of(await run(spec, { workers: 1 }), 'job.done')[0];
    expect(one.stats.workers).toBe(1);
    expect(one.outputs[0].value).toBe(49995000);
    const sync = await run(spec, { scheduler: 'sync' });
    const syncDone = of(sync, 'job.done')[0];
    expect(syncDone.stats.workers).toBe(1);
    expect(new Set(of(sync, 'job.tasks').flatMap((t) => [...t.worker]))).toEqual(new Set([0]));
    const back = of(await run(spec), 'job.done')[0];
    expect(back.stats.workers).toBe(2);
  });

  it('replaces an engine whose worker died, mid-job or between jobs, and the next job runs', async () => {
    const own = await Engine.start({ workers: 2 });
    const started: Engine[] = [];
    const svc = new JobService(own, { host: 'web', dataDir: tempDir(), baseDir, startEngine: async (o) => { const e = await Engine.start(o); started.push(e); return e; } });
    const workersOf = (e: Engine) => (e.pool as unknown as { workers: { terminate(): Promise<number> }[] }).workers;
    const runOn = (spec: object, onEvent: (e: ApiEvent) => void = () => {}) => new Promise<ApiEvent>((resolve) => {
      svc.runJob(spec as never, { memoryLimit: null, workers: null, scheduler: 'threads' }, (e) => {
        onEvent(e);
        if (e.event === 'job.done' || e.event === 'job.failed') resolve(e);
      });
    });
    try {
      const long = { tessera: 1, datasets: { x: { random: 'normal', shape: [300_000_000], chunks: [1_000_000], seed: 3 } }, outputs: { s: 'x.std()' } };
      let killed = false;
      const failed = await runOn(long, (e) => {
        if (e.event === 'job.progress' && e.data.done > 0 && !killed) { killed = true; void workersOf(own)[1].terminate(); }
      });
      expect(killed).toBe(true);
      expect(failed.event === 'job.failed' && failed.data.error).toMatchObject({ code: 'WORKER_CRASHED', hint: expect.stringContaining('started fresh workers') });
      expect(started).toHaveLength(1);
      expect(svc.hello().workers).toBe(2);
      const next = await runOn({ tessera: 1, datasets: {}, outputs: { s: 'arange(1000, chunks=100).sum()' } });
      expect(next.event === 'job.done' && next.data.outputs[0].value).toBe(499500);
      // A worker that dies while no job runs: the next job gets fresh workers and does not fail.
      await workersOf(started[0])[0].terminate();
      await new Promise((r) => setTimeout(r, 50));
      const after = await runOn({ tessera: 1, datasets: {}, outputs: { s: 'arange(10, chunks=5).sum()' } });
      expect(after.event === 'job.done' && after.data.outputs[0].value).toBe(45);
      expect(started).toHaveLength(2);
    } finally {
      await svc.close(); // closes the engines it started
      await own.close();
    }
    expect(started.every((e) => workersOf(e).length === 0)).toBe(true);
  });

  it('reports a bag\'s word counts as a list output that passes the contract a window checks', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'words.txt'), 'the cat the hat\nThe end\n');
    const events = await run({ tessera: 1, datasets: { t: { text: join(dir, 'words.txt') } }, outputs: { top: 't.str.lower().str.split().flatten().frequencies().topk(2, key=1)', n: 't.str.split().flatten().count()' } });
    for (const e of events) EventSchemas[e.event].parse(e.data); // what checkedEmit does before a host sends it
    const done = of(events, 'job.done')[0];
    expect(done.outputs).toEqual([
      { name: 'top', kind: 'list', values: [['the', 3], ['cat', 1]], count: 2 },
      { name: 'n', kind: 'scalar', dtype: 'int64', value: 6 },
    ]);
  });

  it('names the dataset at fault', async () => {
    const failed = of(await run({ tessera: 1, datasets: { ok: { arange: 3 }, gone: { npy: 'missing.npy' } }, outputs: { s: 'gone.sum()' } }), 'job.failed')[0];
    expect(failed.error).toMatchObject({ code: 'FILE_NOT_FOUND', dataset: 'gone' });
    expect(failed.error.message).toContain(join(baseDir, 'missing.npy'));
  });
});

describe('arrays kept between the window\'s jobs (persist)', () => {
  it('keeps named outputs, lists them, lends them to a job on other workers, covers them by the memory limit and releases them', async () => {
    const spec = (datasets: object, outputs: object) => ({ tessera: 1, datasets, outputs });
    const first = await run(spec({ x: { random: 'normal', shape: [300000], seed: 3, chunks: 100000 } }, { z: '(x - x.mean()) / x.std()', m: 'x.mean()' }), { persist: ['z'] });
    const done = of(first, 'job.done')[0];
    expect(done.outputs.find((o) => o.name === 'z')).toMatchObject({ kind: 'array', shape: [300000], persisted: true });
    expect(done.persisted).toEqual([expect.objectContaining({ name: 'z', dtype: 'float64', bytes: 2.4e6, chunks: [3], job: expect.stringMatching(/^job-/) })]);
    expect(service.listPersisted().map((a) => a.name)).toEqual(['z']);
    // A job on one worker (another engine) reads the same chunks; the window is told what is kept.
    const second = await run(spec({ z: { persisted: 'z' } }, { s: 'z.std()', c: '(abs(z) > 3).sum()' }), { workers: 1 });
    expect(of(second, 'job.failed')).toEqual([]);
    expect(of(second, 'job.started')[0].keptBytes).toBe(2.4e6);
    const [std, count] = of(second, 'job.done')[0].outputs.map((o) => Number(o.value));
    expect(std).toBeCloseTo(1, 12);
    expect(count).toBeGreaterThan(0);
    // Another array kept, then a job under a 4 MB limit: z (least recently used) makes room, w stays: it is read.
    await run(spec({ z: { persisted: 'z' } }, { w: 'z * 2' }), { persist: ['w'] });
    const limited = await run(spec({ w: { persisted: 'w' } }, { t: 'w.sum()' }), { memoryLimit: '4MB' });
    expect(of(limited, 'job.started')[0].warnings).toContain("the persisted array 'z' was released (least recently used) to leave half the memory limit to this job");
    expect(of(limited, 'job.done')[0]).toMatchObject({ released: ['z'], persisted: [expect.objectContaining({ name: 'w' })] });
    const gone = of(await run(spec({ z: { persisted: 'z' } }, { s: 'z.sum()' })), 'job.failed')[0];
    expect(gone.error).toMatchObject({ code: 'NOT_PERSISTED', dataset: 'z' });
    expect(gone.error.message).toContain('the memory limit needed room');
    expect(await service.releasePersisted('w')).toEqual({ released: true, persisted: [] });
    expect((await service.releasePersisted('w')).released).toBe(false);
  });
});
