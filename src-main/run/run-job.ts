/**
 * Runs a built job on a backend: small outputs come back as values, larger ones are written as
 * .npy files under the output folder (temp file + rename), once the folder has room for them.
 * Also the warnings a built job gets before it runs.
 */
import { mkdir, stat } from 'node:fs/promises';
import { isZarrStore } from '../collections/array/zarr.js';
import { dirname, join, resolve } from 'node:path';
import type { ComputeOptions } from '../engine/engine.js';
import { joinRuns } from '../engine/join-runs.js';
import { aliasesStoredChunks, type ComputeResult } from '../collections/array/compute.js';
import type { OutputRequest } from '../collections/array/lower.js';
import { didYouMean } from '../lang/did-you-mean.js';
import { itemsize } from '../collections/array/dtype.js';
import { flatten, fromScalar, type Scalar, typedArray } from '../collections/array/values.js';
import type { DTypeName } from '../native/addon.js';
import { formatBytes } from '../api/format-bytes.js';
import { largest, product, regular } from '../collections/array/grid.js';
import { elementwise, rechunk } from '../collections/array/build.js';
import type { Node } from '../collections/array/expr.js';
import type { Backend, DenseTables } from './backend.js';
import { countOutputs, Evaluator, type MaskRequest } from '../collections/array/index.js';
import { bridgeArrays } from './table-bridge.js';
import { checkFreeSpace, removeStaleTemps } from './output-space.js';
import { type BuiltJob, evaluateOrDefer, routeOutput } from './job-spec.js';
import { TableEvaluator, type TableComputeResult, type TableFileFormat } from '../collections/dataframe/index.js';
import { BAG_TABLE_PREFIX, type BagTable, bagTableNode, itemsPlan, needsItems } from './bag-tables/index.js';
import { TesseraError } from '../engine/errors.js';
import type { DelayedArg, DelayedComputeResult, DelayedOutput, DelayedRequest } from '../collections/delayed/index.js';
import type { BagComputeResult, BagOutput, BagPlan, ItemSchema } from '../collections/bag/index.js';
import { writeAtomically } from './write-atomically.js';

/** Arrays up to this many elements are returned as values; larger ones are written to files. */
export const MAX_VALUE_ELEMENTS = 10_000;

export interface RunJobOptions extends ComputeOptions {
  /** Where outputs too large to return as values are written. */
  outDir: string;
  /** Write even if the output disk reports too little free space (a file system whose statfs misleads). */
  skipSpaceCheck?: boolean;
  /** The file format of tables too large to return inline (ADR 0017); parquet unless said. */
  tableFormat?: TableFileFormat;
  /** Rows up to which a table comes back inline (MAX_INLINE_ROWS unless said; 0 writes every table to a file). */
  inlineRows?: number;
  /** Array outputs to keep in the store after the job (persisted-arrays.ts): the result hands their chunks over. */
  persist?: readonly string[];
}

/**
 * Warnings a job deserves before it runs. The memory limit governs the chunk store; pages of a
 * mapped input file are the kernel's to drop and are not counted, so a chunk of a file larger
 * than the limit keeps the process's RSS above it while a task reads it.
 */
export function jobWarnings(job: BuiltJob, memoryLimit: number | null | undefined): string[] {
  const out: string[] = [];
  if (!memoryLimit) return out;
  for (const [name, node] of job.datasets) {
    if (node.op !== 'source' || node.source.kind !== 'file') continue;
    const chunkBytes = product(node.grid.map((d) => largest(d, 0))) * itemsize(node.dtype);
    if (chunkBytes > memoryLimit) {
      out.push(`a chunk of '${name}' is ${formatBytes(chunkBytes)}, over the memory limit of ${formatBytes(memoryLimit)}: `
        + `its mapped pages are resident while a task reads it (they are not counted in the limit); use smaller chunks to keep RSS under the limit`);
    }
  }
  return out;
}

/** A job's results: every output, array or table, in the spec's order, with the runs' events and stats. */
export interface JobResult extends Omit<ComputeResult, 'outputs'> {
  outputs: (ComputeResult['outputs'][number] | TableComputeResult['outputs'][number] | DelayedOutput | BagOutput)[];
}

