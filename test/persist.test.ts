/**
 * persist (run/persisted-arrays.ts, ADR 0037): an array computed once and kept in the chunk store,
 * read by later jobs by name; released by the user, by close(), or least recently used first by
 * the memory limit; a kept array outlives the engine that made it. Through the TypeScript API (as
 * a user imports it) and through the run path the window uses, with the real engine and store.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { array, close, compute, configure, frame, persist } from 'tessera';
import { native } from '../dist/src-main/native/addon.js';
import { Engine } from '../dist/src-main/engine/engine.js';
import { LocalBackend } from '../dist/src-main/run/local-backend.js';
import { PersistedArrays } from '../dist/src-main/run/persisted-arrays.js';
import { runSpec } from '../dist/src-main/run/run-spec.js';
import { tempDir } from './helpers/engine.js';

const MB = 2 ** 20;

describe('persist in the TypeScript API', () => {
  configure({ workers: 2 });
  afterAll(close);

  it('keeps an array in the store: later computes read it and give the bits of computing it again', async () => {
    const x = array.random.uniform([1e6], { chunks: 1e5, seed: 7 }).mul(2);
    const before = native().storeStats().currentBytes;
    const y = await x.persist();
    expect(native().storeStats().currentBytes - before).toBe(8e6); // its 10 chunks of float64, nothing else
    const [kept, fresh] = await compute(y.sqrt().sum(), x.sqrt().sum());
    expect(kept).toBe(fresh);
    const [head] = await compute(y.index('[:3]'));
    const [want] = await compute(x.index('[:3]'));
    expect(head).toEqual(want);
    expect(await y.release()).toBe(true);
    expect(native().storeStats().currentBytes - before).toBe(0);
    expect(await y.release()).toBe(false);
    await expect(compute(y.sum())).rejects.toMatchObject({ code: 'NOT_PERSISTED', message: expect.stringContaining('released by the user') });
  });

  it('chains persists, copies a kept array persisted as it is, and keeps several in one compute', async () => {
    const a = await array.arange(0, 24, 1, { chunks: 5 }).persist();
    const b = await a.reshape([4, 6]).add(1).persist();
    const [same] = await persist(a); // the kept array itself: its own copy, so releasing either leaves the other
    expect(await a.release()).toBe(true);
    expect(await compute(b.sum({ axis: 0 }), same.reshape([2, 12]).index('[1, ::5]'))).toEqual([[40, 44, 48, 52, 56, 60], [12, 17, 22]]);
    const [c, d] = await persist(b.T, b.mul(b).sum());
    expect(await compute(c.index('[5]'), d)).toEqual([[6, 12, 18, 24], 4900]);
    expect(await Promise.all([b, same, c, d].map((k) => k.release()))).toEqual([true, true, true, true]);
  });

  it('releases the least recently used arrays when the memory limit needs room', async () => {
    configure({ memoryLimit: 20 * MB });
    try {
      const make = (seed: number) => array.random.uniform([1e6], { chunks: 2.5e5, seed }).persist(); // 8 MB each
      const p = await make(1);
      const q = await make(2);
      await compute(p.sum()); // p is now more recently used than q
      const r = await make(3); // 24 MB kept > 20 MB: q goes
      expect((await compute(p.max(), r.max())).every((v) => typeof v === 'number')).toBe(true);
      await expect(compute(q.sum())).rejects.toMatchObject({ code: 'NOT_PERSISTED', message: expect.stringContaining('least recently used') });
      // Before a job, kept arrays it does not read go while they hold more than half the limit.
      const [s] = await compute(array.arange(0, 10).sum());
      expect(s).toBe(45);
      await expect(compute(p.sum())).rejects.toMatchObject({ code: 'NOT_PERSISTED' });
      expect(await r.release()).toBe(true); // r was the most recent: kept, and only it
    } finally {
      configure({ memoryLimit: null });
    }
  });

  it('keeps a table\'s column used as an array (its chunks copied from the table\'s, which the job frees)', async () => {
    const dir = tempDir('tessera-persist-sdk-');
    writeFileSync(join(dir, 't.csv'), `k,v\n${Array.from({ length: 1000 }, (_, i) => `${i % 3},${i * 0.5}`).join('\n')}\n`);
    const v = await frame.csv(join(dir, 't.csv'), { blocksize: 4000 }).col('v').values.persist();
    expect(await compute(v.sum(), v.index('[998:]'))).toEqual([249750, [499, 499.5]]);
    expect(await v.release()).toBe(true);
  });

  it('waits for the computes asked for before to release an array they read', async () => {
    const y = await array.random.uniform([4e6], { chunks: 5e5, seed: 9 }).persist();
    const reading = compute(y.sin().cos().sum(), y.exp().mean()); // asked for first, runs for a while
    const released = y.release();
    const [s, m] = await reading;
    expect(typeof s === 'number' && typeof m === 'number').toBe(true);
    expect(await released).toBe(true);
  });
});

describe('persist through the run path the window uses', () => {
  const dir = tempDir('tessera-persist-');
  let engine: Engine;
  let other: Engine | null = null;
  const kept = new PersistedArrays();
  afterAll(async () => {
    kept.clear();
    await other?.close();
    await engine?.close();
  });
  const run = (backend: LocalBackend, spec: object, opts: object = {}) =>
    runSpec(backend, { tessera: 1, datasets: {}, ...spec }, { baseDir: dir, outDir: join(dir, 'out'), persisted: kept, ...opts });

  it('keeps named outputs, lends them to another engine of the process, and checks what persist names', async () => {
    engine = await Engine.start({ workers: 2 });
    const host = new LocalBackend(engine);
    const first = await run(host, { datasets: { x: { arange: [0, 20000], dtype: 'float64', chunks: 3000 } }, outputs: { y: 'x * 3', n: 'x.size' } }, { persist: ['y'], jobName: 'job-1' });
    expect(first.persisted).toEqual({ kept: ['y'], released: [] });
    const y = first.result.outputs.find((o) => o.name === 'y')!;
    expect(y).toMatchObject({ kind: 'array', shape: [20000], persisted: true });
    expect('values' in y && y.values).toBeFalsy(); // too large to return: kept, not written
    expect(kept.list()).toEqual([expect.objectContaining({ name: 'y', dtype: 'float64', shape: [20000], bytes: 160000, job: 'job-1' })]);
    // A job on another engine (another worker count in the window) reads the same chunks.
    other = await Engine.start({ workers: 1 });
    const second = await run(new LocalBackend(other), { datasets: { y: { persisted: 'y' } }, outputs: { s: 'y.sum()', t: 'y[::7000]' } });
    expect(second.result.outputs.map((o) => ('value' in o ? o.value : 'values' in o ? o.values : null))).toEqual([3 * 19999 * 20000 / 2, [0, 21000, 42000]]);

    await expect(run(host, { datasets: { z: { persisted: 'yy' } }, outputs: { s: 'z.sum()' } })).rejects.toMatchObject({ code: 'NOT_PERSISTED', message: expect.stringContaining("Did you mean: 'y'?"), dataset: 'z' });
    await expect(run(host, { datasets: { z: { persisted: 'y', chunks: 5 } }, outputs: { s: 'z.sum()' } })).rejects.toMatchObject({ code: 'BAD_SPEC' });
    await expect(run(host, { outputs: { a: 'arange(3)' } }, { persist: ['b'] })).rejects.toMatchObject({ code: 'BAD_OPTION', message: expect.stringContaining("'b', which is not an output") });
    writeFileSync(join(dir, 't.csv'), 'a,b\n1,2\n3,4\n');
    await expect(run(host, { datasets: { t: { csv: 't.csv' } }, outputs: { m: 't.head(2)' } }, { persist: ['m'] }))
      .rejects.toMatchObject({ code: 'BAD_OPTION', message: expect.stringContaining("'m' is a table") });
    await expect(runSpec(host, { tessera: 1, datasets: { y: { persisted: 'y' } }, outputs: { s: 'y.sum()' } }, { baseDir: dir, outDir: join(dir, 'out') }))
      .rejects.toMatchObject({ code: 'NOT_PERSISTED', message: expect.stringContaining('not by a profile or the CLI') });
  });

  it('counts chunks two kept arrays share once, and releases nothing for a job refused before it runs', async () => {
    const host = new LocalBackend(engine);
    await run(host, { datasets: { x: { arange: [0, 1000], dtype: 'float64', chunks: 300 } }, outputs: { a: 'x * 2', b: 'x * 2' } }, { persist: ['a', 'b'] });
    expect(kept.list().filter((k) => k.name === 'a' || k.name === 'b').map((k) => k.bytes)).toEqual([8000, 8000]);
    const y = kept.list().find((k) => k.name === 'y')!.bytes;
    expect(kept.totalBytes).toBe(y + 8000); // a and b are one set of chunks
    // Refused (persist names no output): the limit's room is not made, so y, a and b stay.
    await expect(run(host, { outputs: { c: 'arange(3)' } }, { persist: ['nope'], memoryLimit: 100 })).rejects.toMatchObject({ code: 'BAD_OPTION' });
    expect(kept.list().map((k) => k.name).sort()).toEqual(['a', 'b', 'y']);
    // A job whose kept reads fill its limit is told its chunks spill.
    const tight = await run(host, { datasets: { y: { persisted: 'y' } }, outputs: { s: '(y + 1).sum()' } }, { memoryLimit: 150000 });
    expect(tight.warnings).toContainEqual(expect.stringContaining('the whole memory limit'));
    expect(tight.persisted?.released.sort()).toEqual(['a', 'b']); // least recently used, not read
    expect(kept.list().map((k) => k.name)).toEqual(['y']);
  });

  it('frees a kept array whose job fails after its arrays ran, and a replaced one once the job that read it is done', async () => {
    const host = new LocalBackend(engine);
    const base = native().storeStats().currentBytes;
    // The arrays run first, then the bag whose function throws: nothing is kept.
    writeFileSync(join(dir, 'fns.mjs'), 'export const boom = () => { throw new Error("boom"); };\n');
    await expect(run(host, { functions: 'fns.mjs', datasets: { s: { range: 4 } }, outputs: { w: 'arange(50000) * 2', b: 's.map(boom).count()' } }, { persist: ['w'], userCode: true }))
      .rejects.toMatchObject({ code: 'USER_FUNCTION_FAILED' });
    expect(kept.list().map((a) => a.name)).toEqual(['y']);
    expect(native().storeStats().currentBytes).toBe(base);
    // The new y reads the old y: it is replaced only after.
    const r = await run(host, { datasets: { y: { persisted: 'y' } }, outputs: { y: 'y + 1' } }, { persist: ['y'] });
    expect(r.persisted?.kept).toEqual(['y']);
    expect(native().storeStats().currentBytes).toBe(base); // the old chunks freed, the new ones as many
    const [s] = (await run(host, { datasets: { y: { persisted: 'y' } }, outputs: { s: 'y[:2]' } })).result.outputs;
    expect('values' in s && s.values).toEqual([1, 4]);
    expect(kept.release('y')).toBe(true);
    expect(native().storeStats().currentBytes).toBe(base - 160000);
  });
});
