/**
 * table_map: one partition in, one out (native/tasks/kinds/table_map.cc): a column-expression
 * program over the partition, the rows where the filter node is true, and the output columns,
 * each a node. A chain of selections, filters and computed columns is one such task.
 *
 * Encoding: [input types, program (table-program.ts), nout, nout x [name, node], filter + 1].
 * Deps: the input partition.
 */
import type { TaskKind } from '../../../engine/task-kinds.js';
import { encodeProgram, type TableProgram } from './table-program.js';

export interface TableMapSpec {
  kind: 'table_map';
  program: TableProgram;
  outputs: { name: string; node: number }[];
  /** The node whose true rows are kept; none keeps every row. */
  filter?: number;
  estBytes: number;
}

export const tableMapKind: TaskKind<TableMapSpec> = {
  name: 'table_map',
  code: 10,
  encode(w, spec, ctx) {
    encodeProgram(w, spec.program, ctx);
    w.push(spec.outputs.length);
    for (const o of spec.outputs) { w.push(ctx.stringIndex(o.name)); w.push(o.node); }
    w.push(spec.filter === undefined ? 0 : spec.filter + 1);
  },
  estimate: (spec) => spec.estBytes,
};
