/**
 * The kinds that run a bag pipeline (program/types.ts) in the worker threads. The collection
 * registers them on the thread that plans (kinds/index.ts); a worker imports this module and
 * registers its `taskKinds` the first time a job gives it one of their tasks
 * (TaskKind.workerModule): the engine's own worker knows nothing of bags.
 *
 * - bag_partition (code 65): one partition's items through the first stage's steps, and that
 *   stage's partial. Encoding: [program, source, label] (string indices: the program's JSON,
 *   the partition's source as JSON, and the partition's name for errors). No deps.
 * - bag_combine (code 66): partials merged in dependency order (a combine-tree node); the root
 *   finishes the aggregation and runs the later stages. Encoding: [program, root, label].
 *   Deps: the partials.
 *
 * Partials and results are stored as structured-clone bytes (payload chunks), as call results are.
 */
import { deserialize } from 'node:v8';
import { native } from '../../../native/addon.js';
import { TesseraError } from '../../../engine/errors.js';
import { storeValue } from '../../../engine/kinds/chunk-value.js';
import type { JsTaskContext, TaskKind } from '../../../engine/task-kinds.js';
import { aggregationRun } from '../program/aggregations.js';
import { partitionItems } from '../program/partition-items.js';
import { runSteps, runStepsFor } from '../program/steps.js';
import { type PartitionSource, type Program, takesFirst } from '../program/types.js';

export interface BagPartitionSpec {
  kind: 'bag_partition';
  program: string;
  source: PartitionSource;
  label: string;
  /** The source's last partition (see AggregationRun.partial). */
  last: boolean;
  estBytes: number;
}

export interface BagCombineSpec {
  kind: 'bag_combine';
  program: string;
  root: boolean;
  label: string;
  estBytes: number;
}

export const bagPartitionKind: TaskKind<BagPartitionSpec> = {
  name: 'bag_partition',
  code: 65,
  encode(w, spec, ctx) {
    w.push(ctx.stringIndex(spec.program)); w.push(ctx.stringIndex(JSON.stringify(spec.source))); w.push(ctx.stringIndex(spec.label)); w.push(spec.last ? 1 : 0);
  },
  estimate: (spec) => spec.estBytes,
  runJs: runPartition,
  workerModule: import.meta.url,
};

export const bagCombineKind: TaskKind<BagCombineSpec> = {
  name: 'bag_combine',
  code: 66,
  encode(w, spec, ctx) {
    w.push(ctx.stringIndex(spec.program)); w.push(spec.root ? 1 : 0); w.push(ctx.stringIndex(spec.label));
  },
  estimate: (spec) => spec.estBytes,
  runJs: runCombine,
  workerModule: import.meta.url,
};

/** What a worker registers when it imports this module (TaskKind.workerModule). */
export const taskKinds: TaskKind[] = [bagPartitionKind as unknown as TaskKind, bagCombineKind as unknown as TaskKind];

/** Programs parsed on this thread, by their JSON (a job's tasks share one). */
const programs = new Map<string, Program>();

function programOf(json: string): Program {
  let p = programs.get(json);
  if (!p) {
    if (programs.size > 64) programs.clear();
    p = JSON.parse(json) as Program;
    programs.set(json, p);
  }
  return p;
}

async function runPartition(task: JsTaskContext): Promise<[number, number, number]> {
  const { fields: f, strings } = task;
  const program = programOf(strings[f[0]]);
  const source = JSON.parse(strings[f[1]]) as PartitionSource;
  const where = strings[f[2]];
  return inPartition(where, async () => {
    const items = partitionItems(source);
    const stage = program.stages[0];
    const agg = await aggregationRun(stage.agg, program, where);
    // take(k) runs its steps only until it has k items (a later item may be one the steps refuse); so does columns.
    const out = takesFirst(stage.agg) ? await runStepsFor(items, stage.steps, program, where, stage.agg.k) : await runSteps(items, stage.steps, program, where);
    const partial = await agg.partial(out, f[3] === 1);
    const bytesIn = 'text' in source ? source.text.end - source.text.start : 0;
    return storeValue(task.owner, partial, bytesIn, 'a bag step made');
  });
}

async function runCombine(task: JsTaskContext): Promise<[number, number, number]> {
  const { fields: f, ids, strings } = task;
  const program = programOf(strings[f[0]]);
  const where = strings[f[2]];
  let bytesIn = 0;
  const partials: unknown[] = [];
  for (const id of ids) {
    const b = native().getBytes(id);
    bytesIn += b.byteLength;
    partials.push(deserialize(b));
  }
  return inPartition(where, async () => {
    let agg = await aggregationRun(program.stages[0].agg, program, where);
    let value = await agg.combine(partials);
    if (f[1]) {
      value = await agg.finish(value);
      // Later stages run here, over the one list the stage before made.
      for (const stage of program.stages.slice(1)) {
        agg = await aggregationRun(stage.agg, program, where);
        value = await agg.finish(await agg.combine([await agg.partial(await runSteps(value as unknown[], stage.steps, program, where), true)]));
      }
    }
    return storeValue(task.owner, value, bytesIn, 'a bag step made');
  });
}

/**
 * Errors in a partition's task name it (a user function's and a file's already do; a builtin's
 * or a type error's get the partition added).
 */
export async function inPartition<T>(where: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (e) {
    if (e instanceof TesseraError && !e.message.includes(where)) throw new TesseraError(e.code, `${e.message} (${where})`, e.hint, { userStack: e.userStack, phase: 'run' });
    throw e;
  }
}
