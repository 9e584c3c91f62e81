/**
 * The command line: `tessera run | profile | inspect | serve`. Exit codes: 0 done, 1 the job
 * failed while running, 2 bad input (spec, expression, file, option), 128 + the signal's number
 * when cancelled (130 for Ctrl-C, 143 for SIGTERM, 129 for SIGHUP).
 * Errors print `error[CODE]: message` and a hint on stderr; with --json, stdout is one JSON
 * object either way.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { inspectFile } from '../../collections/array/files.js';
import { arrayText } from './array-text.js';
import { bagFormatOf, inspectText } from '../../collections/bag/index.js';
import { inspectCsv } from '../../collections/dataframe/inspect.js';
import { inspectParquet } from '../../collections/dataframe/inspect-parquet.js';
import { isParquetPath } from '../../collections/dataframe/parquet-files.js';
import { Engine } from '../../engine/engine.js';
import { TesseraError, toTesseraError } from '../../engine/errors.js';
import { EventBus } from '../../engine/events.js';
import { chromeTrace } from '../../engine/trace.js';
import { VERSION_PARAM } from '../../engine/user-modules/version-param.js';
import { FileAccess } from '../../service/file-access.js';
import { JobService } from '../../service/job-service.js';
import { loadSpecFile } from '../../run/job-spec.js';
import { LocalBackend } from '../../run/local-backend.js';
import { DaskBackend } from '../../cluster/dask-backend.js';
import { serveTaskHost } from '../../cluster/task-host.js';
import { runSpec, type SpecRun } from '../../run/run-spec.js';
import { formatBytes } from '../../api/format-bytes.js';
import { parseBytes } from '../../engine/units.js';
import { autoChunksFrom } from '../../profile/auto-chunks.js';
import { machineInfo } from '../../profile/machine.js';
import { ProfileStore } from '../../profile/profile-store.js';
import { renderRunReport } from '../../report/html-report.js';
import { startWebHost } from '../web/server.js';
import { dataDir, type Io, parseWorkers, profilesPath, stdio, writeAtomically } from './common.js';
import { cancelledExitCode, cancelOnSignals, untilStopSignal } from './interrupts.js';
import { cmdProfile } from './profile-command.js';
import { ProgressBar } from './progress.js';

export const USAGE = `usage:
  tessera run JOB.json [--json] [--out DIR] [--format parquet|csv] [--workers N] [--memory-limit 2GB]
                       [--scheduler threads|sync] [--trace trace.json] [--report report.html]
                       [--no-space-check] [--cluster tcp://HOST:8786 | --cluster local:N]
  tessera profile JOB.json [--dataset NAME] [--chunks 1e5,1e6,...|auto] [--repeat 3]
                       [--workers N] [--memory-limit 2GB] [--json] [--report report.html]
                       [--cluster tcp://HOST:8786 | --cluster local:N]
  tessera inspect FILE [--json]
  tessera serve [--port N] [--workers N] [--data DIR] [--allow DIR ...]

Profiles and the "auto" chunk model live in the data folder (--data DIR, or
$XDG_DATA_HOME/tessera, or ~/.local/share/tessera).

--cluster runs (or profiles) the job's tasks on a Dask distributed cluster: a running scheduler's
address, or local:N to start N local worker processes for the job (Python with dask and
distributed needed).

A job spec names datasets and outputs (numpy expressions); see the README.`;

function exitCodeOf(e: TesseraError): number {
  if (e.code === 'CANCELLED') return cancelledExitCode();
  return e.phase === 'run' ? 1 : 2;
}

function report(e: TesseraError, json: boolean, io: Io): number {
  io.err(`error[${e.code}]: ${e.message}\n`);
  if (e.position) io.err(`  at ${e.position.output ? `output '${e.position.output}', ` : ''}characters ${e.position.start}-${e.position.end}\n`);
  if (e.task) io.err(`  in task ${e.task}\n`);
  if (e.userStack) io.err(`${userFrames(e.userStack)}\n`);
  if (e.hint) io.err(`hint: ${e.hint}\n`);
  if (json) io.out(`${JSON.stringify({ error: e.toJSON() })}\n`);
  return exitCodeOf(e);
}

/** Where this package is (dist/src-main/hosts/cli/ is four folders down), to tell its frames from the user's. */
const TESSERA_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