/** One engine run of a job's: its outputs (by name), events and layers. */
type JobRun = ComputeResult | TableComputeResult | DelayedComputeResult | BagComputeResult;

/**
 * Runs a built job: its array outputs, then its table outputs, then its delayed ones (one engine
 * job each; a job with only one kind runs one). Their task streams and samples are joined; the stats add up (peaks: the larger).
 */
export async function runBuiltJob(backend: Backend, built: BuiltJob, opts: RunJobOptions): Promise<JobResult> {
  checkPersist(backend, built, opts);
  const arrays: { run?: ComputeResult } = {};
  try {
    const result = await runJobParts(backend, built, opts, (r) => { arrays.run = r; });
    return arrays.run?.kept ? { ...result, kept: arrays.run.kept } : result;
  } catch (e) {
    // Kept outputs of a job that failed after its arrays ran are not kept.
    if (arrays.run?.kept) backend.freeKept(arrays.run.kept.owner);
    throw e;
  }
}

/** The outputs a job persists are array outputs of this machine's engine, none written to a file. */
export function checkPersist(backend: Backend, built: BuiltJob, { persist = [], outDir }: RunJobOptions): void {
  if (!persist.length) return;
  if (backend.name !== 'local') throw new TesseraError('BAD_OPTION', `persist keeps arrays in this machine's chunk store, and the job runs on ${backend.name}`, 'run the job on this machine to persist its outputs');
  if (isHdf5Path(outDir) || isZarrPath(outDir)) throw new TesseraError('BAD_OPTION', 'outputs written to an HDF5 file or a Zarr store are not kept in memory', 'persist outputs of a job whose outputs are returned');
  const other = nonArrayOutputs(built);
  for (const name of persist) {
    if (!built.order.includes(name)) throw new TesseraError('BAD_OPTION', `persist names '${name}', which is not an output of the job${didYouMean(name, built.order)}`, 'name outputs of the job to keep');
    const kind = other.get(name);
    if (kind) throw new TesseraError('BAD_OPTION', `'${name}' is ${kind}: persist keeps arrays`, 'persist array outputs only (a table\'s column as an array: t.col.values)');
  }
}

/** A job's outputs that are not arrays, by name: what each is ('a table', 'a bag', 'a delayed value'). */
function nonArrayOutputs(built: BuiltJob): Map<string, string> {
  return new Map<string, string>([
    ...built.tableOutputs.map((t) => [t.name, 'a table'] as [string, string]), ...built.bagOutputs.map((b) => [b.name, 'a bag'] as [string, string]),
    ...(built.delayed?.outputs ?? []).map((o) => [o.name, 'a delayed value'] as [string, string]),
    ...built.deferredTables.map((t) => [t.name, 'a table'] as [string, string]),
  ]);
}

