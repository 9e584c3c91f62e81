/**
 * Lowering: from the planned Expr DAG to a TaskGraph. Each materialised node becomes a layer:
 * - map layers run a fused program per chunk;
 * - a reduction runs a fused program per input chunk into partial state, then merges partials in
 *   a tree of fixed shape (fan-in 8, in index order), so results do not depend on scheduling;
 * - a rechunk that moves data assembles each new chunk from pieces of the old ones;
 * - matmul multiplies block pairs along the inner dimension into each output block;
 * - large outputs get write tasks and a commit (temp file + rename).
 */
import { native, type ProgramSpec, type ReduceName } from '../../native/addon.js';
import { ctypeOf, type DType, itemsize, reductionTypes } from './dtype.js';
import { TesseraError } from '../../engine/errors.js';
import { type AccessTemplate, type ChunkProvider, RegionCompiler } from './compile.js';
import type { BlocksNode, CompressNode, FftNode, HistogramNode, LinalgNode, MatmulNode, MergeNode, Node, ReduceNode, RechunkNode, ScanNode, SortNode, SourceSpec } from './expr.js';
import { overlappedChunks } from './hdf5.js';
import type { BlockInfo } from '../../engine/kinds/call.js';
import { type Layer, type Task as EngineTask, taskKey } from '../../engine/graph.js';
import { finishGraph } from '../../engine/finish-graph.js';
import { estimateBytes } from '../../engine/task-kinds.js';
import './kinds/index.js';
import type { ArrayGraph, OutputPlan } from './array-graph.js';
import type { ArrayTaskSpec, AssembleSpec, ReduceSpec } from './kinds/index.js';

type Task = EngineTask<ArrayTaskSpec>;

/**
 * A task with the byte estimate its kind gives its spec. (Built field by field: a spread makes a
 * copy per task and costs a fifth of the lowering of a large reduction.)
 */
const withEstimate = (t: Omit<Task, 'estBytes' | 'priority'>): Task =>
  ({ key: t.key, layer: t.layer, index: t.index, deps: t.deps, spec: t.spec, estBytes: estimateBytes(t.spec), priority: 0 });
import { chunkCount, chunkIndices, chunkRegion, cStrides, type Grid, gridBounds, product, refine } from './grid.js';
import { children } from './expr.js';
import type { Plan } from './plan.js';
import { combineTree } from '../../engine/combine-tree.js';
import { labelLayersByOutput } from '../../engine/layer-owners.js';
import { chunkNumber } from '../../api/chunk-numbers.js';

export interface OutputRequest {
  name: string;
  node: Node;
  /** Write to this path instead of returning values. */
  path?: string;
  /** The path is an HDF5 file, and the output its dataset of this name (several outputs share the file). */
  hdf5Dataset?: string;
  /** The path is a Zarr store (a group folder), and the output its array of this name (its grid must be regular). */
  zarrArray?: string;
  /** The node is (re, im) pairs of a complex result (complex.ts): written as numpy's complex dtype. */
  complex?: boolean;
  /** Keep the output's chunks in the store after the run (dask's persist): the result hands them over. */
  persist?: boolean;
  /** Whether a kept output's values are read back too (false: too large to return). */
  values?: boolean;
}

class Lowering implements ChunkProvider {
  readonly tasks: Task[] = [];
  readonly layers: Layer[] = [];
  readonly programs = new Map<string, number>();
  /** Each registered program's spec by its id: what another process needs to register it too (a cluster's task hosts). */
  readonly programSpecs: Record<number, ProgramSpec> = {};
  private readonly names = new Map<number, string>();
  private readonly lowered = new Set<number>();

  constructor(private readonly plan: Plan) {}

  grid(n: Node): Grid {
    return n.grid;
  }

  key(n: Node, index: number[]): string {
    // A persisted array's chunks (a table used as an array, say) keep the keys they were stored under.
    if (n.op === 'source' && n.source.kind === 'stored') return n.source.keys[chunkNumber(index, n.grid.map((d) => d.length))];
    if (n.op === 'reshape') {
      const inIdx = n.input.shape.map((_, d) => (d === 0 ? (index[0] ?? 0) : 0));
      return this.key(n.input, inIdx);
    }
    return taskKey(this.layerName(n), index);
  }

