/**
 * Completion for SQL outputs: the word being typed at the cursor and what fits there. After
 * `name.` come the columns of the table read as `name` (a table of the job, or an alias given in
 * FROM/JOIN); elsewhere the columns of the tables the query reads (every table's when it names
 * none yet), the table names (the job's tables and the outputs before this one), SQL keywords and
 * the functions Tessera plans. Keywords are offered in upper case; names as they are spelt.
 */
import type { Completion } from './completion';

export const SQL_KEYWORDS = [
  'SELECT', 'FROM', 'WHERE', 'GROUP BY', 'HAVING', 'ORDER BY', 'LIMIT', 'OFFSET', 'DISTINCT', 'AS', 'AND', 'OR', 'NOT', 'IN', 'IS NULL', 'IS NOT NULL',
  'BETWEEN', 'LIKE', 'ILIKE', 'CASE', 'WHEN', 'THEN', 'ELSE', 'END', 'JOIN', 'LEFT JOIN', 'RIGHT JOIN', 'FULL JOIN', 'ON', 'USING', 'WITH', 'UNION ALL',
  'ASC', 'DESC', 'NULLS FIRST', 'NULLS LAST', 'OVER', 'PARTITION BY', 'CAST', 'NULL', 'TRUE', 'FALSE',
];
export const SQL_FUNCTIONS = [
  'count', 'sum', 'avg', 'min', 'max', 'stddev', 'variance', 'coalesce', 'lower', 'upper', 'length', 'substr', 'abs', 'extract', 'date_part', 'date_trunc',
  'year', 'month', 'day', 'hour', 'minute', 'second', 'row_number', 'rank', 'dense_rank', 'read_csv', 'read_parquet',
];

/** The tables a query names in FROM/JOIN, by the name it reads them under (an alias, else the table's own name). */
export function tablesRead(text: string, tables: Record<string, string[]>): Map<string, string> {
  const out = new Map<string, string>();
  const re = /\b(?:from|join)\s+([A-Za-z_][A-Za-z0-9_]*)(?:\s+(?:as\s+)?([A-Za-z_][A-Za-z0-9_]*))?/gi;
  const reserved = /^(where|group|order|limit|on|using|join|left|right|full|inner|outer|cross|union|having|offset)$/i;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const table = Object.keys(tables).find((t) => t.toLowerCase() === m![1].toLowerCase());
    if (!table) continue;
    out.set(table, table);
    if (m[2] && !reserved.test(m[2])) out.set(m[2], table);
  }
  return out;
}

/** `tables`: table names and their columns (empty for outputs, whose columns are not known before a run). */
export function sqlCompletions(text: string, cursor: number, tables: Record<string, string[]>, limit = 8): Completion | null {
  let start = cursor;
  while (start > 0 && /[A-Za-z0-9_]/.test(text[start - 1])) start--;
  const word = text.slice(start, cursor);
  if (!word || /^\d/.test(word)) return null;
  const read = tablesRead(text, tables);
  let first: string[] = [];
  let pool: string[];
  if (text[start - 1] === '.') {
    let q = start - 1;
    while (q > 0 && /[A-Za-z0-9_]/.test(text[q - 1])) q--;
    const owner = text.slice(q, start - 1);
    const table = read.get(owner) ?? Object.keys(tables).find((t) => t.toLowerCase() === owner.toLowerCase());
    pool = table ? tables[table] : [];
    first = pool;
  } else {
    const named = [...new Set(read.values())];
    first = (named.length ? named : Object.keys(tables)).flatMap((t) => tables[t]);
    pool = [...first, ...Object.keys(tables), ...SQL_KEYWORDS, ...SQL_FUNCTIONS];
  }
  const lower = word.toLowerCase();
  const fits = (x: string) => x.toLowerCase().startsWith(lower) && x !== word;
  const head = [...new Set(first)].filter(fits);
  const rest = [...new Set(pool)].filter((x) => fits(x) && !head.includes(x)).sort((a, b) => a.length - b.length || a.localeCompare(b));
  const items = [...head, ...rest].slice(0, limit);
  return items.length ? { start, end: cursor, items } : null;
}

/** The text with an SQL completion applied (a function gets its "("), and the cursor after it. */
export function applySqlCompletion(text: string, c: Completion, item: string): { text: string; cursor: number } {
  const insert = SQL_FUNCTIONS.includes(item) && text[c.end] !== '(' ? `${item}(` : item;
  return { text: text.slice(0, c.start) + insert + text.slice(c.end), cursor: c.start + insert.length };
}
