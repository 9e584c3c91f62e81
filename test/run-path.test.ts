/**
 * The one run path (run/run-spec.ts): the real CLI and the real job service give the same
 * outputs, chunking description and stats shape for one spec, and a backend other than the local
 * one plugs into the run function and the profiler (a wrapper around the real engine that
 * records what each run asked of it).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiEvent } from '../dist/src-main/api/contract.js';
import { formatBytes } from '../dist/src-main/api/format-bytes.js';
import type { ComputeResult, OutputRequest } from '../dist/src-main/collections/array/compute.js';
import type { ComputeOptions } from '../dist/src-main/engine/engine.js';
import { Engine } from '../dist/src-main/engine/engine.js';
import { EventBus } from '../dist/src-main/engine/events.js';
import { autoChunksFrom } from '../dist/src-main/profile/auto-chunks.js';
import { ProfileStore } from '../dist/src-main/profile/profile-store.js';
import { profileJob } from '../dist/src-main/profile/sweep.js';
import type { Backend } from '../dist/src-main/run/backend.js';
import { LocalBackend } from '../dist/src-main/run/local-backend.js';
import { type AutoChunksFor, runSpec } from '../dist/src-main/run/run-spec.js';
import { JobService } from '../dist/src-main/service/job-service.js';
import { tessera } from './helpers/cli.js';
import { tempDir, values } from './helpers/engine.js';

let engine: Engine;
beforeAll(async () => { engine = await Engine.start({ workers: 2 }); });
afterAll(async () => { await engine.close(); });

/** x is chunked "auto", y as the spec says; `big` is too large to return as values (a file). */
const SPEC = {
  tessera: 1,
  datasets: { x: { random: 'uniform', shape: [3_000_000], seed: 7, chunks: 'auto' }, y: { arange: [0, 1000], chunks: [100] } },
  outputs: { m: 'x.mean()', v: 'y[:4] * 2', big: 'x[:20000] + y.sum()' },
} as const;

/** The chunking table of a run report (the same for every host that renders one). */
const chunkingTable = (html: string) => /<h2>Chunking<\/h2>.*?<\/table>/s.exec(html)?.[0];

describe('one run path for every host', () => {
  it('the CLI and the job service give the same outputs, chunking and stats shape for one spec', async () => {
    const dir = tempDir();
    const data = tempDir(); // one data folder: both read the same remembered machine numbers for "auto"
    writeFileSync(join(dir, 'job.json'), JSON.stringify(SPEC));
    const r = tessera(['run', 'job.json', '--json', '--workers', '2', '--data', data, '--out', 'OUT', '--report', 'report.html'], dir);
    expect(r.status, r.stderr).toBe(0);
    const cli = JSON.parse(r.stdout);

    const service = new JobService(engine, { host: 'web', dataDir: data, baseDir: dir });
    const events: ApiEvent[] = [];
    const ended = new Promise<void>((resolve) => {
      service.runJob(SPEC as never, { memoryLimit: null, workers: null, scheduler: 'threads' }, (e) => {
        events.push(e);
        if (e.event === 'job.done' || e.event === 'job.failed') resolve();
      });
    });
    await ended;
    await service.close();
    const done = events.find((e) => e.event === 'job.done');
    if (done?.event !== 'job.done') throw new Error(`the service's job failed: ${JSON.stringify(events.at(-1))}`);
    const { jobId, outputs, stats } = done.data;

    // Outputs: the same values; the same bytes in the file outputs (each host writes its own).
    expect(outputs.map((o) => o.name).sort()).toEqual(Object.keys(cli.outputs).sort());
    for (const o of outputs) {
      const { name, histogram: _h, path, ...rest } = o;
      const { path: cliPath, ...cliRest } = cli.outputs[name];
      expect(rest).toEqual(cliRest);
      expect(Boolean(path)).toBe(Boolean(cliPath));
      if (path) expect(readFileSync(path).equals(readFileSync(cliPath))).toBe(true);
    }
    expect(outputs.find((o) => o.name === 'big')!.path).toBe(join(data, 'jobs', jobId, 'big.npy'));

    // Chunking: "auto" chose the same size for the same reason, and the reports describe it alike.
    const saved = await service.getJob(jobId);
    expect(saved.chunking).toEqual([
      { dataset: 'x', grid: [expect.any(Array)], reason: `auto: ${formatBytes(cli.chunking.x.bytes)} from ${cli.chunking.x.reason}` },
      { dataset: 'y', grid: [Array(10).fill(100)], reason: 'as the spec gives it' },
    ]);
    expect(saved.chunking![0].grid[0][0] * 8).toBe(cli.chunking.x.bytes);
    const report = await service.exportFile(jobId, 'report');
    const serviceTable = chunkingTable(readFileSync(report.path, 'utf8'));
    expect(serviceTable).toContain('as the spec gives it');
    expect(serviceTable).toBe(chunkingTable(readFileSync(join(dir, 'report.html'), 'utf8')));

    // Stats: the run's own numbers alike; each host adds its own (the CLI: start-up, and its lazy workers' start; the service: workers).
    const { startup_s: _s, workers_start_s: _w, ...cliStats } = cli.stats;
    const { workers, ...serviceStats } = stats;
    expect(Object.keys(serviceStats).sort()).toEqual(Object.keys(cliStats).sort());
    expect(serviceStats.tasks).toBe(cliStats.tasks);
    expect(workers).toBe(2);
  });
});