  layerName(n: Node): string {
    let name = this.names.get(n.id);
    if (!name) {
      name = `${this.labelOf(n)}-${n.id}`;
      this.names.set(n.id, name);
    }
    return name;
  }

  private labelOf(n: Node): string {
    switch (n.op) {
      case 'source': return n.source.kind === 'file' ? 'read' : n.source.kind === 'hdf5' || n.source.kind === 'zarr' ? `read-${n.source.kind}` : n.source.kind;
      case 'map': return n.fn.replace(/^astype_/, 'astype-');
      default: return n.op;
    }
  }

  /** The last program registered and its id: a layer's tasks nearly always share one (see compile.ts). */
  private lastProgram: { spec: ProgramSpec; id: number } | null = null;

  registerProgram(p: ProgramSpec): number {
    if (this.lastProgram?.spec === p) return this.lastProgram.id;
    const id = this.registerNew(p);
    this.lastProgram = { spec: p, id };
    return id;
  }

  private registerNew(p: ProgramSpec): number {
    let k = `${p.nregs}|${p.result}|${p.resultType}`;
    // -0 and 0 are different constants (join would write both as "0").
    for (const ins of p.code) k += `|${ins.map((v) => (Object.is(v, -0) ? '-0' : v)).join(',')}`;
    let id = this.programs.get(k);
    if (id === undefined) {
      id = native().registerProgram(p);
      this.programs.set(k, id);
      this.programSpecs[id] = p;
    }
    return id;
  }

  private addLayer(name: string, ops: string[], kind: ArrayTaskSpec['kind'], count: number, over?: { grid: Grid; dtype: DType }): void {
    const uniq = ops.filter((o, i) => ops.indexOf(o) === i);
    const layer: Layer = { name, label: uniq.slice(-4).join('-') || kind, kind, tasks: count, deps: [], indexShape: [] };
    if (over) { layer.grid = over.grid; layer.itemsize = itemsize(over.dtype); }
    this.layers.push(layer);
  }

  /** Adds a task with its kind's byte estimate (the order gives priorities later). */
  private push(t: Omit<Task, 'estBytes' | 'priority'>): void {
    this.tasks.push(withEstimate(t));
  }

  /** Lowers a materialised node and, first, everything it reads. */
  lower(n: Node): void {
    if (this.lowered.has(n.id)) return;
    this.lowered.add(n.id);
    for (const dep of this.materializedBelow(n)) this.lower(dep);
    if (n.op === 'reshape') return; // an alias of its input's chunks
    switch (n.op) {
      case 'reduce': return this.lowerReduce(n);
      case 'matmul': return this.lowerMatmul(n);
      case 'blocks': return this.lowerBlocks(n);
      case 'scan': return this.lowerScan(n);
      case 'compress': return this.lowerCompress(n);
      case 'sort': return this.lowerSort(n);
      case 'merge': return this.lowerMerge(n);
      case 'histogram': return this.lowerHistogram(n);
      case 'linalg': return this.lowerLinalg(n);
      case 'fft': return this.lowerFft(n);
      case 'source': return n.source.kind === 'hdf5' ? this.lowerHdf5(n, n.source) : n.source.kind === 'zarr' ? this.lowerZarr(n, n.source) : this.lowerMap(n);
      case 'rechunk':
        if (this.plan.isMaterialized(n.input)) return this.lowerAssemble(n);
        return this.lowerMap(n);
      default: return this.lowerMap(n);
    }
  }

  /** The materialised nodes a node's tasks read directly. */
  private materializedBelow(n: Node): Node[] {
    const out: Node[] = [];
    const seen = new Set<number>();
    const visit = (c: Node, isRoot: boolean) => {
      if (seen.has(c.id)) return;
      seen.add(c.id);
      if (!isRoot && (this.plan.isMaterialized(c) || c.op === 'reshape')) {
        out.push(c.op === 'reshape' ? c.input : c);
        if (c.op === 'reshape') this.lowered.add(c.id);
        return;
      }
      const kids = c.op === 'map' || c.op === 'concat' || c.op === 'matmul' || c.op === 'scan' || c.op === 'compress' || c.op === 'merge' || c.op === 'histogram' || c.op === 'linalg' || c.op === 'fft' ? children(c) : 'input' in c ? [c.input] : [];
      for (const k of kids) visit(k, false);
    };
    visit(n, true);
    return out;
  }

