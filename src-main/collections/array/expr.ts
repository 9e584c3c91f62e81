/**
 * Expr: the logical plan. A job's expressions become a DAG of immutable nodes, interned by
 * structure within one ExprContext, so two spellings of the same subexpression are one node
 * (common subexpressions are found here, across all outputs of a job). Each node knows its
 * shape, dtype and chunk grid; constructors check types and shapes and raise TesseraErrors.
 * Nodes are JSON-serialisable through `describe` (op, params and child ids).
 */
import type { DType, WeakKind } from './dtype.js';
import { TesseraError } from '../../engine/errors.js';
import { checkChunkCount } from './chunk-limit.js';
import { boundaries, type Grid, refine } from './grid.js';

export type SourceSpec =
  | { kind: 'uniform' | 'normal'; seed: number }
  | { kind: 'arange'; start: number; step: number }
  /** `complex`: a complex dataset's (re, im) pairs (complex-sources.ts), so no real source is the same node. */
  | { kind: 'full'; value: number | boolean; complex?: boolean }
  /** A file's size and mtime (ns, decimal) are what the job planned with: tasks check them before reading. */
  | { kind: 'file'; path: string; fileSize: number; mtimeNs?: string; dataOffset: number; byteswap: boolean; fortran: boolean; complex?: boolean }
  /**
   * An HDF5 dataset stored in chunks (hdf5.ts): each task decodes the stored chunks its region
   * overlaps (`index`: address, size and filter mask per stored chunk, C order of the file's chunk
   * grid), or reads through the library (`library`: filters it does not decode, compact storage).
   */
  | { kind: 'hdf5'; path: string; fileSize: number; mtimeNs?: string; dataset: string; byteswap: boolean; library: boolean; fill: string;
      filters: number[]; fileChunks: number[]; index: Float64Array; pairs?: boolean }
  /**
   * A Zarr v2 array (zarr.ts): each task reads and decodes the chunk files of `folder` its region
   * overlaps (`codec`: native/zarr/zarr_codecs.h's number). `mtimeNs`: of its .zarray, for the
   * plan's identity.
   */
  | { kind: 'zarr'; folder: string; mtimeNs: string; byteswap: boolean; codec: number; fill: string; zarrChunks: number[]; separator: '.' | '/'; pairs?: boolean }
  /** Chunks already in the store (a persisted array): one key per chunk, in C order of the grid. */
  | { kind: 'stored'; keys: string[] };

/** One output dimension of a view: taken from input dim `src` (start + k * step), or a new axis. */
export interface ViewDim {
  src: number | null;
  start: number;
  step: number;
  size: number;
}

interface NodeBase {
  id: number;
  key: string;
  shape: number[];
  dtype: DType;
  weak: WeakKind;
  grid: Grid;
}

export interface SourceNode extends NodeBase { op: 'source'; source: SourceSpec }
/** A Python literal. `exact` holds a Python int's digits where the double `value` is not exact. */
export interface ScalarNode extends NodeBase { op: 'scalar'; value: number | boolean; exact?: string }
export interface MapNode extends NodeBase { op: 'map'; fn: string; args: Node[] }
export interface ReduceNode extends NodeBase { op: 'reduce'; fn: string; axes: number[]; keepdims: boolean; ddof: number; input: Node }
export interface ViewNode extends NodeBase { op: 'view'; input: Node; dims: ViewDim[]; fixed: (number | null)[] }
export interface ReshapeNode extends NodeBase { op: 'reshape'; input: Node }
export interface ConcatNode extends NodeBase { op: 'concat'; axis: number; inputs: Node[] }
export interface RechunkNode extends NodeBase { op: 'rechunk'; input: Node }
export interface MatmulNode extends NodeBase { op: 'matmul'; a: Node; b: Node }
/**
 * A cumulative sum or product along `axis` of an input that is one chunk along it, started from
 * `carry` (the total of everything before it along the axis; its axis has length 1).
 */
export interface ScanNode extends NodeBase { op: 'scan'; fn: 'cumsum' | 'cumprod'; axis: number; input: Node; carry: Node | null }
/**
 * The rows of `input` (its first axis) where the 1-D bool `mask` is true: boolean-mask indexing.
 * The two share their first axis's chunks; the counts of true per chunk, computed by an earlier
 * run (masks.ts), are this node's chunks along it.
 */
