/**
 * Packs a task spec into one flat Float64Array for the native entry point (native/tasks/decode.cc
 * reads the same layout and checks every field). One array instead of an object: no property
 * lookups per task in the binding, which made a trivial task cost several microseconds.
 *
 *   [version=1, kind, owner, ...kind fields]
 *   access:  [kind, dtype, byteswap, ref, dataOffset, dataElements, base, seed, start, step, ndim, ...strides]
 *            ref = dependency index (chunk) or index into the job's file table (file)
 *   shape:   [ndim, ...dims]
 *   reduce:  [reduceKind, acc, ddof, sqrt, outDtype]
 *   map:      program, outDtype, iterShape, outShape, [n, ...accesses]
 *   reduce:   program, reduce, finalize, iterShape, ...reduced, indexBase, ...indexStrides, outShape, [n, ...accesses]
 *   combine:  reduce, finalize, outShape                       (partials: every dependency, in order)
 *   assemble: dtype, outShape, [n, ...(access, shape, destOffset)]
 *   matmul:   ctype, m, n, outDtype, [pairs, ...(k, accessA, accessB)]
 *   write:    writer, offset(as shape), shape                  (the chunk: dependency 0)
 *   commit:   writer
 */
import type { CTypeName, DTypeName, ReduceName } from '../native/addon.js';
import type { AccessTemplate } from './compile.js';
import { DTYPES } from './dtype.js';
import type { ReduceFields, TaskSpec } from './graph.js';

const VERSION = 1;
const KIND = { map: 1, reduce: 2, combine: 3, assemble: 4, matmul: 5, write: 6, commit: 7 } as const;
const CTYPES: CTypeName[] = ['f64', 'f32', 'i64', 'u64'];
const REDUCTIONS: ReduceName[] = ['sum', 'prod', 'mean', 'var', 'min', 'max', 'argmin', 'argmax', 'any', 'all', 'count_nonzero'];
const ACCESS_KINDS = ['chunk', 'file', 'uniform', 'normal', 'arange'];

const dtypeCode = (d: DTypeName | undefined) => (d ? DTYPES.indexOf(d) : 0);

/** The index of a file in the job's file table. */
export type FileIndexOf = (path: string) => number;

/** Appends numbers to a Float64Array that grows by doubling. */
export class Writer {
  buf: Float64Array;
  n = 0;
  constructor(capacity = 256) {
    this.buf = new Float64Array(capacity);
  }
  push(v: number): void {
    if (this.n === this.buf.length) {
      const bigger = new Float64Array(this.buf.length * 2);
      bigger.set(this.buf);
      this.buf = bigger;
    }
    this.buf[this.n++] = v;
  }
  /** The numbers written so far, as an array of their own. */
  done(): Float64Array {
    return this.buf.slice(0, this.n);
  }
  list(xs: readonly number[]): void {
    for (let i = 0; i < xs.length; i++) this.push(xs[i]);
  }
  shape(s: readonly number[]): void {
    this.push(s.length);
    this.list(s);
  }
}

/** Appends one task's encoding to w (a job's tasks go back to back into one writer). */
export function encodeTask(w: Writer, spec: TaskSpec, owner: number, fileIndex: FileIndexOf): void {
  w.push(VERSION); w.push(KIND[spec.kind]); w.push(owner);
  const access = (a: AccessTemplate) => {
    const ref = a.kind === 'chunk' ? a.dep! : a.kind === 'file' ? fileIndex(a.path!) : 0;
    w.push(ACCESS_KINDS.indexOf(a.kind)); w.push(dtypeCode(a.dtype)); w.push(a.byteswap ? 1 : 0); w.push(ref);
    w.push(a.dataOffset ?? 0); w.push(a.dataElements ?? 0); w.push(a.base); w.push(a.seed ?? 0);
    w.push(a.start ?? 0); w.push(a.step ?? 1);
    w.shape(a.strides);
  };
  const reduce = (r: ReduceFields) => {
    w.push(REDUCTIONS.indexOf(r.reduce)); w.push(CTYPES.indexOf(r.acc)); w.push(r.ddof); w.push(r.sqrt ? 1 : 0); w.push(dtypeCode(r.outDtype));
  };
  switch (spec.kind) {
    case 'map':
      w.push(spec.program); w.push(dtypeCode(spec.outDtype));
      w.shape(spec.iterShape);
      w.shape(spec.outShape);
      w.push(spec.accesses.length);
      spec.accesses.forEach(access);
      break;
    case 'reduce':
      w.push(spec.program);
      reduce(spec);
      w.push(spec.finalize ? 1 : 0);
      w.shape(spec.iterShape);
      w.list(spec.reduced); w.push(spec.indexBase); w.list(spec.indexStrides);
      w.shape(spec.outShape ?? []);
      w.push(spec.accesses.length);
      spec.accesses.forEach(access);
      break;
    case 'combine':
      reduce(spec);
      w.push(spec.finalize ? 1 : 0);
      w.shape(spec.outShape ?? []);
      break;
    case 'assemble':
      w.push(dtypeCode(spec.dtype));
      w.shape(spec.outShape);
      w.push(spec.pieces.length);
      for (const p of spec.pieces) { access(p.source); w.shape(p.shape); w.shape(p.destOffset); }
      break;
    case 'matmul':
      w.push(CTYPES.indexOf(spec.type)); w.push(spec.m); w.push(spec.n); w.push(dtypeCode(spec.outDtype)); w.push(spec.k.length);
      spec.k.forEach((k, i) => { w.push(k); access(spec.a[i]); access(spec.b[i]); });
      break;
    case 'write':
      w.push(spec.writer);
      w.shape(spec.offset);
      w.shape(spec.shape);
      break;
    case 'commit':
      w.push(spec.writer);
      break;
  }
}
