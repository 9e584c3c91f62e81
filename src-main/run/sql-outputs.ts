/**
 * A job's SQL outputs: each query parsed, the files it names in FROM opened as table datasets
 * would be (relative to the spec, checked readable: a web job reads only files its user chose),
 * then planned over the job's tables and the outputs before it.
 */
import { isAbsolute, resolve } from 'node:path';
import { fileKey, loadSqlParser, parseSql, sqlFileRefs, SqlPlanner, type TableNode } from '../collections/dataframe/index.js';
import { TesseraError } from '../engine/errors.js';
import { buildTable, type ReadableCheck } from './table-datasets.js';

export class SqlOutputs {
  /** Files opened so far, by format and path as written (one read plan per file for the job). */
  private readonly files = new Map<string, TableNode>();

  constructor(private readonly baseDir: string, private readonly readable?: ReadableCheck) {}

  async plan(name: string, text: string, tables: ReadonlyMap<string, TableNode>): Promise<TableNode> {
    try {
      await loadSqlParser();
      const stmt = parseSql(text);
      for (const ref of sqlFileRefs(stmt, text)) {
        const key = fileKey(ref);
        if (this.files.has(key)) continue;
        const path = isAbsolute(ref.path) ? ref.path : resolve(this.baseDir, ref.path);
        try {
          this.files.set(key, await buildTable(name, { [ref.format]: path }, this.baseDir, this.readable));
        } catch (e) {
          if (e instanceof TesseraError && !e.position) e.position = { start: ref.at, end: ref.at + ref.path.length + 2 };
          throw e;
        }
      }
      return new SqlPlanner(text, { tables, files: this.files }).plan(stmt);
    } catch (e) {
      if (e instanceof TesseraError && e.position && e.position.output === undefined) e.position = { ...e.position, output: name };
      throw e;
    }
  }
}