  private lowerMap(n: Node): void {
    const name = this.layerName(n);
    let ops: string[] = [];
    let count = 0;
    const regions = new RegionCompiler(n, this.plan, this);
    for (const idx of chunkIndices(n.grid)) {
      const { offset, shape } = chunkRegion(n.grid, idx);
      const c = regions.compile(offset, shape);
      if (!ops.length) ops = c.ops;
      this.push({
        key: taskKey(name, idx), layer: name, index: idx, deps: c.deps,
        spec: { kind: 'map', program: this.registerProgram(c.program), accesses: c.accesses, iterShape: shape, outDtype: n.dtype, outShape: shape },
      });
      count++;
    }
    this.addLayer(name, ops, 'map', count, n);
  }

  /**
   * What the kinds that compute their input chunk by a fused program share (scan, compress, sort,
   * histogram): per chunk of `over`, the region's program (stored as `resultDtype`), then the
   * kind's task from it. `task` gets the region, its chunk index and running count, and the
   * task's dependencies so far (it appends what else it reads), and names the task's index.
   */
  private lowerFused(n: Node, input: Node, over: Grid, resultDtype: DType, op: string, kind: ArrayTaskSpec['kind'],
    task: (r: { program: number; accesses: AccessTemplate[]; idx: number[]; offset: number[]; shape: number[]; deps: string[]; k: number }) => { index: number[]; spec: ArrayTaskSpec }): void {
    const name = this.layerName(n);
    let ops: string[] = [];
    let k = 0;
    const regions = new RegionCompiler(input, this.plan, this, { resultDtype, rootIsInput: true });
    for (const idx of chunkIndices(over)) {
      const { offset, shape } = chunkRegion(over, idx);
      const c = regions.compile(offset, shape);
      if (!ops.length) ops = [...c.ops, op];
      const deps = [...c.deps];
      const { index, spec } = task({ program: this.registerProgram(c.program), accesses: c.accesses, idx, offset, shape, deps, k });
      this.push({ key: taskKey(name, index), layer: name, index, deps, spec });
      k++;
    }
    this.addLayer(name, ops, kind, k, n);
  }

  /**
   * A scan: per chunk, a fused program computes the input region (stored in the scan's dtype) and
   * the task accumulates it along the axis from the carry chunk of the same index (axis index 0).
   */
  private lowerScan(n: ScanNode): void {
    this.lowerFused(n, n.input, n.grid, n.dtype, n.fn, 'scan', ({ program, accesses, idx, shape, deps }) => ({
      index: idx,
      spec: {
        kind: 'scan', program, accesses, iterShape: shape, outDtype: n.dtype, axis: n.axis, op: n.fn,
        carry: n.carry ? depIndex(deps, this.key(n.carry, idx.map((i, d) => (d === n.axis ? 0 : i)))) : null,
      },
    }));
  }

  /** Boolean-mask indexing: per chunk of rows, a fused program for the rows and the mask chunk of the same index. */
  private lowerCompress(n: CompressNode): void {
    this.lowerFused(n, n.input, n.input.grid, n.dtype, 'compress', 'compress', ({ program, accesses, idx, shape, deps }) => ({
      index: idx,
      spec: { kind: 'compress', program, accesses, iterShape: shape, outDtype: n.dtype, count: n.grid[0][idx[0]], mask: depIndex(deps, this.key(n.mask, [idx[0]])) },
    }));
  }

  /** A sort of each chunk along the axis: a fused program computes the chunk's values, in their own dtype. */
  private lowerSort(n: SortNode): void {
    this.lowerFused(n, n.input, n.grid, n.input.dtype, n.fn, 'sort', ({ program, accesses, idx, offset, shape }) => ({
      index: idx,
      spec: { kind: 'sort', program, accesses, iterShape: shape, valueDtype: n.input.dtype, axis: n.axis, argsort: n.fn === 'argsort', indexBase: offset[n.axis] },
    }));
  }

