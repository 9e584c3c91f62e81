/**
 * The job spec's "delayed" section: the user's functions (a TypeScript module the spec names)
 * called as a graph, dask.delayed's way, and joblib-style maps over a list with the batch size
 * measured. Every entry runs once per job however many use it; errors are typed and name the
 * task, the item and the .ts line; a missing module or function fails before the job runs.
 */
import { utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { TesseraError } from '../dist/src-main/engine/errors.js';
import { buildJob, validateSpec } from '../dist/src-main/run/job-spec.js';
import { runBuiltJob } from '../dist/src-main/run/run-job.js';
import { LocalBackend } from '../dist/src-main/run/local-backend.js';
import { tempDir, useEngine } from './helpers/engine.js';
import { tessera } from './helpers/cli.js';
import { execFileSync } from 'node:child_process';

/** numpy's values of `code` (a Python expression over np), flat, as JSON. */
const numpy = (code: string): unknown => JSON.parse(execFileSync('/usr/bin/python3', ['-c', `import json, numpy as np\nprint(json.dumps((${code}).tolist()))`], { encoding: 'utf8' }));

const engine = useEngine();

const PIPELINE = `export const inc = (x: number): number => x + 1;
export const double = (x: number): number => x * 2;
export const add = (x: number, y: number): number => x + y;
export const total = (...xs: number[]): number => xs.reduce((a, b) => a + b, 0);
export const sumList = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);
export const square = (x: number): number => x * x;
export function checked(x: number): number {
  if (x === 3) {
    throw new RangeError(\`cannot take \${x}\`);
  }
  return x;
}
export const histogram = (xs: number[]): Map<string, number> => new Map(xs.map((x) => [String(x % 3), x]));
export const ramp = (n: number): Float64Array => Float64Array.from({ length: n }, (_, i) => i / 2);
export const huge = (): bigint => 2n ** 70n;
interface Dense { dtype: string; shape: number[]; data: ArrayLike<number | bigint> }
export const describeArray = (a: Dense) => ({ dtype: a.dtype, shape: a.shape, kind: a.data.constructor.name, values: Array.from(a.data, Number) });
export const pair = (a: unknown, b: unknown) => [a, b];
export const spell = (a: Dense) => Array.from(a.data as ArrayLike<number>, (v) => (Object.is(v, -0) ? '-0' : String(v)));
export const kindOf = (v: unknown) => [typeof v, String(v)];
export const isEven = (x: number): boolean => x % 2 === 0;
export const later = async (x: number): Promise<number> => { await new Promise((r) => setTimeout(r, 0)); return x * 10; };
export const nothing = (): undefined => undefined;
`;

function project(spec: Record<string, unknown>): string {
  const dir = tempDir('tessera-delayed-');
  writeFileSync(join(dir, 'pipeline.ts'), PIPELINE);
  writeFileSync(join(dir, 'job.json'), JSON.stringify({ tessera: 1, functions: 'pipeline.ts', ...spec }));
  return dir;
}

async function run(spec: Record<string, unknown>, dir = project(spec)) {
  const job = await buildJob(validateSpec({ tessera: 1, functions: 'pipeline.ts', ...spec }), dir, { userCode: true });
  return runBuiltJob(new LocalBackend(engine()), job, { outDir: join(dir, 'out') });
}

/** The seed's example: for x in 1..5, add(inc(x), double(x)), summed. */
function seed(): Record<string, unknown> {
  const delayed: Record<string, unknown> = {};
  for (const x of [1, 2, 3, 4, 5]) {
    delayed[`a${x}`] = { call: 'inc', args: [x] };
    delayed[`b${x}`] = { call: 'double', args: [x] };
    delayed[`c${x}`] = { call: 'add', args: [{ ref: `a${x}` }, { ref: `b${x}` }] };
  }
  delayed.total = { call: 'total', args: [1, 2, 3, 4, 5].map((x) => ({ ref: `c${x}` })) };
  return { delayed, outputs: { total: 'total', c2: 'c2', again: 'c2' } };
}

describe('delayed calls of the user\'s functions', () => {
  it('gives the seed\'s answer, and computes a value several outputs share once', async () => {
    const r = await run(seed());
    expect(r.outputs.map((o) => [o.name, o.kind, 'value' in o ? o.value : null])).toEqual([['total', 'value', 50], ['c2', 'value', 7], ['again', 'value', 7]]);
    const calls = r.records.filter((t) => /^[abc]\d$|^total$/.test(t.layer));
    expect(calls.length).toBe(16); // 15 calls and the total, each once
    expect(new Set(calls.map((t) => t.key)).size).toBe(16);
    expect(calls.every((t) => t.worker >= 0)).toBe(true);
  });

  it('maps a function over a list, batching small calls from measured times, and a call gets the whole list', async () => {
    const over = Array.from({ length: 10_000 }, (_, i) => i);
    const r = await run({ delayed: { sq: { map: 'square', over }, s: { call: 'sumList', args: [{ ref: 'sq' }] } }, outputs: { s: 's', sq: 'sq' } });
    expect(r.outputs[0]).toMatchObject({ kind: 'value', value: over.reduce((a, x) => a + x * x, 0) });
    expect(r.outputs[1]).toMatchObject({ kind: 'value', value: over.map((x) => x * x) });
    const probes = r.records.filter((t) => t.layer === 'sq-probe');
    const batches = r.records.filter((t) => t.layer === 'sq');
    expect(probes.length).toBe(8); // 4 per worker, 8 calls each
    // Batched from the measured time: a few tasks of hundreds of calls, not one per call. (A
    // probe task's own cost, ~0.1 ms, counts as its calls' here, as joblib's timings count theirs.)
    expect(batches.length).toBeGreaterThanOrEqual(8); // at least 4 per worker
    expect(batches.length).toBeLessThanOrEqual(100);
    expect(r.layers.find((l) => l.name === 'sq')!.label).toMatch(/^map square \(batches of \d+\)$/);
  });

  it('a repeated map on an unchanged module skips the exports check and the probe; an edit probes again', async () => {
    const over = Array.from({ length: 2_000 }, (_, i) => i);
    const spec = { delayed: { sq: { map: 'square', over } }, outputs: { sq: 'sq' } };
    const dir = project(spec);
    const first = await run(spec, dir);
    expect(first.records.filter((t) => t.layer === 'sq-probe').length).toBe(8);
    const again = await run(spec, dir);
    expect(again.records.filter((t) => t.layer === 'sq-probe').length).toBe(0);
    expect(again.records.filter((t) => t.layer === 'sq').length).toBeGreaterThanOrEqual(8); // batched from the time measured before
    expect(again.outputs[0]).toMatchObject({ value: over.map((x) => x * x) });
    writeFileSync(join(dir, 'pipeline.ts'), PIPELINE.replace('x * x;', 'x * x + 0;'));
    utimesSync(join(dir, 'pipeline.ts'), 2_000_000_000, 2_000_000_000); // a new version of the folder
    const edited = await run(spec, dir);
    expect(edited.records.filter((t) => t.layer === 'sq-probe').length).toBe(8);
  });

  it('lowers a map of hundreds of thousands of batches (no argument spread over the batch list)', async () => {
    const { lowerDelayed, parseDelayed } = await import('../dist/src-main/collections/delayed/index.js');
    const entries = parseDelayed({ xs: { map: 'inc', over: [] } });
    const batches = new Map([['xs', Array.from({ length: 300_000 }, (_, i) => ({ items: [i] }))]]);
    const { graph, keys } = lowerDelayed({ path: '/m.mjs', version: '1' }, entries, ['xs'], batches);
    expect(graph.tasks.length).toBe(300_000);
    expect(keys.get('xs')!.length).toBe(300_000);
    expect(graph.layers[0].label).toBe('map inc');
  });

  it('a map awaits a function that returns a promise, and keeps what a plain one returns (undefined too)', async () => {
    const r = await run({ delayed: { xs: { map: 'later', over: [1, 2, 3], batch: 2 }, ns: { map: 'nothing', over: [1, 2], batch: 2 } }, outputs: { xs: 'xs', ns: 'ns' } });
    expect((r.outputs[0] as { value: unknown }).value).toEqual([10, 20, 30]);
    expect((r.outputs[1] as { value: unknown }).value).toEqual([null, null]);
  });

  it('a fixed batch size makes that many calls per task', async () => {
    const r = await run({ delayed: { sq: { map: 'square', over: [1, 2, 3, 4, 5, 6, 7], batch: 3 } }, outputs: { sq: 'sq' } });
    expect(r.outputs[0]).toMatchObject({ value: [1, 4, 9, 16, 25, 36, 49] });
    expect(r.records.filter((t) => t.layer === 'sq').length).toBe(3);
  });

  it('takes arrays, bags and datasets as arguments: expressions computed first, arrays as typed arrays', async () => {
    const r = await run({
      datasets: { x: { arange: 10, dtype: 'int64', chunks: 3 }, t: { range: 20, npartitions: 3 } },
      delayed: {
        whole: { call: 'describeArray', args: [{ ref: 'x' }] },
        turned: { call: 'describeArray', args: [{ expr: 'x.reshape(2, 5).T * 1.5' }] },
        sums: { call: 'pair', args: [{ expr: 'x.sum()' }, { expr: 't.filter(isEven).map(inc).sum()' }] },
        listed: { call: 'sumList', args: [{ expr: 't.filter(isEven)' }] },
        special: { call: 'spell', args: [{ expr: 'where(x < 5, -(x / 0), -(x * 0.0))' }] },
        big: { call: 'kindOf', args: [{ expr: 'x.sum() + 9007199254740993' }] },
        inf: { call: 'kindOf', args: [{ expr: 'x.sum() / 0' }] },
        unused: { call: 'kindOf', args: [{ expr: 'x.map_blocks(nope)' }] },
      },
      outputs: { whole: 'whole', turned: 'turned', sums: 'sums', listed: 'listed', special: 'special', big: 'big', inf: 'inf' },
    });
    const [whole, turned, sums, listed, special, big, inf] = r.outputs as { value: unknown }[];
    // NaN, infinities and -0 cross as they are (numpy's np.where(x < 5, -(x / 0), -(x * 0.0))).
    expect(special.value).toEqual(['NaN', '-Infinity', '-Infinity', '-Infinity', '-Infinity', '-0', '-0', '-0', '-0', '-0']);
    expect(big.value).toEqual(['bigint', '9007199254741038']);
    expect(inf.value).toEqual(['number', 'Infinity']);
    expect(whole.value).toEqual({ dtype: 'int64', shape: [10], kind: 'BigInt64Array', values: numpy('np.arange(10)') });
    expect(turned.value).toEqual({ dtype: 'float64', shape: [5, 2], kind: 'Float64Array', values: numpy('(np.arange(10).reshape(2, 5).T * 1.5).ravel()') });
    expect(sums.value).toEqual([45, 100]);
    expect(listed.value).toBe(90);
    // The arguments' runs are in the job's layers, before the calls.
    expect(r.layers.map((l) => l.label)).toEqual(expect.arrayContaining(['describeArray()', 'pair()']));

    const tableSpec = { datasets: { c: { csv: 'c.csv' } }, delayed: { a: { call: 'inc', args: [{ expr: 'c.a.sum()' }] } }, outputs: { a: 'a' } };
    const dir = project(tableSpec);
    writeFileSync(join(dir, 'c.csv'), 'a,b\n1,2\n');
    const table = await run(tableSpec, dir).catch((e) => e) as TesseraError;
    expect(table.code).toBe('BAD_SPEC');
    expect(table.message).toBe("delayed 'a', argument 1 reads the table 'c': a delayed argument is an array or bag expression");
    const typo = await run({ datasets: { x: { arange: 4 } }, delayed: { a: { call: 'describeArray', args: [{ expr: 'x.summ()' }] } }, outputs: { a: 'a' } }).catch((e) => e) as TesseraError;
    expect(typo.message).toContain("delayed 'a', argument 1 (x.summ()): array has no attribute 'summ'");
    const cut = await run({ datasets: { x: { arange: 4 } }, delayed: { a: { call: 'describeArray', args: [{ expr: 'x.sum(' }] } }, outputs: { a: 'a' } }).catch((e) => e) as TesseraError;
    expect(cut.message).toMatch(/^delayed 'a', argument 1 \(x\.sum\(\): /);
  });

  it('returns typed arrays as array outputs and other values as JSON says them', async () => {
    const r = await run({
      delayed: { h: { call: 'histogram', args: [[1, 2, 3, 4]] }, ramp: { call: 'ramp', args: [4] }, big: { call: 'huge' }, lit: { call: 'inc', args: [{ value: 41 }] } },
      outputs: { h: 'h', ramp: 'ramp', big: 'big', lit: 'lit' },
    });
    expect(r.outputs).toEqual([
      { name: 'h', kind: 'value', value: { 0: 3, 1: 4, 2: 2 } },
      { name: 'ramp', kind: 'array', dtype: 'float64', shape: [4], values: [0, 0.5, 1, 1.5] },
      { name: 'big', kind: 'value', value: '1180591620717411303424' },
      { name: 'lit', kind: 'value', value: 42 },
    ]);
  });

  it('a throwing function fails the job with its message, the item, the .ts line and the task', async () => {
    const dir = project({});
    const err = await run({ delayed: { xs: { map: 'checked', over: [1, 2, 3, 4], batch: 2 } }, outputs: { xs: 'xs' } }, dir).catch((e) => e) as TesseraError;
    expect(err).toBeInstanceOf(TesseraError);
    expect(err.code).toBe('USER_FUNCTION_FAILED');
    expect(err.message).toContain('cannot take 3');
    expect(err.message).toContain('on 3 (item 0 of this batch)');
    expect(err.task).toBe('xs:1');
    expect(err.userStack).toContain(`${join(dir, 'pipeline.ts')}:9:11`);
    // The next job runs normally.
    expect((await run(seed())).outputs[0]).toMatchObject({ value: 50 });
  });

  it('a missing module or function is a typed error before the job runs (exit 2 from the CLI)', async () => {
    const missingFn = await run({ delayed: { a: { call: 'nope', args: [] } }, outputs: { a: 'a' } }).catch((e) => e) as TesseraError;
    expect(missingFn.code).toBe('USER_FUNCTION_NOT_FOUND');
    expect(missingFn.hint).toBe('its exported functions: add, checked, describeArray, double, histogram, huge, inc, isEven, kindOf, later, nothing, pair, ramp, spell, square, sumList, total');
    expect(missingFn.task).toBeUndefined();
    const dir = project({});
    const job = await buildJob(validateSpec({ tessera: 1, functions: 'gone.ts', delayed: { a: { call: 'inc', args: [1] } }, outputs: { a: 'a' } }), dir, { userCode: true });
    const missingModule = await runBuiltJob(new LocalBackend(engine()), job, { outDir: join(dir, 'out') }).catch((e) => e) as TesseraError;
    expect(missingModule.code).toBe('USER_MODULE_NOT_FOUND');

    const cliDir = project({ delayed: { a: { call: 'nope', args: [] } }, outputs: { a: 'a' } });
    const cli = tessera(['run', 'job.json', '--json'], cliDir);
    expect(cli.status).toBe(2);
    expect(cli.stderr).toContain('USER_FUNCTION_NOT_FOUND');
    const ok = tessera(['run', 'job.json', '--json'], project(seed()));
    expect(ok.status).toBe(0);
    expect(JSON.parse(ok.stdout).outputs.total).toEqual({ kind: 'value', value: 50 });
    const example = tessera(['run', fileURLToPath(new URL('../examples/delayed/job.json', import.meta.url)), '--json'], tempDir());
    expect(JSON.parse(example.stdout).outputs).toEqual({ total: { kind: 'value', value: 50 } });
  });

  it('refuses bad delayed sections with BAD_SPEC, and user code in a window\'s job', async () => {
    const bad = (spec: Record<string, unknown>) => { try { validateSpec({ tessera: 1, outputs: { a: 'a' }, ...spec }); return null; } catch (e) { return (e as TesseraError).message; } };
    expect(bad({ delayed: { a: { call: 'inc' } } })).toContain('names no "functions" module');
    expect(bad({ functions: 'p.ts', delayed: { a: { call: 'inc', args: [{ ref: 'b' }] } } })).toContain("refers to 'b'");
    expect(bad({ functions: 'p.ts', delayed: { a: { call: 'inc', args: [{ ref: 'b' }] }, b: { call: 'inc', args: [{ ref: 'a' }] } } })).toContain('depends on itself');
    expect(bad({ functions: 'p.ts', delayed: { a: { map: 'inc', over: 3 } } })).toContain('"over" must be a list');
    expect(bad({ functions: 'p.ts', delayed: { a: { call: 'inc', kwargs: {} } } })).toContain('unknown key "kwargs"');
    const dir = project({});
    const mixed = await buildJob(validateSpec({ tessera: 1, functions: 'pipeline.ts', delayed: { a: { call: 'inc', args: [1] } }, outputs: { b: 'a + 1' } }), dir, { userCode: true }).catch((e) => e);
    expect(mixed.message).toContain("uses the delayed entry 'a' inside an expression");
    const fromWindow = await buildJob(validateSpec({ tessera: 1, functions: 'pipeline.ts', delayed: { a: { call: 'inc', args: [1] } }, outputs: { a: 'a' } }), dir,
      { readable: async () => {} }).catch((e) => e);
    expect(fromWindow.code).toBe('USER_CODE_FORBIDDEN');
    const unsaid = await buildJob(validateSpec({ tessera: 1, functions: 'pipeline.ts', delayed: { a: { call: 'inc', args: [1] } }, outputs: { a: 'a' } }), dir).catch((e) => e);
    expect(unsaid.code).toBe('USER_CODE_FORBIDDEN'); // user code runs only when the caller says so
  });
});
