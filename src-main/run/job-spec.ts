/**
 * The job spec: a JSON file of named datasets and named outputs written as numpy expressions.
 * Paths are relative to the spec file. This module validates a spec and turns it into Expr nodes.
 *
 *   { "tessera": 1,
 *     "datasets": { "x": { "random": "uniform", "shape": [10000000], "seed": 42, "chunks": [1000000] },
 *                   "a": { "npy": "a.npy", "chunks": [1000, 1000] },
 *                   "r": { "raw": "r.f64", "dtype": "float64", "shape": [4000, 250], "chunks": "auto" },
 *                   "h": { "hdf5": "xs.h5", "dataset": "/foo/xs" }, "z": { "zarr": "xs.zarr" },
 *                   "t": { "csv": "trips/*.csv", "parse_dates": ["pickup"], "blocksize": "64MB" } },
 *     "outputs": { "m": "sqrt(x ** 2).mean()", "first": "t.head(10)" } }
 *
 * Array datasets and outputs go to the array collection, table datasets (csv) and the outputs
 * that name them to the dataframe collection, bag datasets (text, jsonl, sequence, range) and the
 * outputs that name them to the bag collection. A spec may also name a module of the user's
 * functions ("functions": "pipeline.ts") and calls of them ("delayed", collections/delayed/spec.ts);
 * an output that is a delayed entry's name is that entry's value.
 */
import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import {
  arange, type ChunksSpec, Evaluator, full, inputFileStamp, MaskCountsNeeded, type MaskRequest, npyArray, randomArray, rawArray, readNpyInfo, storedArray,
} from '../collections/array/index.js';
import type { PersistedArray } from './persisted-arrays.js';
import { type DType, isDType, itemsize } from '../collections/array/dtype.js';
import { product } from '../collections/array/grid.js';
import { TesseraError, toTesseraError } from '../engine/errors.js';
import { isNativeError } from '../native/addon.js';
import { ExprContext, type Node } from '../collections/array/expr.js';
import { TableEvaluator, type TableNode, type TableOutput } from '../collections/dataframe/index.js';
import { buildTable, isTableDataset, type ReadableCheck, TABLE_PATH_KEYS } from './table-datasets.js';
import { SqlOutputs } from './sql-outputs.js';
import type { OutputSpec } from './output-spec.js';
import { BRIDGE_PREFIX, bridgeTables, type TableBridge } from './table-bridge.js';
import { atOrigin, BAG_TABLE_PREFIX, type BagTable, bagTableNode, needsItems, splitBagTables } from './bag-tables/index.js';

export type { ReadableCheck };
import { namesIn, parseExpression } from '../lang/python-expression.js';
import { type DelayedEntry, type DelayedRequest, type FunctionsModule, parseDelayed } from '../collections/delayed/index.js';
import { moduleVersion } from '../engine/user-modules/module-version.js';
import { type BagPlan, type BagSource, evaluateBagOutput, planRange, planSequence, planText, type TextSource } from '../collections/bag/index.js';
import { parseBytes } from '../engine/units.js';
import { isNpyJoin, namesSeveral, npyJoin } from './npy-files.js';
import { hdf5Array } from '../collections/array/hdf5.js';
import { zarrArray } from '../collections/array/zarr.js';
import { complexSource } from '../collections/array/complex-sources.js';

export { type OutputSpec, outputText } from './output-spec.js';

export interface JobSpec {
  tessera: 1;
  datasets: Record<string, Record<string, unknown>>;
  outputs: Record<string, OutputSpec>;
  /** The module of the user's functions, relative to the spec. */
  functions?: string;
  delayed?: Record<string, unknown>;
}

