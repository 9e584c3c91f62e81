/**
 * call: runs a user's function in a worker thread, the hook that bags, delayed and map_blocks
 * build on. The function is an export of a module the job names (by absolute path); workers load
 * it by import, the thread that plans never does. Its arguments are the values of the task's
 * dependencies and literals, in the order the spec lists them; what it returns (or resolves to)
 * is stored as a payload chunk (structured-clone bytes), which later call tasks receive as values.
 *
 * A TypeScript module (.ts, .mts) is transpiled as it loads (user-modules/ts-hooks.ts), and a stack
 * names its .ts lines. The module is imported at the version the planner took
 * (user-modules/module-version.ts), so a changed module loads again in the next job.
 *
 * Modes: 'call' calls the function once with the arguments; 'each' calls it once per element of
 * its one argument, a list, and stores the list of results (a batch of a map, as joblib batches
 * calls); 'exports' stores the names of the module's exported functions (the planner's check that
 * a job's functions exist, before any of its tasks runs); 'block' is map_blocks: the first
 * argument is a dense array chunk, the function gets its elements as a typed array (C order) and
 * a BlockInfo, and must return the elements of its output chunk (a typed array of the block's
 * dtype, or an array of numbers), which is stored as a dense chunk that array tasks read.
 *
 *   encoding: [module, export, version, mode, nargs, ...(tag, ref)]   module/export/version: string
 *             table indices; tag 0: ref = dependency index; tag 1: ref = string index of the
 *             literal's JSON; tag 2: ref = count, then that many dependency indices whose lists
 *             are joined into one argument (a map's batches, in order); tag 3: ref = string
 *             index of an array's JSON {dtype, shape, base64}, given as {dtype, shape, data}
 */
import { isAbsolute } from 'node:path';
import { TesseraError } from '../errors.js';
import type { JsTaskContext, TaskKind } from '../task-kinds.js';
import { type DenseValue, readChunkValue, storeValue } from './chunk-value.js';
import { native, type DTypeName } from '../../native/addon.js';
import { typedArray } from '../../native/typed-view.js';
import { functionNames, importUserModule, loadFunction, userFunctionFailed } from '../user-modules/load-function.js';

/**
 * `dense`: an array given by value (a delayed call's array argument: its elements' bytes in C
 * order, base64), passed as a DenseValue, or a 0-d one as its number (a bigint beyond 2^53, a
 * boolean for bool).
 */
export type CallArg = { dep: number } | { value: unknown } | { concat: number[] } | { dense: { dtype: DTypeName; shape: number[]; base64: string } };
export type CallMode = 'call' | 'each' | 'exports' | 'block';

/** What a map_blocks function is told of its chunk (its second argument), as dask's block_info. */
export interface BlockInfo {
  /** The output chunk's dtype and shape (the input's shape; the dtype map_blocks was given). */
  dtype: DTypeName;
  shape: number[];
  /** The chunk's index in the grid, and the array index of its first element. */
  index: number[];
  offset: number[];
}

export interface CallSpec {
  kind: 'call';
  /** Absolute path of an ES module (.mjs, .js, .ts, .mts) or CommonJS module (.cjs). */
  module: string;
  /** The module's version (module-version.ts); the same version is imported once per worker. */
  version?: string;
  /** The name of the exported function ('default' for a default export). */
  name: string;
  args: CallArg[];
  /** 'call' unless said (see the module's comment). */
  mode?: CallMode;
  /** What the collection expects the result to take in the store, for the memory gate. */
  estBytes?: number;
}

const DEP = 0;
const VALUE = 1;
const CONCAT = 2;
const DENSE = 3;
const MODES: readonly CallMode[] = ['call', 'each', 'exports', 'block'];

export const callKind: TaskKind<CallSpec> = {
  name: 'call',
  code: 64,
  encode(w, spec, ctx) {
    if (!isAbsolute(spec.module)) {
      throw new TesseraError('BAD_ARGUMENT', `a user function's module must be named by an absolute path, not '${spec.module}'`, 'resolve the path against the folder it is relative to');
    }
    w.push(ctx.stringIndex(spec.module)); w.push(ctx.stringIndex(spec.name)); w.push(ctx.stringIndex(spec.version ?? ''));
    w.push(MODES.indexOf(spec.mode ?? 'call'));
    w.push(spec.args.length);
    for (const a of spec.args) {
      if ('dep' in a) { w.push(DEP); w.push(a.dep); continue; }
      if ('concat' in a) { w.push(CONCAT); w.push(a.concat.length); w.list(a.concat); continue; }
      if ('dense' in a) { w.push(DENSE); w.push(ctx.stringIndex(JSON.stringify(a.dense))); continue; }
      const json = JSON.stringify(a.value);
      if (json === undefined) throw new TesseraError('BAD_ARGUMENT', `an argument of ${spec.name} cannot be passed to a worker (${typeof a.value})`, 'pass plain data: numbers, strings, booleans, null, arrays and objects of them');
      w.push(VALUE); w.push(ctx.stringIndex(json));
    }
  },
  // Unknown until it runs: the spec says what the collection expects (a partition's bytes), else 1 MiB.
  estimate: (spec) => spec.estBytes ?? 2 ** 20,
  runJs: runCall,
};

