/**
 * Task kinds are registered in one place per side: every TS encoder's output is read back by the
 * native decoder of the same code (checkEncoded decodes and validates without running), and the
 * combine tree has a shape that depends only on the number of partials.
 */
import { describe, expect, it } from 'vitest';
import { Engine } from '../dist/src-main/engine/engine.js';
import { finishGraph } from '../dist/src-main/engine/finish-graph.js';
import { native } from '../dist/src-main/native/addon.js';
import { encodeJob } from '../dist/src-main/engine/executor.js';
import { combineTree, COMBINE_FAN_IN } from '../dist/src-main/engine/combine-tree.js';
import { registeredTaskKinds, registerTaskKind, type TaskKind } from '../dist/src-main/engine/task-kinds.js';
import type { TaskSpec } from '../dist/src-main/engine/graph.js';
import type { ArrayTaskSpec } from '../dist/src-main/collections/array/kinds/index.js';
import type { CopySpec } from '../dist/src-main/engine/kinds/index.js';
import type { DataframeTaskSpec } from '../dist/src-main/collections/dataframe/kinds/index.js';
import '../dist/src-main/collections/array/kinds/index.js';
import '../dist/src-main/collections/dataframe/kinds/index.js';
import '../dist/src-main/engine/kinds/index.js';
import { col, lit, op } from '../dist/src-main/collections/dataframe/column-expr.js';
import { ProgramBuilder } from '../dist/src-main/collections/dataframe/kinds/table-program.js';

const n = native();
const chunk = (k: number) => ({ kind: 'chunk' as const, dtype: 'float64' as const, dep: k, base: 0, strides: [4, 1] });
const fileAccess = { kind: 'file' as const, dtype: 'int32' as const, path: '/data/x.npy', byteswap: true, dataOffset: 128, dataElements: 64, base: 3, strides: [8, 1] };
const fields = { reduce: 'var' as const, acc: 'f64' as const, ddof: 1, sqrt: true, outDtype: 'float64' as const };

/** A table program using every kind of node field: a column, literals of each encoding, a pattern and a slice. */
function tableProgram() {
  const b = new ProgramBuilder([{ name: 'a', dtype: 'float64' }, { name: 's', dtype: 'string' }, { name: 't', dtype: 'timestamp' }]);
  const late = b.add(op('&', [op('>', [col('a', 'float64'), lit(15, 'float64')]), op('str.contains', [col('s', 'string')], { pattern: 'JF' })]));
  const early = b.add(op('<', [col('t', 'timestamp'), lit(10n ** 18n, 'timestamp')]));
  const short = b.add(op('str.slice', [op('fillna', [col('s', 'string'), lit('?', 'string')])], { slice: [1, null] }));
  return { b, late, early, short };
}
const tp = tableProgram();

