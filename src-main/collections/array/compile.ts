/**
 * Compiles the fused region of a task into a kernel program, once per layer.
 *
 * A task computes a rectangular region (its chunk) of a node. Walking down from that node, each
 * dimension of each child is an affine function of the task's iteration index: `off + step * i[src]`
 * (or the constant `off` when src is -1). Elementwise nodes pass the map to their operands (with
 * broadcast dimensions pinned to 0), views compose it, a concatenation picks the input that holds
 * the region. At a leaf the map becomes an Access: a base element index and per-dimension strides
 * into a source's global index space, a file's elements, or one chunk of a materialised node.
 *
 * Why a template: the chunks of a layer run the same program and differ only in where they read.
 * The walk is done with maps relative to the region's offset O (a map's `off` is what it would be
 * at O = 0; at O it is `off + step * O[src]`, since every map composes affinely from the root's
 * `O[k] + i[k]`). The leaves it reaches become read recipes, placed at each chunk's offset by
 * arithmetic alone: a source read's base moves by `strides . O`, a chunk read finds its chunk and
 * its local base. The walk runs again only for another region shape (edge chunks) or where a
 * concatenation picks another input. Planning a layer of 10^5 chunks costs a placement per chunk,
 * not a walk of the expression per chunk.
 */
import type { CTypeName, Instruction, NativeAccess, ProgramSpec } from '../../native/addon.js';
import { ctypeOf, type DType, isInteger } from './dtype.js';
import { TesseraError } from '../../engine/errors.js';
import type { Node, ScalarNode } from './expr.js';
import { chunkNumber, chunkOf, cStrides, fStrides, type Grid, gridBounds } from './grid.js';
import type { Plan } from './plan.js';
import { emitUfunc, getUfunc } from './ufuncs.js';

/** One dimension of a node reached from the region: element `off + step * (O[src] + i[src])`. */
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

export interface CompileOptions {
  resultDtype?: DType;  // convert the result to this dtype
  truthy?: boolean;     // turn the result into 0/1 (x != 0), for any/all/count_nonzero
  /** The root is the input of a reduction or matmul: read its chunks if it is materialised. */
  rootIsInput?: boolean;
}

interface Reg {
  reg: number;
  ctype: CTypeName;
  dtype: DType;
}

/**
 * Where one operand of the program reads, for any region offset:
 * - source: a random/arange/file read whose base at O is `base + strides . O` (the access's own
 *   strides: moving the region by O moves the read by the same strides);
 * - chunk: a read of the one chunk of `grid` that holds the region, found at placement.
 */
type ReadRecipe =
  | { kind: 'source'; access: AccessTemplate; maps: DimMap[]; shape: readonly number[]; what: string }
  | { kind: 'chunk'; dtype: DType; grid: Grid; keyOf: (idx: number[]) => string; maps: DimMap[]; what: string };

/** The concrete element index of a map at region offset O. */
function at(m: DimMap, offset: readonly number[]): number {
  return m.src >= 0 ? m.off + m.step * offset[m.src] : m.off;
}

/** The lowest and highest element a map touches over a region of this shape at offset O. */
function span(m: DimMap, regionShape: readonly number[], offset: readonly number[]): [number, number] {
  const first = at(m, offset);
  const last = m.src >= 0 ? first + m.step * (regionShape[m.src] - 1) : first;
  return first <= last ? [first, last] : [last, first];
}

class Builder {
  code: Instruction[] = [];
  nregs = 0;
  recipes: ReadRecipe[] = [];
  memo = new Map<string, Reg>();
  ops: string[] = [];
  /** Checks that this walk's choices (which input of a concatenation) hold at an offset. */
  guards: ((offset: readonly number[]) => boolean)[] = [];

  emit(op: string, type: CTypeName, args: number[], imm: number | bigint = 0, srcType?: CTypeName): number {
    const dst = this.nregs++;
    const ins: Instruction = [op, type, dst, args[0] ?? -1, args[1] ?? -1, args[2] ?? -1, imm];
    if (srcType) ins.push(srcType);
    this.code.push(ins);
    return dst;
  }