/** A user function's stack down to where Tessera called it (the frames below are ours, not the user's). */
function userFrames(stack: string): string {
  const lines = stack.split('\n');
  const ours = lines.findIndex((l, i) => i > 0 && (l.includes(`${TESSERA_ROOT}dist${sep}`) || l.includes(`${TESSERA_ROOT}src-main${sep}`) || l.includes('node:internal')));
  const version = new RegExp(`\\?${VERSION_PARAM}=[^:)]*`, 'g'); // the version a worker imported the module at: not part of its path
  return lines.slice(0, ours > 0 ? ours : lines.length).map((l) => `  ${l.trim().replace(version, '')}`).join('\n');
}

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

async function cmdRun(args: string[], io: Io, tStart: number): Promise<number> {
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
  const backend = cluster ? await DaskBackend.start(cluster) : await LocalBackend.start({ workers, scheduler });
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
      if (err.position?.output) io.err(caret(spec.outputs[err.position.output], err.position.start, err.position.end));
      throw err;
    }
    const { job, result, warnings } = run;
    bar.end();
    if (values.trace) await writeAtomically(values.trace, JSON.stringify(chromeTrace(result.records, { workers: backend.workers, simd: backend.simd })));
    const stats = { ...result.stats, startup_s: startup };
    const cluster = backend instanceof DaskBackend ? { address: backend.info.address, workers: backend.info.workers, threads: backend.info.threads, dashboard: backend.info.dashboard } : null;
    if (values.report) {
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
        if (o.kind === 'scalar') io.out(`${o.name}  ${o.dtype}  ${formatValue(o.value)}\n`);
        else if (o.kind === 'value') io.out(`${o.name}  ${JSON.stringify(o.value)}\n`);
        else if (o.kind === 'list' && o.path) io.out(`${o.name}  list of ${o.count} value(s)  written to ${o.path}\n`);
        else if (o.kind === 'list') io.out(`${o.name}  list of ${o.count} value(s)\n${(o.values ?? []).slice(0, 20).map((v) => `  ${JSON.stringify(v)}\n`).join('')}`);
        else if (o.kind === 'table' && o.path) io.out(`${o.name}  table of ${o.nrows} row(s)  written to ${o.path}\n`);
        else if (o.kind === 'table') io.out(`${o.name}  table of ${o.nrows} row(s)\n${formatTable({ ...o, rows: o.rows ?? [] })}`);
        else if ('path' in o && o.path) io.out(`${o.name}  ${o.dtype}  (${o.shape.join(', ')})  written to ${o.path}\n`);
        else io.out(`${o.name}  ${o.dtype}  (${o.shape.join(', ')})\n${arrayText(o.values ?? [], o.shape, o.dtype)}\n`);
      }
      const where = cluster ? `the Dask cluster at ${cluster.address} (${cluster.workers} worker(s), ${cluster.threads} thread(s); dashboard ${cluster.dashboard})` : `${backend.workers} worker(s) [${backend.simd}]`;
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

async function cmdInspect(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { json: { type: 'boolean', default: false } } });
  if (positionals.length !== 1) throw new TesseraError('BAD_OPTION', 'tessera inspect needs one file', USAGE);
  if (await isParquetPath(positionals[0])) {
    const t = await inspectParquet(positionals[0]);
    if (values.json) io.out(`${JSON.stringify(t)}\n`);
    else {
      const nulls = (n: number | null) => (n === null ? '' : `, ${n} null`);
      io.out(`${t.path}\n  kind     ${t.kind} (${t.format}${t.files > 1 ? `, ${t.files} files` : ''})\n` +
        `${t.columns.map((c) => `  column   ${c.name}: ${c.unsupported ? `${c.unsupported} (not readable yet)` : c.dtype}${nulls(c.nulls)}\n`).join('')}  rows     ${t.rows}\n` +
        `  bytes    ${formatBytes(t.bytes)} on disk\n  parts    ${t.partitions} partition(s), one per row group\n`);
    }
    return 0;
  }
  const bag = await bagFormatOf(positionals[0]);
  if (bag) {
    const t = await inspectText(positionals[0], bag);
    if (values.json) io.out(`${JSON.stringify({ path: positionals[0], kind: 'bag', ...t })}\n`);
    else {
      const what = bag === 'jsonl' ? 'records' : 'lines';
      io.out(`${positionals[0]}\n  kind     bag (${bag === 'jsonl' ? 'JSON lines' : 'text'}${t.files.length > 1 ? `, ${t.files.length} files` : ''})\n` +
        `  ${what.padEnd(8)} ${t.estimatedLines === null ? 'unknown (compressed)' : `about ${t.estimatedLines} (estimated from the first lines)`}\n` +
        `  bytes    ${formatBytes(t.bytes)} on disk\n  parts    ${t.partitions} partition(s)\n  first    ${t.firstLines.slice(0, 5).join('\n           ')}\n`);
    }
    return 0;
  }
  if (/\.(csv|tsv)(\.gz)?$/i.test(positionals[0]) || /[*?]/.test(positionals[0])) {
    const t = await inspectCsv(positionals[0]);
    if (values.json) io.out(`${JSON.stringify(t)}\n`);
    else {
      io.out(`${t.path}\n  kind     ${t.kind} (${t.format}, separator ${JSON.stringify(t.sep)}, ${t.header ? 'with' : 'no'} header${t.files > 1 ? `, ${t.files} files` : ''})\n` +
        `${t.columns.map((c) => `  column   ${c.name}: ${c.dtype}\n`).join('')}  rows     about ${t.estimatedRows} (estimated from a sample)\n` +
        `  bytes    ${formatBytes(t.bytes)} on disk\n  parts    ${t.partitions} partition(s) of up to ${formatBytes(t.blocksize)}\n`);
    }
    return 0;
  }
  const info = await inspectFile(positionals[0]);
  if (values.json) {
    io.out(`${JSON.stringify(info)}\n`);
  } else {
    io.out(`${info.path}\n  kind     ${info.kind} (${info.format}, ${info.order} order)\n  dtype    ${info.dtype}\n  shape    (${info.shape.join(', ')})\n` +
      `  bytes    ${formatBytes(info.bytes)} on disk\n  chunks   (${info.suggestedChunks.map((d) => d[0]).join(', ')}) suggested, ${info.suggestedChunks.reduce((a, d) => a * d.length, 1)} chunks\n`);
  }
  return 0;
}

