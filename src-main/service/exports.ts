/**
 * Files a window exports from a finished job, written into the job's folder of the data folder
 * through the atomic writer: `out.NAME` as .npy (value outputs are encoded here; file outputs
 * already are .npy files), `trace` as Chrome/Perfetto JSON, `report` as the HTML performance
 * report (a profile's was written when it finished: profile-reports.ts). A table exports as
 * `out.NAME.csv` or `out.NAME.parquet` (table-exports.ts).
 */
import { access, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { OutputEvent, Result } from '../api/contract.js';
import type { Nested } from '../collections/array/values.js';
import { TesseraError } from '../engine/errors.js';
import { chromeTrace } from '../engine/trace.js';
import { machineInfo } from '../profile/machine.js';
import { renderRunReport } from '../report/html-report.js';
import type { Backend } from '../run/backend.js';
import { writeAtomically } from '../run/write-atomically.js';
import type { JobHistory } from './job-history.js';
import { encodeNpy } from './npy-encode.js';
import type { ProfileReports } from './profile-reports.js';
import { exportTable, type TableExportContext } from './table-exports.js';

export class JobExports {
  /** `machine`: the backend whose machine a report names (the host's default). */
  constructor(private readonly jobsDir: string, private readonly history: JobHistory, private readonly profileReports: ProfileReports,
    private readonly machine: () => Backend, private readonly tables: Omit<TableExportContext, 'backend'>) {}

  /** Writes `what` of a job ("out.NAME", "trace" or "report"); returns its path and a file name to offer. */
  async exportFile(jobId: string, what: string): Promise<Result<'exportFile'>> {
    if (what === 'report') {
      // A profile wrote its report when it finished; a run's is made from its history.
      const path = this.profileReports.path(jobId);
      try { await access(path); return { path, fileName: `${jobId}-report.html` }; } catch { /* a run: render it below */ }
    }
    const job = await this.history.get(jobId);
    const dir = join(this.jobsDir, jobId);
    await mkdir(dir, { recursive: true });
    if (what === 'report') {
      const path = join(dir, 'report.html');
      const { simd, workers } = this.machine();
      await writeAtomically(path, renderRunReport({
        title: `Tessera run ${jobId}`, spec: job.spec, machine: machineInfo(simd), workers: job.stats.workers ?? workers,
        stats: job.stats, records: job.records as never, samples: (job.samples ?? []) as never, layers: (job.layers ?? []) as never, chunking: job.chunking ?? [],
      }));
      return { path, fileName: `${jobId}-report.html` };
    }
    if (what === 'trace') {
      const path = join(dir, 'trace.json');
      await writeAtomically(path, JSON.stringify(chromeTrace(job.records as never, { jobId, spec: job.spec, stats: job.stats })));
      return { path, fileName: `${jobId}-trace.json` };
    }
    const [, name, format] = /^out\.([^.]+)(?:\.(csv|parquet))?$/.exec(what) ?? [];
    const out = what.startsWith('out.') ? (job.outputs as OutputEvent[]).find((o) => o.name === name) : undefined;
    if (!out) throw new TesseraError('NOT_FOUND', `job ${jobId} has no output '${name}'`, `its outputs: ${(job.outputs as OutputEvent[]).map((o) => o.name).join(', ') || 'none'}`);
    if (out.kind === 'table') return exportTable({ ...this.tables, backend: this.machine() }, job.spec, out, (format ?? 'parquet') as 'csv' | 'parquet', dir);
    if (out.kind === 'list' || out.kind === 'value') {
      // A list as the JSON lines the job wrote (or writes them now); a value as its JSON.
      if (format) throw new TesseraError('UNSUPPORTED', `'${name}' is a ${out.kind}: it exports as JSON`, `export out.${name}`);
      if (out.path) return { path: out.path, fileName: `${name}.jsonl` };
      const json = out.kind === 'list' ? (out.values as unknown[]).map((v) => JSON.stringify(v)).join('\n') + '\n' : `${JSON.stringify(out.value)}\n`;
      const path = join(dir, `${name}.${out.kind === 'list' ? 'jsonl' : 'json'}`);
      await writeAtomically(path, json);
      return { path, fileName: `${name}.${out.kind === 'list' ? 'jsonl' : 'json'}` };
    }
    if (format) throw new TesseraError('UNSUPPORTED', `'${name}' is ${out.kind === 'array' ? 'an array' : 'a scalar'}: it exports as .npy`, `export out.${name}`);
    const fileName = `${name}.npy`;
    if (out.path) {
      try { await access(out.path); } catch { throw new TesseraError('FILE_NOT_FOUND', `the output file ${out.path} is gone`, 'run the job again'); }
      return { path: out.path, fileName };
    }
    const path = join(dir, fileName);
    const values = (out.kind === 'scalar' ? out.value : out.values) as Nested;
    await writeAtomically(path, encodeNpy(out.dtype as never, out.shape ?? [], values));
    return { path, fileName };
  }
}
