/**
 * Compiles the fused region of one task into a kernel program.
 *
 * A task computes a rectangular region (its chunk) of a node. Walking down from that node, each
 * dimension of each child is an affine function of the task's iteration index: `off + step * i[src]`
 * (or the constant `off` when src is -1). Elementwise nodes pass the map to their operands (with
 * broadcast dimensions pinned to 0), views compose it, a concatenation picks the input that holds
 * the region. At a leaf the map becomes an Access: a base element index and per-dimension strides
 * into a source's global index space, a file's elements, or one chunk of a materialised node.
 */
import type { CTypeName, Instruction, NativeAccess, ProgramSpec } from '../native/addon.js';
import { ctypeOf, type DType, isInteger } from './dtype.js';
import { TesseraError } from './errors.js';
import type { Node } from './expr.js';
import { chunkNumber, chunkOf, cStrides, fStrides, type Grid, gridBounds } from './grid.js';
import type { Plan } from './plan.js';
import { emitUfunc, getUfunc } from './ufuncs.js';

export interface DimMap {
  off: number;
  step: number;
  src: number; // iteration dimension, or -1 for a constant index
}

/** A chunk access names the task dependency it reads (index into `deps`). */
export type AccessTemplate = NativeAccess & { dep?: number; path?: string };

export interface CompiledRegion {
  program: ProgramSpec;
  accesses: AccessTemplate[];
  deps: string[];
  /** Operation names in the region, in evaluation order: the layer's label. */
  ops: string[];
}

/** Where the chunks of a materialised (or aliased) node are: its grid and each chunk's task key. */
export interface ChunkProvider {
  grid(n: Node): Grid;
  key(n: Node, index: number[]): string;
}

interface Reg {
  reg: number;
  ctype: CTypeName;
  dtype: DType;
}

export function regionMaps(offset: readonly number[]): DimMap[] {
  return offset.map((off, k) => ({ off, step: 1, src: k }));
}

class Builder {
  code: Instruction[] = [];
  nregs = 0;
  accesses: AccessTemplate[] = [];
  deps: string[] = [];
  memo = new Map<string, Reg>();
  ops: string[] = [];
  // A task has a handful of operands, dependencies and instructions: the lookups below scan them
  // rather than keep maps, which cost more to make than to scan, once per task at 10^5 tasks a job.

  emit(op: string, type: CTypeName, args: number[], imm = 0, srcType?: CTypeName): number {
    const dst = this.nregs++;
    const ins: Instruction = [op, type, dst, args[0] ?? -1, args[1] ?? -1, args[2] ?? -1, imm];
    if (srcType) ins.push(srcType);
    this.code.push(ins);
    return dst;
  }

  constant(type: CTypeName, value: number): number {
    return this.emit('const', type, [], value);
  }

  load(a: AccessTemplate, type: CTypeName): number {
    let idx = this.accesses.findIndex((x) => sameAccess(x, a));
    if (idx < 0) {
      idx = this.accesses.length;
      this.accesses.push(a);
    }
    // Each operand is loaded once per type.
    const loaded = this.code.find((ins) => ins[0] === 'load' && ins[3] === idx && ins[1] === type);
    return loaded ? loaded[2] : this.emit('load', type, [idx]);
  }

  dep(key: string): number {
    const i = this.deps.indexOf(key);
    return i >= 0 ? i : this.deps.push(key) - 1;
  }

  convert(r: Reg, to: DType): Reg {
    const ct = ctypeOf(to);
    if (r.ctype === ct) return { reg: r.reg, ctype: ct, dtype: to };
    return { reg: this.emit('cast', ct, [r.reg], 0, r.ctype), ctype: ct, dtype: to };
  }
}

/** Whether two accesses read the same elements the same way (same fields, equal values). */
function sameAccess(x: AccessTemplate, y: AccessTemplate): boolean {
  if (x.kind !== y.kind || x.base !== y.base || x.strides.length !== y.strides.length) return false;
  for (let d = 0; d < x.strides.length; d++) if (x.strides[d] !== y.strides[d]) return false;
  const kx = Object.keys(x), ky = Object.keys(y);
  if (kx.length !== ky.length) return false;
  for (const k of kx) if (k !== 'strides' && x[k as keyof AccessTemplate] !== y[k as keyof AccessTemplate]) return false;
  return true;
}