/** The folder of this package (where out/renderer lives), found from this file. */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

async function cmdServe(args: string[], io: Io): Promise<number> {
  const { values } = parseArgs({ args, options: { port: { type: 'string' }, workers: { type: 'string' }, data: { type: 'string' }, allow: { type: 'string', multiple: true } } });
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new TesseraError('BAD_OPTION', `--port must be a port number, not '${values.port}'`, 'for example --port 8765');
  const workers = parseWorkers(values.workers);
  const rendererDir = join(packageRoot(), 'out', 'renderer');
  if (!existsSync(join(rendererDir, 'index.html'))) throw new TesseraError('NOT_BUILT', 'the app is not built', 'run `npm run build:app` (npm ci does it)');
  const engine = await Engine.start({ workers });
  // A page may have its jobs read uploads (in the data folder) and the folders named by --allow.
  const data = dataDir(values.data);
  const allowed = (values.allow ?? []).map((d) => resolve(d));
  for (const d of allowed) if (!existsSync(d)) throw new TesseraError('FILE_NOT_FOUND', `--allow ${d}: no such folder`, 'name a folder whose files the window may read');
  const fileAccess = await FileAccess.create([data, ...allowed]);
  const service = new JobService(engine, { host: 'web', dataDir: data, baseDir: process.cwd(), startEngine: (o) => Engine.start(o), fileAccess });
  const host = await startWebHost(service, { port, rendererDir });
  io.out(`Tessera is serving on ${host.url}\n(127.0.0.1 only; the link carries this launch's access token. Ctrl-C to stop.)\n`);
  await untilStopSignal();
  await host.close();
  await service.close();
  await engine.close();
  return 0;
}

export async function main(argv: string[], io: Io = stdio): Promise<number> {
  const tStart = performance.now();
  const [cmd, ...rest] = argv;
  const json = rest.includes('--json');
  try {
    switch (cmd) {
      case 'run': return await cmdRun(rest, io, tStart);
      case 'inspect': return await cmdInspect(rest, io);
      case 'profile': return await cmdProfile(rest, io, USAGE);
      case 'serve': return await cmdServe(rest, io);
      // Started by a Dask worker of a cluster (cluster/dask_sidecar.py), not by people: frames on stdin and stdout.
      case 'task-host': await serveTaskHost(process.stdin, process.stdout); return 0;
      case undefined: case 'help': case '--help': case '-h':
        io.out(`${USAGE}\n`);
        return cmd === undefined ? 2 : 0;
      default:
        throw new TesseraError('BAD_OPTION', `unknown command '${cmd}'`, USAGE);
    }
  } catch (e) {
    const err = e instanceof TypeError && (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')
      ? new TesseraError('BAD_OPTION', e.message, USAGE)
      : toTesseraError(e);
    return report(err, json, io);
  }
}
