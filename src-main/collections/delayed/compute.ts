/**
 * Computes delayed outputs on the engine, in up to three runs:
 *
 * 1. The check: one task imports the module in a worker and lists its exported functions, so a
 *    job naming a function the module lacks fails (USER_FUNCTION_NOT_FOUND) before any of its
 *    tasks runs, and a module that does not load fails with its own error.
 * 2. The probe, for maps with `"batch": "auto"` over at least four times the probe's items: their
 *    first items run PROBE_CALLS to a task, four tasks per worker, and the median task time sets
 *    the batch size of the rest, as joblib's batch_size="auto" does: batches of about
 *    TARGET_BATCH_MS of calls, but never fewer than four batches per worker (so the workers stay
 *    balanced). A task's own cost (about 0.1 ms: arguments in, result stored) counts as its calls',
 *    as joblib's batch timings count theirs; several calls per probe task keep it from passing
 *    for a tiny function's whole time. Each worker's first probe task is left out of
 *    the median, as it imports the module and runs the function cold (1.6 ms and 90 ms against
 *    0.04 ms warm for a one-line function). The probed results are kept and used, not run again.
 * 3. The job itself (delayed/lower.ts); every entry is computed once however many use it.
 *
 * An engine remembers what it measured of a module version (its exports, and each probed
 * function's time per call): a job that runs again on an unchanged module skips the check and
 * the probe, and its maps are batched from the time measured before.
 *
 * The value of an output is what the function returned (a map's: the list of its results): JSON
 * for the job's output, or an array output when it is a typed array.
 */
import type { ComputeOptions, Engine, GraphRun, GraphRunner } from '../../engine/engine.js';
import { finishGraph } from '../../engine/finish-graph.js';
import { joinRuns } from '../../engine/join-runs.js';
import type { Layer, Task } from '../../engine/graph.js';
import { type CallSpec, readCallResult } from '../../engine/kinds/call.js';
import { jsonValue } from '../../engine/json-value.js';
import { checkFunctions, moduleFacts } from '../../engine/user-modules/check-functions.js';
import type { DTypeName } from '../../native/addon.js';
import { type Batch, type FunctionsModule, lowerDelayed } from './lower.js';
import type { DelayedEntry } from './spec.js';

/** The time a batch of small calls should take (ms): per-task overhead is then well under 1 %. */
export const TARGET_BATCH_MS = 10;
/** Calls per probe task. */
const PROBE_CALLS = 8;

export interface DelayedRequest {
  module: FunctionsModule;
  entries: ReadonlyMap<string, DelayedEntry>;
  /** Output name -> the entry it shows. */
  outputs: { name: string; entry: string }[];
}

export type DelayedOutput =
  | { name: string; kind: 'value'; value: unknown }
  | { name: string; kind: 'array'; dtype: DTypeName; shape: number[]; values: number[] | string[] };

export interface DelayedComputeResult extends Omit<GraphRun, 'chunks'> {
  outputs: DelayedOutput[];
  layers: Layer[];
  /** Per map, the batch size its calls ran in and why. */
  batches: { entry: string; size: number; reason: string }[];
}

let nextProbe = 1;

/** Calls per batch: about TARGET_BATCH_MS of them, but at least 4 batches per worker. */
function batchSize(callMs: number, items: number, workers: number): number {
  const balanced = Math.max(1, Math.ceil(items / (4 * workers)));
  return Math.max(1, Math.min(balanced, Math.ceil(TARGET_BATCH_MS / Math.max(callMs, 1e-3))));
}

/**
 * What delayed calls need of whatever runs them: a GraphRunner, and the probe's kept chunks read
 * and let go by name. `probe: false` (a cluster: a graph that reads chunks kept here would run
 * here) sizes auto batches at four per worker instead of by a measured call.
 */
export type DelayedRunner = GraphRunner & Pick<Engine, 'keptChunk' | 'drop'>;

