/**
 * Bags used as tables: `records.to_dataframe()` inside a table expression such as
 * `events.to_dataframe().groupby('user').amount.sum()`. The front end above both collections, like
 * table-bridge.ts the other way: each `<bag>.to_dataframe(meta=..., columns=...)` is planned as a
 * bag (the bag collection's evaluator) and replaced in the text by a name, __bag_table_<k>, that
 * the table evaluator reads as a table dataset.
 *
 * A bag of element steps (map, filter, pluck, ...) given `meta` is a table at once: one partition
 * per bag partition (bag-table-source.ts). Otherwise items are computed first (run-job.ts): the
 * first INFER_ITEMS of the first partition to infer the columns, as dask's to_dataframe computes
 * the first item; or, for a bag an aggregation made (`frequencies().to_dataframe()`), all of them,
 * which become the table. The table outputs that read such a bag are planned after that.
 */
import type { TableNode } from '../../collections/dataframe/index.js';
import { sourceTable } from '../../collections/dataframe/index.js';
import { type BagPlan, type BagSource, evaluateBagOutput, inferSchema, type ItemSchema, LIST_AGGREGATIONS, type ProgramPlan } from '../../collections/bag/index.js';
import { TesseraError } from '../../engine/errors.js';
import type { FunctionsModule } from '../../engine/user-modules/check-functions.js';
import { type Ast, parseExpression, subtrees } from '../../lang/python-expression.js';
import { bagTableSource, itemsTableSource } from './bag-table-source.js';
import { INFER_ITEMS, META_HINT, metaSchema } from './item-columns.js';

export const BAG_TABLE_PREFIX = '__bag_table_';

export interface BagTable {
  /** The name the output's text now reads it by. */
  name: string;
  /** The bag expression's text, and how it computes. */
  src: string;
  plan: BagPlan;
  /** The schema `meta` gives, or null: inferred. */
  meta: ItemSchema | null;
  /** `columns=[...]`: names of a tuple's positions (or the records' keys to keep), for inference. */
  names: string[] | null;
  /** Where the call is in the output's text, for errors found when it runs. */
  at: { start: number; end: number; output: string };
}

/** What the bag's items computed first give: the inferred schema (elementwise bags), or the items. */
export type BagTableItems = { schema: ItemSchema & { items: number } } | { items: unknown[] };

type Call = Ast & { t: 'call' };

const badArgs = (a: Ast, msg: string, hint: string) => new TesseraError('BAD_ARGUMENTS', msg, hint, { position: { start: a.start, end: a.end } });

/** Whether a bag plan keeps its partitions (element steps only): its table's partitions are the bag's. */
export function isElementwise(plan: BagPlan): plan is ProgramPlan {
  return plan.kind === 'program' && plan.stages.length === 1 && plan.stages[0].agg.op === 'list';
}

/** Whether the table needs items computed before it can be planned. */
export function needsItems(t: BagTable): boolean {
  return !t.meta || !isElementwise(t.plan);
}

/**
 * The bag output the table needs first: the schema of the first INFER_ITEMS items of the first
 * partition, inferred in the worker from the items as the steps made them (the `columns`
 * aggregation), or, for a bag an aggregation made, all its items.
 */
export function itemsPlan(t: BagTable): BagPlan {
  if (!isElementwise(t.plan)) return t.plan;
  return { ...t.plan, stages: [{ steps: t.plan.stages[0].steps, agg: { op: 'columns', k: INFER_ITEMS, npartitions: 1, names: t.names } }] };
}

/** The table of a bag: from its partitions, or from its computed items (`first`, needsItems). */
export function bagTableNode(t: BagTable, first: BagTableItems | null): TableNode {
  let schema = t.meta;
  let schemaFrom = 'as meta says';
  if (!schema) {
    const inferred = first && 'schema' in first ? first.schema : first ? { items: first.items.length, ...inferAt(t, first.items) } : null;
    if (!inferred?.items) {
      throw new TesseraError('BAG_TABLE_META', `${t.src}.to_dataframe(): the bag's first partition has no items to infer the columns from`,
        `give them: to_dataframe(meta={'name': 'string', 'n': 'int64'}); ${META_HINT}`, { position: t.at });
    }
    schema = { form: inferred.form, columns: inferred.columns };
    schemaFrom = `inferred from its first ${inferred.items} items`;
  }
  if (isElementwise(t.plan)) return sourceTable(bagTableSource(t.plan, schema, schemaFrom));
  return sourceTable(itemsTableSource((first as { items: unknown[] }).items, schema, schemaFrom, t.src));
}