  /** A 1-D sort's chunks, each merged from every sorted run (its ranks are its offset .. offset + size). */
  private lowerMerge(n: MergeNode): void {
    const name = this.layerName(n);
    const runKeys = [...chunkIndices(n.runs.grid)].map((idx) => this.key(n.runs, idx));
    const positionKeys = n.positions ? [...chunkIndices(n.positions.grid)].map((idx) => this.key(n.positions!, idx)) : [];
    let count = 0;
    for (const idx of chunkIndices(n.grid)) {
      const { offset, shape } = chunkRegion(n.grid, idx);
      const deps = [...runKeys, ...positionKeys];
      this.push({
        key: taskKey(name, idx), layer: name, index: idx, deps,
        spec: {
          kind: 'merge', valueDtype: n.runs.dtype, argsort: n.fn === 'argsort', start: n.start + offset[0], count: shape[0],
          runs: runKeys.map((_, i) => i), positions: positionKeys.map((_, i) => runKeys.length + i),
        },
      });
      count++;
    }
    this.addLayer(name, [n.fn, 'merge'], 'merge', count, n);
  }

  /** Histogram counts: per input chunk (k-th in C order), a fused program for its values in the edges' dtype, and the edges chunk. */
  private lowerHistogram(n: HistogramNode): void {
    this.lowerFused(n, n.input, n.input.grid, n.edges.dtype, 'histogram', 'histogram', ({ program, accesses, idx, shape, deps, k }) => ({
      index: [k, 0],
      spec: {
        kind: 'histogram', program, accesses, iterShape: shape, valueDtype: n.edges.dtype, edges: depIndex(deps, this.key(n.edges, [0])),
        weights: n.weights ? depIndex(deps, this.key(n.weights, idx)) : null, bins: n.shape[1],
      },
    }));
  }

  /** A LAPACK task per chunk: qr of each row chunk, or svd / solve of single chunks (linalg.ts). */
  private lowerLinalg(n: LinalgNode): void {
    const name = this.layerName(n);
    let count = 0;
    for (const idx of chunkIndices(n.grid)) {
      const deps = n.fn === 'qr' ? [this.key(n.inputs[0], [idx[0], 0])] : n.inputs.map((x) => this.key(x, x.shape.map(() => 0)));
      this.push({ key: taskKey(name, idx), layer: name, index: idx, deps, spec: { kind: 'linalg', fn: n.fn, shape: chunkRegion(n.grid, idx).shape } });
      count++;
    }
    this.addLayer(name, [n.fn], 'linalg', count, n);
  }

  /** A transform per chunk of the batch axes, its input the chunk of the same index (the transformed axis and the pairs are one chunk each). */
  private lowerFft(n: FftNode): void {
    const name = this.layerName(n);
    let count = 0;
    for (const idx of chunkIndices(n.grid)) {
      // r2c's input lacks the trailing pair axis, c2r's has it.
      const inIdx = n.fn === 'r2c' || n.fn === 'r2c_full' || n.fn === 'r2c_full_inverse' ? idx.slice(0, -1) : n.fn === 'c2r' ? [...idx, 0] : idx;
      const inShape = chunkRegion(n.input.grid, inIdx).shape;
      const line = inShape.slice(0, n.fn === 'c2c' || n.fn === 'c2c_inverse' || n.fn === 'c2r' ? -1 : undefined);
      const spec = {
        kind: 'fft' as const, fn: n.fn, n: n.n, scale: n.scale, outDtype: n.dtype, shape: chunkRegion(n.grid, idx).shape,
        lines: line.slice(0, -1).reduce((a, b) => a * b, 1), nIn: line[line.length - 1],
      };
      this.push({ key: taskKey(name, idx), layer: name, index: idx, deps: [this.key(n.input, inIdx)], spec });
      count++;
    }
    const label = { c2c: 'fft', c2c_inverse: 'ifft', r2c: 'rfft', c2r: 'irfft', r2c_full: 'fft', r2c_full_inverse: 'ifft' }[n.fn];
    this.addLayer(name, [label], 'fft', count, n);
  }