export async function computeDelayed(engine: DelayedRunner, req: DelayedRequest, opts: ComputeOptions = {}, { probe: probing = true } = {}): Promise<DelayedComputeResult> {
  const wanted = [...new Set(req.outputs.map((o) => o.entry))];
  const used = usedEntries(req.entries, wanted);
  await checkFunctions(engine, req.module, [...new Set(used.map((n) => req.entries.get(n)!.fn))], opts);

  const runs: GraphRun[] = [];
  const layers: Layer[] = [];
  const batches = new Map<string, Batch[]>();
  const reasons: DelayedComputeResult['batches'] = [];
  const probeName = `delayed-probe-${nextProbe++}`;
  const probeOwner = engine.newJob();
  try {
    const probe = probing ? await probeMaps(engine, req, used, probeOwner, probeName, opts) : null;
    if (probe) {
      runs.push(probe.run);
      layers.push(...probe.layers);
      engine.keep(probeName, probeOwner, probe.kept);
    }
    for (const name of used) {
      const e = req.entries.get(name)!;
      if (e.kind !== 'map') continue;
      const probed = probe?.byMap.get(name);
      const before = moduleFacts(engine, req.module)?.callMs.get(e.fn);
      const rest = e.over.slice(probed?.items ?? 0);
      let size = 1;
      let reason = `${e.over.length} items: one per task`;
      if (e.batch !== 'auto') [size, reason] = [e.batch, 'as the spec says'];
      else if (probed) [size, reason] = [probed.size, probed.reason];
      else if (before !== undefined) [size, reason] = [batchSize(before, rest.length, engine.workers), `a call took ${before.toFixed(4)} ms when this module version was probed before`];
      else if (!probing) [size, reason] = [Math.max(1, Math.ceil(rest.length / (4 * engine.workers))), `not probed (on a cluster): four batches per worker`];
      batches.set(name, [...(probed?.keys ?? []).map((kept) => ({ kept })), ...split(rest, size).map((items) => ({ items }))]);
      reasons.push({ entry: name, size, reason });
    }

    const { graph, keys } = lowerDelayed(req.module, req.entries, wanted, batches);
    layers.push(...graph.layers);
    const owner = engine.newJob();
    try {
      const keep = new Set(wanted.flatMap((w) => keys.get(w)!));
      const run = await engine.run(graph, { ...opts, owner, keep });
      runs.push(run);
      const valueOf = (entry: string): unknown => {
        const ids = keys.get(entry)!.map((k) => run.chunks.get(k) ?? engine.keptChunk(k)!);
        if (req.entries.get(entry)!.kind === 'call') return readCallResult(ids[0]);
        // A loop, not flatMap: flatMap's generic flattening was a quarter of a small map's main-thread time.
        const out: unknown[] = [];
        for (const id of ids) {
          const part = readCallResult(id) as unknown[];
          for (let i = 0; i < part.length; i++) out.push(part[i]);
        }
        return out;
      };
      const outputs = req.outputs.map((o) => output(o.name, valueOf(o.entry)));
      return { ...joinRuns(runs), outputs, layers, batches: reasons };
    } finally {
      engine.freeJob(owner);
    }
  } finally {
    if (!engine.drop(probeName)) engine.freeJob(probeOwner);
  }
}

/** The entries the wanted ones need, each once. */
function usedEntries(entries: ReadonlyMap<string, DelayedEntry>, wanted: readonly string[]): string[] {
  const seen = new Set<string>();
  const visit = (n: string) => {
    if (seen.has(n)) return;
    seen.add(n);
    const e = entries.get(n)!;
    if (e.kind === 'call') for (const a of e.args) if ('ref' in a) visit(a.ref);
  };
  wanted.forEach(visit);
  return [...seen];
}

interface Probe {
  run: GraphRun;
  layers: Layer[];
  kept: { key: string; id: number }[];
  byMap: Map<string, { keys: string[]; items: number; size: number; reason: string }>;
}

