/**
 * map_blocks: a user's function on each chunk of an array, in the worker threads. The chunk comes
 * in as a typed array (C order) with its place in the grid, goes out as a typed array of the same
 * shape, and is stored as an array chunk that the rest of the expression reads natively. Against
 * numpy (Debian's python3) over generated shapes, chunkings and worker counts; and the errors: a
 * missing export before any task runs, a throw with its .ts line and the chunk, a wrong length or type.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../dist/src-main/engine/engine.js';
import { TesseraError } from '../dist/src-main/engine/errors.js';
import { buildJob, validateSpec } from '../dist/src-main/run/job-spec.js';
import { type JobResult, runBuiltJob } from '../dist/src-main/run/run-job.js';
import { LocalBackend } from '../dist/src-main/run/local-backend.js';
import { tempDir } from './helpers/engine.js';

const dir = tempDir('tessera-map-blocks-');
const SOURCE = `
interface BlockInfo { dtype: string; shape: number[]; index: number[]; offset: number[] }
export const double = (b: Float64Array): Float64Array => b.map((v) => 2 * v);
export const ident = <T>(b: T): T => b;
/** Each element plus its row number in the whole array (from the chunk's offset). */
export function addRow(b: Float64Array, info: BlockInfo): Float64Array {
  const cols = info.shape[1];
  return b.map((v, i) => v + info.offset[0] + Math.floor(i / cols));
}
export const half32 = (b: Float64Array): Float32Array => Float32Array.from(b, (v) => v / 2);
export const asList = (b: Int32Array): number[] => Array.from(b, (v) => v * 3);
export function failOnSecond(b: Float64Array, info: BlockInfo): Float64Array {
  if (info.index[0] === 1) throw new RangeError('chunk ' + info.index.join(',') + ' is bad');
  return b;
}
export const tooShort = (b: Float64Array): Float64Array => b.subarray(1);
export const wrongType = (b: Float64Array): Int32Array => Int32Array.from(b);
/** Named as numpy's sqrt: in map_blocks the name is the module's. */
export const sqrt = (b: Float64Array): Float64Array => b.map((v) => -v);
export const halves = (b: Int32Array): number[] => Array.from(b, (v) => v / 2);
`;
writeFileSync(join(dir, 'blocks.ts'), SOURCE);

/** numpy's values of `code` (a Python expression over np), as JSON. */
function numpy(code: string): unknown {
  return JSON.parse(execFileSync('/usr/bin/python3', ['-c', `import json, numpy as np\nprint(json.dumps((${code}).tolist()))`], { encoding: 'utf8' }));
}

async function run(engine: Engine, datasets: Record<string, unknown>, outputs: Record<string, string>): Promise<JobResult> {
  const spec = validateSpec({ tessera: 1, functions: 'blocks.ts', datasets, outputs });
  return runBuiltJob(new LocalBackend(engine), await buildJob(spec, dir, { userCode: true }), { outDir: join(dir, 'out') });
}

const values = (r: JobResult, i: number) => (r.outputs[i] as { values?: unknown; value?: unknown }).values ?? (r.outputs[i] as { value?: unknown }).value;

describe('map_blocks', () => {
  let one: Engine;
  let two: Engine;
  beforeAll(async () => { [one, two] = await Promise.all([Engine.start({ workers: 1 }), Engine.start({ workers: 2 })]); });
  afterAll(async () => { await one.close(); await two.close(); });

  it('runs the function on each chunk, and the expression goes on natively from its chunks', async () => {
    const r = await run(two, { x: { arange: 10, dtype: 'float64', chunks: 3 }, m: { arange: 12, dtype: 'float64', chunks: 4 } }, {
      doubled: 'x.map_blocks(double)',
      fused: '(x.map_blocks(double) + 1).sum()',
      spelled: 'map_blocks(double, x ** 2)',
      rows: 'm.reshape(3, 4).rechunk((2, 3)).map_blocks(addRow)',
      f32: 'x.map_blocks(half32, dtype="float32")',
      ints: 'x.astype("int32").map_blocks(asList).sum()',
    });
    expect(values(r, 0)).toEqual(numpy('np.arange(10.0) * 2'));
    expect(values(r, 1)).toEqual(numpy('(np.arange(10.0) * 2 + 1).sum()'));
    expect(values(r, 2)).toEqual(numpy('np.arange(10.0) ** 2 * 2'));
    expect(values(r, 3)).toEqual(numpy('np.arange(12.0).reshape(3, 4) + np.arange(3.0)[:, None]'));
    expect(r.outputs[4]).toMatchObject({ dtype: 'float32', values: numpy('np.arange(10.0, dtype=np.float32) / 2') });
    expect(values(r, 5)).toEqual(numpy('(np.arange(10, dtype=np.int32) * 3).sum()'));
    // One map_blocks task per chunk, named after the function.
    expect(r.layers.filter((l) => l.label.endsWith(' · map_blocks double')).map((l) => l.tasks)).toEqual([4, 4]);
  });

  it('runs on a table column used as an array (chunks kept from the table job)', async () => {
    writeFileSync(join(dir, 't.csv'), `a,b\n${Array.from({ length: 400 }, (_, i) => `${i},${i % 3}`).join('\n')}\n`);
    const r = await run(two, { t: { csv: 't.csv', blocksize: '1KiB' } }, { y: 't.a.values.astype("float64").map_blocks(double).sum()', z: 't.a.values.map_blocks(ident)' });
    expect(values(r, 0)).toBe(numpy('(np.arange(400.0) * 2).sum()'));
    expect(values(r, 1)).toEqual(numpy('np.arange(400)'));
  });

  it('equals numpy for any shape, chunking and worker count', async () => {
    const case_ = fc.record({
      shape: fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 3 }),
      chunk: fc.integer({ min: 1, max: 5 }),
      useTwo: fc.boolean(),
    });
    await fc.assert(fc.asyncProperty(case_, async ({ shape, chunk, useTwo }) => {
      const n = shape.reduce((a, b) => a * b, 1);
      const r = await run(useTwo ? two : one, { x: { arange: n, dtype: 'float64', chunks: chunk } },
        { y: `x.reshape(${shape.join(', ')}).map_blocks(double)`, s: `x.reshape(${shape.join(', ')}).map_blocks(double).sum(axis=0)` });
      const np = `np.arange(${n}.0).reshape(${JSON.stringify(shape)}) * 2`;
      expect(values(r, 0)).toEqual(numpy(np));
      expect(values(r, 1)).toEqual(numpy(`(${np}).sum(axis=0)`));
    }), { numRuns: 12, seed: 20261128 });
  });

  it('a missing export fails before any task runs; a throw names the chunk and the .ts line; a wrong result says what was wanted', async () => {
    const ds = { x: { arange: 10, dtype: 'float64', chunks: 3 } };
    const missing = await run(two, ds, { y: 'x.map_blocks(nope)' }).catch((e) => e) as TesseraError;
    expect(missing).toBeInstanceOf(TesseraError);
    expect(missing.code).toBe('USER_FUNCTION_NOT_FOUND');
    expect(missing.message).toContain("no exported function 'nope'");
    expect(missing.phase).toBe('input');

    const thrown = await run(two, ds, { y: 'x.map_blocks(failOnSecond).sum()' }).catch((e) => e) as TesseraError;
    expect(thrown.code).toBe('USER_FUNCTION_FAILED');
    expect(thrown.message).toContain('failOnSecond');
    expect(thrown.message).toContain('threw on the chunk at index [1] (offset [3], shape [3]): chunk 1 is bad');
    const throwLine = SOURCE.split('\n').findIndex((l) => l.includes('throw new RangeError')) + 1;
    expect(thrown.userStack).toContain(`${join(dir, 'blocks.ts')}:${throwLine}:`); // the throw, in the .ts source
    expect(thrown.task).toMatch(/^map_blocks|blocks-\d+/);

    const short = await run(one, ds, { y: 'x.map_blocks(tooShort)' }).catch((e) => e) as TesseraError;
    expect(short.code).toBe('USER_FUNCTION_FAILED');
    expect(short.message).toContain('returned 2 elements for a chunk of shape [3] (3 elements)');
    const typed = await run(one, ds, { y: 'x.map_blocks(wrongType)' }).catch((e) => e) as TesseraError;
    expect(typed.message).toContain('returned Int32Array for a float64 chunk, which needs a Float64Array');
    expect(typed.hint).toContain("dtype='float32'");

    // Not a user function, and user functions are not callable in expressions.
    await expect(run(one, ds, { y: 'x.map_blocks(3)' })).rejects.toThrow(/map_blocks\(\) takes a function of the job's module/);
    // A list for an integer chunk must hold integers of its dtype.
    const halves = await run(one, ds, { y: 'x.astype("int32").map_blocks(halves)' }).catch((e) => e) as TesseraError;
    expect(halves.message).toContain('returned 0.5 in a list for an int32 chunk (item 1)');
    const called = await run(one, ds, { y: 'double(x)' }).catch((e) => e) as TesseraError;
    expect(called.code).toBe('UNKNOWN_NAME');
    expect(called.hint).toContain('x.map_blocks(double)');
    // A typo is still a typo with a module named; an export named as numpy's sqrt is the export in map_blocks.
    expect((await run(one, ds, { y: 'x + yy' }).catch((e) => e) as TesseraError).code).toBe('UNKNOWN_NAME');
    const named = await run(one, ds, { y: 'x.map_blocks(sqrt).sum()', z: 'sqrt(x).max()' });
    expect([values(named, 0), values(named, 1)]).toEqual([-45, 3]);
    // The next job runs normally.
    expect(values(await run(two, ds, { y: 'x.map_blocks(double).max()' }), 0)).toBe(18);
  });
});
