/**
 * A bag as a table's source (`records.to_dataframe()`): one table partition per bag partition,
 * each made by a bag_table task that runs the bag's element steps over the partition and keeps
 * the columns the job reads (projection: the others are never converted). A bag made by an
 * aggregation (`frequencies().to_dataframe()`) was computed first; its items are the source,
 * split into partitions of ITEMS_PER_PARTITION.
 */
import type { SourceFile, TableSource } from '../../collections/dataframe/index.js';
import { partitionsOf, type ItemSchema, type PartitionSource, type Program, type ProgramPlan } from '../../collections/bag/index.js';
import type { BagTableSpec } from './bag-table-kind.js';

/** Items of a computed bag per table partition. */
export const ITEMS_PER_PARTITION = 100_000;

interface Part {
  source: PartitionSource;
  label: string;
  bytes: number;
}

function tableSource(parts: Part[], program: Program, files: SourceFile[], identity: unknown, schema: ItemSchema, schemaFrom: string): TableSource {
  const programJson = JSON.stringify(program);
  return {
    label: 'bag_table',
    columns: schema.columns.map(({ name, dtype }) => ({ name, dtype })),
    partitions: parts.length,
    files,
    identity: JSON.stringify(['bag', identity, programJson, schema, schemaFrom]),
    readTask(p, wanted) {
      const cols = wanted.map((w) => schema.columns.find((c) => c.name === w.name)!);
      const estBytes = Math.ceil(parts[p].bytes / 2) + 4096;
      const spec: BagTableSpec = { kind: 'bag_table', program: programJson, source: parts[p].source, label: parts[p].label, schema, columns: cols, schemaFrom, estBytes };
      return { spec, estBytes };
    },
  };
}

/** The table of a bag made by element steps only: its partitions are the bag's. */
export function bagTableSource(plan: ProgramPlan, schema: ItemSchema, schemaFrom: string): TableSource {
  const source = plan.source;
  const files = source.kind === 'text' || source.kind === 'jsonl' ? source.files.map((f) => ({ path: f.path, size: f.size, mtimeNs: f.mtimeNs })) : [];
  // A dataset that skips malformed lines reads the same files differently from one that raises.
  const identity = files.length ? [source.kind === 'jsonl' ? source.errors : '', files.map((f) => [f.path, f.mtimeNs])] : `dataset ${plan.dataset}`;
  const parts = partitionsOf(source);
  return tableSource(parts, { stages: [plan.stages[0]], module: plan.module }, files, [source.kind, identity, parts.map((p) => p.label)], schema, schemaFrom);
}

let computed = 0;

/** The table of a computed bag's items (`what` names it in partition labels). */
export function itemsTableSource(items: unknown[], schema: ItemSchema, schemaFrom: string, what: string): TableSource {
  const parts: Part[] = [];
  for (let at = 0; at < items.length || !parts.length; at += ITEMS_PER_PARTITION) {
    const slice = items.slice(at, at + ITEMS_PER_PARTITION);
    parts.push({ source: { items: slice }, label: `${what}, items ${at}-${at + Math.max(slice.length, 1) - 1}`, bytes: 2 * (JSON.stringify(slice)?.length ?? 0) + 64 });
  }
  return tableSource(parts, { stages: [{ steps: [], agg: { op: 'list' } }], module: null }, [], `items ${++computed}`, schema, schemaFrom);
}
