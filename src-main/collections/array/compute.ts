/**
 * The array collection's side of a run: plans and lowers array outputs into a task graph, has the
 * engine run it keeping the output chunks, and reads small outputs back as values (large ones are
 * written to .npy files by the graph's own write and commit tasks). Persisting keeps an array's
 * chunks in the engine for later jobs.
 */
import { rm } from 'node:fs/promises';
import { native, type DTypeName } from '../../native/addon.js';
import type { ComputeOptions, Engine, GraphRun, GraphRunner } from '../../engine/engine.js';
import { TesseraError, toTesseraError } from '../../engine/errors.js';
import { checkFunctions, type FunctionsModule } from '../../engine/user-modules/check-functions.js';
import type { FileStamp } from '../../engine/executor.js';
import type { ArrayGraph } from './array-graph.js';
import { complexDtype, type DType, itemsize } from './dtype.js';
import { children, type ExprContext, type Node, type SourceNode } from './expr.js';
import type { Grid } from './grid.js';
import './kinds/index.js';
import { lowerJob, type OutputRequest } from './lower.js';
import { Plan } from './plan.js';
import { nest, readValues, type Nested } from './values.js';

/** An output's dtype: the store's, or a complex one (a complex output's values are [re, im] pairs). */
export type OutputDtype = DTypeName | 'complex128' | 'complex64';

/** `persisted`: kept in the store after the job (values only if small). */
export type OutputResult =
  | { name: string; kind: 'scalar'; dtype: OutputDtype; value: Nested; persisted?: true }
  | { name: string; kind: 'array'; dtype: OutputDtype; shape: number[]; values?: Nested; path?: string; dataset?: string; persisted?: true };

export interface ComputeResult extends Omit<GraphRun, 'chunks'> {
  outputs: OutputResult[];
  layers: ArrayGraph['layers'];
  /** The outputs asked to persist: their chunks, held by `owner` until the caller frees it (run/persisted-arrays.ts). */
  kept?: { owner: number; outputs: KeptArray[] };
}

/** A persisted output's chunks in C order of its grid, each a whole chunk a task made. */
export interface KeptArray {
  name: string;
  dtype: DTypeName;
  shape: number[];
  grid: Grid;
  chunks: { key: string; id: number; bytes: number }[];
  bytes: number;
  /** Complex (re, im) pairs along the last axis (complex.ts). */
  complex?: boolean;
}

/**
 * Whether an array's chunks are chunks already stored (a persisted array, or a reshape of one):
 * no task of a new job makes them, so a job that persists it copies it first.
 */
export function aliasesStoredChunks(node: Node): boolean {
  let n = node;
  while (n.op === 'reshape') n = n.input;
  return n.op === 'source' && n.source.kind === 'stored';
}

/** Plans and lowers array outputs without running them. */
export function lowerArrays(outputs: OutputRequest[]): ArrayGraph {
  return lowerJob(new Plan(outputs.map((o) => o.node)), outputs);
}