/** One spec of every native kind, each using the fields its encoder writes. */
const SAMPLES: (ArrayTaskSpec | CopySpec | DataframeTaskSpec)[] = [
  { kind: 'copy', bytes: 64 },
  { kind: 'map', program: 1, accesses: [chunk(0), fileAccess], iterShape: [2, 4], outDtype: 'float32', outShape: [8] },
  { kind: 'scan', program: 1, accesses: [chunk(0)], iterShape: [2, 4], outDtype: 'float64', axis: 1, op: 'cumsum', carry: 1 },
  { kind: 'compress', program: 1, accesses: [chunk(0)], iterShape: [2, 4], outDtype: 'float64', count: 1, mask: 1 },
  { kind: 'sort', program: 1, accesses: [chunk(0)], iterShape: [2, 4], valueDtype: 'int16', axis: 1, argsort: true, indexBase: 8 },
  { kind: 'histogram', program: 1, accesses: [chunk(0)], iterShape: [2, 4], valueDtype: 'float32', edges: 1, weights: 0, bins: 7 },
  { kind: 'merge', valueDtype: 'float32', argsort: true, start: 3, count: 5, runs: [0], positions: [1] },
  { kind: 'hdf5_read', path: '/data/x.h5', dataset: '/g/x', dtype: 'int16', byteswap: true, library: false, fill: '-7', filters: [2, 1], fileChunk: [3, 4], offset: [3, 0], shape: [3, 8],
    chunks: [{ address: 4096, size: 100, mask: 0, origin: [3, 0] }, { address: -1, size: 0, mask: 1, origin: [3, 4] }] },
  { kind: 'hdf5_read', path: '/data/c.h5', dataset: '/z', dtype: 'float64', byteswap: false, library: false, pairs: true, fill: '0', filters: [2, 1], fileChunk: [3, 2], offset: [0, 0], shape: [3, 2],
    chunks: [{ address: 800, size: 48, mask: 0, origin: [0, 0] }] },
  { kind: 'zarr_read', folder: '/data/x.zarr/a', dtype: 'uint64', byteswap: false, codec: 1, fill: '18446744073709551615', separator: '/', zarrChunk: [5, 5], offset: [5, 0], shape: [5, 10] },
  { kind: 'zarr_read', folder: '/data/z.zarr', dtype: 'float32', byteswap: true, codec: 4, fill: '0', separator: '.', pairs: true, zarrChunk: [4, 2], offset: [4, 0], shape: [3, 2] },
  { kind: 'linalg', fn: 'solve', shape: [8, 1] },
  { kind: 'fft', fn: 'c2r', n: 14, scale: 1 / 14, outDtype: 'float32', lines: 1, nIn: 8, shape: [14] },
  { kind: 'reduce', program: 1, accesses: [chunk(1)], iterShape: [2, 4], reduced: [0, 1], indexBase: 5, indexStrides: [4, 1], finalize: true, outShape: [2], ...fields },
  { kind: 'combine', finalize: false, outShape: [2], ...fields },
  { kind: 'assemble', dtype: 'float64', outShape: [4, 4], pieces: [{ source: chunk(0), shape: [2, 4], destOffset: [0, 0] }, { source: chunk(1), shape: [2, 4], destOffset: [2, 0] }] },
  { kind: 'matmul', type: 'f64', a: [chunk(0)], b: [chunk(1)], k: [4], m: 2, n: 4, outDtype: 'float64' },
  { kind: 'write', writer: 1, offset: [0, 0], shape: [2, 4] },
  { kind: 'commit', writer: 1 },
  { kind: 'read_csv', path: '/data/x.csv', start: 10, end: 200, sep: ';', quote: '"', nfields: 4, columns: [{ name: 'b', dtype: 'float64', index: 1 }, { name: 'd', dtype: 'timestamp', index: 3 }],
    naValues: ['', 'NA'], estBytes: 4096 },
  { kind: 'table_map', program: tp.b.program(), outputs: [{ name: 'x', node: tp.short }, { name: 'e', node: tp.early }], filter: tp.late, estBytes: 4096 },
  { kind: 'group_by_partial', program: tp.b.program(), filter: tp.late, keys: [tp.short, tp.early], aggs: [{ fn: 'size' }, { fn: 'mean', node: 0 }, { fn: 'max', node: tp.short }], nullGroups: true, estBytes: 4096 },
  { kind: 'group_by_merge', keyTypes: ['string', 'bool'], aggs: [{ fn: 'size', input: 'int64' }, { fn: 'std', input: 'float64' }], names: ['k', 'e', 'n', 'sd'], bucket: { index: 2, count: 3 }, nullGroups: true, rowWhenEmpty: true, estBytes: 4096 },
  { kind: 'read_parquet', path: '/data/x.parquet', library: '/lib/libduckdb.so', rowGroup: 2, firstRow: 4096, endRow: 6144, bytesIn: 1000, estBytes: 65536,
    columns: [{ name: 'a', dtype: 'int64' }, { name: 'year', dtype: 'int64', constant: { value: '2020' } }, { name: 'region', dtype: 'string', constant: { value: null } }] },
  { kind: 'timeseries', seed: 42, startNs: '946684800000000001', freqNs: 1e9, row0: 86400, nrows: 3600, estBytes: 4096,
    columns: [{ name: 'timestamp', generator: 'timestamp', stream: 0 }, { name: 'id', generator: 'poisson', stream: 7 }, { name: 'name', generator: 'choice', stream: 8 }, { name: 'x', generator: 'uniform', stream: 9 }] },
  { kind: 'sort_rows', keys: [{ column: 1, ascending: false }, { column: 0, ascending: true, nullsFirst: true }], limit: 10, skip: 3, sample: 7, every: 5, drop: [1], estBytes: 4096 },
  { kind: 'range_rows', keys: [{ column: 1, ascending: false }, { column: 0, ascending: true, nullsFirst: true }], range: 5, estBytes: 4096 },
  { kind: 'window', partition: [0], order: [{ column: 1, ascending: false, nullsFirst: true }], calls: [{ fn: 'rank', column: 0, name: 'r' }, { fn: 'sum', column: 1, name: 's' }], estBytes: 4096 },
  { kind: 'first_rows', columns: [2, 0], estBytes: 4096 },
  { kind: 'table_to_dense', columns: [0, 1], dtype: 'float64', matrix: true, estBytes: 4096 },
  { kind: 'hash_join', probes: 1, probeKeys: [0, 2], buildKeys: [1, 0], how: 'outer', columns: [{ side: 0, column: 0, name: 'k' }, { side: 1, column: 3, name: 'v' }], estBytes: 4096 },
  { kind: 'hash_split', keys: [{ column: 1, mixed: true }, { column: 0, mixed: false }], buckets: 12, partition: 3, bucketColumn: '__bucket', rowColumn: '__row', estBytes: 4096 },
  { kind: 'slice_rows', column: 2, lo: 3 * 2 ** 32, hi: 4 * 2 ** 32, drop: [2, 0], estBytes: 4096 },
  { kind: 'write_table', writer: 1, index: 3 },
  { kind: 'commit_table', writer: 1, partitions: 4, inlineRows: 10_000 },
];
/** Kinds that read exactly one partition, or two. */
const ONE_INPUT = new Set(['table_map', 'group_by_partial', 'table_to_dense', 'hash_split', 'slice_rows']);