export interface BuiltJob {
  ctx: ExprContext;
  /** The array datasets. */
  datasets: Map<string, Node>;
  /** The array outputs. */
  /** Array outputs; `complex`: the node is (re, im) pairs of a complex result (complex.ts). */
  outputs: { name: string; node: Node; complex?: boolean }[];
  /** The table datasets (CSV) and the outputs that read them. */
  tables: Map<string, TableNode>;
  tableOutputs: { name: string; output: TableOutput }[];
  /** Tables used as arrays (`t.delay.values`): computed first, then named in the deferred outputs. */
  bridges: TableBridge[];
  /** Array outputs that read bridged tables, with the bridges named in their text. */
  deferred: { name: string; src: string }[];
  /** The delayed outputs (values of the user's function calls), with what computes them. */
  delayed: DelayedRequest | null;
  /** The text datasets (bags of lines) and the outputs that read them. */
  bags: Map<string, BagSource>;
  bagOutputs: { name: string; plan: BagPlan }[];
  /** Every output's name, in the spec's order. */
  order: string[];
  /** The chunk size "auto" chose per dataset, and why (when a chooser was given). */
  autoChunks: { dataset: string; bytes: number; reason: string }[];
  /** The user's functions ("functions"), which array outputs may name in map_blocks. */
  module: FunctionsModule | null;
  /**
   * The delayed calls' arguments that are expressions over the datasets (`{"expr": ...}` or a
   * dataset's `{"ref": ...}`), each under the key its argument now names (`{"expr": key}`):
   * computed before the calls (run-job.ts), as an array or a bag output.
   */
  delayedArgs: DelayedArgPlan[];
  /** Bags used as tables (`records.to_dataframe()`), each read by its name (`__bag_table_<k>`) in `tables` once planned. */
  bagTables: BagTable[];
  /** Table outputs that read bags whose items are computed first (bag-tables/split.ts), planned then. */
  deferredTables: DeferredTable[];
  /**
   * Array outputs that index by a boolean mask (masks.ts): planned once the masks' counts are
   * known (run-job.ts counts `maskRequests` first).
   */
  masked: { name: string; src: string }[];
  maskRequests: MaskRequest[];
}

export interface DeferredTable {
  name: string;
  /** The output's text with its bags' names in it, and the map of its positions back to the output's. */
  src: string;
  origin: (p: number) => number;
}

export type DelayedArgPlan = { key: string; src: string } & ({ array: Node } | { bag: BagPlan });

/** Whether a job may run a module's functions: all (true), none, or those a predicate of its absolute path allows. */
export type UserCodeCheck = boolean | ((modulePath: string) => boolean);

/** Picks the byte size of an "auto" chunking (profile/auto-chunks.ts). */
export type AutoChunkChooser = (d: { dataset: string; totalBytes: number; spec: JobSpec }) => Promise<{ bytes: number; reason: string }>;

const specError = (msg: string, hint = 'see the job spec format in the README') => new TesseraError('BAD_SPEC', msg, hint);
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export async function loadSpecFile(path: string): Promise<{ spec: JobSpec; baseDir: string }> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as { code?: string }).code === 'ENOENT') throw new TesseraError('FILE_NOT_FOUND', `no such job spec: ${path}`, 'give the path of a job spec JSON file');
    throw new TesseraError('FILE_UNREADABLE', `cannot read ${path}: ${(e as Error).message}`, '');
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw specError(`${path} is not valid JSON: ${(e as Error).message}`, 'fix the JSON syntax (a validator or editor will show where)');
  }
  return { spec: validateSpec(raw), baseDir: dirname(resolve(path)) };
}