async function runJobParts(backend: Backend, built: BuiltJob, opts: RunJobOptions, onArrays: (r: ComputeResult) => void): Promise<JobResult> {
  const runs: JobRun[] = [];
  if (isHdf5Path(opts.outDir) || isZarrPath(opts.outDir)) {
    const [other] = nonArrayOutputs(built).keys();
    const what = isHdf5Path(opts.outDir) ? 'an HDF5 file' : 'a Zarr store';
    if (other !== undefined) throw new TesseraError('BAD_OPTION', `${what} holds arrays, but '${other}' is not an array output`, 'give --out a folder (tables, bags and delayed values are written there), or keep only array outputs in the job');
  }
  const { outDir: _outDir, skipSpaceCheck: _skip, persist: _persist, ...compute } = opts;
  let job = built;
  // Bags used as tables whose items come first (a schema to infer, an aggregated bag): computed,
  // then the outputs that read them are planned, before anything reads their tables.
  if (job.deferredTables.length) job = await withBagTables(backend, job, compute, runs);
  let dense: DenseTables | null = null;
  try {
    if (job.bridges.length) {
      // Tables used as arrays first: the array outputs that read them are built over their chunks.
      dense = await backend.computeDense(job.bridges, compute);
      runs.push({ ...dense.run, outputs: [] });
      const datasets = new Map([...job.datasets, ...bridgeArrays(job.ctx, dense)]);
      const ev = new Evaluator(job.ctx, datasets, job.module);
      const masked = [...job.masked], maskRequests = [...job.maskRequests];
      const outputs = [...job.outputs];
      for (const d of job.deferred) {
        const out = evaluateOrDefer(ev, d.name, d.src, masked, maskRequests);
        if (out) outputs.push({ name: d.name, ...out });
      }
      job = { ...job, datasets, outputs, masked, maskRequests, deferred: [] };
    }
    if (job.masked.length) job = await withMaskCounts(backend, job, compute, runs);
    if (job.outputs.length || (!job.tableOutputs.length && !job.deferredTables.length && !job.delayed && !job.bagOutputs.length)) {
      const r = await runArrays(backend, job, opts);
      onArrays(r);
      runs.push(r);
    }
  } finally {
    dense?.release();
  }
  if (job.tableOutputs.length) runs.push(await runTables(backend, job, opts));
  if (job.bagOutputs.length) runs.push(await runBags(backend, job, opts));
  if (job.delayed) {
    const { outDir: _o, skipSpaceCheck: _s, tableFormat: _f, inlineRows: _i, persist: _p, ...compute } = opts;
    const request = job.delayedArgs.length ? await withArgumentValues(backend, job, compute, runs) : job.delayed;
    runs.push(await backend.computeDelayed(request, compute));
  }
  if (runs.length === 1) return runs[0];
  const byName = new Map<string, JobResult['outputs'][number]>();
  for (const r of runs) for (const o of r.outputs) byName.set(o.name, o);
  return { ...joinRuns(runs), outputs: job.order.map((n) => byName.get(n)!), layers: runs.flatMap((r) => r.layers) };
}

/**
 * The outputs that index by boolean masks, planned: each round counts the masks the waiting
 * outputs need (true per chunk, one run; a band around ranks of a long array is sampled and
 * counted in the same run, rank-slices.ts) and evaluates them again with the counts; an output
 * whose mask depends on an earlier mask's result waits another round.
 */
async function withMaskCounts(backend: Backend, built: BuiltJob, compute: ComputeOptions, runs: JobRun[]): Promise<BuiltJob> {
  let job = built;
  const counts = new Map<string, number[]>();
  while (job.masked.length) {
    const requests = job.maskRequests.filter((r) => !counts.has(r.key));
    if (!requests.length) throw new TesseraError('INTERNAL', 'a mask was counted but its output still waits for it', 'this is a planner bug, please report it');
    const perRequest = requests.map((r, i) => countOutputs(job.ctx, r, `__mask_${i}_`));
    const r = await backend.computeArrays(perRequest.flat(), compute);
    runs.push({ ...r, outputs: [] });
    // A count is a scalar; a band's per-chunk counts are an array (rank-slices.ts).
    const byName = new Map(r.outputs.map((o) => [o.name, o.kind === 'scalar' ? [Number(o.value)] : o.kind === 'array' && o.values ? flatten(o.values).map(Number) : [NaN]]));
    requests.forEach((q, i) => counts.set(q.key, perRequest[i].flatMap((o) => byName.get(o.name)!)));
    const ev = new Evaluator(job.ctx, job.datasets, job.module, counts);
    const masked: BuiltJob['masked'] = [], maskRequests: MaskRequest[] = [];
    const planned = [...job.outputs];
    for (const m of job.masked) {
      const out = evaluateOrDefer(ev, m.name, m.src, masked, maskRequests);
      if (out) planned.push({ name: m.name, ...out });
    }
    job = { ...job, outputs: planned, masked, maskRequests };
  }
  return job;
}

/**
 * The delayed request with its expression arguments computed (arrays in one run, bags in another)
 * and given by value: a scalar as a number, an array as its elements (the call gets {dtype, shape,
 * data}), a bag's result as it is, however long.
 */