/** Computes array outputs: values for those without a path, .npy files for those with one. */
export async function computeArrays(engine: Engine, outputs: OutputRequest[], opts: ComputeOptions = {}): Promise<ComputeResult> {
  await checkBlockFunctions(engine, outputs.map((o) => o.node), opts);
  const owner = engine.newJob();
  let graph: ArrayGraph | undefined;
  let keptOwner = -1;
  try {
    graph = lowerArrays(outputs);
    const keep = new Set<string>();
    for (const o of graph.outputs) if (!o.path) for (const c of o.chunks) keep.add(c.key);
    const run = await runArrayGraph(engine, graph, owner, keep, plannedFiles(outputs.map((o) => o.node)), opts);
    const request = new Map(outputs.map((o) => [o.name, o]));
    const outputResult = (o: ArrayGraph['outputs'][number]): OutputResult => {
      if (o.path) return { name: o.name, kind: 'array', dtype: o.dtype, shape: o.shape, path: o.path, ...(o.dataset ? { dataset: o.dataset } : {}) };
      if (request.get(o.name)!.values === false) return { name: o.name, kind: 'array', dtype: o.dtype, shape: o.shape };
      // A chunk no task made is a stored one (the output is a persisted array or a table's column as it is).
      const flat = readValues(o.dtype, o.shape, o.chunks.map((c) => ({ id: run.chunks.get(c.key) ?? engine.keptChunk(c.key)!, offset: c.offset, shape: c.shape })));
      if (o.shape.length === 0) return { name: o.name, kind: 'scalar', dtype: o.dtype, value: flat[0] };
      return { name: o.name, kind: 'array', dtype: o.dtype, shape: o.shape, values: nest(flat, o.shape) };
    };
    const results: OutputResult[] = graph.outputs.map((o): OutputResult => {
      const r = request.get(o.name)!.complex ? complexResult(outputResult(o)) : outputResult(o);
      return request.get(o.name)!.persist ? { ...r, persisted: true } : r;
    });
    const { chunks, ...rest } = run;
    const kept = keptArrays(graph, request, chunks);
    const keptIds = new Set(kept.flatMap((k) => k.chunks.map((c) => c.id)));
    for (const id of chunks.values()) if (!keptIds.has(id)) native().release(id);
    if (!kept.length) return { ...rest, outputs: results, layers: graph.layers };
    keptOwner = owner;
    return { ...rest, outputs: results, layers: graph.layers, kept: { owner, outputs: kept } };
  } catch (e) {
    for (const w of graph?.writers ?? []) native().abortWriter(w);
    // Outputs renamed into place were computed from a file that changed: not kept.
    if (graph && toTesseraError(e).code === 'INPUT_CHANGED') await Promise.all(graph.outputs.map((o) => (o.path ? rm(o.path, { force: true }) : undefined)));
    throw toTesseraError(e, { phase: graph ? 'run' : 'input' });
  } finally {
    if (keptOwner !== owner) engine.freeJob(owner);
    for (const w of graph?.writers ?? []) native().forgetWriter(w);
  }
}

/**
 * A complex output's result from its (re, im) pairs: the complex dtype, the shape without the pair
 * axis, and the values as [re, im] pairs (a 0-d one: a scalar of one pair).
 */
function complexResult(r: OutputResult): OutputResult {
  if (r.kind !== 'array') throw new TesseraError('INTERNAL', 'a complex output has no pair axis', 'this is a planner bug, please report it');
  const dtype = complexDtype(r.dtype);
  const shape = r.shape.slice(0, -1);
  if (!shape.length && r.values !== undefined) return { name: r.name, kind: 'scalar', dtype, value: r.values };
  return { ...r, dtype, shape };
}

/** The outputs asked to persist, with their chunks' store ids (each made by a task of this run). */
function keptArrays(graph: ArrayGraph, request: Map<string, OutputRequest>, chunks: Map<string, number>): KeptArray[] {
  return graph.outputs.filter((o) => request.get(o.name)!.persist).map((o) => {
    const ids = o.chunks.map((c) => chunks.get(c.key));
    if (ids.some((id) => id === undefined)) throw new TesseraError('INTERNAL', `output '${o.name}' reads stored chunks and cannot be kept as they are`, 'this is a bug, please report it');
    const node = request.get(o.name)!.node;
    const chunkBytes = o.chunks.map((c) => c.shape.reduce((a, b) => a * b, 1) * itemsize(o.dtype));
    return {
      name: o.name, dtype: o.dtype, shape: o.shape, grid: node.grid,
      chunks: o.chunks.map((c, i) => ({ key: c.key, id: ids[i]!, bytes: chunkBytes[i] })),
      bytes: chunkBytes.reduce((a, b) => a + b, 0),
      ...(request.get(o.name)!.complex ? { complex: true } : {}),
    };
  });
}

/** Runs a lowered array graph; its programs are let go after. */
async function runArrayGraph(engine: Engine, graph: ArrayGraph, owner: number, keep: Set<string>, files: Map<string, FileStamp>, opts: ComputeOptions): Promise<GraphRun> {
  try {
    return await engine.run(graph, { ...opts, owner, keep, files });
  } finally {
    for (const p of graph.programs) native().dropProgram(p);
  }
}