export function validateSpec(raw: unknown): JobSpec {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw specError('a job spec must be a JSON object');
  const o = raw as Record<string, unknown>;
  if (o.tessera !== 1) throw specError(`"tessera" must be 1 (the spec version), got ${JSON.stringify(o.tessera)}`, 'add "tessera": 1 at the top of the spec');
  const datasets = o.datasets ?? {};
  if (typeof datasets !== 'object' || Array.isArray(datasets)) throw specError('"datasets" must be an object of name -> dataset');
  for (const [name, d] of Object.entries(datasets as object)) {
    if (!NAME.test(name)) throw specError(`dataset name '${name}' is not a valid identifier`, 'use letters, digits and _ (not starting with a digit)');
    if (!d || typeof d !== 'object' || Array.isArray(d)) throw specError(`dataset '${name}' must be an object`);
  }
  if (!o.outputs || typeof o.outputs !== 'object' || Array.isArray(o.outputs) || !Object.keys(o.outputs).length)
    throw specError('"outputs" must be a non-empty object of name -> expression');
  for (const [name, e] of Object.entries(o.outputs as object)) {
    if (!NAME.test(name)) throw specError(`output name '${name}' is not a valid identifier`, 'use letters, digits and _');
    if (e && typeof e === 'object' && !Array.isArray(e)) {
      const keys = Object.keys(e);
      if (keys.length !== 1 || keys[0] !== 'sql' || typeof (e as { sql: unknown }).sql !== 'string') {
        throw specError(`output '${name}' must be an expression string or {"sql": "select ..."}`, 'for example "top": {"sql": "select origin, count(*) as n from flights group by origin"}');
      }
    } else if (typeof e !== 'string') {
      throw specError(`output '${name}' must be an expression string or {"sql": "select ..."}`);
    }
  }
  for (const k of Object.keys(o)) if (!['tessera', 'datasets', 'outputs', 'functions', 'delayed'].includes(k)) throw specError(`unknown top-level key "${k}"`, 'a spec has "tessera", "datasets", "outputs", and for user functions "functions" and "delayed"');
  if (o.functions !== undefined && (typeof o.functions !== 'string' || !o.functions)) throw specError('"functions" must be the path of a module (.ts, .mts, .js, .mjs or .cjs)', 'for example "functions": "pipeline.ts", relative to the spec');
  if (o.delayed !== undefined) {
    if (o.functions === undefined) throw specError('"delayed" calls functions, but the spec names no "functions" module', 'add "functions": "pipeline.ts" (the module that exports them)');
    for (const name of parseDelayed(o.delayed, new Set(Object.keys(datasets as object))).keys()) {
      if (name in (datasets as object)) throw specError(`'${name}' is both a dataset and a delayed entry`, 'give them different names');
    }
  }
  return o as unknown as JobSpec;
}



async function buildDataset<T>(name: string, build: () => Promise<T>): Promise<T> {
  try {
    return await build();
  } catch (err) {
    // Every failure here is this dataset's: say so in the message and mark it for the window.
    // (The addon's errors too: the CSV sniffer's are native.)
    if (!(err instanceof TesseraError) && !isNativeError(err)) throw err;
    const e = toTesseraError(err);
    const message = e.message.includes(`'${name}'`) ? e.message : `dataset '${name}': ${e.message}`;
    throw new TesseraError(e.code, message, e.hint, { dataset: name });
  }
}

/** The files a spec's datasets read (`npy`, `raw` and table paths, as written in the spec). */
export function specFiles(spec: { datasets?: Record<string, unknown> }): string[] {
  const out: string[] = [];
  for (const d of Object.values(spec.datasets ?? {})) {
    if (!d || typeof d !== 'object') continue;
    for (const k of ['npy', 'raw', 'hdf5', 'zarr', 'text', 'jsonl', ...TABLE_PATH_KEYS]) {
      const p = (d as Record<string, unknown>)[k];
      if (typeof p === 'string') out.push(p);
    }
  }
  return out;
}

/** An array kept by an earlier job (run/persisted-arrays.ts), or the error that says why it is not. */
export type PersistedLookup = (name: string, dataset: string) => PersistedArray;

/** {"persisted": NAME}: the chunks an earlier job of this window or API process kept, read as they are. */
function persistedNode(ctx: ExprContext, name: string, d: Record<string, unknown>, persisted: PersistedLookup | undefined): Node {
  for (const k of Object.keys(d)) if (k !== 'persisted') throw specError(`unknown key "${k}" in a persisted dataset`, 'a persisted array keeps the chunks it was computed in: rechunk(x, ...) or astype in an expression changes them');
  if (typeof d.persisted !== 'string' || !d.persisted) throw specError(`dataset '${name}': "persisted" names a kept array`);
  if (!persisted) {
    throw new TesseraError('NOT_PERSISTED', `dataset '${name}': kept arrays are read by the jobs of the window and of the TypeScript API, not by a profile or the CLI`,
      'name where the array comes from instead (the expression that computed it, over its source)');
  }
  const a = persisted(d.persisted, name);
  const node = storedArray(ctx, a.keys, a.shape, a.grid, a.dtype);
  return a.complex ? complexSource(node) : node;
}