async function withArgumentValues(backend: Backend, job: BuiltJob, compute: ComputeOptions, runs: JobRun[]): Promise<DelayedRequest> {
  const values = new Map<string, DelayedArg>();
  const arrays = job.delayedArgs.flatMap((a) => ('array' in a ? [{ name: a.key, node: a.array }] : []));
  if (arrays.length) {
    const r = await backend.computeArrays(arrays, compute);
    runs.push(r);
    for (const o of r.outputs) {
      const shape = o.kind === 'scalar' ? [] : o.shape;
      const dtype = o.dtype as DTypeName; // an argument is a real array (a complex one is refused as it is evaluated)
      values.set(o.name, { dense: { dtype, shape, base64: elementBytes(dtype, o.kind === 'scalar' ? [o.value as Scalar] : flatten(o.values!)).toString('base64') } });
    }
  }
  const bags = job.delayedArgs.flatMap((a) => ('bag' in a ? [{ name: a.key, plan: a.bag }] : []));
  for (const [name, value] of await bagValues(backend, bags, compute, runs)) values.set(name, { value });
  const entries = new Map([...job.delayed!.entries].map(([name, e]) => [name, e.kind === 'call' ? { ...e, args: e.args.map((a) => ('expr' in a ? values.get(a.expr)! : a)) } : e]));
  return { ...job.delayed!, entries };
}

/** Bag outputs computed for what comes after them: each one's value (a list, however long, or one value). */
async function bagValues(backend: Backend, bags: { name: string; plan: BagPlan }[], compute: ComputeOptions, runs: JobRun[]): Promise<Map<string, unknown>> {
  const values = new Map<string, unknown>();
  if (!bags.length) return values;
  const long = new Map<string, string[]>();
  const r = await backend.computeBags(bags, { ...compute, writeList: async (name, lines) => { long.set(name, lines); return ''; } });
  runs.push(r);
  for (const o of r.outputs) values.set(o.name, o.kind === 'list' ? o.values ?? long.get(o.name)!.map((l) => JSON.parse(l) as unknown) : o.value);
  return values;
}

/**
 * The table outputs that read bags whose items come first (bag-tables/split.ts): those items
 * computed (a schema's sample, or an aggregated bag whole), the bags' tables planned over them,
 * then the outputs.
 */
async function withBagTables(backend: Backend, job: BuiltJob, compute: ComputeOptions, runs: JobRun[]): Promise<BuiltJob> {
  const pending = job.bagTables.filter((t) => needsItems(t) && !job.tables.has(t.name));
  // Named for the timeline as the user wrote them (to_dataframe_0), not by the split's name.
  const shown = (t: BagTable) => t.name.replace(BAG_TABLE_PREFIX, 'to_dataframe_');
  const values = await bagValues(backend, pending.map((t) => ({ name: shown(t), plan: itemsPlan(t) })), compute, runs);
  const tables = new Map(job.tables);
  for (const t of pending) {
    const v = values.get(shown(t));
    tables.set(t.name, bagTableNode(t, Array.isArray(v) ? { items: v } : { schema: v as ItemSchema & { items: number } }));
  }
  const rc = { tables, tev: new TableEvaluator(tables), bridges: [...job.bridges], isArray: (n: string) => job.datasets.has(n), bagTables: job.bagTables };
  const tableOutputs = [...job.tableOutputs];
  const deferred = [...job.deferred];
  for (const d of job.deferredTables) {
    let routed: ReturnType<typeof routeOutput>;
    try {
      routed = routeOutput(d.name, d.src, d.origin, rc);
    } catch (e) {
      const inferred = pending.find((t) => !t.meta && new RegExp(`\\b${t.name}\\b`).test(d.src));
      if (e instanceof TesseraError && e.code === 'NO_SUCH_COLUMN' && inferred) {
        throw new TesseraError(e.code, e.message, `${e.hint}; the columns of ${inferred.src}.to_dataframe() were inferred from its first items: name others with meta=...`, { position: e.position });
      }
      throw e;
    }
    if ('table' in routed) tableOutputs.push({ name: d.name, output: routed.table });
    else if ('deferred' in routed) deferred.push({ name: d.name, src: routed.deferred });
    else throw new TesseraError('INTERNAL', `output '${d.name}' was planned late for its tables but reads none`, 'this is a bug, please report it');
  }
  return { ...job, tables, tableOutputs, bridges: rc.bridges, deferred, deferredTables: [] };
}

