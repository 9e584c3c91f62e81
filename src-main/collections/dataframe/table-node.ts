/**
 * The dataframe collection's logical plan: a small tree of table operations. Each node knows its
 * columns; the lowering turns the tree into read tasks (projection pushed into the reader) and,
 * later, native operator tasks.
 */
import { TesseraError } from '../../engine/errors.js';
import type { Column } from './schema.js';
import type { TableSource } from './table-source.js';

export type TableNode =
  /** A table read from a source (CSV files, ...), all its columns. */
  | { op: 'source'; source: TableSource; columns: Column[] }
  /** Some of its input's columns, in the order given (df[['a', 'b']]). */
  | { op: 'project'; input: TableNode; columns: Column[] }
  /** The first n rows, read from the first partition as dask.dataframe's head() does. */
  | { op: 'head'; input: TableNode; n: number; columns: Column[] };

export function sourceTable(source: TableSource): TableNode {
  return { op: 'source', source, columns: source.columns };
}

export function project(input: TableNode, names: string[]): TableNode {
  const columns = names.map((name) => {
    const c = input.columns.find((x) => x.name === name);
    if (!c) throw new TesseraError('NO_SUCH_COLUMN', `the table has no column '${name}'`, `its columns: ${input.columns.map((x) => x.name).join(', ')}`);
    return c;
  });
  return { op: 'project', input, columns };
}

export function head(input: TableNode, n = 5): TableNode {
  if (!Number.isInteger(n) || n < 0) throw new TesseraError('BAD_ARGUMENTS', `head(n) takes a count of rows, not ${n}`, 'for example head(10)');
  return { op: 'head', input, n, columns: input.columns };
}