export interface CompressNode extends NodeBase { op: 'compress'; input: Node; mask: Node }
/**
 * np.sort / np.argsort (stable) of each chunk of `input` along `axis`, separately: the whole sort
 * where the input is one chunk along the axis, else the sorted runs a MergeNode merges. An
 * argsort holds positions along the axis counted from the array's start, not the chunk's.
 */
export interface SortNode extends NodeBase { op: 'sort'; fn: 'sort' | 'argsort'; axis: number; input: Node }
/**
 * Ranks start .. start + shape[0] of a 1-D stable sort, merged from its sorted runs (`runs`, a
 * SortNode of the input's chunks), with the runs' positions for an argsort.
 */
export interface MergeNode extends NodeBase { op: 'merge'; fn: 'sort' | 'argsort'; runs: Node; positions: Node | null; start: number }
/**
 * np.histogram's counts per chunk of `input` (any shape), counted in bins of the 1-D `edges`:
 * row k (int64, one per bin) counts the input's k-th chunk in C order; the sum over rows is the
 * histogram.
 */
/** Counts per chunk of `input` in the bins of `edges` (histogram.ts); with `weights` (float64, `input`'s shape and grid), their sums. */
export interface HistogramNode extends NodeBase { op: 'histogram'; input: Node; edges: Node; weights: Node | null }
/**
 * A LAPACK factorisation per chunk (linalg.ts): qr of each row chunk of `inputs[0]` (chunk i of the
 * result is Q's rows then R's), svd of its one chunk (U's rows, the singular values, Vt's rows),
 * or solve of `inputs[0]` (one chunk) for `inputs[1]` (one chunk). Inputs are float64, materialised.
 */
export interface LinalgNode extends NodeBase { op: 'linalg'; fn: 'qr' | 'svd' | 'solve'; inputs: Node[] }
/**
 * A discrete Fourier transform along the last axis of `input` (fft.ts), one task per chunk: that
 * axis is one chunk. Complex values are (re, im) pairs along a trailing axis of 2 (complex.ts):
 * c2c and c2r read them, every other kind makes them; r2c_full is the whole spectrum of real lines. `n`: the transform's length; `scale`: numpy's norm.
 */
export interface FftNode extends NodeBase { op: 'fft'; fn: 'c2c' | 'c2c_inverse' | 'r2c' | 'c2r' | 'r2c_full' | 'r2c_full_inverse'; n: number; scale: number; input: Node }
/** A user's function applied to each chunk (map_blocks): same shape and chunks as its input. */
export interface BlocksNode extends NodeBase { op: 'blocks'; fn: string; module: string; version: string; input: Node }

export type Node = SourceNode | ScalarNode | MapNode | ReduceNode | ViewNode | ReshapeNode | ConcatNode | RechunkNode | MatmulNode | BlocksNode | ScanNode | CompressNode | SortNode | MergeNode | HistogramNode | LinalgNode | FftNode;

export function children(n: Node): Node[] {
  switch (n.op) {
    case 'map': return n.args;
    case 'reduce': case 'view': case 'reshape': case 'rechunk': case 'blocks': case 'sort': case 'fft': return [n.input];
    case 'concat': case 'linalg': return n.inputs;
    case 'matmul': return [n.a, n.b];
    case 'scan': return n.carry ? [n.input, n.carry] : [n.input];
    case 'compress': return [n.input, n.mask];
    case 'merge': return n.positions ? [n.runs, n.positions] : [n.runs];
    case 'histogram': return n.weights ? [n.input, n.edges, n.weights] : [n.input, n.edges];
    default: return [];
  }
}

/** Interns nodes by structure: the same op over the same children with the same params is one node. */
export class ExprContext {
  private readonly byKey = new Map<string, Node>();
  private nextId = 1;

  intern<T extends Node>(partial: Omit<T, 'id' | 'key'>, params: unknown): T {
    checkChunkCount(partial.grid, partial.shape);
    checkGrid(partial.op, partial.shape, partial.grid);
    const kids = children(partial as unknown as Node).map((c) => c.id);
    const key = JSON.stringify([partial.op, params, kids, partial.dtype, partial.shape, partial.grid], exactNumbers);
    const found = this.byKey.get(key);
    if (found) return found as T;
    const node = { ...partial, id: this.nextId++, key } as T;
    this.byKey.set(key, node);
    return node;
  }

  get size(): number {
    return this.byKey.size;
  }
}

