/**
 * The kind that makes a table partition of a bag's partition, the read task of a bag's table
 * (`records.to_dataframe()`, bag-table-source.ts). It runs in a worker thread, as every bag step:
 *
 * - bag_table (code 67): the partition's items through the bag's element steps (map, filter,
 *   pluck, ...: the user's functions run here, never on the thread that plans), then the columns
 *   the job reads, as a table partition in the store (item-columns.ts, the addon's putTable).
 *   Encoding: [program, source, label, columns] (string indices: the steps as a bag program's
 *   JSON, the partition's source as JSON, its name for errors, the columns as JSON). No deps.
 */
import { native } from '../../native/addon.js';
import { TesseraError } from '../../engine/errors.js';
import type { JsTaskContext, TaskKind } from '../../engine/task-kinds.js';
import { describeForm, formOf, inPartition, type ItemColumn, type ItemSchema, partitionItems, type PartitionSource, type Program, runSteps } from '../../collections/bag/index.js';
import { itemColumns } from './item-columns.js';

export interface BagTableSpec {
  kind: 'bag_table';
  /** A one-stage bag program whose aggregation is the list of items. */
  program: string;
  source: PartitionSource;
  label: string;
  /** The table's schema, and the columns of it the job reads (in that order). */
  schema: ItemSchema;
  columns: ItemColumn[];
  /** Where a type that does not fit came from, for the error's hint ("inferred from the first 1000 items", "meta"). */
  schemaFrom: string;
  estBytes: number;
}

export const bagTableKind: TaskKind<BagTableSpec> = {
  name: 'bag_table',
  code: 67,
  encode(w, spec, ctx) {
    w.push(ctx.stringIndex(spec.program)); w.push(ctx.stringIndex(JSON.stringify(spec.source))); w.push(ctx.stringIndex(spec.label));
    w.push(ctx.stringIndex(JSON.stringify({ schema: spec.schema, columns: spec.columns, schemaFrom: spec.schemaFrom })));
  },
  estimate: (spec) => spec.estBytes,
  runJs: runBagTable,
  workerModule: import.meta.url,
};

/** What a worker registers when it imports this module (TaskKind.workerModule). */
export const taskKinds: TaskKind[] = [bagTableKind as unknown as TaskKind];

async function runBagTable(task: JsTaskContext): Promise<[number, number, number]> {
  const { fields: f, strings } = task;
  const program = JSON.parse(strings[f[0]]) as Program;
  const source = JSON.parse(strings[f[1]]) as PartitionSource;
  const where = strings[f[2]];
  const { schema, columns, schemaFrom } = JSON.parse(strings[f[3]]) as { schema: ItemSchema; columns: ItemColumn[]; schemaFrom: string };
  const items = await inPartition(where, () => runSteps(partitionItems(source), program.stages[0].steps, program, where));
  const buffers = itemColumns(items, schema, columns, (c, row, value) => new TesseraError('BAG_TABLE_TYPE',
    `to_dataframe: column '${c.name}' is ${c.dtype} (${schemaFrom}), but item ${row} of ${where} holds ${describe(value)}`,
    typeof value === 'number' && Number.isInteger(value) && !Number.isSafeInteger(value)
      ? 'an integer past 2^53 is not exact once JSON has made it a number: keep its digits as a string (quote it in the file, or map it to one), or give it float64'
      : `give the column's type: to_dataframe(meta={'${c.name}': '${suggest(value)}', ...}) with every column`, { phase: 'run' }),
  (row, item) => new TesseraError('BAG_TABLE_TYPE',
    `to_dataframe: item ${row} of ${where} is ${describeForm(formOf(item))}${Array.isArray(item) ? ` of ${item.length}` : ''}, but the table's rows are ${describeForm(schema.form)}${schema.form === 'tuple' ? `s of at most ${schema.columns.length}` : 's'} (${schemaFrom})`,
    'make every item the same shape with a map step (or give columns=[...] naming every position)', { phase: 'run' }));
  const id = native().putTable(task.owner, { nrows: items.length, columns: buffers });
  const bytesOut = buffers.reduce((s, b) => s + b.data.byteLength + (b.valid?.byteLength ?? 0) + (b.dictBytes?.byteLength ?? 0), 0);
  const bytesIn = 'text' in source ? source.text.end - source.text.start : 0;
  return [id, bytesIn, bytesOut];
}

function describe(v: unknown): string {
  const text = typeof v === 'string' ? JSON.stringify(v) : typeof v === 'number' || typeof v === 'bigint' ? String(v) : JSON.stringify(v) ?? String(v);
  return `${text.length > 60 ? `${text.slice(0, 57)}...` : text} (${Array.isArray(v) ? 'a list' : v === null ? 'null' : typeof v})`;
}

/** The type a value would fit. */
function suggest(v: unknown): string {
  if (typeof v === 'number') return Number.isSafeInteger(v) ? 'int64' : 'float64';
  if (typeof v === 'bigint') return 'int64';
  if (typeof v === 'boolean') return 'bool';
  if (v instanceof Date) return 'datetime64[ns]';
  return 'string';
}
