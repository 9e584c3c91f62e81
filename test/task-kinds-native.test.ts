/**
 * The native task kinds behind the one registry (native/tasks/registry.cc), and chunks of opaque
 * bytes in the store. Encodings are written out by hand here, field by field as
 * the kinds' TS modules (collections/array/kinds/, engine/kinds/) lay them out, so the test pins the layout the C++ decoders read:
 *   [version=1, kind, owner, ...kind fields]
 * It imports only the addon's typed wrapper, not the engine.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { native } from '../dist/src-main/native/addon.js';

const n = native();
const f64 = (xs: number[]) => new Float64Array(xs);
const none = f64([]);

// Codes as the TS kind modules write them.
const FLOAT64 = 0; // DTYPES.indexOf('float64')
const F64 = 0; // CTYPES.indexOf('f64')
const SUM = 0; // REDUCTIONS.indexOf('sum')
const shape = (s: number[]) => [s.length, ...s];
/** A chunk access: [kind=chunk, dtype, byteswap, dep, dataOffset, dataElements, base, seed, start, step, ...shape(strides)]. */
const chunkAccess = (dep: number, strides: number[]) => [0, FLOAT64, 0, dep, 0, 0, 0, 0, 0, 1, ...shape(strides)];
/** [reduceKind, acc, ddof, sqrt, outDtype] */
const sumSpec = [SUM, F64, 0, 0, FLOAT64];

/** A program that loads operand 0 (map and reduce look their program up while decoding). */
const program = n.registerProgram({ nregs: 1, result: 0, resultType: 'f64', code: [['load', 'f64', 0, 0, 0, 0, 0]] });
afterAll(() => n.dropProgram(program));

const OWNER = 7;
/** One small task of each kind: its encoding and the dependency ids it names (placeholders: checking reads no chunk). */
const TASKS: { kind: string; spec: number[]; ids: number[]; files?: number[]; strings?: string[] }[] = [
  // program, outDtype, iterShape, outShape, [n, ...accesses]
  { kind: 'map', spec: [1, 1, OWNER, program, FLOAT64, ...shape([4]), ...shape([2, 2]), 1, ...chunkAccess(0, [1])], ids: [101] },
  // program, reduce, finalize, iterShape, ...reduced, indexBase, ...indexStrides, outShape, [n, ...accesses]
  { kind: 'reduce', spec: [1, 2, OWNER, program, ...sumSpec, 1, ...shape([4]), 1, 0, 1, ...shape([]), 1, ...chunkAccess(0, [1])], ids: [101] },
  // reduce, finalize, outShape (partials: every dependency)
  { kind: 'combine', spec: [1, 3, OWNER, ...sumSpec, 0, ...shape([])], ids: [101, 102] },
  // dtype, outShape, [n, ...(access, shape, destOffset)]
  { kind: 'assemble', spec: [1, 4, OWNER, FLOAT64, ...shape([4]), 2, ...chunkAccess(0, [1]), ...shape([2]), ...shape([0]), ...chunkAccess(1, [1]), ...shape([2]), ...shape([2])], ids: [101, 102] },
  // ctype, m, n, outDtype, [pairs, ...(k, accessA, accessB)]
  { kind: 'matmul', spec: [1, 5, OWNER, F64, 2, 2, FLOAT64, 1, 3, ...chunkAccess(0, [3, 1]), ...chunkAccess(1, [2, 1])], ids: [101, 102] },
  // writer, offset, shape (the chunk: dependency 0)
  { kind: 'write', spec: [1, 6, OWNER, 1, ...shape([0]), ...shape([4])], ids: [101] },
  // writer
  { kind: 'commit', spec: [1, 7, OWNER, 1], ids: [] },
  // nothing (the chunk: dependency 0)
  { kind: 'copy', spec: [1, 8, OWNER], ids: [101] },
  // file, start, end, sep, quote, nfields, ncols, [name, type, index] x ncols, nna, na x nna (strings by index),
  // nterms, [column, op, plain, literal] x nterms (x > 0.5)
  { kind: 'read_csv', spec: [1, 9, OWNER, 0, 0, 100, 0, 1, 3, 2, 2, 5, 0, 3, 2, 2, 1, 4, 1, 1, 3, 0, 5], ids: [], files: [1], strings: [',', '"', 'name', 'x', 'NA', '0.5'] },
  // seed, start s, start ns, freq ns, row0, nrows, ncols, [generator, stream, name] x ncols (names by index)
  { kind: 'timeseries', spec: [1, 21, OWNER, 42, 946684800, 0, 1e9, 10, 5, 2, 1, 0, 0, 2, 99, 1], ids: [], strings: ['timestamp', 'x'] },
];