  constant(type: CTypeName, value: number | bigint): number {
    return this.emit('const', type, [], value);
  }

  /** A new operand (each reached node and map is walked once: the memo dedupes reads). */
  load(r: ReadRecipe, type: CTypeName): number {
    const idx = this.recipes.push(r) - 1;
    return this.emit('load', type, [idx]);
  }

  convert(r: Reg, to: DType): Reg {
    const ct = ctypeOf(to);
    if (r.ctype === ct) return { reg: r.reg, ctype: ct, dtype: to };
    return { reg: this.emit('cast', ct, [r.reg], 0, r.ctype), ctype: ct, dtype: to };
  }
}

/** A memo key for a node reached through dimension maps (no JSON: this runs per node per walk). */
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

/** A region's program for one region shape, with the reads to place at each chunk's offset. */
class RegionTemplate {
  private readonly empty: boolean;

  constructor(
    readonly program: ProgramSpec,
    readonly ops: string[],
    private readonly recipes: ReadRecipe[],
    private readonly guards: ((offset: readonly number[]) => boolean)[],
    private readonly regionShape: readonly number[],
  ) {
    this.empty = regionShape.some((n) => n === 0);
  }

  /** The task's reads at this offset; null if the walk would choose differently there. */
  place(offset: readonly number[]): CompiledRegion | null {
    for (const g of this.guards) if (!g(offset)) return null;
    const deps: string[] = [];
    const accesses = this.recipes.map((r): AccessTemplate => {
      if (r.kind === 'source') {
        if (!this.empty) checkInside(r, this.regionShape, offset);
        let base = r.access.base;
        for (let k = 0; k < offset.length; k++) base += r.access.strides[k] * offset[k];
        return { ...r.access, base };
      }
      return this.placeChunkRead(r, offset, deps);
    });
    return { program: this.program, accesses, deps, ops: this.ops };
  }

  private placeChunkRead(r: Extract<ReadRecipe, { kind: 'chunk' }>, offset: readonly number[], deps: string[]): AccessTemplate {
    const nd = this.regionShape.length;
    const allBounds = gridBounds(r.grid);
    const idx: number[] = [], shape: number[] = [], local: DimMap[] = [];
    for (let i = 0; i < r.maps.length; i++) {
      const m = r.maps[i], bounds = allBounds[i];
      const [lo, hi] = span(m, this.regionShape, offset);
      const c = chunkOf(bounds, lo);
      if (hi >= bounds[c + 1] && this.regionShape.every((s) => s > 0))
        throw new TesseraError('INTERNAL', `a task region spans two chunks of ${r.what}`, 'this is a planner bug, please report it with the job spec');
      idx.push(c);
      shape.push(r.grid[i][c]);
      local.push({ off: at(m, offset) - bounds[c], step: m.step, src: m.src });
    }
    const { base, strides } = affine(local, cStrides(shape), nd);
    const key = r.keyOf(idx);
    let dep = deps.indexOf(key);
    if (dep < 0) dep = deps.push(key) - 1;
    return { kind: 'chunk', dtype: r.dtype, dep, base, strides };
  }
}

/** A source read stays inside the source in every dimension (a read past a row's end would still be
 * inside a file or a generator's range, and wrong). */
function checkInside(r: Extract<ReadRecipe, { kind: 'source' }>, regionShape: readonly number[], offset: readonly number[]): void {
  for (let i = 0; i < r.maps.length; i++) {
    const [lo, hi] = span(r.maps[i], regionShape, offset);
    if (lo < 0 || hi >= r.shape[i]) throw new TesseraError('INTERNAL', `a task region reads outside ${r.what}`, 'this is a planner bug, please report it with the job spec');
  }
}

/**
 * Compiles the regions of one layer: the program is walked once per region shape (and per choice
 * of concatenated input), then placed at each chunk's offset.
 */