async function buildDatasetNode(ctx: ExprContext, name: string, d: Record<string, unknown>, baseDir: string, readable?: ReadableCheck, persisted?: PersistedLookup): Promise<Node> {
  if ('persisted' in d) return persistedNode(ctx, name, d, persisted);
  const pathOf = (p: unknown) => {
    if (typeof p !== 'string' || !p) throw specError(`dataset '${name}': the path must be a string`);
    return isAbsolute(p) ? p : resolve(baseDir, p);
  };
  const where = async (p: unknown) => {
    const path = pathOf(p);
    await readable?.(path);
    return path;
  };
  const chunks = d.chunks as ChunksSpec | undefined;
  const dtype = (d.dtype ?? undefined) as DType | undefined;
  if (dtype !== undefined && !isDType(dtype)) throw new TesseraError('BAD_DTYPE', `dataset '${name}': unknown dtype ${JSON.stringify(d.dtype)}`, 'use float64, float32, int64, int32, int16, int8, uint64, uint32, uint16, uint8 or bool');
  if ('random' in d) {
    return randomArray(ctx, {
      dist: d.random as 'uniform', shape: d.shape, seed: d.seed, chunks,
      low: d.low as number | undefined, high: d.high as number | undefined, loc: d.loc as number | undefined, scale: d.scale as number | undefined,
    });
  }
  // A folder or glob of files joined: each file is checked readable, not the pattern.
  if (isNpyJoin(d)) return npyJoin(ctx, pathOf(d.npy), d, readable);
  if ('npy' in d) {
    const several = namesSeveral(pathOf(d.npy));
    const join = 'join its .npy files into one array with "stack": 0 (along a new first axis) or "concatenate": 0 (along the first axis)';
    if (several === 'pattern') throw specError(`dataset '${name}': ${d.npy} names several .npy files`, join.replace('its', 'the'));
    if (several === 'folder') throw new TesseraError('NOT_A_FILE', `${pathOf(d.npy)} is a folder, not a regular file`, `give the path of a regular file, or ${join}`);
  }
  if ('npy' in d) return npyArray(ctx, await readNpyInfo(await where(d.npy)), chunks);
  if ('raw' in d) {
    const path = await where(d.raw);
    const { size, mtimeNs } = await inputFileStamp(path);
    return rawArray(ctx, { path, fileSize: size, mtimeNs, dtype: d.dtype, shape: d.shape, order: d.order, offset: d.offset, byteorder: d.byteorder, chunks });
  }
  if ('hdf5' in d) return hdf5Array(ctx, await where(d.hdf5), d.dataset, chunks);
  if ('zarr' in d) return zarrArray(ctx, await where(d.zarr), d.dataset, chunks);
  if ('arange' in d) {
    const a = Array.isArray(d.arange) ? d.arange as number[] : [d.arange as number];
    return arange(ctx, a[0], a[1], a[2] ?? 1, dtype, chunks, a.every((x) => Number.isInteger(x)));
  }
  if ('zeros' in d || 'ones' in d) return full(ctx, d.zeros ?? d.ones, 'ones' in d ? 1 : 0, dtype ?? 'float64', chunks);
  if ('full' in d) {
    const dt = dtype ?? (typeof d.value === 'boolean' ? 'bool' : Number.isInteger(d.value) ? 'int64' : 'float64');
    return full(ctx, d.full, d.value, dt, chunks, Number.isInteger(d.value));
  }
  throw specError(`dataset '${name}' has no known kind`, 'use one of: random, npy, raw, hdf5, zarr, arange, zeros, ones, full, persisted');
}

