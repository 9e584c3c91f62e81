/**
 * The shared task queue and the pool's doorbell (task-queue.ts, doorbell.ts): real worker threads
 * claim tasks from one queue at once, each task exactly once; results come back through shared
 * memory; the scheduler takes back what no worker started; a worker that dies fails its job with a
 * clear error instead of leaving it waiting.
 */
import { Worker } from 'node:worker_threads';
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Doorbell, FINISHED, WORK } from '../dist/src-main/engine/doorbell.js';
import { Engine } from '../dist/src-main/engine/engine.js';
import { EventBus } from '../dist/src-main/engine/events.js';
import { TaskQueue } from '../dist/src-main/engine/task-queue.js';
import { native } from '../dist/src-main/native/addon.js';
import { buildJob, validateSpec } from '../dist/src-main/run/job-spec.js';
import { runBuiltJob } from '../dist/src-main/run/run-job.js';
import { LocalBackend } from '../dist/src-main/run/local-backend.js';
import { tempDir } from './helpers/engine.js';

const queueModule = pathToFileURL(resolve('dist/src-main/engine/task-queue.js')).href;
const bellModule = pathToFileURL(resolve('dist/src-main/engine/doorbell.js')).href;

/** A worker that claims tasks until the queue is empty, "running" each by doubling its arg. */
const CLAIMER = `
  const { workerData, parentPort } = require('node:worker_threads');
  (async () => {
    const { TaskQueue } = await import(workerData.queueModule);
    const { Doorbell, WORK, FINISHED } = await import(workerData.bellModule);
    const q = TaskQueue.attach(workerData.buffers);
    const bell = new Doorbell(workerData.bell);
    while (bell.count(WORK) === 0) await bell.rungAfter(WORK, 0);
    let ran = 0;
    for (let i = q.claim(workerData.index); i >= 0; i = q.claim(workerData.index)) {
      const arg = q.argsOf(i)[0];
      if (q.finish(i, workerData.index, arg * 2, 8, 8, 0, 0)) bell.ring(FINISHED);
      ran++;
    }
    parentPort.postMessage(ran);
  })();`;

describe('shared task queue', () => {
  it('two worker threads claiming at once run every queued task exactly once', async () => {
    const n = 20_000;
    const q = TaskQueue.create(new Array(n).fill(1));
    for (let i = 0; i < n; i++) { q.argsOf(i)[0] = i + 1; q.push(i); }
    q.lowWater = 0;
    const bell = new Doorbell();
    const workers = [0, 1].map((index) => new Worker(CLAIMER, { eval: true, workerData: { index, buffers: q.buffers, bell: bell.buffer, queueModule, bellModule } }));
    const ran = workers.map((w) => new Promise<number>((r) => w.once('message', r)));
    bell.ring(WORK);
    const counts = await Promise.all(ran);
    await Promise.all(workers.map((w) => w.terminate()));
    expect(counts[0] + counts[1]).toBe(n);
    const seen = new Uint8Array(n);
    const chunkOf = new Float64Array(n);
    const ranOn = new Int32Array(n);
    q.takeFinished((i, worker, chunk) => { seen[i]++; chunkOf[i] = chunk; ranOn[i] = worker; });
    expect(seen.every((c) => c === 1)).toBe(true);
    for (let i = 0; i < n; i++) {
      expect(chunkOf[i]).toBe(2 * (i + 1));
      expect([0, 1]).toContain(q.claimer(i));
      expect(ranOn[i]).toBe(q.claimer(i));
    }
    expect(q.waiting).toBe(0);
    expect(q.takeBack()).toEqual([]);
    expect(bell.count(FINISHED)).toBeGreaterThan(0); // the last task always rings
  });

  it('the scheduler takes back what no worker claimed, and nothing is claimed twice', () => {
    const q = TaskQueue.create([0, 0, 0, 0, 0]);
    for (const i of [4, 2, 0, 1, 3]) q.push(i);
    expect(q.claim(0)).toBe(4);
    expect(q.claim(1)).toBe(2);
    expect(q.waiting).toBe(3);
    expect(q.takeBack()).toEqual([0, 1, 3]);
    expect(q.claim(0)).toBe(-1);
    expect(q.claimer(4)).toBe(0);
    expect(q.claimer(0)).toBe(-1);
    // Workers wake the scheduler only once the queue is down to the low-water mark.
    q.lowWater = 1;
    const more = TaskQueue.create([0, 0, 0]);
    more.lowWater = 1;
    for (const i of [0, 1, 2]) more.push(i);
    more.claim(0);
    expect(more.finish(0, 0, 0, 0, 0, 0, 0)).toBe(false); // two still queued
    more.claim(0);
    expect(more.finish(1, 0, 0, 0, 0, 0, 0)).toBe(true);  // one left: refill
  });

  it('a worker that dies fails the running job with WORKER_CRASHED instead of hanging', async () => {
    const engine = await Engine.start({ workers: 2 });
    try {
      const dir = tempDir();
      const job = await buildJob(validateSpec({
        tessera: 1, datasets: { x: { random: 'normal', shape: [200_000_000], chunks: [200_000] } }, outputs: { s: 'exp(x).sum()' },
      }), dir);
      const bus = new EventBus();
      let killed = false;
      bus.on((e) => {
        if (e.type === 'progress' && e.progress.done >= 5 && !killed) {
          killed = true;
          void (engine.pool as unknown as { workers: Worker[] }).workers[1].terminate();
        }
      });
      const err = await runBuiltJob(new LocalBackend(engine), job, { outDir: dir, bus }).then(() => null, (e) => e);
      expect(killed).toBe(true);
      expect(err?.code).toBe('WORKER_CRASHED');
      expect(err?.hint).toMatch(/restart/);
      // The pool is broken from then on: the next job says so at once.
      const next = await buildJob(validateSpec({ tessera: 1, datasets: {}, outputs: { s: 'ones(10).sum()' } }), dir);
      expect((await runBuiltJob(new LocalBackend(engine), next, { outDir: dir }).then(() => null, (e) => e))?.code).toBe('WORKER_CRASHED');
      expect(native().storeStats().currentBytes).toBe(0);
    } finally {
      await engine.close();
    }
  });
});