  /** An HDF5 dataset's chunks, each decoded from the stored chunks its region overlaps (hdf5.ts). */
  private lowerHdf5(n: Node, s: Extract<SourceSpec, { kind: 'hdf5' }>): void {
    const name = this.layerName(n);
    let count = 0;
    for (const idx of chunkIndices(n.grid)) {
      const { offset, shape } = chunkRegion(n.grid, idx);
      const chunks = s.library ? [] : overlappedChunks(s, n.shape, offset, shape);
      this.push({
        key: taskKey(name, idx), layer: name, index: idx, deps: [],
        spec: { kind: 'hdf5_read', path: s.path, dataset: s.dataset, dtype: n.dtype, byteswap: s.byteswap, library: s.library, ...(s.pairs ? { pairs: true } : {}), fill: s.fill, filters: s.filters, fileChunk: s.fileChunks, offset, shape, chunks },
      });
      count++;
    }
    this.addLayer(name, ['read-hdf5'], 'hdf5_read', count, n);
  }

  /** A Zarr array's chunks, each read from the chunk files its region overlaps (zarr.ts). */
  private lowerZarr(n: Node, s: Extract<SourceSpec, { kind: 'zarr' }>): void {
    const name = this.layerName(n);
    let count = 0;
    for (const idx of chunkIndices(n.grid)) {
      const { offset, shape } = chunkRegion(n.grid, idx);
      this.push({
        key: taskKey(name, idx), layer: name, index: idx, deps: [],
        spec: { kind: 'zarr_read', folder: s.folder, dtype: n.dtype, byteswap: s.byteswap, codec: s.codec, fill: s.fill, separator: s.separator, ...(s.pairs ? { pairs: true } : {}), zarrChunk: s.zarrChunks, offset, shape },
      });
      count++;
    }
    this.addLayer(name, ['read-zarr'], 'zarr_read', count, n);
  }

  /**
   * map_blocks: a `call` task in 'block' mode per chunk, reading the input's chunk of the same
   * index (their grids are one) and storing the function's typed array as this node's chunk.
   */
  private lowerBlocks(n: BlocksNode): void {
    const name = this.layerName(n);
    let count = 0;
    for (const idx of chunkIndices(n.grid)) {
      const { offset, shape } = chunkRegion(n.grid, idx);
      const block: BlockInfo = { dtype: n.dtype, shape, index: idx, offset };
      this.push({
        key: taskKey(name, idx), layer: name, index: idx, deps: [this.key(n.input, idx)],
        spec: { kind: 'call', module: n.module, version: n.version, name: n.fn, args: [{ dep: 0 }, { value: block }], mode: 'block', estBytes: product(shape) * itemsize(n.dtype) },
      });
      count++;
    }
    this.layers.push({ name, label: `map_blocks ${n.fn}`, kind: 'call', tasks: count, deps: [], indexShape: [], grid: n.grid, itemsize: itemsize(n.dtype) });
  }