/**
 * Builds a job's expression graph. With a chooser, datasets chunked "auto" (or not at all) are
 * built once to learn their size, given the chooser's chunk size, and built again.
 */
export interface BuildOptions {
  autoChunks?: AutoChunkChooser;
  /** Which files the job may read (a window's jobs); unset, any file the spec names (the CLI). */
  readable?: ReadableCheck;
  /**
   * Whether the user's functions the spec names may run: only a caller that took the spec from
   * the user on this machine says so (the CLI: true), or, for a window, the modules the user chose
   * in the desktop app's dialog (a predicate of the module's absolute path). Unset, a spec naming
   * "functions" is refused.
   */
  userCode?: UserCodeCheck;
  /** The arrays kept by earlier jobs, which {"persisted": NAME} datasets read (the window's and the API's). */
  persisted?: PersistedLookup;
}

/** Runs an evaluator of output `name`'s text: a position its error marks is in that output. */
function inOutput<T>(name: string, evaluate: () => T): T {
  try {
    return evaluate();
  } catch (e) {
    if (e instanceof TesseraError && e.position && e.position.output === undefined) e.position = { ...e.position, output: name };
    throw e;
  }
}

const TEXT_KEYS = ['text', 'blocksize'];
const JSONL_KEYS = ['jsonl', 'blocksize', 'errors'];

/**
 * A text dataset, `{"text": "corpus/*.txt", "blocksize": "16MB"}`, or JSON lines, `{"jsonl":
 * "events/*.jsonl.gz", "errors": "skip"}` (collections/bag/text-source.ts).
 */
async function buildText(d: Record<string, unknown>, baseDir: string, readable?: ReadableCheck): Promise<TextSource> {
  const jsonl = 'jsonl' in d;
  const what = jsonl ? 'jsonl' : 'text';
  const keys = jsonl ? JSONL_KEYS : TEXT_KEYS;
  for (const k of Object.keys(d)) if (!keys.includes(k)) throw specError(`unknown key "${k}" in a ${what} dataset`, `a ${what} dataset has ${keys.map((x) => `"${x}"`).join(', ')}`);
  const path = d[what];
  if (typeof path !== 'string' || !path) throw specError(`"${what}" must be the path of a file, a folder or a pattern such as ${jsonl ? 'events/*.jsonl' : 'corpus/*.txt'}`);
  if (d.blocksize !== undefined && typeof d.blocksize !== 'string' && typeof d.blocksize !== 'number') throw specError('"blocksize" is a size such as "16MB"');
  if (d.errors !== undefined && d.errors !== 'raise' && d.errors !== 'skip') throw specError('"errors" is "raise" (a malformed line fails the job, the default) or "skip" (it is left out)');
  const blocksize = d.blocksize === undefined ? undefined : typeof d.blocksize === 'number' ? d.blocksize : parseBytes(d.blocksize);
  return planText(isAbsolute(path) ? path : resolve(baseDir, path), { blocksize, readable, ...(jsonl ? { jsonl: { errors: (d.errors ?? 'raise') as 'raise' | 'skip' } } : {}) });
}

const SEQUENCE_KEYS = ['sequence', 'range', 'npartitions', 'partition_size'];

/** A bag of the spec's values: `{"sequence": [...]}` or `{"range": n}`, with "npartitions" or "partition_size". */
function buildSequence(d: Record<string, unknown>): BagSource {
  for (const k of Object.keys(d)) if (!SEQUENCE_KEYS.includes(k)) throw specError(`unknown key "${k}" in a ${'range' in d ? 'range' : 'sequence'} dataset`, 'a sequence or range dataset has "npartitions" or "partition_size"');
  if ('sequence' in d && 'range' in d) throw specError('a dataset is a "sequence" or a "range", not both');
  return 'range' in d ? planRange(d) : planSequence(d);
}

/**
 * The user's functions module and delayed entries, or null. Only a caller that says `userCode`
 * (the CLI) runs them: a window's job may not yet, since a page must never get an upload executed
 * and the window has no way yet to name a module as code.
 */