/** A backend that is not LocalBackend: it runs on the real engine and records each run's request. */
class RecordingBackend implements Backend {
  readonly name = 'recording';
  readonly calls: { outputs: { name: string; file: boolean }[]; memoryLimit: number | null | undefined; tasks: number }[] = [];
  closed = false;

  constructor(private readonly inner: Backend) {}

  get workers() { return this.inner.workers; }
  get simd() { return this.inner.simd; }
  get failure() { return this.inner.failure; }

  async computeArrays(outputs: OutputRequest[], opts: ComputeOptions): Promise<ComputeResult> {
    const result = await this.inner.computeArrays(outputs, opts);
    this.calls.push({ outputs: outputs.map((o) => ({ name: o.name, file: Boolean(o.path) })), memoryLimit: opts.memoryLimit, tasks: result.stats.tasks });
    return result;
  }

  /** The engine is the test file's: closing leaves it running. */
  async close(): Promise<void> {
    this.closed = true;
  }
}

describe('backends', () => {
  it('a backend other than the local one runs a spec through the run function, "auto" sized for it', async () => {
    const dir = tempDir();
    const recording = new RecordingBackend(new LocalBackend(engine));
    const profiles = autoChunksFrom(new ProfileStore(join(tempDir(), 'profiles.json')));
    const askedFor: unknown[] = [];
    const autoChunks: AutoChunksFor = (backend, memoryLimit) => (askedFor.push(backend), profiles(backend, memoryLimit));
    const bus = new EventBus();
    let progress = 0, graphs = 0;
    bus.on((e) => { if (e.type === 'progress') progress++; });
    const run = await runSpec(recording, SPEC, { baseDir: dir, outDir: join(dir, 'out'), memoryLimit: 2 ** 30, autoChunks, bus, onGraph: () => { graphs++; } });
    expect(askedFor).toHaveLength(1);
    expect(askedFor[0]).toBe(recording);
    expect(recording.calls).toEqual([{
      outputs: [{ name: 'm', file: false }, { name: 'v', file: false }, { name: 'big', file: true }], memoryLimit: 2 ** 30, tasks: run.result.stats.tasks,
    }]);
    expect(graphs).toBe(1);
    expect(progress).toBeGreaterThan(0);
    expect(run.chunking.map((c) => c.dataset)).toEqual(['x', 'y']);
    expect(run.chunking[0].reason).toMatch(/^auto: /);

    // The same spec on the local backend: the same results.
    const local = await runSpec(new LocalBackend(engine), SPEC, { baseDir: dir, outDir: join(dir, 'local'), memoryLimit: 2 ** 30, autoChunks: profiles });
    expect(local.chunking).toEqual(run.chunking);
    expect({ ...values(local.result), big: null }).toEqual({ ...values(run.result), big: null });
    expect(readFileSync(join(dir, 'local', 'big.npy')).equals(readFileSync(join(dir, 'out', 'big.npy')))).toBe(true);
  });

  it('the profiler runs every chunking through the backend it is given', async () => {
    const recording = new RecordingBackend(new LocalBackend(engine));
    const spec = { tessera: 1, datasets: { x: { random: 'uniform', shape: [200_000], seed: 1 } }, outputs: { s: 'x.sum()' } };
    const p = await profileJob(recording, spec, tempDir(), { values: [2e4, 1e5], repeat: 2 });
    // One warm-up run, then each chunking twice.
    expect(recording.calls).toHaveLength(1 + 2 * 2);
    expect(new Set(recording.calls.map((c) => c.tasks)).size).toBe(2);
    expect(p.workers).toBe(recording.workers);
    expect(recording.closed).toBe(false);
  });
});
