/**
 * A finished job's table output exported as CSV or Parquet (ADR 0017), through the run path and
 * the same native writers as `tessera run --out`: the file the job wrote when it is already of
 * that format; else a job that reads the job's Parquet file back (exact: Parquet keeps every type)
 * into the other format; else, for a table the job returned inline (at most 10,000 rows, kept in
 * the history as JSON values), the job's own expression run again with every table written to a
 * file. That last one reads the inputs as they are now.
 */
import { access } from 'node:fs/promises';
import type { OutputEvent, Result } from '../api/contract.js';
import type { TableFileFormat } from '../collections/dataframe/index.js';
import { TesseraError } from '../engine/errors.js';
import type { Backend } from '../run/backend.js';
import type { ReadableCheck } from '../run/job-spec.js';
import { runSpec } from '../run/run-spec.js';

export interface TableExportContext {
  backend: Backend;
  /** Where the job's relative paths start, and which files it may read (as when it ran). */
  baseDir: string;
  readable?: ReadableCheck;
}

export async function exportTable(ctx: TableExportContext, jobSpec: unknown, out: OutputEvent, format: TableFileFormat, dir: string): Promise<Result<'exportFile'>> {
  const fileName = `${out.name}.${format}`;
  if (out.path) {
    try { await access(out.path); } catch { throw new TesseraError('FILE_NOT_FOUND', `the output file ${out.path} is gone`, 'run the job again'); }
    if (out.path.endsWith(`.${format}`)) return { path: out.path, fileName };
  }
  const spec = out.path?.endsWith('.parquet')
    ? { tessera: 1, datasets: { t: { parquet: out.path } }, outputs: { [out.name]: 't' } }
    : { ...(jobSpec as Record<string, unknown>), outputs: { [out.name]: (jobSpec as { outputs: Record<string, string> }).outputs[out.name] } };
  const { result } = await runSpec(ctx.backend, spec, { baseDir: ctx.baseDir, readable: ctx.readable, outDir: dir, tableFormat: format, inlineRows: 0 });
  const written = result.outputs[0];
  if (written?.kind !== 'table' || !written.path) throw new TesseraError('INTERNAL', `the export of '${out.name}' wrote no file`, 'this is a bug, please report it');
  return { path: written.path, fileName };
}