  private lowerReduce(n: ReduceNode): void {
    const name = this.layerName(n);
    const input = n.input;
    const fn = n.fn === 'std' ? 'var' : n.fn;
    const { acc, out } = reductionTypes(n.fn, input.dtype);
    const fields = { reduce: fn as ReduceName, acc, ddof: n.ddof, sqrt: n.fn === 'std', outDtype: out };
    const nd = input.shape.length;
    const reduced = input.shape.map((_, d) => (n.axes.includes(d) ? 1 : 0));
    const resultDtype: DType = acc === 'f64' ? 'float64' : acc === 'u64' ? 'uint64' : 'int64';
    const truthy = fn === 'any' || fn === 'all' || fn === 'count_nonzero';
    const fullStrides = cStrides(input.shape);
    // Partials grouped by the output chunk they feed (kept dims), in C order over reduced dims.
    const groups = new Map<string, { outIdx: number[]; parts: Task[] }>();
    let ops: string[] = [];
    const partialLayer = `${name}-partial`;
    const partialTasks: Task[] = [];
    const regions = new RegionCompiler(input, this.plan, this, { resultDtype: truthy ? undefined : resultDtype, truthy, rootIsInput: true });
    for (const idx of chunkIndices(input.grid)) {
      const { offset, shape } = chunkRegion(input.grid, idx);
      const c = regions.compile(offset, shape);
      if (!ops.length) ops = [...c.ops, n.fn];
      let indexBase = 0;
      let indexStrides = new Array<number>(nd).fill(0);
      if (fn === 'argmin' || fn === 'argmax') {
        if (n.axes.length === nd) {
          indexBase = offset.reduce((s, o, d) => s + o * fullStrides[d], 0);
          indexStrides = fullStrides;
        } else {
          const k = n.axes[0];
          indexBase = offset[k];
          indexStrides[k] = 1;
        }
      }
      const outIdx = n.keepdims ? idx.map((i, d) => (reduced[d] ? 0 : i)) : idx.filter((_, d) => !reduced[d]);
      const gk = outIdx.join(',');
      let group = groups.get(gk);
      if (!group) groups.set(gk, (group = { outIdx, parts: [] }));
      const key = taskKey(partialLayer, idx);
      const task = withEstimate({
        key, layer: partialLayer, index: idx, deps: c.deps,
        spec: { kind: 'reduce', program: this.registerProgram(c.program), accesses: c.accesses, iterShape: shape, reduced, indexBase, indexStrides, finalize: false, ...fields },
      });
      partialTasks.push(task);
      group.parts.push(task);
    }
    if (partialTasks.length === 0) {
      throw new TesseraError('EMPTY_REDUCTION', `cannot reduce an empty array of shape (${input.shape.join(', ')})`, 'the array has no chunks');
    }
    const combineTasks: Task[] = [];
    let levels = 0;
    for (const { outIdx, parts } of groups.values()) {
      const outShape = chunkRegion(n.grid, outIdx).shape;
      const finalKey = taskKey(name, outIdx);
      if (parts.length === 1) {
        // One partial: it finalises directly and takes the final key.
        const t = parts[0];
        t.key = finalKey;
        t.layer = name;
        t.index = outIdx; // the output's chunk, as the window numbers the layer's chunks by it
        t.spec = { ...(t.spec as ReduceSpec), finalize: true, outShape };
        t.estBytes = estimateBytes(t.spec);
        continue;
      }
      const tree = combineTree<ArrayTaskSpec>(parts.map((t) => t.key), finalKey,
        (depth, group) => taskKey(`${name}-combine${depth}`, [...outIdx, group]),
        (key, { depth, group, members, isRoot }) => withEstimate({
          key, layer: isRoot ? name : `${name}-combine${depth}`, index: isRoot ? outIdx : [...outIdx, group], deps: members,
          spec: { kind: 'combine', finalize: isRoot, outShape, ...fields },
        }));
      for (const t of tree.tasks) combineTasks.push(t);
      const depth = tree.depth;
      levels = Math.max(levels, depth);
    }
    const partialsLeft = partialTasks.filter((t) => t.layer === partialLayer).length;
    if (partialsLeft) this.addLayer(partialLayer, ops, 'reduce', partialsLeft, input);
    for (let d = 1; d < levels; d++) {
      const layer = `${name}-combine${d}`;
      const count = combineTasks.filter((t) => t.layer === layer).length;
      if (count) this.addLayer(layer, [n.fn, `combine-${d}`], 'combine', count); // each level of the tree by its depth
    }
    const finals = partialTasks.length - partialsLeft + combineTasks.filter((t) => t.layer === name).length;
    this.addLayer(name, [...ops, ...(combineTasks.length ? ['combine'] : [])], combineTasks.length ? 'combine' : 'reduce', finals, { grid: n.grid, dtype: out });
    // (A loop, not push(...spread): 10^5 arguments are slow and can overflow the stack.)
    for (const t of partialTasks) this.tasks.push(t);
    for (const t of combineTasks) this.tasks.push(t);
  }