/**
 * JSON keeps numbers apart that it would otherwise merge: NaN and the infinities (all `null` in
 * plain JSON) and -0 (written `0`). Two constants are one node only if they are the same value.
 */
function exactNumbers(_key: string, v: unknown): unknown {
  if (typeof v !== 'number' || (Number.isFinite(v) && !Object.is(v, -0))) return v;
  return Object.is(v, -0) ? '#-0' : `#${v}`;
}

/** A grid covers its shape exactly: chunks are planned, read and written from it. */
function checkGrid(op: string, shape: readonly number[], grid: Grid): void {
  let ok = grid.length === shape.length;
  for (let d = 0; ok && d < shape.length; d++) {
    let sum = 0;
    for (const c of grid[d]) sum += c;
    ok = sum === shape[d] && grid[d].length > 0;
  }
  if (!ok) throw new TesseraError('INTERNAL', `a ${op} node's chunks ${JSON.stringify(grid)} do not cover its shape ${fmtShape(shape)}`, 'this is a planner bug, please report it');
}

export function describe(n: Node): Record<string, unknown> {
  const { id, key: _key, grid: _grid, ...rest } = n as Node & Record<string, unknown>;
  const out: Record<string, unknown> = { id };
  for (const [k, v] of Object.entries(rest)) {
    if (k === 'input' || k === 'a' || k === 'b' || k === 'carry' || k === 'mask' || k === 'runs' || k === 'positions' || k === 'edges') out[k] = v === null ? null : (v as Node).id;
    else if (k === 'args' || k === 'inputs') out[k] = (v as Node[]).map((c) => c.id);
    else out[k] = v;
  }
  return out;
}

// ---- shapes ---------------------------------------------------------------------------------

export function fmtShape(shape: readonly number[]): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
}

export function broadcastShapes(shapes: readonly (readonly number[])[]): number[] {
  const nd = Math.max(0, ...shapes.map((s) => s.length));
  const out = new Array<number>(nd).fill(1);
  for (const s of shapes) {
    for (let i = 0; i < s.length; i++) {
      const d = nd - s.length + i;
      if (s[i] === 1) continue;
      if (out[d] === 1) out[d] = s[i];
      else if (out[d] !== s[i]) {
        throw new TesseraError(
          'BROADCAST_MISMATCH',
          `operands could not be broadcast together with shapes ${shapes.map(fmtShape).join(' ')}`,
          'shapes must match or be 1 in each dimension, aligned from the right; use reshape or [:, None] to line them up',
        );
      }
    }
  }
  return out;
}

/** The grid of an elementwise result: per dimension, the refinement of every operand that spans it. */
export function broadcastGrid(shape: readonly number[], operands: readonly { shape: number[]; grid: Grid }[]): Grid {
  const nd = shape.length;
  const grid: Grid = [];
  for (let d = 0; d < nd; d++) {
    const dims: number[][] = [];
    for (const o of operands) {
      const od = d - (nd - o.shape.length);
      if (od < 0 || o.shape[od] !== shape[d]) continue;
      dims.push(o.grid[od]);
    }
    grid.push(dims.length ? refine(dims) : [shape[d]]);
  }
  return grid;
}

/** The grid of a view: chunks break where the input index crosses an input chunk boundary. */
export function viewGrid(input: { grid: Grid }, dims: readonly ViewDim[]): Grid {
  return dims.map((vd) => {
    if (vd.size === 0) return [0]; // also a newaxis sliced to nothing (a view of a view composes to it)
    if (vd.src === null) return [1];
    const b = boundaries(input.grid[vd.src]);
    const out: number[] = [];
    const nChunks = b.length - 1;
    const order = vd.step > 0 ? [...Array(nChunks).keys()] : [...Array(nChunks).keys()].reverse();
    for (const c of order) {
      // k such that start + k*step lies in [b[c], b[c+1])
      let k0: number, k1: number;
      if (vd.step > 0) {
        k0 = Math.ceil((b[c] - vd.start) / vd.step);
        k1 = Math.ceil((b[c + 1] - vd.start) / vd.step) - 1;
      } else {
        k0 = Math.ceil((b[c + 1] - 1 - vd.start) / vd.step);
        k1 = Math.floor((b[c] - vd.start) / vd.step);
      }
      k0 = Math.max(k0, 0);
      k1 = Math.min(k1, vd.size - 1);
      if (k1 >= k0) out.push(k1 - k0 + 1);
    }
    return out;
  });
}