async function buildDelayed(spec: JobSpec, baseDir: string, userCode: UserCodeCheck): Promise<{ module: FunctionsModule; entries: Map<string, DelayedEntry> } | null> {
  if (spec.functions === undefined) return null;
  const path = isAbsolute(spec.functions) ? spec.functions : resolve(baseDir, spec.functions);
  if (userCode === false) {
    throw new TesseraError('USER_CODE_FORBIDDEN', 'this job may not run user functions ("functions" in the spec): only the CLI, the TypeScript API and the desktop app run them',
      'run the job with the CLI (tessera run job.json), or choose the module in the desktop app (File > Open Functions Module); the web host never runs code it was sent');
  }
  if (typeof userCode === 'function' && !userCode(path)) {
    throw new TesseraError('USER_CODE_FORBIDDEN', `this window was not given the module ${path} to run`,
      'choose it in the desktop app with File > Open Functions Module (the web host never runs code it was sent)');
  }
  return { module: { path, version: await moduleVersion(path) }, entries: spec.delayed ? parseDelayed(spec.delayed, new Set(Object.keys(spec.datasets ?? {}))) : new Map() };
}

/**
 * Plans the expression arguments of the delayed calls the outputs use (`wanted`, and what they
 * read) as array or bag outputs, and points each argument at its plan's key. Tables are not taken
 * yet: their values are not one JS value a function could get.
 */
function planDelayedArgs(entries: Map<string, DelayedEntry>, wanted: readonly string[], ev: Evaluator, bags: ReadonlyMap<string, BagSource>, tables: ReadonlyMap<string, TableNode>, module: FunctionsModule): DelayedArgPlan[] {
  const plans: DelayedArgPlan[] = [];
  const seen = new Set<string>();
  const visit = (name: string): void => {
    const e = entries.get(name);
    if (seen.has(name) || !e) return;
    seen.add(name);
    if (e.kind !== 'call') return;
    e.args = e.args.map((a, i) => {
      if ('ref' in a) visit(a.ref);
      if (!('expr' in a)) return a;
      const key = `__arg_${name}_${i}`;
      const where = `delayed '${name}', argument ${i + 1}`;
      try {
        const reads = namesIn(parseExpression(a.expr));
        const table = [...reads].find((n) => tables.has(n));
        if (table) throw specError(`${where} reads the table '${table}': a delayed argument is an array or bag expression`, 'compute the table as an output of its own');
        plans.push([...reads].some((n) => bags.has(n)) ? { key, src: a.expr, bag: evaluateBagOutput(a.expr, bags, module) } : { key, src: a.expr, array: ev.evaluateOutput(a.expr) });
      } catch (err) {
        if (err instanceof TesseraError && !err.message.startsWith(where)) err.message = `${where} (${a.expr}): ${err.message}`;
        throw err;
      }
      return { expr: key };
    });
  };
  wanted.forEach(visit);
  return plans;
}

export async function buildJob(spec: JobSpec, baseDir: string, opts: BuildOptions = {}): Promise<BuiltJob> {
  const built = await buildOnce(spec, baseDir, opts);
  if (!opts.autoChunks) return built;
  const auto = Object.entries(spec.datasets ?? {}).filter(([name, d]) => built.datasets.has(name) && !('persisted' in d) && ((d.chunks === undefined && !isNpyJoin(d)) || d.chunks === 'auto')); // joined files: a chunk each unless asked; kept arrays: their own chunks
  if (!auto.length) return built;
  const datasets = { ...spec.datasets };
  const autoChunks: BuiltJob['autoChunks'] = [];
  for (const [name, d] of auto) {
    const node = built.datasets.get(name)!;
    const choice = await opts.autoChunks({ dataset: name, totalBytes: product(node.shape) * itemsize(node.dtype), spec });
    datasets[name] = { ...d, chunks: `${choice.bytes}B` };
    autoChunks.push({ dataset: name, ...choice });
  }
  return { ...(await buildOnce({ ...spec, datasets }, baseDir, opts)), autoChunks };
}

