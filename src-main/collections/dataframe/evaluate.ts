/**
 * Table expressions in pandas' words, over the job's table datasets: `df`, `df.col` and
 * `df['col']` (a Series: a one-column table named after it), `df[['a', 'b']]`, `.head(n)`, and
 * `len(df)`. Every error points at the place in the expression.
 */
import { TesseraError } from '../../engine/errors.js';
import { type Ast, parseExpression } from '../../lang/python-expression.js';
import { head, project, type TableNode } from './table-node.js';

export type TableOutput =
  | { kind: 'table'; node: TableNode }
  | { kind: 'len'; node: TableNode };

const at = (ast: Ast) => ({ position: { start: ast.start, end: ast.end } });

export class TableEvaluator {
  constructor(private readonly tables: ReadonlyMap<string, TableNode>) {}

  evaluateOutput(src: string, output?: string): TableOutput {
    try {
      return this.output(parseExpression(src));
    } catch (e) {
      if (e instanceof TesseraError && e.position) e.position.output = output;
      throw e;
    }
  }

  private output(ast: Ast): TableOutput {
    if (ast.t === 'call' && ast.fn.t === 'name' && ast.fn.name === 'len') {
      if (ast.args.length !== 1 || ast.kwargs.length) throw new TesseraError('BAD_ARGUMENTS', 'len() takes one table', 'for example len(df)', at(ast));
      return { kind: 'len', node: this.table(ast.args[0]) };
    }
    return { kind: 'table', node: this.table(ast) };
  }

  private table(ast: Ast): TableNode {
    try {
      return this.tableAt(ast);
    } catch (e) {
      if (e instanceof TesseraError && !e.position) e.position = { start: ast.start, end: ast.end };
      throw e;
    }
  }

  private tableAt(ast: Ast): TableNode {
    switch (ast.t) {
      case 'name': {
        const t = this.tables.get(ast.name);
        if (t) return t;
        throw new TesseraError('UNKNOWN_NAME', `name '${ast.name}' is not a table of this job`, `its tables: ${[...this.tables.keys()].join(', ') || 'none'}`, at(ast));
      }
      case 'attr': {
        const input = this.table(ast.obj);
        if (input.columns.some((c) => c.name === ast.name)) return project(input, [ast.name]);
        throw new TesseraError('NO_SUCH_COLUMN', `the table has no column or method '${ast.name}'`, `its columns: ${input.columns.map((c) => c.name).join(', ')}; methods: head`, at(ast));
      }
      case 'index': {
        const input = this.table(ast.obj);
        if (ast.items.length !== 1) throw new TesseraError('BAD_INDEX', 'select columns with one name or a list of names', "for example df['a'] or df[['a', 'b']]", at(ast));
        const item = ast.items[0];
        if (item.t === 'str') return project(input, [item.value]);
        if (item.t === 'list' && item.items.every((x) => x.t === 'str')) return project(input, item.items.map((x) => (x as { value: string }).value));
        throw new TesseraError('BAD_INDEX', 'select columns with one name or a list of names', "for example df['a'] or df[['a', 'b']]; row filters come with the next release", at(item));
      }
      case 'call': {
        if (ast.fn.t === 'attr' && ast.fn.name === 'head') {
          const input = this.table(ast.fn.obj);
          const nArg = ast.args[0] ?? ast.kwargs.find((k) => k.name === 'n')?.value;
          if (ast.args.length + ast.kwargs.length > 1 || (nArg && nArg.t !== 'num')) throw new TesseraError('BAD_ARGUMENTS', 'head() takes one count of rows', 'for example head(10)', at(ast));
          return head(input, nArg && nArg.t === 'num' ? nArg.value : 5);
        }
        break;
      }
      default:
        break;
    }
    throw new TesseraError('UNSUPPORTED', 'this table expression is not supported yet', 'tables support df, df.col, df[\'col\'], df[[...]], .head(n) and len(df) today', at(ast));
  }
}
