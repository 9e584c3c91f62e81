/**
 * The dataframe collection's logical plan: a small tree of table operations. Each node knows its
 * columns; the lowering turns the tree into read tasks (projection pushed into the reader) and,
 * later, native operator tasks.
 */
import { TesseraError } from '../../engine/errors.js';
import type { CsvSource } from './csv-source.js';
import type { Column } from './schema.js';

export type TableNode =
  | { op: 'csv'; source: CsvSource; columns: Column[] }
  /** Some of its input's columns, in the order given (df[['a', 'b']]). */
  | { op: 'project'; input: TableNode; columns: Column[] }
  /** The first n rows, read from the first partition as dask.dataframe's head() does. */
  | { op: 'head'; input: TableNode; n: number; columns: Column[] };

export function csvTable(source: CsvSource): TableNode {
  return { op: 'csv', source, columns: source.columns.map(({ name, dtype }) => ({ name, dtype })) };
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
