/**
 * The 'call' task kind: a user's exported function runs in the worker threads (never on the main
 * thread), gets its dependencies' values, and what it returns is stored as a payload chunk in the
 * same store, with the same accounting. Errors carry the user's message, stack and the task key.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../dist/src-main/engine/engine.js';
import { TesseraError } from '../dist/src-main/engine/errors.js';
import { finishGraph } from '../dist/src-main/engine/finish-graph.js';
import type { Layer, Task } from '../dist/src-main/engine/graph.js';
import { readCallResult, type CallSpec } from '../dist/src-main/engine/kinds/call.js';
import { native } from '../dist/src-main/native/addon.js';
import { ExprContext } from '../dist/src-main/collections/array/expr.js';
import { persistArray, unpersistArray } from '../dist/src-main/collections/array/compute.js';
import { arange } from '../dist/src-main/collections/array/index.js';
import { csvTableSource, planCsv, sourceTable } from '../dist/src-main/collections/dataframe/index.js';
import { lowerTables } from '../dist/src-main/collections/dataframe/lower.js';

const dir = mkdtempSync(join(tmpdir(), 'tessera-udf-'));
const MODULE = join(dir, 'udf.mjs');
writeFileSync(MODULE, `
import { threadId } from 'node:worker_threads';
export const make = (start, n) => Array.from({ length: n }, (_, i) => ({ id: start + i, word: 'w' + ((start + i) % 5) }));
export const keepEven = (records) => records.filter((r) => r.id % 2 === 0);
export async function count(...parts) {
  await new Promise((r) => setTimeout(r, 1));
  const counts = {};
  for (const p of parts) for (const r of p) counts[r.word] = (counts[r.word] ?? 0) + 1;
  return { counts, threadId };
}
export function sumDense(a) { let s = 0; for (const v of a.data) s += Number(v); return { dtype: a.dtype, shape: a.shape, sum: s }; }
export function columnSums(t) { return { nrows: t.nrows, names: t.columns.map((c) => c.name), sum: Array.from(t.columns[0].values).reduce((a, b) => a + Number(b), 0) }; }
export function boom(records) { if (records.length) throw new RangeError('bad record ' + records[0].id); return records; }
export const aFunction = () => () => 1;
`);

const call = (key: string, layer: string, name: string, args: CallSpec['args'], deps: string[] = []): Task<CallSpec> => ({
  key, layer, index: [Number(key.split(':')[1] ?? 0)], deps, priority: 0, estBytes: 1024, spec: { kind: 'call', module: MODULE, name, args },
});

/** make(4 partitions) -> keepEven each -> one count over all. */
function wordCountGraph(parts: number, name = 'keepEven') {
  const tasks: Task<CallSpec>[] = [];
  for (let i = 0; i < parts; i++) tasks.push(call(`make:${i}`, 'make', 'make', [{ value: i * 100 }, { value: 100 }]));
  for (let i = 0; i < parts; i++) tasks.push(call(`filter:${i}`, 'filter', name, [{ dep: 0 }], [`make:${i}`]));
  tasks.push(call('count:0', 'count', 'count', tasks.slice(parts).map((_, k) => ({ dep: k })), tasks.slice(parts).map((t) => t.key)));
  const layers: Layer[] = ['make', 'filter', 'count'].map((n) => ({ name: n, label: n, kind: 'call', tasks: 0, deps: [], indexShape: [] }));
  return finishGraph(tasks, layers);
}

/** Runs a graph and returns the value of its `want` task. */
async function run(engine: Engine, graph: ReturnType<typeof wordCountGraph>, want: string): Promise<unknown> {
  const owner = engine.newJob();
  try {
    const r = await engine.run(graph, { owner, keep: new Set([want]) });
    return readCallResult(r.chunks.get(want)!);
  } finally {
    engine.freeJob(owner);
  }
}

function expectedCounts(parts: number): Record<string, number> {
  const counts: Record<string, number> = {};
  for (let id = 0; id < parts * 100; id++) if (id % 2 === 0) counts[`w${id % 5}`] = (counts[`w${id % 5}`] ?? 0) + 1;
  return counts;
}