let nextStored = 1;

/**
 * Computes an array and keeps its chunks in the engine (dask's persist): returns a node that
 * reads them, usable in later jobs of this engine until unpersistArray().
 */
export async function persistArray(engine: Engine, ctx: ExprContext, node: Node, opts: ComputeOptions = {}): Promise<SourceNode> {
  const owner = engine.newJob();
  const graph = lowerArrays([{ name: 'persist', node }]);
  const keepKeys = graph.outputs[0].chunks.map((c) => c.key);
  let run: GraphRun;
  try {
    run = await runArrayGraph(engine, graph, owner, new Set(keepKeys), plannedFiles([node]), opts);
  } catch (e) {
    engine.freeJob(owner);
    throw toTesseraError(e, { phase: 'run' });
  }
  const name = `stored-${nextStored++}`;
  const keys = keepKeys.map((_, i) => `${name}:${i}`);
  engine.keep(name, owner, keepKeys.map((k, i) => ({ key: keys[i], id: run.chunks.get(k)! })));
  return storedArray(ctx, keys, node.shape, node.grid, node.dtype);
}

/** An array whose chunks are already in the engine, kept under `keys` (one per chunk, C order of the grid). */
export function storedArray(ctx: ExprContext, keys: string[], shape: number[], grid: Grid, dtype: DType): SourceNode {
  const spec = { kind: 'stored' as const, keys };
  return ctx.intern<SourceNode>({ op: 'source', source: spec, shape, dtype, weak: null, grid }, spec);
}

/** The store chunk ids of a persisted array, in C order of its grid. */
export function persistedChunkIds(engine: Engine, node: SourceNode): number[] {
  if (node.source.kind !== 'stored') return [];
  return node.source.keys.map((k) => engine.keptChunk(k)).filter((id): id is number => id !== undefined);
}

/** Frees the chunks of a persisted array. */
export function unpersistArray(engine: Engine, node: SourceNode): void {
  if (node.source.kind !== 'stored' || !node.source.keys.length) return;
  engine.drop(node.source.keys[0].split(':')[0]);
}

/** Calls f on every node under the roots once (an explicit stack: expressions may be 10^5 nodes deep). */
function forEachNode(roots: Node[], f: (n: Node) => void): void {
  const seen = new Set<Node>();
  const stack = [...roots];
  while (stack.length) {
    const n = stack.pop()!;
    if (seen.has(n)) continue;
    seen.add(n);
    f(n);
    stack.push(...children(n));
  }
}

/**
 * The functions map_blocks names exist in their modules (imported in a worker, once per module
 * version), else USER_FUNCTION_NOT_FOUND or the module's load error before any task runs.
 */
/** Fails before anything runs when a map_blocks function is missing from its module (check-functions.ts). */
export async function checkBlockFunctions(engine: GraphRunner, roots: Node[], opts: ComputeOptions): Promise<void> {
  const byModule = new Map<string, { module: FunctionsModule; fns: Set<string> }>();
  forEachNode(roots, (n) => {
    if (n.op !== 'blocks') return;
    const k = `${n.module}\0${n.version}`;
    if (!byModule.has(k)) byModule.set(k, { module: { path: n.module, version: n.version }, fns: new Set() });
    byModule.get(k)!.fns.add(n.fn);
  });
  for (const { module, fns } of byModule.values()) await checkFunctions(engine, module, [...fns], opts);
}

/** The input files under some nodes, with the size and mtime their job planned with. */
function plannedFiles(roots: Node[]): Map<string, FileStamp> {
  const files = new Map<string, FileStamp>();
  forEachNode(roots, (n) => {
    if (n.op === 'source' && (n.source.kind === 'file' || n.source.kind === 'hdf5')) files.set(n.source.path, { size: n.source.fileSize, mtimeNs: n.source.mtimeNs });
  });
  return files;
}

export type { OutputRequest };