/** A memo key for a node reached through dimension maps (no JSON: this runs per node per task). */
function mapsKey(id: number, maps: readonly DimMap[]): string {
  let k = `${id}`;
  for (const m of maps) k += `:${m.off},${m.step},${m.src}`;
  return k;
}

/** Strides of an access given dimension maps and the element strides of the space it reads. */
function affine(maps: readonly DimMap[], elemStrides: readonly number[], ndIter: number): { base: number; strides: number[] } {
  let base = 0;
  const strides = new Array<number>(ndIter).fill(0);
  maps.forEach((m, i) => {
    base += elemStrides[i] * m.off;
    if (m.src >= 0) strides[m.src] += elemStrides[i] * m.step;
  });
  return { base, strides };
}

export interface CompileOptions {
  resultDtype?: DType;  // convert the result to this dtype
  truthy?: boolean;     // turn the result into 0/1 (x != 0), for any/all/count_nonzero
  /** The root is the input of a reduction or matmul: read its chunks if it is materialised. */
  rootIsInput?: boolean;
}

export function compileRegion(root: Node, regionShape: readonly number[], rootMaps: DimMap[], plan: Plan, provider: ChunkProvider, opts: CompileOptions = {}): CompiledRegion {
  const b = new Builder();
  const nd = regionShape.length;

  const walk = (n: Node, maps: DimMap[], isRoot: boolean): Reg => {
    const memoKey = mapsKey(n.id, maps);
    const hit = b.memo.get(memoKey);
    if (hit) return hit;
    let r: Reg;
    if (!isRoot && (plan.isMaterialized(n) || n.op === 'reshape')) {
      r = readChunk(n, maps);
    } else {
      r = walkFused(n, maps);
    }
    b.memo.set(memoKey, r);
    return r;
  };

  /** A read of the one chunk (of a grid) that holds the region. */
  const readChunkOf = (n: Node, grid: Grid, keyOf: (idx: number[]) => string, maps: DimMap[]): Reg => {
    const idx: number[] = [], local: DimMap[] = [], shape: number[] = [];
    const allBounds = gridBounds(grid);
    maps.forEach((m, i) => {
      const bounds = allBounds[i];
      const last = m.src >= 0 ? m.off + m.step * (regionShape[m.src] - 1) : m.off;
      const lo = Math.min(m.off, last), hi = Math.max(m.off, last);
      const c = chunkOf(bounds, lo);
      if (hi >= bounds[c + 1] && regionShape.every((s) => s > 0))
        throw new TesseraError('INTERNAL', `a task region spans two chunks of ${n.op} node ${n.id}`, 'this is a planner bug, please report it with the job spec');
      idx.push(c);
      shape.push(grid[i][c]);
      local.push({ off: m.off - bounds[c], step: m.step, src: m.src });
    });
    const { base, strides } = affine(local, cStrides(shape), nd);
    const dep = b.dep(keyOf(idx));
    const reg = b.load({ kind: 'chunk', dtype: n.dtype, dep, base, strides }, ctypeOf(n.dtype));
    return { reg, ctype: ctypeOf(n.dtype), dtype: n.dtype };
  };

  const readChunk = (n: Node, maps: DimMap[]): Reg => readChunkOf(n, provider.grid(n), (idx) => provider.key(n, idx), maps);

  const walkFused = (n: Node, maps: DimMap[]): Reg => {
    switch (n.op) {
      case 'scalar': {
        const ct = ctypeOf(n.dtype);
        const v = typeof n.value === 'boolean' ? (n.value ? 1 : 0) : n.value;
        return { reg: b.constant(ct, v), ctype: ct, dtype: n.dtype };
      }
      case 'source': {
        const s = n.source;
        const ct = ctypeOf(n.dtype);
        b.ops.push(s.kind);
        if (s.kind === 'full') {
          const v = typeof s.value === 'boolean' ? (s.value ? 1 : 0) : s.value;
          return { reg: b.constant(ct, isInteger(n.dtype) ? Math.trunc(v) : v), ctype: ct, dtype: n.dtype };
        }
        if (s.kind === 'stored') {
          const counts = n.grid.map((d) => d.length);
          return readChunkOf(n, n.grid, (idx) => s.keys[chunkNumber(idx, counts)], maps);
        }
        if (s.kind === 'file') {
          const es = s.fortran ? fStrides(n.shape) : cStrides(n.shape);
          const { base, strides } = affine(maps, es, nd);
          const count = n.shape.reduce((a, x) => a * x, 1);
          const reg = b.load({ kind: 'file', dtype: n.dtype, path: s.path, dataOffset: s.dataOffset, dataElements: count, byteswap: s.byteswap, base, strides }, ct);
          return { reg, ctype: ct, dtype: n.dtype };
        }
        const { base, strides } = affine(maps, cStrides(n.shape), nd);
        if (s.kind === 'arange') {
          const reg = b.load({ kind: 'arange', start: s.start, step: s.step, base, strides }, ct);
          return { reg, ctype: ct, dtype: n.dtype };
        }
        const reg = b.load({ kind: s.kind, seed: s.seed, base, strides }, 'f64');
        return b.convert({ reg, ctype: 'f64', dtype: 'float64' }, n.dtype);
      }
      case 'map': {
        const u = getUfunc(n.fn);
        const types = u.types(n.args.map((a) => ({ dtype: a.dtype, weak: a.weak })));
        const args = n.args.map((a, k) => {
          const childMaps = broadcastMaps(maps, n.shape, a.shape);
          const r = walk(a, childMaps, false);
          if (n.fn === 'where' && k === 0) {
            return a.dtype === 'bool' ? r.reg : b.emit('ne', r.ctype, [r.reg, b.constant(r.ctype, 0)]);
          }
          return b.convert(r, types.compute).reg;
        });
        b.ops.push(n.fn);
        const fast = fastPower(n, types.compute, args, b);
        if (fast !== null) return { reg: fast, ctype: ctypeOf(n.dtype), dtype: n.dtype };
        const reg = emitUfunc(u, types, args, { op: (o, t, a) => b.emit(o, t, a), constant: (t, v) => b.constant(t, v) });
        return { reg, ctype: ctypeOf(n.dtype), dtype: n.dtype };
      }
      case 'view': {
        const inMaps: DimMap[] = n.fixed.map((f) => ({ off: f ?? 0, step: 0, src: -1 }));
        n.dims.forEach((d, k) => {
          if (d.src === null) return;
          const m = maps[k];
          inMaps[d.src] = { off: d.start + d.step * m.off, step: d.step * m.step, src: m.step === 0 ? -1 : m.src };
        });
        return walk(n.input, inMaps, false);
      }
      case 'concat': {
        const m = maps[n.axis];
        const last = m.src >= 0 ? m.off + m.step * (regionShape[m.src] - 1) : m.off;
        const lo = Math.min(m.off, last);
        let start = 0;
        for (const input of n.inputs) {
          const len = input.shape[n.axis];
          if (lo < start + len) {
            const shifted = maps.map((mm, i) => (i === n.axis ? { ...mm, off: mm.off - start } : mm));
            return walk(input, shifted, false);
          }
          start += len;
        }
        throw new TesseraError('INTERNAL', 'a concatenate region is out of range', 'this is a planner bug');
      }
      case 'rechunk':
        return walk(n.input, maps, false);
      default:
        // reduce, matmul and reshape are always materialised: reached only as a region root by mistake.
        throw new TesseraError('INTERNAL', `cannot fuse a ${n.op} node`, 'this is a planner bug, please report it');
    }
  };

  let result = walk(root, rootMaps, !opts.rootIsInput);
  if (opts.truthy && result.dtype !== 'bool') {
    result = { reg: b.emit('ne', result.ctype, [result.reg, b.constant(result.ctype, 0)]), ctype: 'i64', dtype: 'bool' };
  }
  if (opts.resultDtype && opts.resultDtype !== result.dtype) result = b.convert(result, opts.resultDtype);
  return {
    program: allocatedOnce({ nregs: b.nregs, result: result.reg, resultType: result.ctype, code: b.code }),
    accesses: b.accesses,
    deps: b.deps,
    ops: b.ops,
  };
}

