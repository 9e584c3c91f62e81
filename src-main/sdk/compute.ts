/**
 * `compute(...values)`: renders arrays, bags and delayed values into one job spec and runs it on
 * the run path the CLI uses (run/run-spec.ts), on an engine of this process started at the first
 * compute (one worker per core unless `configure` says otherwise). So a value computed here is the
 * value `tessera run` gives for the same spec, bit for bit. Values shared by several arguments are
 * computed once.
 *
 * The engine's workers do not keep the process alive between computes; `close()` stops them.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Engine } from '../engine/engine.js';
import { TesseraError } from '../engine/errors.js';
import { LocalBackend } from '../run/local-backend.js';
import { PersistedArrays } from '../run/persisted-arrays.js';
import type { JobResult } from '../run/run-job.js';
import { runSpec } from '../run/run-spec.js';
import type { Computable, FunctionRef, RenderContext } from './graph.js';

export interface ComputeConfig {
  /** Worker threads (default: one per core). */
  workers?: number;
  /** Bytes the chunk store may hold (default: no limit). */
  memoryLimit?: number | null;
  /** Where outputs too large to return are written (.npy, .parquet, .jsonl), in a folder per compute; default: the temporary folder. */
  outDir?: string;
}

let config: ComputeConfig = {};
/** Arrays kept by persist(), read by later computes of this process until released or close(). */
const persisted = new PersistedArrays();
let nextPersisted = 0;
let engine: Promise<Engine> | null = null;
/** Computes run one after another (a job has the engine's workers to itself, as in the window's queue). */
let queue: Promise<unknown> = Promise.resolve();
let computes = 0;

/** Sets the engine's workers (before the first compute, or after close), the memory limit and the output folder. */
export function configure(c: ComputeConfig): void {
  if (engine && c.workers !== undefined && c.workers !== config.workers) {
    throw new TesseraError('BAD_OPTION', 'the engine is already running with its workers', 'call close() first, then configure({ workers })');
  }
  config = { ...config, ...c };
}

/** Stops the engine's workers once the computes already asked for are done, and frees the persisted arrays (the next compute starts the workers again). */
export async function close(): Promise<void> {
  await queue.catch(() => undefined);
  persisted.clear();
  const e = engine;
  engine = null;
  if (e) await (await e.catch(() => null))?.close();
}

/** The engine, started at the first compute, and started again after a worker died (as the window's backends do). */
async function liveEngine(): Promise<Engine> {
  if (engine) {
    const e = await engine.catch(() => null);
    if (e && !e.pool?.failure) return e;
    engine = null;
    await e?.close().catch(() => undefined);
  }
  engine = Engine.start({ workers: config.workers });
  engine.catch(() => { engine = null; });
  return engine;
}

/** The spec the values render into (what `tessera run` would take), and the output name of each. */
export function specOf(values: readonly Computable[]): { spec: Record<string, unknown>; outputs: string[] } {
  const datasets: Record<string, Record<string, unknown>> = {};
  const delayed: Record<string, Record<string, unknown>> = {};
  const names = new Map<object, string>();
  let nextDelayed = 0;
  let module: string | null = null;
  const ctx: RenderContext = {
    dataset(node, spec) {
      let name = names.get(node);
      if (!name) {
        name = `d${Object.keys(datasets).length}`;
        names.set(node, name);
        datasets[name] = spec();
      }
      return name;
    },
    delayed(node, entry) {
      let name = names.get(node);
      if (!name) {
        name = `f${nextDelayed++}`;
        names.set(node, name);
        delayed[name] = entry(); // the entries its arguments name go in first
      }
      return name;
    },
    fn(ref: FunctionRef) {
      if (module && module !== ref.module) {
        throw new TesseraError('BAD_SPEC', `one computation calls functions of two modules (${module} and ${ref.module})`, 'export the functions from one module (it may import the other)');
      }
      module = ref.module;
      return ref.name;
    },
  };
  const outputs: Record<string, string> = {};
  const order = values.map((v, i) => {
    const name = `o${i}`;
    outputs[name] = v.render(ctx);
    return name;
  });
  return { spec: { tessera: 1, ...(module ? { functions: module } : {}), datasets, ...(Object.keys(delayed).length ? { delayed } : {}), outputs }, outputs: order };
}

/** What an output is as a JS value: a scalar's number, an array's nested lists, a list's items, a table's rows; a file's path for outputs written out. */
export type Value = unknown;

export function compute(...values: Computable[]): Promise<Value[]> {
  if (!values.length) return Promise.resolve([]);
  const { spec, outputs } = specOf(values);
  return queued(() => runOne(spec, outputs));
}

/**
 * Computes arrays and keeps their chunks in this process's store (dask's persist) under new
 * names, which `{"persisted": NAME}` datasets read in later computes; `release` or `close` frees
 * them, and a memory limit releases the least recently used (run/persisted-arrays.ts).
 */
export function persistArrays(values: readonly Computable[]): Promise<string[]> {
  if (!values.length) return Promise.resolve([]);
  const { spec, outputs } = specOf(values);
  const names = outputs.map(() => `persisted_${++nextPersisted}`);
  const texts = spec.outputs as Record<string, string>;
  const renamed = { ...spec, outputs: Object.fromEntries(outputs.map((o, i) => [names[i], texts[o]])) };
  return queued(async () => {
    await runOne(renamed, names, names);
    return names;
  });
}

/** Frees a persisted array once the computes asked for before are done (they may read it); false if it is not kept (released before, or by the memory limit). */
export function releasePersisted(name: string): Promise<boolean> {
  return queued(async () => persisted.release(name));
}

/** Runs computes one after another. */
function queued<T>(f: () => Promise<T>): Promise<T> {
  const run = queue.catch(() => undefined).then(f);
  queue = run;
  return run;
}

async function runOne(spec: Record<string, unknown>, outputs: string[], persist: string[] = []): Promise<Value[]> {
  const e = await liveEngine();
  e.pool?.hold(true);
  let result: JobResult;
  try {
    // Each compute writes its large outputs to a folder of its own (made only if one is written).
    const outDir = join(config.outDir ?? tmpdir(), `tessera-compute-${process.pid}-${++computes}`);
    // The spec is the user's own, from this process: its functions may run (in the workers), as the CLI's may.
    ({ result } = await runSpec(new LocalBackend(e), spec, {
      baseDir: process.cwd(), outDir, memoryLimit: config.memoryLimit ?? null, userCode: true, persisted, persist, jobName: `compute ${computes}`,
    }));
  } finally {
    e.pool?.hold(false);
  }
  const byName = new Map(result.outputs.map((o) => [o.name, o]));
  return outputs.map((name) => valueOf(byName.get(name)!));
}

function valueOf(o: JobResult['outputs'][number]): Value {
  switch (o.kind) {
    case 'scalar': return o.value;
    case 'value': return o.value;
    case 'array': return 'path' in o && o.path ? { path: o.path, dtype: o.dtype, shape: o.shape } : o.values;
    case 'list': return o.path ? { path: o.path, count: o.count } : o.values;
    case 'table': return o.path ? { path: o.path, nrows: o.nrows } : { columns: o.columns, rows: o.rows };
  }
}
