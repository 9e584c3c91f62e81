/**
 * A column-expression program as the native kinds read it (native/tasks/table_program_task.h):
 * the input's column types, then the nodes in evaluation order. Equal subtrees become one node
 * (a filter and an output that both read `delay > 15` compute it once).
 */
import type { EncodeContext, Writer } from '../../../engine/task-kinds.js';
import { type ColExpr, DT_UNITS, OP_CODES } from '../column-expr.js';
import type { Column, ColumnType } from '../schema.js';

/** native/table/table_format.h's ColumnType codes. */
export const TYPE_CODES: Record<ColumnType, number> = { int64: 1, float64: 2, bool: 3, timestamp: 4, string: 5, timedelta: 6 };

export interface ProgramNode {
  code: number;
  dtype: ColumnType;
  args: number[];
  /** Column: its index in the input; literal: its value; str methods: pattern or slice. */
  column?: number;
  literal?: ColExpr & { e: 'lit' };
  pattern?: string;
  slice?: [number | null, number | null];
}

export interface TableProgram {
  input: Column[];
  nodes: ProgramNode[];
}

/** Builds a program over `input` and gives each expression added its node. */
export class ProgramBuilder {
  readonly nodes: ProgramNode[] = [];
  private readonly byKey = new Map<string, number>();
  constructor(readonly input: Column[]) {}

  add(x: ColExpr): number {
    let node: ProgramNode;
    if (x.e === 'col') {
      const index = this.input.findIndex((c) => c.name === x.name);
      if (index < 0) throw new Error(`table program: no input column '${x.name}'`);
      node = { code: OP_CODES.col, dtype: x.dtype, args: [], column: index };
    } else if (x.e === 'lit') {
      node = { code: OP_CODES.lit, dtype: x.dtype, args: [], literal: x };
    } else {
      node = { code: OP_CODES[x.op], dtype: x.dtype, args: x.args.map((a) => this.add(a)), pattern: x.pattern, slice: x.slice };
    }
    const key = JSON.stringify([node.code, node.dtype, node.args, node.column, node.literal && String(node.literal.value), node.literal?.value === null, node.pattern, node.slice]);
    const known = this.byKey.get(key);
    if (known !== undefined) return known;
    this.nodes.push(node);
    this.byKey.set(key, this.nodes.length - 1);
    return this.nodes.length - 1;
  }

  program(): TableProgram {
    return { input: this.input, nodes: this.nodes };
  }
}

export function encodeColumnTypes(w: Writer, types: ColumnType[]): void {
  w.push(types.length);
  for (const t of types) w.push(TYPE_CODES[t]);
}

export function encodeProgram(w: Writer, p: TableProgram, ctx: EncodeContext): void {
  encodeColumnTypes(w, p.input.map((c) => c.dtype));
  w.push(p.nodes.length);
  for (const n of p.nodes) {
    w.push(n.code); w.push(TYPE_CODES[n.dtype]); w.push(n.args.length);
    for (const a of n.args) w.push(a);
    if (n.code === OP_CODES.col) w.push(n.column!);
    else if (n.code === OP_CODES.lit) {
      const v = n.literal!.value;
      w.push(v === null ? 1 : 0);
      if (v === null) continue;
      if (n.dtype === 'float64') w.push(Number(v));
      else if (n.dtype === 'bool') w.push(v ? 1 : 0);
      else if (n.dtype === 'string') w.push(ctx.stringIndex(String(v)));
      else w.push(ctx.stringIndex(BigInt(v as bigint).toString()));
    } else if (n.code === OP_CODES['str.contains'] || n.code === OP_CODES['str.startswith'] || n.code === OP_CODES['str.endswith'] || n.code === OP_CODES['str.like']) {
      w.push(ctx.stringIndex(n.pattern!));
    } else if (n.code === OP_CODES['dt.trunc']) {
      w.push(DT_UNITS[n.pattern as keyof typeof DT_UNITS]);
    } else if (n.code === OP_CODES['str.slice']) {
      const [a, b] = n.slice!;
      w.push(a === null ? 0 : 1); w.push(a ?? 0); w.push(b === null ? 0 : 1); w.push(b ?? 0);
    }
  }
}