/** What routeOutput needs of the job being built (or, for outputs planned late, run). */
export interface RouteContext {
  tables: ReadonlyMap<string, TableNode>;
  tev: TableEvaluator;
  /** The bridges so far: those an output makes are added. */
  bridges: TableBridge[];
  isArray: (name: string) => boolean;
  bagTables: readonly BagTable[];
}

/**
 * Where an output that reads no bag goes, once every table it reads is planned: a table output,
 * an array output over tables used as arrays (`t.delay.values`: the tables are computed first,
 * table-bridge.ts), or an array output.
 */
export function routeOutput(name: string, text: string, origin: (p: number) => number, rc: RouteContext): { table: TableOutput } | { deferred: string } | { array: string } {
  return inOutput(name, () => atOrigin(origin, () => {
    const { src, found } = rc.tables.size ? bridgeTables(text, name, rc.tables, rc.tev, rc.bridges.length) : { src: text, found: [] };
    rc.bridges.push(...found);
    // An output that still names a table is the dataframe collection's (parse errors: the array evaluator reports them).
    let reads: Set<string> | null = null;
    try { reads = namesIn(parseExpression(src)); } catch { /* reported below */ }
    if (reads && [...reads].some((n) => rc.tables.has(n))) {
      const arrays = [...reads].filter((n) => rc.isArray(n) || n.startsWith(BRIDGE_PREFIX));
      if (arrays.length) {
        // Bags used as tables by the text the user wrote, not by the name the split gave them.
        const shown = (n: string) => rc.bagTables.find((t) => t.name === n)?.src.concat('.to_dataframe()') ?? n;
        throw specError(`output '${name}' mixes tables (${[...reads].filter((n) => rc.tables.has(n)).map(shown).join(', ')}) and arrays (${arrays.join(', ')})`,
          'use a column as an array with .values (t.delay.values), or compute them as separate outputs');
      }
      return { table: rc.tev.evaluateOutput(src, name) };
    }
    // Built once the tables it reads are computed (their lengths are not known before).
    if (found.length || (reads && [...reads].some((n) => n.startsWith(BRIDGE_PREFIX)))) return { deferred: src };
    return { array: src };
  }));
}