/** The error code a call throws, or 'none'. */
function codeOf(f: () => unknown): string {
  try {
    f();
    return 'none';
  } catch (e) {
    return (e as { code?: string }).code ?? String(e);
  }
}

describe('task kinds: decode without running (checkEncoded)', () => {
  it('covers every kind the registry lists', () => {
    expect(TASKS.map((t) => t.kind)).toEqual(['map', 'reduce', 'combine', 'assemble', 'matmul', 'write', 'commit', 'copy', 'read_csv', 'timeseries']);
  });

  for (const t of TASKS) {
    it(`${t.kind}: the encoding decodes to its kind; every truncation and a trailing field are BAD_TASK`, () => {
      const files = f64(t.files ?? []);
      expect(n.checkEncoded(f64(t.spec), f64(t.ids), files, t.strings)).toBe(t.kind);
      for (let len = 0; len < t.spec.length; len++) {
        expect(codeOf(() => n.checkEncoded(f64(t.spec.slice(0, len)), f64(t.ids), files, t.strings)), `first ${len} fields`).toBe('BAD_TASK');
      }
      expect(codeOf(() => n.checkEncoded(f64([...t.spec, 0]), f64(t.ids), files, t.strings))).toBe('BAD_TASK');
    });
  }

  it('read_csv: a string, file or field index out of range, a field named twice, or a bad dialect is BAD_TASK', () => {
    const t = TASKS.find((x) => x.kind === 'read_csv')!;
    const with_ = (at: number, v: number) => f64(t.spec.map((x, i) => (i === at ? v : x)));
    const check = (spec: Float64Array, strings = t.strings) => codeOf(() => n.checkEncoded(spec, none, f64([1]), strings));
    expect(check(with_(3, 1))).toBe('BAD_TASK'); // file 1 of one
    expect(check(with_(4, 200))).toBe('BAD_TASK'); // starts after its end
    expect(check(with_(6, 5))).toBe('BAD_TASK'); // string 5 of five
    expect(check(with_(12, 3))).toBe('BAD_TASK'); // field 3 of three
    expect(check(with_(15, 0))).toBe('BAD_TASK'); // field 0 named twice
    expect(check(with_(11, 6))).toBe('BAD_TASK'); // type 6
    expect(check(f64(t.spec), [',', ',', 'name', 'x', 'NA'])).toBe('BAD_TASK'); // quote = separator
    expect(codeOf(() => n.checkEncoded(f64(t.spec), none, f64([1])))).toBe('BAD_TASK'); // no string table
  });

  it('timeseries: timestamps past int64, an unknown generator or a column named twice is BAD_TASK', () => {
    const t = TASKS.find((x) => x.kind === 'timeseries')!;
    const with_ = (at: number, v: number) => f64(t.spec.map((x, i) => (i === at ? v : x)));
    const check = (spec: Float64Array) => codeOf(() => n.checkEncoded(spec, none, none, t.strings));
    expect(check(with_(7, 2 ** 53))).toBe('BAD_TASK'); // row 2^53 at 1 s: its timestamp passes 2^63 ns
    expect(check(with_(13, 5))).toBe('BAD_TASK'); // generator 5
    expect(check(with_(15, 0))).toBe('BAD_TASK'); // 'timestamp' named twice
    expect(check(with_(5, 1e9))).toBe('BAD_TASK'); // ns within a second: at most 999999999
  });

  it('an unknown kind code, version or a missing dependency is BAD_TASK', () => {
    for (const spec of [[1, 0, 0], [1, 40, 0], [1, 63, 0], [1, 64, 0], [1, -1, 0], [1, 2.5, 0], [1, NaN, 0], [2, 7, 0, 1]]) {
      expect(codeOf(() => n.checkEncoded(f64(spec), none, none)), spec.join(',')).toBe('BAD_TASK');
    }
    expect(() => n.checkEncoded(f64([1, 40, 0]), none, none)).toThrow(/unknown task kind/);
    expect(codeOf(() => n.checkEncoded(f64([1, 8, 0]), none, none))).toBe('BAD_TASK'); // copy without its chunk
    expect(codeOf(() => n.checkEncoded(f64(TASKS[0].spec), none, none))).toBe('BAD_TASK'); // map naming dependency 0 of none
  });

  it('checking runs nothing: no chunk is made, the commit names no real writer', () => {
    const before = n.storeStats().chunks;
    for (const t of TASKS) n.checkEncoded(f64(t.spec), f64(t.ids), f64(t.files ?? []), t.strings);
    expect(n.storeStats().chunks).toBe(before);
  });
});