/** Templates of one shape searched in full before walking a new one (see RegionCompiler.templates). */
const SEARCHED_TEMPLATES = 16;

export class RegionCompiler {
  /**
   * Templates per region shape, and the one placed last. Chunks are compiled in order, and a
   * concatenation of k inputs has up to k templates of one shape, made in that order: the last
   * match and the one after it are tried first, and a long list is not searched further (a new
   * template is walked instead: the same program again, at worst), so a layer over thousands of
   * concatenated pieces (a cumsum's) compiles in linear time.
   */
  private readonly templates = new Map<string, { list: RegionTemplate[]; last: number }>();

  constructor(
    private readonly root: Node,
    private readonly plan: Plan,
    private readonly provider: ChunkProvider,
    private readonly opts: CompileOptions = {},
  ) {}

  compile(offset: readonly number[], regionShape: readonly number[]): CompiledRegion {
    const key = regionShape.join(',');
    let entry = this.templates.get(key);
    if (!entry) this.templates.set(key, (entry = { list: [], last: 0 }));
    const { list } = entry;
    const tries = list.length <= SEARCHED_TEMPLATES ? list.length : Math.min(2, list.length);
    for (let i = 0; i < tries; i++) {
      const k = (entry.last + i) % list.length;
      const placed = list[k].place(offset);
      if (placed) {
        entry.last = k;
        return placed;
      }
    }
    const t = walkRegion(this.root, regionShape, offset, this.plan, this.provider, this.opts);
    list.push(t);
    entry.last = list.length - 1;
    return t.place(offset)!;
  }
}

/**
 * Walks the fused region below `root` for regions of this shape. Maps are relative to the region's
 * offset; `offset` (a chunk the template is made for) only decides which input of a
 * concatenation holds the region, and that choice becomes a guard.
 */
