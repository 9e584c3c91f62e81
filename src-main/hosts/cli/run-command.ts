/**
 * `tessera run JOB.json`: plans the job, runs it on this machine's engine or a Dask cluster, and
 * prints its outputs (or one JSON object with --json). What only some runs need (the cluster
 * backend, the HTML report, the Chrome trace) is imported when asked for (issue #18).
 */
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { arrayText } from './array-text.js';
import { TesseraError, toTesseraError } from '../../engine/errors.js';
import { EventBus } from '../../engine/events.js';
import { loadSpecFile } from '../../run/job-spec.js';
import { outputText } from '../../run/output-spec.js';
import { LocalBackend } from '../../run/local-backend.js';
import type { Backend } from '../../run/backend.js';
import type { ClusterInfo } from '../../cluster/dask-backend.js';
import { runSpec, type SpecRun } from '../../run/run-spec.js';
import { formatBytes } from '../../api/format-bytes.js';
import { parseBytes } from '../../engine/units.js';
import { autoChunksFrom } from '../../profile/auto-chunks.js';
import { ProfileStore } from '../../profile/profile-store.js';
import { type Io, parseWorkers, profilesPath, writeAtomically } from './common.js';
import { cancelOnSignals } from './interrupts.js';
import { ProgressBar } from './progress.js';
import { USAGE } from './usage.js';

/** Points at the failing part of an expression, under the expression. */
/** The expression with a caret under the span at fault; a long one shows 60 characters either side. */
function caret(src: string, start: number, end: number): string {
  const from = Math.max(0, start - 60), to = Math.min(src.length, Math.max(end, start + 1) + 60);
  const pre = from > 0 ? '...' : '', post = to < src.length ? '...' : '';
  const marks = '^'.repeat(Math.max(1, Math.min(end, to) - start));
  return `  ${pre}${src.slice(from, to)}${post}\n  ${' '.repeat(pre.length + start - from)}${marks}\n`;
}

function formatValue(v: unknown): string {
  return typeof v === 'number' ? String(v) : JSON.stringify(v);
}

export async function cmdRun(args: string[], io: Io, tStart: number): Promise<number> {
  const { values, positionals } = parseArgs({
    args, allowPositionals: true,
    options: {
      json: { type: 'boolean', default: false }, out: { type: 'string', default: 'tessera-out' }, format: { type: 'string', default: 'parquet' },
      workers: { type: 'string' }, 'memory-limit': { type: 'string' }, scheduler: { type: 'string', default: 'threads' },
      trace: { type: 'string' }, report: { type: 'string' }, data: { type: 'string' }, 'no-space-check': { type: 'boolean', default: false },
      cluster: { type: 'string' },
    },
  });
  const json = values.json!;
  if (positionals.length !== 1) throw new TesseraError('BAD_OPTION', 'tessera run needs exactly one job spec', USAGE);
  if (values.cluster && (values.workers || values.scheduler !== 'threads' || values['memory-limit'])) throw new TesseraError('BAD_OPTION', '--workers, --scheduler and --memory-limit set this machine\'s engine: a cluster has its own workers and limits', 'leave them out with --cluster (local:N says how many workers to start; dask worker --memory-limit sets a worker\'s)');
  const workers = parseWorkers(values.workers);
  const memoryLimit = values['memory-limit'] ? parseBytes(values['memory-limit']) : null;
  const scheduler = values.scheduler as 'threads' | 'sync';
  if (scheduler !== 'threads' && scheduler !== 'sync') throw new TesseraError('BAD_OPTION', `unknown scheduler '${scheduler}'`, 'use --scheduler threads or --scheduler sync');
  if (values.format !== 'parquet' && values.format !== 'csv') throw new TesseraError('BAD_OPTION', `unknown table format '${values.format}'`, 'use --format parquet or --format csv');

  // Signals cancel from here on: one that comes while the job is still being planned ends the
  // command before anything is written (the default action would kill it without a word).
  const abort = new AbortController();
  const stopListening = cancelOnSignals(abort, io);
  try {
    return await runCommand(values, positionals[0], { json, workers, memoryLimit, scheduler, cluster: values.cluster }, abort, io, tStart);
  } finally {
    stopListening();
  }
}