  private lowerAssemble(n: RechunkNode): void {
    const name = this.layerName(n);
    const input = n.input;
    const inBounds = gridBounds(input.grid);
    let count = 0;
    for (const idx of chunkIndices(n.grid)) {
      const { offset, shape } = chunkRegion(n.grid, idx);
      // Per dimension, the input chunks overlapping this output chunk.
      const perDim = offset.map((o, d) => {
        const b = inBounds[d];
        const list: { c: number; lo: number; hi: number }[] = [];
        for (let c = 0; c < b.length - 1; c++) {
          const lo = Math.max(o, b[c]), hi = Math.min(o + shape[d], b[c + 1]);
          if (hi > lo) list.push({ c, lo, hi });
        }
        return list;
      });
      const deps: string[] = [];
      const pieces: AssembleSpec['pieces'] = [];
      const combos = chunkIndices(perDim.map((l) => l.map(() => 1)));
      for (const pick of combos) {
        const parts = pick.map((k, d) => perDim[d][k]);
        const inIdx = parts.map((p) => p.c);
        const inShape = chunkRegion(input.grid, inIdx).shape;
        const cs = cStrides(inShape);
        const base = parts.reduce((s, p, d) => s + (p.lo - inBounds[d][p.c]) * cs[d], 0);
        const dep = depIndex(deps, this.key(input, inIdx));
        pieces.push({
          source: { kind: 'chunk', dtype: input.dtype, dep, base, strides: cs },
          shape: parts.map((p) => p.hi - p.lo),
          destOffset: parts.map((p, d) => p.lo - offset[d]),
        });
      }
      this.push({
        key: taskKey(name, idx), layer: name, index: idx, deps,
        spec: { kind: 'assemble', dtype: n.dtype, outShape: shape, pieces },
      });
      count++;
    }
    this.addLayer(name, ['rechunk'], 'assemble', count, n);
  }

  private lowerMatmul(n: MatmulNode): void {
    const name = this.layerName(n);
    const kGrid = refine([n.a.grid[1], n.b.grid[0]]);
    const kBounds = gridBounds([kGrid])[0];
    let count = 0;
    const aRegions = new RegionCompiler(n.a, this.plan, this, { rootIsInput: true });
    const bRegions = new RegionCompiler(n.b, this.plan, this, { rootIsInput: true });
    const direct = (regions: RegionCompiler, offset: number[], shape: number[], deps: string[]): AccessTemplate => {
      const c = regions.compile(offset, shape);
      if (c.program.code.length !== 1 || c.program.code[0][0] !== 'load')
        throw new TesseraError('INTERNAL', 'a matmul operand is not a plain read', 'this is a planner bug, please report it');
      const a = { ...c.accesses[0] };
      if (a.dep !== undefined) a.dep = depIndex(deps, c.deps[a.dep]);
      return a;
    };
    for (const idx of chunkIndices(n.grid)) {
      const { offset, shape } = chunkRegion(n.grid, idx);
      const deps: string[] = [];
      const a: AccessTemplate[] = [], b: AccessTemplate[] = [], k: number[] = [];
      for (let p = 0; p < kGrid.length; p++) {
        if (kGrid[p] === 0) continue;
        a.push(direct(aRegions, [offset[0], kBounds[p]], [shape[0], kGrid[p]], deps));
        b.push(direct(bRegions, [kBounds[p], offset[1]], [kGrid[p], shape[1]], deps));
        k.push(kGrid[p]);
      }
      this.push({
        key: taskKey(name, idx), layer: name, index: idx, deps,
        spec: { kind: 'matmul', type: ctypeOf(n.dtype), a, b, k, m: shape[0], n: shape[1], outDtype: n.dtype },
      });
      count++;
    }
    this.addLayer(name, ['matmul'], 'matmul', count, n);
  }