describe('user functions in worker threads', () => {
  let engine: Engine;
  beforeAll(async () => { engine = await Engine.start({ workers: 2 }); });
  afterAll(async () => { await engine.close(); });

  it('runs a graph of user functions in the workers and returns what the last one made', async () => {
    const before = native().storeStats().currentBytes;
    const out = await run(engine, wordCountGraph(4), 'count:0') as { counts: Record<string, number>; threadId: number };
    expect(out.counts).toEqual(expectedCounts(4));
    expect(out.threadId).toBeGreaterThan(0); // a worker thread, not the main thread (0)
    expect(native().storeStats().currentBytes).toBe(before); // every payload chunk freed with the job
  });

  it('counts payload chunks in the store like any other chunk', async () => {
    const owner = engine.newJob();
    try {
      const r = await engine.run(wordCountGraph(3), { owner, keep: new Set(['make:0']) });
      expect(r.stats.peak_store_bytes).toBeGreaterThan(0);
      const held = native().storeStats().owners[String(owner)].currentBytes;
      expect(held).toBe(native().getBytes(r.chunks.get('make:0')!).byteLength);
      expect((readCallResult(r.chunks.get('make:0')!) as unknown[]).length).toBe(100);
      const made = r.records.find((t) => t.key === 'make:0')!;
      expect(made.bytesOut).toBe(held);
    } finally {
      engine.freeJob(owner);
    }
    expect(native().storeStats().owners[String(owner)]).toBeUndefined();
  });

  it('gives a function a dense array chunk as { dtype, shape, data }', async () => {
    const ctx = new ExprContext();
    const stored = await persistArray(engine, ctx, arange(ctx, 0, 1000, 1, 'int64', [1000]));
    try {
      const key = stored.source.kind === 'stored' ? stored.source.keys[0] : '';
      const graph = finishGraph([call('sum:0', 'sum', 'sumDense', [{ dep: 0 }], [key])], [{ name: 'sum', label: 'sum', kind: 'call', tasks: 1, deps: [], indexShape: [] }]);
      expect(await run(engine, graph, 'sum:0')).toEqual({ dtype: 'int64', shape: [1000], sum: 499500 });
    } finally {
      unpersistArray(engine, stored);
    }
  });

  it('gives a function a table partition as { nrows, columns }', async () => {
    const csv = join(dir, 'small.csv');
    writeFileSync(csv, 'n,name\n1,a\n2,b\n39,c\n');
    const read = lowerTables([{ name: 't', node: sourceTable(csvTableSource(await planCsv([csv]))) }]);
    const tasks = [...read.tasks, call('sums:0', 'sums', 'columnSums', [{ dep: 0 }], [read.tasks[0].key])] as Task<CallSpec>[];
    const graph = finishGraph(tasks, [...read.layers, { name: 'sums', label: 'sums', kind: 'call', tasks: 1, deps: [], indexShape: [] }]);
    expect(await run(engine, graph, 'sums:0')).toEqual({ nrows: 3, names: ['n', 'name'], sum: 42 });
  });

  it('a function that throws fails the job with its message, its stack and the task key', async () => {
    const err = await run(engine, wordCountGraph(2, 'boom'), 'count:0').catch((e) => e) as TesseraError;
    expect(err).toBeInstanceOf(TesseraError);
    expect(err.code).toBe('USER_FUNCTION_FAILED');
    expect(err.message).toMatch(/boom .*threw: bad record (0|100)/);
    expect(err.task).toMatch(/^filter:[01]$/);
    expect(err.userStack).toContain('RangeError: bad record');
    expect(err.userStack).toContain('udf.mjs');
    expect(err.toJSON().userStack).toBe(err.userStack);
  });

  it('a missing module, a missing export and a value that cannot be stored are typed errors', async () => {
    const one = (spec: Partial<CallSpec>) => finishGraph([{ ...call('x:0', 'x', 'make', [{ value: 0 }, { value: 1 }]), spec: { ...call('x:0', 'x', 'make', [{ value: 0 }, { value: 1 }]).spec, ...spec } }],
      [{ name: 'x', label: 'x', kind: 'call', tasks: 1, deps: [], indexShape: [] }]);
    const missing = await run(engine, one({ module: join(dir, 'nope.mjs') }), 'x:0').catch((e) => e);
    expect(missing.code).toBe('USER_MODULE_NOT_FOUND');
    const noExport = await run(engine, one({ name: 'nothing' }), 'x:0').catch((e) => e);
    expect(noExport.code).toBe('USER_FUNCTION_NOT_FOUND');
    expect(noExport.hint).toContain('keepEven');
    const fn = await run(engine, one({ name: 'aFunction', args: [] }), 'x:0').catch((e) => e);
    expect(fn.code).toBe('USER_FUNCTION_FAILED');
    expect(fn.message).toContain('cannot be stored');
    const relative = await run(engine, one({ module: 'udf.mjs' }), 'x:0').catch((e) => e);
    expect(relative.code).toBe('BAD_ARGUMENT');
  });

  it('the sync scheduler (everything on the main thread) refuses user functions', async () => {
    const sync = await Engine.start({ scheduler: 'sync' });
    try {
      const err = await run(sync, wordCountGraph(1), 'count:0').catch((e) => e);
      expect(err.code).toBe('USER_CODE_ON_MAIN_THREAD');
    } finally {
      await sync.close();
    }
  });
});