/** Runs the first items of each auto-batched map one per task and picks its batch size. */
/** `keyPrefix` makes the probe's keys unique in the engine's kept chunks (another job may probe the same names). */
async function probeMaps(engine: DelayedRunner, req: DelayedRequest, used: string[], owner: number, keyPrefix: string, opts: ComputeOptions): Promise<Probe | null> {
  const n = 4 * engine.workers;
  const probeItems = n * PROBE_CALLS;
  const tasks: Task<CallSpec>[] = [];
  const layers: Layer[] = [];
  const maps: string[] = [];
  for (const name of used) {
    const e = req.entries.get(name)!;
    if (e.kind !== 'map' || e.batch !== 'auto' || e.over.length < 4 * probeItems || moduleFacts(engine, req.module)?.callMs.has(e.fn)) continue;
    maps.push(name);
    const layer = `${name}-probe`;
    layers.push({ name: layer, label: `map ${e.fn} (probe: ${PROBE_CALLS} calls per task)`, kind: 'call', tasks: n, deps: [], indexShape: [] });
    for (let i = 0; i < n; i++) {
      tasks.push({
        key: `${keyPrefix}/${layer}:${i}`, layer, index: [i], deps: [], priority: 0, estBytes: 64 * 1024,
        spec: { kind: 'call', module: req.module.path, version: req.module.version, name: e.fn, args: [{ value: e.over.slice(i * PROBE_CALLS, (i + 1) * PROBE_CALLS) }], mode: 'each' },
      });
    }
  }
  if (!maps.length) return null;
  const graph = finishGraph(tasks, layers);
  const run = await engine.run(graph, { ...opts, owner, keep: new Set(tasks.map((t) => t.key)) });
  const byMap = new Map<string, { keys: string[]; items: number; size: number; reason: string }>();
  for (const name of maps) {
    const e = req.entries.get(name) as Extract<DelayedEntry, { kind: 'map' }>;
    const probed = run.records.filter((r) => r.layer === `${name}-probe`).sort((a, b) => a.start - b.start);
    const warm = probed.filter((r, i) => probed.findIndex((x) => x.worker === r.worker) !== i);
    const times = (warm.length ? warm : probed).map((r) => (r.stop - r.start) / PROBE_CALLS).sort((a, b) => a - b);
    const median = times[times.length >> 1];
    moduleFacts(engine, req.module)?.callMs.set(e.fn, median);
    const size = batchSize(median, e.over.length - probeItems, engine.workers);
    byMap.set(name, {
      keys: tasks.filter((t) => t.layer === `${name}-probe`).map((t) => t.key), items: probeItems, size,
      reason: `a call took ${median.toFixed(4)} ms (median of ${times.length} probe tasks of ${PROBE_CALLS}): batches of about ${TARGET_BATCH_MS} ms, at least 4 per worker`,
    });
  }
  return { run, layers, kept: tasks.map((t) => ({ key: t.key, id: run.chunks.get(t.key)! })), byMap };
}

function split<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

const TYPED: [new (...a: never[]) => ArrayBufferView, DTypeName][] = [
  [Float64Array, 'float64'], [Float32Array, 'float32'], [Int32Array, 'int32'], [Int16Array, 'int16'], [Int8Array, 'int8'],
  [Uint32Array, 'uint32'], [Uint16Array, 'uint16'], [Uint8Array, 'uint8'], [BigInt64Array, 'int64'], [BigUint64Array, 'uint64'],
];

/** A returned typed array is an array output (int64 beyond 2^53 as decimal strings, as arrays give them); anything else a value. */
function output(name: string, value: unknown): DelayedOutput {
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    const dtype = TYPED.find(([T]) => value instanceof T)?.[1];
    if (dtype) {
      const values = Array.from(value as unknown as ArrayLike<number | bigint>, (v) =>
        typeof v === 'bigint' ? (v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString()) : v) as number[] | string[];
      return { name, kind: 'array', dtype, shape: [values.length], values };
    }
  }
  return { name, kind: 'value', value: jsonValue(value) };
}
