/** `tessera profile`: a chunk-size sweep of a job, printed as a table with the advice (profile/). */
import { parseArgs } from 'node:util';
import { cancelOnSignals } from './interrupts.js';
import { TesseraError } from '../../engine/errors.js';
import { formatBytes } from '../../api/format-bytes.js';
import { parseBytes } from '../../engine/units.js';
import { ProfileStore } from '../../profile/profile-store.js';
import { formatCount } from '../../profile/recommend.js';
import { profileJob, rememberProfile } from '../../profile/sweep.js';
import { renderProfileReport } from '../../report/html-report.js';
import { loadSpecFile } from '../../run/job-spec.js';
import { LocalBackend } from '../../run/local-backend.js';
import { DaskBackend } from '../../cluster/dask-backend.js';
import { type Io, parseWorkers, profilesPath, writeAtomically } from './common.js';

export async function cmdProfile(args: string[], io: Io, usage: string): Promise<number> {
  const { values, positionals } = parseArgs({
    args, allowPositionals: true,
    options: {
      dataset: { type: 'string' }, chunks: { type: 'string', default: 'auto' }, repeat: { type: 'string', default: '3' },
      workers: { type: 'string' }, 'memory-limit': { type: 'string' }, json: { type: 'boolean', default: false },
      report: { type: 'string' }, data: { type: 'string' }, cluster: { type: 'string' },
    },
  });
  if (values.cluster && (values.workers || values['memory-limit'])) throw new TesseraError('BAD_OPTION', '--workers and --memory-limit set this machine\'s engine: a cluster has its own workers and limits', 'leave them out with --cluster (dask worker --memory-limit sets a worker\'s)');
  if (positionals.length !== 1) throw new TesseraError('BAD_OPTION', 'tessera profile needs exactly one job spec', usage);
  const chunks = values.chunks === 'auto' ? undefined : values.chunks!.split(',').map((x) => Number(x.trim()));
  if (chunks?.some((x) => !(x >= 1))) throw new TesseraError('BAD_OPTION', `--chunks must be sizes in elements such as 1e5,1e6, not '${values.chunks}'`, 'for example --chunks 1e5,1e6,1e7, or auto for a log-spaced sweep');
  const repeat = Number(values.repeat);
  const memoryLimit = values['memory-limit'] ? parseBytes(values['memory-limit']) : null;
  const { spec, baseDir } = await loadSpecFile(positionals[0]);
  const backend = values.cluster ? await DaskBackend.start(values.cluster) : await LocalBackend.start({ workers: parseWorkers(values.workers) });
  const abort = new AbortController();
  const stopListening = cancelOnSignals(abort, io);
  try {
    const p = await profileJob(backend, spec, baseDir, {
      dataset: values.dataset, values: chunks, repeat, memoryLimit, signal: abort.signal, userCode: true, // as `tessera run`: the user named the spec on this machine
      onProgress: (done, total, v) => { if (!values.json) io.err(`\rprofiling: run ${done}/${total} (chunks of ${formatCount(v)})   `); },
    });
    if (!values.json) io.err('\n');
    await rememberProfile(new ProfileStore(profilesPath(values.data)), p);
    if (values.report) await writeAtomically(values.report, renderProfileReport(p));
    if (values.json) {
      const { timelines: _t, ...rest } = p;
      io.out(`${JSON.stringify(rest)}\n`);
      return 0;
    }
    io.out(`${p.parameter.label} (elements) on ${p.workers} workers, ${p.repeat} runs each:\n`);
    io.out('  elements     chunk   chunks   wall (median, spread)      tasks  per task  compute overhead idle   peak managed  peak unmanaged\n');
    for (const x of [...p.points].sort((a, b) => a.value - b.value)) {
      const pc = (v: number) => `${Math.round(v * 100)}%`.padStart(7);
      io.out(`${x.value === p.recommended ? '* ' : '  '}${formatCount(x.value).padEnd(10)} ${formatBytes(x.chunkBytes).padStart(9)} ${String(x.chunks).padStart(7)}   ${x.wall.median.toFixed(3)} s (${x.wall.min.toFixed(3)}-${x.wall.max.toFixed(3)})  ${String(x.median.tasks).padStart(7)} ${x.median.taskMs.toFixed(3).padStart(7)} ms ${pc(x.median.computeShare)} ${pc(x.median.overheadShare)} ${pc(x.median.idleShare)}  ${formatBytes(x.median.peakManagedBytes).padStart(12)}  ${formatBytes(x.median.peakUnmanagedBytes).padStart(12)}\n`);
    }
    io.out(`\n${p.recommendation}\n`);
    for (const e of p.explanations) io.out(`  ${e}\n`);
    for (const w of p.warnings) io.out(`warning: ${w}\n`);
    if (values.report) io.out(`report: ${values.report}\n`);
    return 0;
  } finally {
    stopListening();
    await backend.close();
  }
}
