/**
 * SQL text to a parse tree, by PostgreSQL's own grammar (libpg-query, ADR 0041). Tessera speaks the
 * DuckDB dialect people write for analytics, which that grammar takes as it is except for one form:
 * a file named by a string in FROM (`from 'flights/*.csv'`). Such a string is rewritten, before
 * parsing, to the quoted identifier of the same length (`"flights/*.csv"`), so every offset the
 * parser reports is still the user's; the planner then reads a table name that looks like a path
 * as that file, as DuckDB's replacement scans do.
 *
 * Errors say where: the line and column in the message, and the span as the error's position
 * (offsets in the SQL text) for the CLI's caret and the window's marking.
 */
import { TesseraError } from '../../../engine/errors.js';

/** A node of the parse tree: `{ NodeType: { ...fields } }` (libpg-query's JSON form). */
export type PgNode = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

interface PgParser {
  loadModule(): Promise<void>;
  parseSync(sql: string): { stmts: { stmt: PgNode; stmt_location?: number; stmt_len?: number }[] };
  scanSync(sql: string): { tokens: { start: number; end: number; text: string; tokenName: string }[] };
}

let parser: PgParser | null = null;

/** Loads the parser (a WebAssembly module, instantiated once per process); call before parseSql. */
export async function loadSqlParser(): Promise<void> {
  if (parser) return;
  const lib = (await import('libpg-query')) as unknown as PgParser;
  await lib.loadModule();
  parser = lib;
}

/** 1-based line and column of an offset. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - before.lastIndexOf('\n') };
}

/** A TesseraError about the SQL text at [start, end), its line and column in the message. */
export function sqlError(code: string, text: string, start: number, end: number, message: string, hint = ''): TesseraError {
  const at = Math.max(0, Math.min(start, text.length));
  const { line, column } = lineColumn(text, at);
  return new TesseraError(code, `${message} (SQL line ${line}, column ${column})`, hint, { position: { start: at, end: Math.max(at + 1, Math.min(end, text.length)) } });
}

/**
 * The parser counts UTF-8 bytes; the text is JavaScript's UTF-16: offsets of one in the other
 * (the identity for ASCII text).
 */
function byteOffsets(text: string): (byte: number) => number {
  if (!/[^\x00-\x7f]/.test(text)) return (b) => b;
  const at: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.codePointAt(i)!;
    const bytes = c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
    for (let k = 0; k < bytes; k++) at.push(i);
    if (c >= 0x10000) i++; // a surrogate pair is one code point
  }
  at.push(text.length);
  return (b) => at[Math.max(0, Math.min(b, at.length - 1))];
}

/**
 * Every `location` of a parse tree from bytes to string offsets, and the table names that were
 * file names whole again (the parser cut them at 63 bytes), in one walk.
 */
function relocate(node: unknown, char: (byte: number) => number, files: ReadonlyMap<number, string>): void {
  if (!node || typeof node !== 'object') return;
  if (Array.isArray(node)) { for (const x of node) relocate(x, char, files); return; }
  const o = node as PgNode;
  for (const [k, v] of Object.entries(o)) {
    if ((k === 'location' || k === 'stmt_location') && typeof v === 'number' && v >= 0) o[k] = char(v);
    else if (v && typeof v === 'object') relocate(v, char, files);
  }
  if (o.relname !== undefined && files.has(o.location)) o.relname = files.get(o.location);
}

/**
 * String constants that name a table (directly after FROM or JOIN, or after a comma in a FROM
 * list), as quoted identifiers; `files` gets each one's text by its offset (PostgreSQL cuts an
 * identifier at 63 bytes, a path may be longer).
 */
function fileNamesAsIdentifiers(text: string, p: PgParser, char: (byte: number) => number, files: Map<number, string>): string {
  let tokens;
  try {
    tokens = p.scanSync(text).tokens.map((t) => ({ ...t, start: char(t.start), end: char(t.end) }));
  } catch {
    return text; // the parser reports it
  }
  let out = text;
  let inFrom = false;
  let depth = 0;
  let fromDepth = -1;
  // The depths where a SELECT began: a FROM there is a FROM clause (not extract(year from x) or IS DISTINCT FROM).
  const selects = new Set<number>();
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    const word = t.text.toLowerCase();
    if (t.text === '(') depth++;
    else if (t.text === ')') { selects.delete(depth); depth--; }
    if (word === 'select') selects.add(depth);
    if ((word === 'from' || word === 'join') && selects.has(depth) && tokens[i - 1]?.text.toLowerCase() !== 'distinct') { inFrom = true; fromDepth = depth; continue; }
    if (inFrom && (depth < fromDepth || (depth === fromDepth && ['where', 'group', 'having', 'order', 'limit', 'offset', 'union', 'on', 'using', 'window', 'qualify'].includes(word)))) inFrom = false;
    if (t.tokenName !== 'SCONST' || !inFrom || depth !== fromDepth) continue;
    const prev = tokens[i - 1]?.text.toLowerCase();
    if (prev !== 'from' && prev !== 'join' && prev !== ',') continue;
    const raw = text.slice(t.start, t.end);
    if (!raw.startsWith("'") || raw.slice(1, -1).includes("'") || raw.includes('"')) {
      throw sqlError('SQL_SYNTAX', text, t.start, t.end, `the file name ${raw} has a quote in it`, 'rename the file, or name it with read_csv(...) / read_parquet(...)');
    }
    out = `${out.slice(0, t.start)}"${raw.slice(1, -1)}"${out.slice(t.end)}`;
    files.set(t.start, raw.slice(1, -1));
  }
  return out;
}

/** The one SELECT statement of `text`, parsed. */
export function parseSql(text: string): PgNode {
  if (!parser) throw new Error('loadSqlParser() was not awaited before parseSql');
  const char = byteOffsets(text);
  const files = new Map<number, string>();
  const rewritten = fileNamesAsIdentifiers(text, parser, char, files);
  let stmts;
  try {
    stmts = parser.parseSync(rewritten).stmts ?? [];
    relocate(stmts, char, files);
  } catch (e) {
    const d = (e as { sqlDetails?: { message: string; cursorPosition: number } }).sqlDetails;
    const at = d ? Math.min(text.length, char(Math.max(0, d.cursorPosition))) : 0; // (0-based bytes in this build)
    const near = /at or near "(.*)"$/.exec(d?.message ?? '')?.[1];
    throw sqlError('SQL_SYNTAX', text, at, at + (near?.length ?? 1), `SQL syntax error: ${d?.message ?? (e as Error).message}`,
      'Tessera reads DuckDB-style SELECT queries: check the word it points at (a missing comma, quote or parenthesis?)');
  }
  if (stmts.length !== 1) {
    throw sqlError('SQL_UNSUPPORTED', text, stmts[1]?.stmt_location ?? 0, text.length, stmts.length ? 'an SQL output is one query, and this text has several' : 'this SQL output is empty',
      stmts.length ? 'give each query an output of its own (an output can read another by name)' : 'write a query: select ... from ...');
  }
  const stmt = stmts[0].stmt;
  if (!stmt.SelectStmt) {
    const kind = Object.keys(stmt)[0]?.replace(/Stmt$/, '') ?? 'statement';
    throw sqlError('SQL_UNSUPPORTED', text, stmts[0].stmt_location ?? 0, text.length, `an SQL output is a query (SELECT ...), not a ${kind} statement`, 'Tessera reads files and never changes them: write a SELECT');
  }
  return stmt.SelectStmt;
}