/** An output's values (JSON scalars: "nan", "inf", decimal strings for big integers) as its elements' bytes. */
function elementBytes(dtype: DTypeName, flat: Scalar[]): Buffer {
  const buffer = new ArrayBuffer(flat.length * itemsize(dtype));
  const data = typedArray(dtype, buffer) as unknown as (number | bigint)[];
  const big = dtype === 'int64' || dtype === 'uint64';
  for (let i = 0; i < flat.length; i++) data[i] = big ? BigInt(flat[i] as number | string) : fromScalar(flat[i]);
  return Buffer.from(buffer);
}

/** Bag outputs: counts, and lists inline or (over 10,000 values) written to OUT/NAME.jsonl. */
/** Whether an output path names an HDF5 file (then every array output is a dataset of it) rather than a folder. */
export function isHdf5Path(out: string): boolean {
  return /\.(h5|hdf5|he5)$/i.test(out);
}

/** Whether an output path names a Zarr store (then every array output is an array of it). */
export function isZarrPath(out: string): boolean {
  return /\.zarr\/?$/i.test(out);
}

/**
 * Every array output as the array `name` of one Zarr v2 group (dask's to_zarr), each chunk
 * compressed by its write task. Zarr's chunks are regular: an output whose grid is not (uneven
 * chunks from a concatenation or a filter) is rechunked to its first chunk's shape first.
 */
async function runArraysToZarr(backend: Backend, job: BuiltJob, store: string, skipSpaceCheck: boolean | undefined, compute: ComputeOptions): Promise<ComputeResult> {
  const dir = dirname(store);
  await mkdir(dir, { recursive: true });
  await removeStaleTemps(dir);
  const bytes = job.outputs.reduce((sum, o) => sum + 8192 + product(o.node.shape) * itemsize(o.node.dtype) * 1.01, 0);
  if (!skipSpaceCheck) await checkFreeSpace(dir, bytes);
  // A folder already there is replaced only if it is a Zarr store (never a folder of something else).
  const there = await stat(store).catch(() => null);
  if (there && !(there.isDirectory() && (await isZarrStore(store)))) {
    throw new TesseraError('BAD_OPTION', `${store} exists and is not a Zarr store: it is not replaced`, 'give --out a new name, or remove it first');
  }
  const requests = job.outputs.map((o) => ({ name: o.name, node: regularGrid(job.ctx, o.node, o.complex), path: store, zarrArray: o.name, complex: o.complex }));
  return backend.computeArrays(requests, compute);
}

/**
 * The node, rechunked to regular chunks of its largest chunk's shape where its grid is not regular
 * (zarr's chunks are), each under blosc's 2 GiB limit; complex pairs stay whole.
 */
function regularGrid(ctx: BuiltJob['ctx'], node: Node, complex = false): Node {
  const size = node.shape.map((n, d) => Math.max(1, ...node.grid[d]));
  const cut = size.length - (complex ? 1 : 0);
  if (complex) size[cut] = 2;
  for (let d = 0; cut > 0 && size.reduce((a, b) => a * b, itemsize(node.dtype)) > 2 ** 31 - 64; d = (d + 1) % cut) size[d] = Math.ceil(size[d] / 2);
  const grid = node.shape.map((n, d) => regular(n, size[d]));
  const same = grid.every((g, d) => g.length === node.grid[d].length && g.every((x, i) => x === node.grid[d][i]));
  return same ? node : rechunk(ctx, node, grid);
}

