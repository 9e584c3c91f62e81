/**
 * The task stream, from the engine's task log to the window's columns: the scheduler logs every
 * task of a real job (worker threads, addon), a watcher taking batches while it runs sees each
 * finished task exactly once, named by layer and chunk number, and the wire carries the columns
 * as one binary frame that decodes to the same arrays.
 */
import { describe, expect, it } from 'vitest';
import { chunkIndex, chunkNumber, ChunkState, narrowColumn, recordsToColumns } from '../dist/src-main/api/task-columns.js';
import { decodeMessage, encodeMessage } from '../dist/src-main/api/wire.js';
import { TaskLog, TaskState } from '../dist/src-main/engine/task-log.js';
import { TaskStream } from '../dist/src-main/service/task-stream.js';
import { buildJob, validateSpec } from '../dist/src-main/run/job-spec.js';
import { runBuiltJob } from '../dist/src-main/run/run-job.js';
import { LocalBackend } from '../dist/src-main/run/local-backend.js';
import { tempDir, useEngine } from './helpers/engine.js';

const engine = useEngine();

describe('task log and task stream', () => {
  it('streams every finished task once, by layer and chunk number, while the job runs', async () => {
    const dir = tempDir();
    const job = await buildJob(validateSpec({ tessera: 1, datasets: { x: { random: 'uniform', shape: [600, 400], seed: 2, chunks: [50, 40] } }, outputs: { m: '(x - x.mean(axis=0)).std(axis=1)' } }), dir);
    const log = new TaskLog();
    const stream = new TaskStream(log);
    const batches: ReturnType<TaskStream['takeTasks']>[] = [];
    const changes: ReturnType<TaskStream['takeChunks']>[] = [];
    const take = () => { changes.push(stream.takeChunks()); batches.push(stream.takeTasks()); };
    const timer = setInterval(take, 2);
    const result = await runBuiltJob(new LocalBackend(engine()), job, { outDir: dir, log });
    clearInterval(timer);
    take();
    const g = log.graph!;
    // The records a job returns are the log's, in finishing order.
    expect(log.finished).toBe(g.tasks.length);
    expect(result.records.map((r) => r.key)).toEqual([...log.task.subarray(0, log.finished)].map((i) => g.tasks[i].key));
    expect([...log.state].every((s) => s === TaskState.Finished)).toBe(true);
    const keyOf = (layer: number, chunk: number) => `${g.layers[layer].name}:${chunkIndex(chunk, g.layers[layer].indexShape).join(',')}`;
    const got = batches.filter((b) => b !== null);
    expect(got.length).toBeGreaterThan(1); // taken in several batches, not only at the end
    const keys = got.flatMap((b) => [...b!.layer].map((l, k) => keyOf(l, b!.chunk[k])));
    expect(keys).toEqual(result.records.map((r) => r.key));
    const flatStart = got.flatMap((b) => [...b!.start]);
    expect(flatStart).toEqual(result.records.map((r) => r.start));
    // Every column, narrowed or not, holds exactly the records' values.
    for (const col of ['stop', 'worker', 'bytesIn', 'bytesOut'] as const) expect(got.flatMap((b) => [...b![col]])).toEqual(result.records.map((r) => r[col]));
    expect(got.every((b) => b!.layer instanceof Uint8Array && b!.worker instanceof Uint8Array)).toBe(true);
    // Chunk changes: running for tasks seen running at a take, released once each.
    const all = changes.filter((c) => c !== null).flatMap((c) => [...c!.layer].map((l, k) => ({ key: keyOf(l, c!.chunk[k]), state: c!.state[k] })));
    const released = all.filter((c) => c.state === ChunkState.Released).map((c) => c.key);
    expect(new Set(released).size).toBe(released.length);
    for (const k of released) expect(keys).toContain(k);
    expect(released.length).toBeGreaterThan(g.tasks.length / 2);
    // A grid layer's index shape is its chunk counts (12 x 10 chunks).
    expect(g.layers.some((l) => l.indexShape.join() === '12,10')).toBe(true);
  });

  it('streams a spilling job\'s disk work as two layers after the graph\'s, announced once before the first of it', async () => {
    const dir = tempDir();
    // exp(z) + 1 read by two outputs through different rechunkings: all 32 MB live at once, the limit 12 MB.
    const job = await buildJob(validateSpec({
      tessera: 1, datasets: { z: { random: 'uniform', shape: [2_000, 2_000], seed: 5, chunks: [250, 250] } },
      outputs: { cols: '(exp(z) + 1).rechunk((2000, 100)).sum(axis=0)', rows: '(exp(z) + 1).rechunk((100, 2000)).sum(axis=1)' },
    }), dir);
    const log = new TaskLog();
    const stream = new TaskStream(log);
    const taken: { layers: ReturnType<TaskStream['takeLayers']>; tasks: ReturnType<TaskStream['takeTasks']> }[] = [];
    const take = () => taken.push({ layers: stream.takeLayers(), tasks: stream.takeTasks() });
    const timer = setInterval(take, 2);
    const result = await runBuiltJob(new LocalBackend(engine()), job, { outDir: dir, log, memoryLimit: 12_000_000 });
    clearInterval(timer);
    take();
    const g = log.graph!;
    const disk = result.records.filter((r) => r.kind === 'spill' || r.kind === 'unspill');
    expect(disk.filter((r) => r.kind === 'spill').length).toBeGreaterThan(0);
    expect(disk.filter((r) => r.kind === 'unspill').length).toBeGreaterThan(0);
    // The layers come once, before (or with) the first batch that holds disk work.
    const announced = taken.findIndex((t) => t.layers);
    expect(taken.filter((t) => t.layers)).toHaveLength(1);
    expect(taken[announced].layers!.map((l) => [l.name, l.kind, l.label, l.indexShape])).toEqual([
      ['spill', 'spill', 'spill to disk', [g.tasks.length]], ['unspill', 'unspill', 'read back from disk', [g.tasks.length]],
    ]);
    const layers = [...g.layers, ...taken[announced].layers!];
    const firstDisk = taken.findIndex((t) => t.tasks && [...t.tasks.layer].some((l) => l >= g.layers.length));
    expect(firstDisk).toBeGreaterThanOrEqual(announced);
    // Every record, disk work included, comes once, by layer and chunk number, with its values.
    const got = taken.flatMap((t) => (t.tasks ? [...t.tasks.layer].map((l, k) => ({
      key: `${layers[l].name}:${chunkIndex(t.tasks!.chunk[k], layers[l].indexShape!).join(',')}`,
      worker: t.tasks!.worker[k], start: t.tasks!.start[k], bytesIn: t.tasks!.bytesIn[k], bytesOut: t.tasks!.bytesOut[k],
    })) : []));
    const want = result.records.map((r) => ({ key: r.key, worker: r.worker, start: r.start, bytesIn: r.bytesIn, bytesOut: r.bytesOut }));
    const byKey = (a: { key: string }, b: { key: string }) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
    expect([...got].sort(byKey)).toEqual([...want].sort(byKey));
    // On a lane after the workers', a spill's bytes going out of memory and a read back's coming in.
    expect(new Set(disk.map((r) => r.worker))).toEqual(new Set([engine().workers]));
    expect(disk.every((r) => (r.kind === 'spill' ? r.bytesIn > 0 && r.bytesOut === 0 : r.bytesOut > 0 && r.bytesIn === 0))).toBe(true);
  }, 60_000);

  it('narrows a column to the smallest typed array that holds every value exactly', () => {
    const cases: [number[], string][] = [
      [[], 'Uint8Array'], [[0, 255], 'Uint8Array'], [[0, 256], 'Uint16Array'], [[65535], 'Uint16Array'], [[65536], 'Int32Array'],
      [[-1, 3], 'Int32Array'], [[-(2 ** 31), 2 ** 31 - 1], 'Int32Array'], [[2 ** 31], 'Uint32Array'], [[2 ** 32 - 1], 'Uint32Array'],
      [[2 ** 32], 'Float64Array'], [[-(2 ** 31) - 1], 'Float64Array'], [[0.5], 'Float64Array'], [[1, NaN], 'Float64Array'], [[2 ** 53, 1e300], 'Float64Array'],
    ];
    for (const [values, type] of cases) {
      for (const input of [Float64Array.from(values), values]) {
        const out = narrowColumn(input);
        expect(out.constructor.name, String(values)).toBe(type);
        expect([...out]).toEqual(values);
      }
    }
    // A copy: the source's buffer may be reused.
    const src = Int32Array.of(1, 2);
    const out = narrowColumn(src.subarray(1));
    src[1] = 9;
    expect([...out]).toEqual([2]);
  });

  it('numbers chunks in C order within a layer\'s index shape, and back', () => {
    expect(chunkNumber([2, 1], [5, 3])).toBe(7);
    expect(chunkIndex(7, [5, 3])).toEqual([2, 1]);
    expect(chunkNumber([], [])).toBe(0);
    expect(chunkIndex(0, [])).toEqual([]);
    expect(chunkNumber([5, 0], [5, 3])).toBe(-1);
    expect(chunkNumber([1], [5, 3])).toBe(-1);
    for (let n = 0; n < 60; n++) expect(chunkNumber(chunkIndex(n, [3, 4, 5]), [3, 4, 5])).toBe(n);
  });

  it('turns a history\'s records into columns, filling index shapes the history lacks', () => {
    const rec = (key: string, start: number) => ({ key, layer: key.split(':')[0], kind: 'map', worker: 1, start, stop: start + 1, bytesIn: 8, bytesOut: 16 });
    const records = [rec('a:0,1', 10), rec('a:1,2', 11), rec('sum:', 12), rec('b:3', 13)];
    const { batch, layers } = recordsToColumns(records, [{ name: 'a' }, { name: 'sum', indexShape: [] }]);
    expect(layers).toEqual([{ name: 'a', indexShape: [2, 3] }, { name: 'sum', indexShape: [] }, { name: 'b', indexShape: [4] }]);
    expect([...batch.layer]).toEqual([0, 0, 1, 2]);
    expect([...batch.chunk]).toEqual([1, 5, 0, 3]);
    expect([...batch.start]).toEqual([10, 11, 12, 13]);
    expect([...batch.bytesOut]).toEqual([16, 16, 16, 16]);
  });
});

