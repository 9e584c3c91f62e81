/**
 * Tables used as arrays: `t.delay.values`, `t[['a', 'b']].to_numpy()` inside an array expression
 * such as `(t.delay.values ** 2).mean()`. The front end above both collections: each such
 * subexpression is evaluated as a table (a Series: 1-d; a frame: rows x columns) and replaced in
 * the text by a name, __table_<k>. The job computes those tables first, each partition a dense
 * chunk kept in the engine (their lengths are only known then: a filter's rows are counted, not
 * planned), then builds the array outputs over them as over a persisted array, so the array part
 * fuses and reduces like any array job. ADR 0018.
 */
import { storedArray } from '../collections/array/index.js';
import type { ExprContext, Node } from '../collections/array/expr.js';
import type { TableEvaluator, TableNode } from '../collections/dataframe/index.js';
import { TesseraError } from '../engine/errors.js';
import { type Ast, namesIn, parseExpression, subtrees } from '../lang/python-expression.js';
import type { DenseTables } from './backend.js';

export const BRIDGE_PREFIX = '__table_';

export interface TableBridge {
  name: string;
  node: TableNode;
  /** A frame's rows x columns (to_numpy), or a Series' values. */
  matrix: boolean;
}

/** The table subexpression of `x.values` / `x.to_numpy()` when x reads only tables. */
function bridged(ast: Ast, tables: ReadonlyMap<string, TableNode>): Ast | null {
  const obj = ast.t === 'attr' && ast.name === 'values' ? ast.obj
    : ast.t === 'call' && ast.fn.t === 'attr' && ast.fn.name === 'to_numpy' && !ast.args.length && !ast.kwargs.length ? ast.fn.obj : null;
  if (!obj) return null;
  const read = [...namesIn(obj)];
  return read.length && read.every((n) => tables.has(n)) ? obj : null;
}

/** The output's text with each bridged table replaced by its name, and the tables found. */
export function bridgeTables(src: string, output: string, tables: ReadonlyMap<string, TableNode>, tev: TableEvaluator, first: number): { src: string; found: TableBridge[] } {
  let ast: Ast;
  try { ast = parseExpression(src); } catch { return { src, found: [] }; }
  const spans: { start: number; end: number; obj: Ast }[] = [];
  const walk = (a: Ast): void => {
    const obj = bridged(a, tables);
    if (obj) { spans.push({ start: a.start, end: a.end, obj }); return; }
    for (const x of subtrees(a)) walk(x);
  };
  walk(ast);
  const found: TableBridge[] = [];
  let out = src;
  // Right to left, so earlier positions stay valid.
  for (const span of [...spans].sort((a, b) => b.start - a.start)) {
    let table: { node: TableNode; series: boolean };
    try {
      table = tev.evaluateTable(src.slice(span.obj.start, span.obj.end), output);
    } catch (e) {
      // Positions in the error are within the subexpression: move them to the output's text.
      if (e instanceof TesseraError && e.position) e.position = { start: e.position.start + span.obj.start, end: e.position.end + span.obj.start, output };
      throw e;
    }
    const name = `${BRIDGE_PREFIX}${first + spans.length - 1 - found.length}`;
    found.unshift({ name, node: table.node, matrix: !table.series });
    out = out.slice(0, span.start) + name + out.slice(span.end);
  }
  return { src: out, found };
}

/** The bridged tables, computed, as stored array nodes by name. */
export function bridgeArrays(ctx: ExprContext, dense: DenseTables): Map<string, Node> {
  const nodes = new Map<string, Node>();
  for (const t of dense.tables) {
    const length = t.rows.reduce((s, r) => s + r, 0);
    const rows = t.rows.length ? t.rows : [0];
    const shape = t.ncols === null ? [length] : [length, t.ncols];
    const grid = t.ncols === null ? [rows] : [rows, [t.ncols]];
    nodes.set(t.name, storedArray(ctx, t.keys, shape, grid, t.dtype));
  }
  return nodes;
}