describe('task kinds', () => {
  it('every kind has its own code, and a clash is refused', () => {
    const kinds = registeredTaskKinds();
    expect(kinds.map((k) => k.name).sort()).toEqual(['assemble', 'call', 'combine', 'commit', 'compress', 'copy', 'first_rows', 'group_by_merge', 'hdf5_read', 'histogram', 'group_by_partial', 'linalg', 'fft', 'zarr_read', 'hash_join', 'map', 'matmul', 'merge', 'read_csv', 'read_parquet', 'reduce', 'scan', 'sort', 'sort_rows', 'range_rows', 'hash_split', 'slice_rows', 'table_map', 'table_to_dense', 'timeseries', 'write', 'write_table', 'commit_table', 'window'].sort());
    expect(new Set(kinds.map((k) => k.code)).size).toBe(kinds.length);
    const clash: TaskKind<TaskSpec> = { name: 'map2', code: kinds.find((k) => k.name === 'map')!.code, encode: () => undefined, estimate: () => 0 };
    expect(() => registerTaskKind(clash)).toThrow(/clashes/);
    // Native kinds take codes below 64, JS kinds 64 and up: a runner tells them apart by code.
    expect(() => registerTaskKind({ ...clash, name: 'native70', code: 70 })).toThrow(/'native70' has code 70/);
    expect(() => registerTaskKind({ ...clash, name: 'js10', code: 10, runJs: async () => [0, 0, 0] })).toThrow(/'js10' has code 10/);
  });

  it('each native kind\'s TS encoding is what its C++ decoder reads, field for field', () => {
    const program = n.registerProgram({ nregs: 1, result: 0, resultType: 'f64', code: [['load', 'f64', 0, 0, -1, -1, 0]] });
    const ids = Float64Array.of(n.putChunk({ dtype: 'float64', shape: [8], data: new Float64Array(8) }), n.putChunk({ dtype: 'float64', shape: [8], data: new Float64Array(8) }));
    try {
      // Every native kind registered in TS has a sample here (JS kinds are not the decoder's).
      expect(registeredTaskKinds().filter((k) => !k.runJs).map((k) => k.name).sort()).toEqual([...new Set(SAMPLES.map((s) => s.kind))].sort());
      for (const sample of SAMPLES) {
        const spec = 'program' in sample && typeof sample.program === 'number' ? { ...sample, program } : sample;
        const deps = ONE_INPUT.has(sample.kind) ? ids.subarray(0, 1) : ids;
        const job = encodeJob([spec], 7);
        const files = Float64Array.from(job.files, () => 0);
        const encoded = job.tasks.subarray(job.offsets[0], job.offsets[1]);
        expect(n.checkEncoded(encoded, deps, files, job.strings), sample.kind).toBe(sample.kind);
        // One field short, or one too many: the decoder refuses instead of guessing.
        expect(() => n.checkEncoded(encoded.subarray(0, encoded.length - 1), deps, files, job.strings), sample.kind).toThrow(expect.objectContaining({ code: 'BAD_TASK' }));
        expect(() => n.checkEncoded(Float64Array.of(...encoded, 0), deps, files, job.strings), sample.kind).toThrow(expect.objectContaining({ code: 'BAD_TASK' }));
      }
    } finally {
      for (const id of ids) n.release(id);
      n.dropProgram(program);
    }
  });

  it('a kind added as its own module and one registry line runs through the engine on worker threads (copy)', async () => {
    const engine = await Engine.start({ workers: 2 });
    const data = Float64Array.from({ length: 1000 }, (_, i) => Math.sin(i));
    const keeper = engine.newJob();
    const source = n.putChunk({ dtype: 'float64', shape: [10, 100], data, owner: keeper });
    try {
      engine.keep('input', keeper, [{ key: 'input:0', id: source }]);
      const graph = finishGraph<CopySpec>([0, 1, 2].map((i) => ({ key: `copy:${i}`, layer: 'copy', index: [i], deps: ['input:0'], priority: 0, estBytes: 8000, spec: { kind: 'copy', bytes: 8000 } })),
        [{ name: 'copy', label: 'copy', kind: 'copy', tasks: 3, deps: [], indexShape: [] }]);
      const owner = engine.newJob();
      const run = await engine.run(graph, { owner, keep: new Set(['copy:2']) });
      const copy = n.readChunk(run.chunks.get('copy:2')!);
      expect(copy.shape).toEqual([10, 100]);
      expect(new Float64Array(copy.data)).toEqual(data);
      expect(run.records.map((r) => r.kind)).toEqual(['copy', 'copy', 'copy']);
      engine.freeJob(owner);
    } finally {
      await engine.close(); // frees the kept input with its owner
    }
    expect(() => n.readChunk(source)).toThrow(expect.objectContaining({ code: 'CHUNK_NOT_FOUND' }));
  });

  it('the combine tree\'s shape depends only on the number of partials', () => {
    for (const count of [2, 8, 9, 64, 65, 600]) {
      const partials = Array.from({ length: count }, (_, i) => `p:${i}`);
      const { tasks, depth } = combineTree(partials, 'root', (d, g) => `c${d}:${g}`,
        (key, at) => ({ key, layer: 'c', index: [at.group], deps: at.members, priority: 0, estBytes: 0, spec: { kind: 'combine' } }));
      expect(depth).toBe(Math.ceil(Math.log(count) / Math.log(COMBINE_FAN_IN) - 1e-9));
      expect(tasks.at(-1)!.key).toBe('root');
      // Every partial and every inner result is merged exactly once, in index order, at most FAN_IN at a time.
      const merged = tasks.flatMap((t) => t.deps);
      expect(merged.length).toBe(count + tasks.length - 1);
      expect(new Set(merged).size).toBe(merged.length);
      expect(tasks.filter((t) => t.deps[0].startsWith('p:')).flatMap((t) => t.deps)).toEqual(partials);
      expect(Math.max(...tasks.map((t) => t.deps.length))).toBeLessThanOrEqual(COMBINE_FAN_IN);
    }
    expect(combineTree(['only'], 'root', () => 'x', () => { throw new Error('no merge of one partial'); }).tasks).toEqual([]);
  });
});