async function runCommand(
  values: { out?: string; format?: string; trace?: string; report?: string; data?: string; 'no-space-check'?: boolean },
  specPath: string,
  { json, workers, memoryLimit, scheduler, cluster }: { json: boolean; workers: number | undefined; memoryLimit: number | null; scheduler: 'threads' | 'sync'; cluster?: string },
  abort: AbortController, io: Io, tStart: number,
): Promise<number> {
  const { spec, baseDir } = await loadSpecFile(specPath);
  let info: ClusterInfo | null = null;
  let backend: Backend;
  if (cluster) {
    const { DaskBackend } = await import('../../cluster/dask-backend.js');
    const dask = await DaskBackend.start(cluster);
    info = dask.info;
    backend = dask;
  } else {
    // Workers start with the first graph that can use them: a small job runs without (engine.ts).
    backend = await LocalBackend.start({ workers, scheduler, lazyWorkers: true });
  }
  const bus = new EventBus();
  const bar = new ProgressBar();
  if (!json) bus.on(bar.onEvent);
  let startup = 0;
  try {
    let run: SpecRun;
    try {
      run = await runSpec(backend, spec, {
        baseDir, outDir: values.out!, tableFormat: values.format as 'parquet' | 'csv', memoryLimit, bus, signal: abort.signal, skipSpaceCheck: values['no-space-check'], userCode: true,
        autoChunks: autoChunksFrom(new ProfileStore(profilesPath(values.data))),
        onPlanned: ({ warnings }) => {
          startup = (performance.now() - tStart) / 1000;
          if (!json) for (const w of warnings) io.err(`warning: ${w}\n`);
        },
      });
    } catch (e) {
      const err = toTesseraError(e);
      if (err.position?.output) io.err(caret(outputText(spec.outputs[err.position.output]), err.position.start, err.position.end));
      throw err;
    }
    const { job, result, warnings } = run;
    bar.end();
    if (values.trace) {
      const { chromeTrace } = await import('../../engine/trace.js');
      await writeAtomically(values.trace, JSON.stringify(chromeTrace(result.records, { workers: backend.workers, simd: backend.simd })));
    }
    const stats = { ...result.stats, startup_s: startup };
    // A lazy engine ran the job on this thread: its workers never started (engine.ts).
    const ranHere = backend instanceof LocalBackend && scheduler === 'threads' && backend.engine.pool === null;
    const cluster = info ? { address: info.address, workers: info.workers, threads: info.threads, dashboard: info.dashboard } : null;
    if (values.report) {
      const [{ renderRunReport }, { machineInfo }] = await Promise.all([import('../../report/html-report.js'), import('../../profile/machine.js')]);
      await writeAtomically(values.report, renderRunReport({
        title: `Tessera run: ${specPath}`, spec, machine: machineInfo(backend.simd), workers: backend.workers, stats,
        records: result.records, samples: result.samples, layers: result.layers, chunking: run.chunking,
      }));
    }
    if (json) {
      const outputs: Record<string, unknown> = {};
      for (const o of result.outputs) {
        const { name, ...rest } = o;
        outputs[name] = rest;
      }
      const chunking = Object.fromEntries(job.autoChunks.map((c) => [c.dataset, { bytes: c.bytes, reason: c.reason }]));
      io.out(`${JSON.stringify({ outputs, stats: cluster ? { ...stats, cluster } : stats, ...(job.autoChunks.length ? { chunking } : {}), ...(warnings.length ? { warnings } : {}) })}\n`);
    } else {
      for (const c of job.autoChunks) io.err(`auto chunks of ${c.dataset}: ${formatBytes(c.bytes)}, from ${c.reason}\n`);
      for (const o of result.outputs) {
        if (o.kind === 'scalar') io.out(`${o.name}  ${o.dtype}  ${o.dtype.startsWith('complex') ? arrayText(o.value as never, [], o.dtype) : formatValue(o.value)}\n`);
        else if (o.kind === 'value') io.out(`${o.name}  ${JSON.stringify(o.value)}\n`);
        else if (o.kind === 'list' && o.path) io.out(`${o.name}  list of ${o.count} value(s)  written to ${o.path}\n`);
        else if (o.kind === 'list') io.out(`${o.name}  list of ${o.count} value(s)\n${(o.values ?? []).slice(0, 20).map((v) => `  ${JSON.stringify(v)}\n`).join('')}`);
        else if (o.kind === 'table' && o.path) io.out(`${o.name}  table of ${o.nrows} row(s)  written to ${o.path}\n`);
        else if (o.kind === 'table') io.out(`${o.name}  table of ${o.nrows} row(s)\n${formatTable({ ...o, rows: o.rows ?? [] })}`);
        else if ('path' in o && o.path) io.out(`${o.name}  ${o.dtype}  (${o.shape.join(', ')})  written to ${o.path}${'dataset' in o && o.dataset ? ` (dataset ${o.dataset})` : ''}\n`);
        else io.out(`${o.name}  ${o.dtype}  (${o.shape.join(', ')})\n${arrayText(o.values ?? [], o.shape, o.dtype)}\n`);
      }
      const where = cluster ? `the Dask cluster at ${cluster.address} (${cluster.workers} worker(s), ${cluster.threads} thread(s); dashboard ${cluster.dashboard})`
        : ranHere ? `this thread, one at a time (a small job: no workers started) [${backend.simd}]` : `${backend.workers} worker(s) [${backend.simd}]`;
      io.err(`${stats.tasks} tasks on ${where} in ${stats.wall_s.toFixed(3)} s (start-up ${startup.toFixed(3)} s); ` +
        `peak store ${formatBytes(stats.peak_store_bytes)}, peak RSS ${formatBytes(stats.peak_rss_bytes)}\n`);
    }
    return 0;
  } finally {
    bar.end();
    await backend.close();
  }
}

/** A table result as aligned text columns (the rows the result holds, at most 20 of them). */
function formatTable(t: { columns: string[]; dtypes: string[]; rows: (string | number | boolean | null)[][]; nrows: number }): string {
  const shown = t.rows.slice(0, 20).map((r) => r.map((v) => (v === null ? 'NaN' : String(v))));
  const head = t.columns.map((c, i) => `${c} (${t.dtypes[i]})`);
  const width = head.map((h, i) => Math.max(h.length, ...shown.map((r) => r[i].length)));
  const line = (cells: string[]) => `  ${cells.map((c, i) => c.padEnd(width[i])).join('  ')}\n`;
  const more = t.nrows > shown.length ? `  ... ${t.nrows - shown.length} more row(s)\n` : '';
  return line(head) + shown.map(line).join('') + more;
}

