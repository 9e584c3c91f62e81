/**
 * What a query's names mean: a relation is a planned table and the SQL names of its columns
 * (`f.delay` and `delay` for the column "delay" of the table read as `f`). Joins put two
 * relations side by side, renaming the right side's columns where they collide, so the plan's
 * column names stay unique while SQL keeps qualifying them by table.
 */
import { didYouMean } from '../../../lang/did-you-mean.js';
import { type ColExpr } from '../column-expr.js';
import { columnExpr, type TableNode } from '../table-node.js';
import { type PgNode, sqlError } from './sql-text.js';

export interface Field {
  /** The table's name or alias in the query (null for a subquery without one). */
  qualifier: string | null;
  /** The column's SQL name. */
  name: string;
  /** The plan's column holding it. */
  column: string;
  /** Left out of `*` (the right key of JOIN ... USING, which `*` shows once). */
  hidden?: boolean;
}

export interface Relation {
  node: TableNode;
  fields: Field[];
}

/** A relation's columns under one qualifier (a table read as `alias`). */
export function relationOf(node: TableNode, qualifier: string | null): Relation {
  return { node, fields: node.columns.map((c) => ({ qualifier, name: c.name, column: c.name })) };
}

const same = (a: string, b: string) => a === b || a.toLowerCase() === b.toLowerCase();

/** The field a column reference names (`x` or `t.x`); SQL_UNKNOWN_COLUMN or SQL_AMBIGUOUS with the place. */
export function resolveField(rel: Relation, parts: string[], text: string, at: number): Field {
  const name = parts[parts.length - 1];
  const qualifier = parts.length > 1 ? parts[parts.length - 2] : null;
  const end = at + parts.join('.').length;
  if (qualifier !== null && !rel.fields.some((f) => f.qualifier !== null && same(f.qualifier, qualifier))) {
    const tables = [...new Set(rel.fields.map((f) => f.qualifier).filter((q): q is string => q !== null))];
    throw sqlError('SQL_UNKNOWN_TABLE', text, at, end, `no table named '${qualifier}' in this query's FROM${didYouMean(qualifier, tables)}`, `its tables: ${tables.join(', ') || 'none with a name'}`);
  }
  const candidates = rel.fields.filter((f) => (qualifier === null || (f.qualifier !== null && same(f.qualifier, qualifier))));
  const exact = candidates.filter((f) => f.name === name);
  const found = exact.length ? exact : candidates.filter((f) => same(f.name, name));
  const visible = found.filter((f) => !f.hidden);
  const hits = visible.length ? visible : found;
  if (hits.length === 1) return hits[0];
  if (hits.length > 1) {
    throw sqlError('SQL_AMBIGUOUS', text, at, end, `the column name '${name}' is ambiguous: ${hits.map((f) => `${f.qualifier ?? '?'}.${f.name}`).join(' or ')}`, `qualify it: ${hits[0].qualifier ?? 't'}.${name}`);
  }
  const names = [...new Set(candidates.map((f) => f.name))];
  throw sqlError('SQL_UNKNOWN_COLUMN', text, at, end, `no column named '${name}'${qualifier ? ` in '${qualifier}'` : ''}${didYouMean(name, names)}`, `its columns: ${names.join(', ')}`);
}

/** The expression (over the relation's chain base) of a column reference. */
export function fieldExpr(rel: Relation, f: Field): ColExpr {
  return columnExpr(rel.node, f.column);
}

/** A column reference's name parts, or null for `*` / `t.*`. */
export function refParts(ref: PgNode): { parts: string[]; star: boolean } {
  const fields = ref.fields as PgNode[];
  const star = fields.some((f) => f.A_Star);
  return { parts: fields.filter((f) => f.String).map((f) => f.String.sval as string), star };
}