/**
 * numpy's fast paths for a float array to a scalar power: x**2 is x*x, x**0.5 is sqrt(x), x**-1 is
 * 1/x and x**1 is x. Same results as pow (numpy takes the same paths), several times faster.
 */
function fastPower(n: Node & { op: 'map' }, compute: DType, args: number[], b: Builder): number | null {
  const e = n.args[1];
  if (n.fn !== 'power' || e.op !== 'scalar' || typeof e.value !== 'number' || (compute !== 'float64' && compute !== 'float32')) return null;
  const ct = ctypeOf(compute);
  switch (e.value) {
    case 2: return b.emit('mul', ct, [args[0], args[0]]);
    case 0.5: return b.emit('sqrt', ct, [args[0]]);
    case 1: return args[0];
    case -1: return b.emit('div', ct, [b.constant(ct, 1), args[0]]);
    default: return null;
  }
}

/** Maps for an operand broadcast against its consumer: leading and size-1 dimensions pinned to 0. */
export function broadcastMaps(maps: readonly DimMap[], outShape: readonly number[], argShape: readonly number[]): DimMap[] {
  const lead = outShape.length - argShape.length;
  return argShape.map((n, i) => (n === 1 && outShape[lead + i] !== 1 ? { off: 0, step: 0, src: -1 } : maps[lead + i]));
}