function walkRegion(root: Node, regionShape: readonly number[], offset: readonly number[], plan: Plan, provider: ChunkProvider, opts: CompileOptions): RegionTemplate {
  const b = new Builder();
  const nd = regionShape.length;
  const empty = regionShape.some((s) => s === 0);

  const walk = (n: Node, maps: DimMap[], isRoot: boolean): Reg => {
    const memoKey = mapsKey(n.id, maps);
    const hit = b.memo.get(memoKey);
    if (hit) return hit;
    let r: Reg;
    if (!isRoot && (plan.isMaterialized(n) || n.op === 'reshape')) {
      r = readChunk(n, provider.grid(n), (idx) => provider.key(n, idx), maps);
    } else {
      r = walkFused(n, maps);
    }
    b.memo.set(memoKey, r);
    return r;
  };

  /** A read of the one chunk (of a grid) that holds the region, wherever the region is. */
  const readChunk = (n: Node, grid: Grid, keyOf: (idx: number[]) => string, maps: DimMap[]): Reg => {
    const ct = ctypeOf(n.dtype);
    const reg = b.load({ kind: 'chunk', dtype: n.dtype, grid, keyOf, maps, what: `${n.op} node ${n.id}` }, ct);
    return { reg, ctype: ct, dtype: n.dtype };
  };

  /** A read of a source's elements: its base placed at each offset. */
  const readSource = (n: Node, maps: DimMap[], access: AccessTemplate, type: CTypeName): number =>
    b.load({ kind: 'source', access, maps, shape: n.shape, what: `source node ${n.id}` }, type);

  const walkFused = (n: Node, maps: DimMap[]): Reg => {
    switch (n.op) {
      case 'scalar': {
        if (n.weak === 'int' || n.exact !== undefined) return pythonIntConstant(n, b);
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
          return readChunk(n, n.grid, (idx) => s.keys[chunkNumber(idx, counts)], maps);
        }
        if (s.kind === 'file') {
          const es = s.fortran ? fStrides(n.shape) : cStrides(n.shape);
          const { base, strides } = affine(maps, es, nd);
          const count = n.shape.reduce((a, x) => a * x, 1);
          const reg = readSource(n, maps, { kind: 'file', dtype: n.dtype, path: s.path, dataOffset: s.dataOffset, dataElements: count, byteswap: s.byteswap, base, strides }, ct);
          return { reg, ctype: ct, dtype: n.dtype };
        }
        if (s.kind === 'hdf5' || s.kind === 'zarr') throw new TesseraError('INTERNAL', `a ${s.kind} source (node ${n.id}) was not materialised`, 'this is a planner bug, please report it');
        const { base, strides } = affine(maps, cStrides(n.shape), nd);
        if (s.kind === 'arange') {
          const reg = readSource(n, maps, { kind: 'arange', start: s.start, step: s.step, base, strides }, ct);
          return { reg, ctype: ct, dtype: n.dtype };
        }
        const reg = readSource(n, maps, { kind: s.kind, seed: s.seed, base, strides }, 'f64');
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
        // The input holding the region: it holds the region's first index and, the grids see to
        // it (plan.ts), its last; -1 if it does not.
        const holder = (o: readonly number[]): number => {
          if (empty) return 0; // an empty region reads nothing: any input holds it
          const [lo, hi] = span(m, regionShape, o);
          let start = 0;
          for (let k = 0; k < n.inputs.length; k++) {
            start += n.inputs[k].shape[n.axis];
            if (lo < start) return hi < start ? k : -1;
          }
          return -1;
        };
        const k = holder(offset);
        if (k < 0) throw new TesseraError('INTERNAL', `a task region is not inside one input of concat node ${n.id}`, 'this is a planner bug, please report it with the job spec');
        b.guards.push((o) => holder(o) === k);
        let start = 0;
        for (let j = 0; j < k; j++) start += n.inputs[j].shape[n.axis];
        const shifted = maps.map((mm, i) => (i === n.axis ? { ...mm, off: mm.off - start } : mm));
        return walk(n.inputs[k], shifted, false);
      }
      case 'rechunk':
        return walk(n.input, maps, false);
      default:
        // reduce, matmul and reshape are always materialised: reached only as a region root by mistake.
        throw new TesseraError('INTERNAL', `cannot fuse a ${n.op} node`, 'this is a planner bug, please report it');
    }
  };

  const rootMaps = regionShape.map((_, k) => ({ off: 0, step: 1, src: k }));
  let result = walk(root, rootMaps, !opts.rootIsInput);
  if (opts.truthy && result.dtype !== 'bool') {
    result = { reg: b.emit('ne', result.ctype, [result.reg, b.constant(result.ctype, 0)]), ctype: 'i64', dtype: 'bool' };
  }
  if (opts.resultDtype && opts.resultDtype !== result.dtype) result = b.convert(result, opts.resultDtype);
  const program = allocateRegisters({ nregs: b.nregs, result: result.reg, resultType: result.ctype, code: b.code });
  return new RegionTemplate(program, b.ops, b.recipes, b.guards, [...regionShape]);
}

/**
 * A Python int as a constant register, exact: in int64 where it fits, in uint64 from 2^63 to
 * 2^64 - 1, and as a double beyond (only a float operation can take it there: an integer one has
 * refused it as out of bounds). Large ones travel to the addon as BigInt.
 */
function pythonIntConstant(n: ScalarNode, b: Builder): Reg {
  const v = n.exact !== undefined ? BigInt(n.exact) : null;
  if (v === null) return { reg: b.constant('i64', n.value as number), ctype: 'i64', dtype: 'int64' };
  if (v >= -(2n ** 63n) && v < 2n ** 63n) return { reg: b.constant('i64', v), ctype: 'i64', dtype: 'int64' };
  if (v >= 0n && v < 2n ** 64n) return { reg: b.constant('u64', v), ctype: 'u64', dtype: 'uint64' };
  return { reg: b.constant('f64', n.value as number), ctype: 'f64', dtype: 'float64' };
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