describe('wire frames', () => {
  it('sends messages without typed arrays as JSON text', () => {
    const m = { event: 'job.progress', data: { jobId: 'j', done: 1, nested: [{ a: 'x' }] } };
    const wire = encodeMessage(m);
    expect(typeof wire).toBe('string');
    expect(decodeMessage(wire)).toEqual(m);
  });

  it('sends typed arrays as one aligned binary frame that decodes to equal arrays, viewed in place', () => {
    const m = {
      event: 'job.tasks',
      data: { jobId: 'j-ü', layer: Int32Array.of(0, 1, -1), chunk: new Int32Array(0), state: Uint8Array.of(1, 3, 255, 7, 9), start: Float64Array.of(1.5, NaN, -0, 1e300), nested: { f: Float32Array.of(0.25) } },
    };
    const wire = encodeMessage(m);
    expect(wire).toBeInstanceOf(Uint8Array);
    // Delivered at an odd offset inside a larger buffer (as a transport may): still decodes.
    const shifted = new Uint8Array((wire as Uint8Array).length + 3);
    shifted.set(wire as Uint8Array, 3);
    for (const input of [wire as Uint8Array, (wire as Uint8Array).slice().buffer, shifted.subarray(3)]) {
      const back = decodeMessage(input) as typeof m;
      expect(back.event).toBe('job.tasks');
      expect(back.data.jobId).toBe('j-ü');
      expect(back.data.layer).toBeInstanceOf(Int32Array);
      expect([...back.data.layer]).toEqual([0, 1, -1]);
      expect(back.data.chunk.length).toBe(0);
      expect([...back.data.state]).toEqual([1, 3, 255, 7, 9]);
      expect(Object.is(back.data.start[2], -0)).toBe(true);
      expect(back.data.start[1]).toBeNaN();
      expect(back.data.start[3]).toBe(1e300);
      expect(back.data.nested.f[0]).toBe(0.25);
      expect(back.data.start.byteOffset % 8).toBe(0);
    }
  });

  it('rejects frames that are not Tessera frames or are cut short', () => {
    const wire = encodeMessage({ a: Float64Array.of(1, 2, 3) }) as Uint8Array;
    expect(() => decodeMessage(Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8, 9))).toThrow(/not a Tessera frame/);
    expect(() => decodeMessage(wire.subarray(0, 12))).toThrow(/truncated/);
    expect(() => decodeMessage(wire.subarray(0, wire.length - 8))).toThrow(/bad array/);
  });
});