/** Whether two programs are the same instructions. */
function sameProgram(p: ProgramSpec, q: ProgramSpec): boolean {
  if (p.nregs !== q.nregs || p.result !== q.result || p.resultType !== q.resultType || p.code.length !== q.code.length) return false;
  for (let i = 0; i < p.code.length; i++) {
    const a = p.code[i], b = q.code[i];
    if (a.length !== b.length) return false;
    for (let k = 0; k < a.length; k++) if (a[k] !== b[k]) return false;
  }
  return true;
}

/**
 * allocateRegisters, remembering the last program: the chunks of a layer nearly always compile to
 * the same instructions, and handing back the same object lets the lowering recognise the
 * program without comparing it again.
 */
let lastAllocated: { raw: ProgramSpec; out: ProgramSpec } | null = null;
function allocatedOnce(raw: ProgramSpec): ProgramSpec {
  if (lastAllocated && sameProgram(lastAllocated.raw, raw)) return lastAllocated.out;
  lastAllocated = { raw, out: allocateRegisters(raw) };
  return lastAllocated.out;
}

/**
 * Renumbers registers so that a register is reused once its value is dead. Keeps every
 * instruction's destination distinct from its own operands (the kernels write with __restrict).
 */
export function allocateRegisters(p: ProgramSpec): ProgramSpec {
  // Operand registers of an instruction (load's first field is an access index, not a register).
  const operands = (ins: Instruction): number[] => {
    if (ins[0] === 'load' || ins[0] === 'const') return [];
    return [ins[3], ins[4], ins[5]].filter((r) => r >= 0);
  };
  const lastUse = new Map<number, number>();
  p.code.forEach((ins, i) => { for (const r of operands(ins)) lastUse.set(r, i); });
  lastUse.set(p.result, p.code.length);
  const phys = new Map<number, number>();
  const free: number[] = [];
  let count = 0;
  const code: Instruction[] = p.code.map((ins, i) => {
    const out = [...ins] as Instruction;
    const ops = operands(ins);
    for (const k of [3, 4, 5] as const) if (ops.includes(ins[k])) out[k] = phys.get(ins[k])!;
    const dst = free.length ? free.pop()! : count++;
    phys.set(ins[2], dst);
    out[2] = dst;
    for (const r of new Set(ops)) if (lastUse.get(r) === i) free.push(phys.get(r)!);
    return out;
  });
  return { nregs: Math.max(count, 1), result: phys.get(p.result)!, resultType: p.resultType, code };
}