describe('the copy kind', () => {
  it('makes a new chunk equal to its dependency, counted for its owner and freed on release', () => {
    const owner = 9101;
    const values = new Float32Array([1.5, -2, 3.25, NaN, 0, -0]);
    const src = n.putChunk({ dtype: 'float32', shape: [2, 3], data: values, owner });
    const out = f64([0, 0, 0]);
    n.runEncoded(f64([1, 8, owner]), f64([src]), none, out);
    const copy = out[0];
    expect(copy).not.toBe(src);
    expect([out[1], out[2]]).toEqual([24, 24]);
    const a = n.readChunk(src), b = n.readChunk(copy);
    expect(b.dtype).toBe('float32');
    expect(b.shape).toEqual([2, 3]);
    expect(new Uint8Array(b.data)).toEqual(new Uint8Array(a.data));
    expect(n.storeStats().owners[String(owner)].currentBytes).toBe(48);
    expect(n.release(copy)).toBe(true);
    expect(n.storeStats().owners[String(owner)].currentBytes).toBe(24);
    expect(n.releaseOwner(owner)).toBe(1);
    expect(n.storeStats().owners[String(owner)].currentBytes).toBe(0);
    n.forgetOwner(owner);
    expect(n.storeStats().owners[String(owner)]).toBeUndefined();
  });

  it('copies a bytes chunk as a bytes chunk', () => {
    const owner = 9102;
    const src = n.putBytes(owner, new Uint8Array([5, 4, 3, 2, 1]));
    const out = f64([0, 0, 0]);
    n.runEncoded(f64([1, 8, owner]), f64([src]), none, out);
    expect(Array.from(n.getBytes(out[0]))).toEqual([5, 4, 3, 2, 1]);
    expect(n.releaseOwner(owner)).toBe(2);
    n.forgetOwner(owner);
  });
});

describe('bytes chunks (putBytes, getBytes)', () => {
  it('round-trip a payload as a copy, counted per owner, freed by releaseOwner', () => {
    const owner = 9103;
    const data = new Uint8Array(1000).map((_, i) => (i * 37) & 255);
    const before = n.storeStats();
    const id = n.putBytes(owner, data);
    const empty = n.putBytes(owner, new Uint8Array(0));
    const stats = n.storeStats();
    expect(stats.chunks).toBe(before.chunks + 2);
    expect(stats.currentBytes).toBe(before.currentBytes + 1000);
    expect(stats.owners[String(owner)]).toEqual({ currentBytes: 1000, peakBytes: 1000 });
    data[0] = 255; // the store holds its own copy
    const back = n.getBytes(id);
    expect(back).toBeInstanceOf(Uint8Array);
    expect(back.length).toBe(1000);
    expect(back[0]).toBe(0);
    expect(Array.from(back.subarray(1))).toEqual(Array.from(data.subarray(1)));
    back[1] = 0; // and hands out a copy
    expect(n.getBytes(id)[1]).toBe(37);
    expect(n.getBytes(empty).length).toBe(0);
    expect(n.releaseOwner(owner)).toBe(2);
    expect(n.storeStats().owners[String(owner)].currentBytes).toBe(0);
    expect(n.storeStats().currentBytes).toBe(before.currentBytes);
    expect(codeOf(() => n.getBytes(id))).toBe('CHUNK_NOT_FOUND');
    n.forgetOwner(owner);
  });

  it('keeps dense and bytes chunks apart with typed errors', () => {
    const owner = 9104;
    const dense = n.putChunk({ dtype: 'uint8', shape: [3], data: new Uint8Array([1, 2, 3]), owner });
    const bytes = n.putBytes(owner, new Uint8Array([1, 2, 3]));
    expect(codeOf(() => n.getBytes(dense))).toBe('NOT_BYTES');
    expect(codeOf(() => n.readChunk(bytes))).toBe('NOT_DENSE');
    // An array task reading the payload as an array is refused, not run.
    const map = [1, 1, owner, program, FLOAT64, ...shape([3]), ...shape([3]), 1, [0, 9, 0, 0, 0, 0, 0, 0, 0, 1, ...shape([1])]].flat();
    expect(codeOf(() => n.runEncoded(f64(map), f64([bytes]), none, f64([0, 0, 0])))).toBe('NOT_DENSE');
    expect(codeOf(() => n.putBytes(owner, [1, 2, 3] as unknown as Uint8Array))).toBe('BAD_ARGUMENT');
    expect(codeOf(() => n.putBytes(owner, new Float64Array(2) as unknown as Uint8Array))).toBe('BAD_ARGUMENT');
    expect(n.releaseOwner(owner)).toBe(2);
    n.forgetOwner(owner);
  });
});