async function runCall(task: JsTaskContext): Promise<[number, number, number]> {
  const { fields: f, ids, strings } = task;
  const module = strings[f[0]];
  const name = strings[f[1]];
  const mode = MODES[f[3]];
  if (mode === 'exports') return storeValue(task.owner, functionNames(await importUserModule(module, strings[f[2]])), 0, `${name} (${module}) returned`);
  const fn = await loadFunction(module, name, strings[f[2]]);
  const args: unknown[] = [];
  let bytesIn = 0;
  const value = (id: number) => {
    const input = readChunkValue(id);
    bytesIn += input.bytes;
    return input.value;
  };
  for (let k = 0, p = 5; k < f[4]; k++) {
    if (f[p] === DEP) {
      args.push(value(ids[f[p + 1]]));
      p += 2;
    } else if (f[p] === CONCAT) {
      const n = f[p + 1];
      const joined: unknown[] = [];
      for (let j = 0; j < n; j++) for (const x of value(ids[f[p + 2 + j]]) as unknown[]) joined.push(x); // no spread: a batch may hold millions
      args.push(joined);
      p += 2 + n;
    } else if (f[p] === DENSE) {
      args.push(denseValue(JSON.parse(strings[f[p + 1]]) as Extract<CallArg, { dense: unknown }>['dense']));
      p += 2;
    } else {
      args.push(JSON.parse(strings[f[p + 1]]));
      p += 2;
    }
  }
  if (mode === 'block') return runBlock(task, fn, name, module, args[0] as DenseValue, args[1] as BlockInfo, bytesIn);
  let result: unknown;
  let item = -1;
  try {
    if (mode === 'each') {
      const list = args[0] as unknown[];
      const out: unknown[] = new Array(list.length);
      // Awaited only when it returns a promise: an await per call of a tiny function doubles its cost.
      for (item = 0; item < list.length; item++) {
        const r = fn(list[item]);
        out[item] = isThenable(r) ? await r : r;
      }
      result = out;
    } else {
      result = await fn(...args);
    }
  } catch (e) {
    throw userFunctionFailed(name, module, e, item >= 0 ? ` on ${JSON.stringify((args[0] as unknown[])[item]) ?? 'an item'} (item ${item} of this batch)` : '');
  }
  return storeValue(task.owner, result, bytesIn, `${name} (${module}) returned`);
}

const TYPED_FOR: Record<DTypeName, new (n: number) => ArrayBufferView & ArrayLike<number | bigint>> = {
  float64: Float64Array, float32: Float32Array, int64: BigInt64Array, int32: Int32Array, int16: Int16Array, int8: Int8Array,
  uint64: BigUint64Array, uint32: Uint32Array, uint16: Uint16Array, uint8: Uint8Array, bool: Uint8Array,
};

function isThenable(v: unknown): v is PromiseLike<unknown> {
  return (typeof v === 'object' || typeof v === 'function') && v !== null && typeof (v as { then?: unknown }).then === 'function';
}

/** An array given by value as the DenseValue a dense chunk reads as; a 0-d one as its scalar. */
function denseValue(d: Extract<CallArg, { dense: unknown }>['dense']): unknown {
  const bytes = Buffer.from(d.base64, 'base64');
  const buffer = new ArrayBuffer(bytes.length); // aligned, and the function's own
  new Uint8Array(buffer).set(bytes);
  const data = typedArray(d.dtype, buffer);
  if (d.shape.length) return { dtype: d.dtype, shape: d.shape, data } satisfies DenseValue;
  const v = data[0];
  if (d.dtype === 'bool') return v !== 0;
  return typeof v === 'bigint' && v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}