/** The schema of an aggregated bag's items; an error marks the to_dataframe call. */
function inferAt(t: BagTable, items: unknown[]): ItemSchema {
  try {
    return inferSchema(items, t.names);
  } catch (e) {
    if (e instanceof TesseraError && !e.position) e.position = t.at;
    throw e;
  }
}

/** Whether a bag plan's result is a list (a bag), not one value. */
function givesList(plan: BagPlan): boolean {
  if (plan.kind === 'words') return plan.result === 'frequencies';
  return LIST_AGGREGATIONS.has(plan.stages[plan.stages.length - 1].agg.op);
}

/** The name a method chain starts from (`e` of `e.filter(f).pluck('x')`). */
function chainRoot(a: Ast): string | null {
  for (;;) {
    if (a.t === 'name') return a.name;
    if (a.t === 'call') a = a.fn;
    else if (a.t === 'attr' || a.t === 'index') a = a.obj;
    else return null;
  }
}

/** The `<bag>.to_dataframe(...)` calls in an output's text, where <bag> is a chain on a bag dataset. */
function toDataframeCalls(ast: Ast, bags: ReadonlyMap<string, BagSource>): Call[] {
  const out: Call[] = [];
  const walk = (a: Ast): void => {
    if (a.t === 'call' && a.fn.t === 'attr' && a.fn.name === 'to_dataframe') {
      const root = chainRoot(a.fn.obj);
      if (root !== null && bags.has(root)) { out.push(a); return; }
    }
    for (const x of subtrees(a)) walk(x);
  };
  walk(ast);
  return out;
}

/** meta as (name, type) pairs: a dict, or a list of pairs, as dask takes it. */
function metaPairs(a: Ast): [string, string][] | null {
  if (a.t === 'const' && a.value === null) return null;
  const str = (x: Ast) => (x.t === 'str' ? x.value : null);
  let pairs: [string | null, string | null][] | null = null;
  if (a.t === 'dict') pairs = a.keys.map((k, i) => [str(k), str(a.values[i])]);
  if (a.t === 'list' || a.t === 'tuple') pairs = a.items.map((x) => ((x.t === 'tuple' || x.t === 'list') && x.items.length === 2 ? [str(x.items[0]), str(x.items[1])] : [null, null]));
  if (!pairs?.length || pairs.some(([n, t]) => n === null || t === null)) throw badArgs(a, 'meta must name each column and its dtype', META_HINT);
  const names = new Set<string>();
  for (const [n] of pairs) {
    if (names.has(n!)) throw badArgs(a, `meta names the column '${n}' twice`, 'give each column once');
    names.add(n!);
  }
  return pairs as [string, string][];
}

function columnNames(a: Ast): string[] | null {
  if (a.t === 'const' && a.value === null) return null;
  if ((a.t === 'list' || a.t === 'tuple') && a.items.length && a.items.every((x) => x.t === 'str')) {
    const names = a.items.map((x) => (x as { value: string }).value);
    if (new Set(names).size === names.length) return names;
  }
  throw badArgs(a, 'columns must be a list of distinct column names', "for example columns=['word', 'count'] for a bag of pairs");
}

