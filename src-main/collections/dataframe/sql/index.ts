/**
 * SQL outputs (`{"sql": "select ..."}`): parsed (sql-text.ts), the files they name opened by the
 * caller (sqlFileRefs), then planned into the dataframe collection's table plan (sql-planner.ts).
 */
export { loadSqlParser, parseSql, type PgNode } from './sql-text.js';
export { fileKey, type SqlFileRef, sqlFileRefs, SqlPlanner, type SqlTables } from './sql-planner.js';