/** map_blocks: fn(elements, info) on one chunk; its typed array (or list of numbers) is stored as the output chunk. */
async function runBlock(task: JsTaskContext, fn: (...a: unknown[]) => unknown, name: string, module: string, input: DenseValue, info: BlockInfo, bytesIn: number): Promise<[number, number, number]> {
  let out: unknown;
  try {
    out = await fn(input.data, info);
  } catch (e) {
    throw userFunctionFailed(name, module, e, ` on the chunk at index [${info.index.join(', ')}] (offset [${info.offset.join(', ')}], shape [${info.shape.join(', ')}])`);
  }
  const n = info.shape.reduce((a, b) => a * b, 1);
  const Typed = TYPED_FOR[info.dtype];
  const made = `${name} (${module}) returned`;
  let data: ArrayBufferView;
  if (Array.isArray(out)) {
    data = listAsTyped(out, info, made);
  } else if (ArrayBuffer.isView(out) && out.constructor === Typed) {
    data = info.dtype === 'bool' ? (out as Uint8Array).map((v) => (v ? 1 : 0)) : out; // stored bools are 0 or 1
  } else {
    const got = ArrayBuffer.isView(out) ? out.constructor.name : out === null ? 'null' : typeof out;
    throw blockError(`${made} ${got} for ${chunkOf(info.dtype)}, which needs a ${Typed.name} (or an array of numbers)`, info);
  }
  if ((data as unknown as ArrayLike<unknown>).length !== n) {
    throw blockError(`${made} ${(data as unknown as ArrayLike<unknown>).length} elements for a chunk of shape [${info.shape.join(', ')}] (${n} elements)`, info);
  }
  return [native().putChunk({ dtype: info.dtype, shape: info.shape, data, owner: task.owner }), bytesIn, data.byteLength];
}

/** The integer dtypes' ranges, for a list returned for an integer chunk. */
const INT_RANGE: Partial<Record<DTypeName, [bigint, bigint]>> = {
  int8: [-(2n ** 7n), 2n ** 7n - 1n], int16: [-(2n ** 15n), 2n ** 15n - 1n], int32: [-(2n ** 31n), 2n ** 31n - 1n], int64: [-(2n ** 63n), 2n ** 63n - 1n],
  uint8: [0n, 2n ** 8n - 1n], uint16: [0n, 2n ** 16n - 1n], uint32: [0n, 2n ** 32n - 1n], uint64: [0n, 2n ** 64n - 1n],
};

/** A returned list as the chunk's typed array: numbers for floats, integers in range for integer dtypes, booleans or 0/1 for bool. */
function listAsTyped(list: unknown[], info: BlockInfo, made: string): ArrayBufferView {
  const data = new TYPED_FOR[info.dtype](list.length) as unknown as (number | bigint)[] & ArrayBufferView;
  const range = INT_RANGE[info.dtype];
  const big = info.dtype === 'int64' || info.dtype === 'uint64';
  for (let i = 0; i < list.length; i++) {
    const v = list[i];
    let ok = typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean';
    if (ok && info.dtype === 'bool') {
      ok = v === true || v === false || v === 0 || v === 1 || v === 0n || v === 1n;
      if (ok) data[i] = v === true || v === 1 || v === 1n ? 1 : 0;
    } else if (ok && range) {
      ok = typeof v === 'bigint' || (typeof v === 'number' && Number.isInteger(v));
      const n = ok ? BigInt(v as number | bigint) : 0n;
      ok &&= n >= range[0] && n <= range[1];
      if (ok) data[i] = big ? n : Number(n);
    } else if (ok) {
      data[i] = Number(v);
    }
    if (!ok) throw blockError(`${made} ${typeof v === 'bigint' ? `${v}n` : JSON.stringify(v) ?? String(v)} in a list for ${chunkOf(info.dtype)} (item ${i})`, info);
  }
  return data;
}

/** "an int32 chunk", "a float64 chunk". */
const chunkOf = (dtype: DTypeName) => `${dtype.startsWith('i') ? 'an' : 'a'} ${dtype} chunk`;

function blockError(message: string, info: BlockInfo): TesseraError {
  return new TesseraError('USER_FUNCTION_FAILED', message,
    `map_blocks keeps each chunk's shape: return as many elements as it gets, as a ${TYPED_FOR[info.dtype].name}; for another dtype pass it: x.map_blocks(f, dtype='float32')`, { phase: 'run' });
}

/** The value a call task stored (tests and callers that read results on the main thread). */
export function readCallResult(chunk: number): unknown {
  return readChunkValue(chunk).value;
}