function parseCall(call: Call): { meta: ItemSchema | null; names: string[] | null } {
  const arg = (name: string, i: number) => call.kwargs.find((k) => k.name === name)?.value ?? call.args[i];
  for (const k of call.kwargs) {
    if (!['meta', 'columns', 'optimize_graph'].includes(k.name)) throw badArgs(k.value, `to_dataframe() takes meta and columns, not '${k.name}'`, META_HINT);
  }
  if (call.args.length > 2) throw badArgs(call.args[2], 'to_dataframe() takes at most meta and columns', META_HINT);
  const metaArg = arg('meta', 0), columnsArg = arg('columns', 1);
  const pairs = metaArg ? metaPairs(metaArg) : null;
  if (pairs && columnsArg && !(columnsArg.t === 'const' && columnsArg.value === null)) throw badArgs(columnsArg, 'to_dataframe() takes meta or columns, not both', 'meta names the columns already');
  let meta: ItemSchema | null = null;
  if (pairs) {
    const m = metaSchema(pairs);
    if ('bad' in m) throw badArgs(metaArg!, `meta gives column '${m.bad[0]}' the dtype '${m.bad[1]}', which a bag's table cannot hold`, META_HINT);
    meta = m;
  }
  return { meta, names: columnsArg ? columnNames(columnsArg) : null };
}

/**
 * The output's text with each bag used as a table replaced by its name, and the bags found (new
 * ones, named from `known.length` on; a bag written the same way twice is one table). `origin`
 * maps a position in the new text to the output's own.
 */
export function splitBagTables(src: string, output: string, bags: ReadonlyMap<string, BagSource>, module: FunctionsModule | null, known: readonly BagTable[]): { src: string; found: BagTable[]; origin: (p: number) => number } {
  let ast: Ast;
  try { ast = parseExpression(src); } catch { return { src, found: [], origin: (p) => p }; }
  const calls = toDataframeCalls(ast, bags);
  const found: BagTable[] = [];
  const edits: { start: number; end: number; name: string }[] = [];
  for (const call of calls) {
    const obj = (call.fn as Ast & { t: 'attr' }).obj;
    const bagSrc = src.slice(obj.start, obj.end);
    let plan: BagPlan;
    try {
      plan = evaluateBagOutput(bagSrc, bags, module);
    } catch (e) {
      // The bag's evaluator marks positions in the bag's text: move them to the output's.
      if (e instanceof TesseraError && e.position) e.position = { ...e.position, start: e.position.start + obj.start, end: e.position.end + obj.start };
      throw e;
    }
    if (!givesList(plan)) {
      throw new TesseraError('BAG_UNSUPPORTED', `${bagSrc} is one value, not a bag: to_dataframe() makes a table of a bag`, 'call to_dataframe() before the reduction, or drop it',
        { position: { start: call.start, end: call.end } });
    }
    const table: Omit<BagTable, 'name'> = { src: bagSrc, plan, ...parseCall(call), at: { start: call.start, end: call.end, output } };
    const same = [...known, ...found].find((t) => t.src === table.src && JSON.stringify([t.meta, t.names]) === JSON.stringify([table.meta, table.names]));
    // A call written again is the same table (errors found when it runs point at the first).
    const name = same?.name ?? `${BAG_TABLE_PREFIX}${known.length + found.length}`;
    if (!same) found.push({ name, ...table });
    edits.push({ start: call.start, end: call.end, name });
  }
  let out = src;
  for (const e of [...edits].sort((a, b) => b.start - a.start)) out = out.slice(0, e.start) + e.name + out.slice(e.end);
  // A position past an edit is shifted by what the edits before it changed; one inside a name is the call's.
  const sorted = [...edits].sort((a, b) => a.start - b.start);
  const origin = (p: number): number => {
    let shift = 0;
    for (const e of sorted) {
      const newStart = e.start + shift, newEnd = newStart + e.name.length;
      if (p < newStart) break;
      if (p < newEnd) return e.start;
      shift += e.name.length - (e.end - e.start);
      if (p === newEnd) return e.end;
    }
    return p - shift;
  };
  return { src: out, found, origin };
}

/** Runs an evaluator of a split output's text: positions its errors mark are moved back to the output's own text. */
export function atOrigin<T>(origin: (p: number) => number, evaluate: () => T): T {
  try {
    return evaluate();
  } catch (e) {
    if (e instanceof TesseraError && e.position) e.position = { ...e.position, start: origin(e.position.start), end: origin(e.position.end) };
    throw e;
  }
}