/** Every array output as the dataset /name of one HDF5 file (dask's to_hdf5), written through a temporary file and a rename. */
async function runArraysToHdf5(backend: Backend, job: BuiltJob, file: string, skipSpaceCheck: boolean | undefined, compute: ComputeOptions): Promise<ComputeResult> {
  if ((await stat(file).catch(() => null))?.isDirectory()) throw new TesseraError('BAD_OPTION', `${file} is a folder: an HDF5 output is a file`, 'give --out a new file name');
  const dir = dirname(file);
  await mkdir(dir, { recursive: true });
  await removeStaleTemps(dir);
  // HDF5's metadata: a few KiB per dataset, and per chunk an index entry.
  const bytes = job.outputs.reduce((sum, o) => sum + 8192 + product(o.node.shape) * itemsize(o.node.dtype) * 1.01, 0);
  if (!skipSpaceCheck) await checkFreeSpace(dir, bytes);
  // A complex output's pairs are one chunk (made as two: its real and imaginary parts), so each write is of whole values.
  const whole = (node: Node) => (node.grid.at(-1)!.length > 1 ? rechunk(job.ctx, node, [...node.grid.slice(0, -1), [2]]) : node);
  return backend.computeArrays(job.outputs.map((o) => ({ name: o.name, node: o.complex ? whole(o.node) : o.node, path: file, hdf5Dataset: `/${o.name}`, complex: o.complex })), compute);
}

async function runBags(backend: Backend, job: BuiltJob, { outDir, skipSpaceCheck, tableFormat: _f, inlineRows: _i, persist: _p, ...compute }: RunJobOptions): Promise<BagComputeResult> {
  const dir = resolve(outDir);
  return backend.computeBags(job.bagOutputs, {
    ...compute,
    writeList: async (name, lines) => {
      const text = lines.join('\n') + '\n';
      await mkdir(dir, { recursive: true });
      await removeStaleTemps(dir);
      if (!skipSpaceCheck) await checkFreeSpace(dir, Buffer.byteLength(text));
      const path = join(dir, `${name}.jsonl`);
      await writeAtomically(path, text);
      return path;
    },
  });
}

/** Table outputs: small ones inline, larger ones written to OUT/NAME.parquet (or .csv) once the folder has room. */
async function runTables(backend: Backend, job: BuiltJob, { outDir, skipSpaceCheck, tableFormat, inlineRows, persist: _p, ...compute }: RunJobOptions): Promise<TableComputeResult> {
  const dir = resolve(outDir);
  return backend.computeTables(job.tableOutputs, {
    ...compute,
    files: {
      dir, format: tableFormat ?? 'parquet', inlineRows,
      reserve: async (bytes) => {
        await mkdir(dir, { recursive: true });
        await removeStaleTemps(dir);
        if (!skipSpaceCheck) await checkFreeSpace(dir, bytes);
      },
    },
  });
}

async function runArrays(backend: Backend, job: BuiltJob, { outDir: out, skipSpaceCheck, tableFormat: _format, inlineRows: _inline, persist = [], ...compute }: RunJobOptions): Promise<ComputeResult> {
  if (isHdf5Path(out)) return runArraysToHdf5(backend, job, resolve(out), skipSpaceCheck, compute);
  if (isZarrPath(out)) return runArraysToZarr(backend, job, resolve(out), skipSpaceCheck, compute);
  const outDir = resolve(out);
  const requests: OutputRequest[] = job.outputs.map((o) => {
    const small = product(o.node.shape) <= MAX_VALUE_ELEMENTS * (o.complex ? 2 : 1);
    // A kept output stays in memory (its values come back only if small); one that is a kept
    // array as it is gets chunks of its own, so releasing either leaves the other whole.
    if (persist.includes(o.name)) {
      return { name: o.name, node: aliasesStoredChunks(o.node) ? elementwise(job.ctx, `astype_${o.node.dtype}`, [o.node]) : o.node, persist: true, values: small, complex: o.complex };
    }
    return { name: o.name, node: o.node, complex: o.complex, path: small ? undefined : join(outDir, `${o.name}.npy`) };
  });
  if (requests.some((r) => r.path)) {
    await mkdir(outDir, { recursive: true });
    await removeStaleTemps(outDir);
    // An .npy header is at most a few hundred bytes; the data is the array's bytes.
    const bytes = job.outputs.reduce((sum, o, k) => sum + (requests[k].path ? 4096 + product(o.node.shape) * itemsize(o.node.dtype) : 0), 0);
    if (!skipSpaceCheck) await checkFreeSpace(outDir, bytes);
  }
  return backend.computeArrays(requests, compute);
}