  /**
   * Write tasks (one per chunk) and a commit for an output saved to a .npy file, or as a dataset
   * of an HDF5 file (chunked as the output's first chunk).
   */
  addWrites(out: OutputPlan, path: string, into: { hdf5Dataset?: string; zarrArray?: string; complex?: boolean } = {}): void {
    // The file's chunks: each dimension's largest (a first chunk may be tiny, a mask's say).
    const chunks = out.shape.map((_, d) => Math.max(1, ...out.chunks.map((c) => c.shape[d])));
    const complex = into.complex ? { complex: true } : {};
    const writer = into.hdf5Dataset !== undefined ? native().declareWriter({ path, dtype: out.dtype, shape: out.shape, hdf5Dataset: into.hdf5Dataset, chunks, ...complex })
      : into.zarrArray !== undefined ? native().declareWriter({ path, dtype: out.dtype, shape: out.shape, zarrArray: into.zarrArray, chunks, ...complex })
        : native().declareWriter({ path, dtype: out.dtype, shape: out.shape, ...complex });
    out.writer = writer;
    out.path = path;
    const dataset = into.hdf5Dataset ?? into.zarrArray;
    if (dataset !== undefined) out.dataset = dataset;
    const layer = `write-${out.name}`;
    const keys: string[] = [];
    out.chunks.forEach((c, i) => {
      const key = taskKey(layer, [i]);
      keys.push(key);
      this.push({ key, layer, index: [i], deps: [c.key], spec: { kind: 'write', writer, offset: c.offset, shape: c.shape } });
    });
    const commitKey = taskKey(`commit-${out.name}`, []);
    this.push({ key: commitKey, layer: `commit-${out.name}`, index: [], deps: keys, spec: { kind: 'commit', writer } });
    out.commitKey = commitKey;
    this.addLayer(layer, ['write'], 'write', keys.length);
    this.addLayer(`commit-${out.name}`, ['commit'], 'commit', 1);
  }
}


/** The index of `key` in a task's dependencies, added at the end if it is not there yet. */
function depIndex(deps: string[], key: string): number {
  const i = deps.indexOf(key);
  if (i >= 0) return i;
  deps.push(key);
  return deps.length - 1;
}

/** The most tasks one job may have: its task objects and keys take ~1 KB each while it is planned. */
export const MAX_TASKS = 4 * 2 ** 20;

/**
 * Refuses, before any task is made, a job whose materialised layers would add up to more than
 * MAX_TASKS tasks (a reduction's combine tree adds at most a seventh of its inputs).
 */
function checkTaskCount(plan: Plan): void {
  let tasks = 0;
  for (const n of plan.nodes.values()) {
    if (!plan.isMaterialized(n) || n.op === 'reshape') continue;
    tasks += n.op === 'reduce' ? Math.ceil(chunkCount(n.input.grid) * 8 / 7) : chunkCount(n.grid);
  }
  if (tasks > MAX_TASKS) {
    throw new TesseraError('TOO_MANY_TASKS', `the job would have about ${tasks.toExponential(2)} tasks; Tessera plans at most ${MAX_TASKS} per job`,
      'use larger chunks ("chunks": "auto" or a size such as "256MB"), or split the outputs over several jobs');
  }
}

export function lowerJob(plan: Plan, outputs: OutputRequest[]): ArrayGraph {
  checkTaskCount(plan);
  const l = new Lowering(plan);
  const outPlans: OutputPlan[] = [];
  for (const o of outputs) l.lower(o.node);
  for (const o of outputs) {
    const chunks = [...chunkIndices(o.node.grid)].map((idx) => ({ key: l.key(o.node, idx), ...chunkRegion(o.node.grid, idx) }));
    const plan: OutputPlan = { name: o.name, shape: o.node.shape, dtype: o.node.dtype, chunks, ...(o.complex ? { complex: true } : {}) };
    if (o.path) l.addWrites(plan, o.path, o);
    outPlans.push(plan);
  }
  const graph: ArrayGraph = {
    ...finishGraph(l.tasks, l.layers), outputs: outPlans,
    programs: [...l.programs.values()], programSpecs: l.programSpecs, writers: outPlans.flatMap((o) => (o.writer ? [o.writer] : [])),
  };
  labelLayersByOutput(graph, outPlans.map((o) => ({ name: o.name, keys: o.chunks.map((c) => c.key) })));
  return graph;
}