async function buildOnce(spec: JobSpec, baseDir: string, { readable, userCode = false, persisted }: BuildOptions): Promise<BuiltJob> {
  const user = await buildDelayed(spec, baseDir, userCode);
  const ctx = new ExprContext();
  const datasets = new Map<string, Node>();
  const tables = new Map<string, TableNode>();
  const bags = new Map<string, BagSource>();
  for (const [name, d] of Object.entries(spec.datasets ?? {})) {
    if ('text' in d || 'jsonl' in d) bags.set(name, await buildDataset(name, () => buildText(d, baseDir, readable)));
    else if ('sequence' in d || 'range' in d) bags.set(name, await buildDataset(name, async () => buildSequence(d)));
    else if (isTableDataset(d)) tables.set(name, await buildDataset(name, () => buildTable(name, d, baseDir, readable)));
    else datasets.set(name, await buildDataset(name, () => buildDatasetNode(ctx, name, d, baseDir, readable, persisted)));
  }
  const ev = new Evaluator(ctx, datasets, user?.module ?? null);
  const tev = new TableEvaluator(tables);
  const outputs: BuiltJob['outputs'] = [];
  const tableOutputs: BuiltJob['tableOutputs'] = [];
  const bridges: BuiltJob['bridges'] = [];
  const deferred: BuiltJob['deferred'] = [];
  const delayedOutputs: { name: string; entry: string }[] = [];
  const bagOutputs: BuiltJob['bagOutputs'] = [];
  const bagTables: BagTable[] = [];
  const deferredTables: DeferredTable[] = [];
  const masked: BuiltJob['masked'] = [];
  const maskRequests: MaskRequest[] = [];
  const sql = new SqlOutputs(baseDir, readable);
  for (const [name, out] of Object.entries(spec.outputs)) {
    if (typeof out !== 'string') {
      const node = await sql.plan(name, out.sql, tables);
      tableOutputs.push({ name, output: { kind: 'table', node } });
      // Later outputs (SQL or pandas-style) can read it by name, unless a dataset has the name.
      if (!tables.has(name) && !datasets.has(name) && !bags.has(name)) tables.set(name, node);
      continue;
    }
    const original = out;
    if (user?.entries.has(original.trim())) {
      delayedOutputs.push({ name, entry: original.trim() });
      continue;
    }
    let read: Set<string> | null = null;
    try { read = namesIn(parseExpression(original)); } catch { /* reported by the evaluator that takes it */ }
    const delayedRead = read && [...read].find((n) => user?.entries.has(n));
    if (delayedRead) {
      throw specError(`output '${name}' uses the delayed entry '${delayedRead}' inside an expression`,
        `an output names a delayed entry by itself ("${name}": "${delayedRead}"); do the arithmetic in a function and call it in "delayed"`);
    }
    let text = original;
    let origin = (p: number) => p;
    if (bags.size) {
      // Bags used as tables (`b.to_dataframe()`) become tables named __bag_table_<k> (bag-tables/split.ts).
      const split = inOutput(name, () => splitBagTables(original, name, bags, user?.module ?? null, bagTables));
      for (const t of split.found) {
        bagTables.push(t);
        if (!needsItems(t)) tables.set(t.name, inOutput(name, () => bagTableNode(t, null)));
      }
      ({ src: text, origin } = split);
      let reads: Set<string> | null = null;
      try { reads = namesIn(parseExpression(text)); } catch { /* reported by the evaluator that takes it */ }
      if (reads && [...reads].some((n) => n.startsWith(BAG_TABLE_PREFIX) && !tables.has(n))) {
        deferredTables.push({ name, src: text, origin });
        continue;
      }
      if (reads && [...reads].some((n) => bags.has(n))) {
        bagOutputs.push({ name, plan: inOutput(name, () => atOrigin(origin, () => evaluateBagOutput(text, bags, user?.module ?? null))) });
        continue;
      }
    }
    const routed = routeOutput(name, text, origin, { tables, tev, bridges, isArray: (n) => datasets.has(n), bagTables });
    if ('table' in routed) {
      tableOutputs.push({ name, output: routed.table });
      if (routed.table.kind === 'table' && !tables.has(name) && !datasets.has(name) && !bags.has(name)) tables.set(name, routed.table.node);
    }
    else if ('deferred' in routed) deferred.push({ name, src: routed.deferred });
    else {
      const out = evaluateOrDefer(ev, name, routed.array, masked, maskRequests);
      if (out) outputs.push({ name, ...out });
    }
  }
  const delayed = user && delayedOutputs.length ? { module: user.module, entries: user.entries, outputs: delayedOutputs } : null;
  const delayedArgs = delayed ? planDelayedArgs(delayed.entries, delayedOutputs.map((o) => o.entry), ev, bags, tables, user!.module) : [];
  return { ctx, datasets, outputs, tables, tableOutputs, bridges, deferred, delayed, bags, bagOutputs, order: Object.keys(spec.outputs), autoChunks: [], module: user?.module ?? null, delayedArgs, bagTables, deferredTables, masked, maskRequests };
}

/**
 * An array output's node, or null when it indexes by a mask not yet counted: then it waits in
 * `masked`, and the masks it needs join `requests`.
 */
export function evaluateOrDefer(ev: Evaluator, name: string, src: string, masked: BuiltJob['masked'], requests: MaskRequest[]): { node: Node; complex?: boolean } | null {
  try {
    const { node, complex } = ev.evaluateOutputValue(src, name, true);
    return complex ? { node, complex } : { node };
  } catch (e) {
    if (!(e instanceof MaskCountsNeeded)) throw e;
    masked.push({ name, src });
    for (const r of e.requests) if (!requests.some((q) => q.key === r.key)) requests.push(r);
    return null;
  }
}
