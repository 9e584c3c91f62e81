/**
 * The command line: `tessera run | profile | inspect | serve`. Exit codes: 0 done, 1 the job
 * failed while running, 2 bad input (spec, expression, file, option), 128 + the signal's number
 * when cancelled (130 for Ctrl-C, 143 for SIGTERM, 129 for SIGHUP).
 * Errors print `error[CODE]: message` and a hint on stderr; with --json, stdout is one JSON
 * object either way.
 *
 * Each command's module is imported when the command runs: `tessera --help` loads this file and
 * the error types only, and `tessera run` nothing of the web host, the window's service or
 * reports (issue #18; `npm run bench -- --only startup` measures it).
 */
import { performance } from 'node:perf_hooks';
import { TesseraError, toTesseraError } from '../../engine/errors.js';
import { type Io, stdio } from './common.js';
import { cancelledExitCode } from './interrupts.js';
import { USAGE } from './usage.js';
import { userFrames } from './user-frames.js';

export { USAGE };

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

export async function main(argv: string[], io: Io = stdio): Promise<number> {
  const tStart = performance.now();
  const [cmd, ...rest] = argv;
  const json = rest.includes('--json');
  // `tessera run --help` as `tessera --help` (any command's options are in the one usage text).
  if (['run', 'inspect', 'profile', 'serve'].includes(cmd) && rest.some((a) => a === '--help' || a === '-h')) {
    io.out(`${USAGE}\n`);
    return 0;
  }
  try {
    switch (cmd) {
      case 'run': return await (await import('./run-command.js')).cmdRun(rest, io, tStart);
      case 'inspect': return await (await import('./inspect-command.js')).cmdInspect(rest, io);
      case 'profile': return await (await import('./profile-command.js')).cmdProfile(rest, io, USAGE);
      case 'serve': return await (await import('./serve-command.js')).cmdServe(rest, io);
      // Started by a Dask worker of a cluster (cluster/dask_sidecar.py), not by people: frames on stdin and stdout.
      case 'task-host': await (await import('../../cluster/task-host.js')).serveTaskHost(process.stdin, process.stdout); return 0;
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
