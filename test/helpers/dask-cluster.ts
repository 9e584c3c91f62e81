/**
 * A real Dask distributed cluster on loopback for the tests: `dask scheduler` and N `dask worker`
 * processes (Debian's python3-distributed), each single-threaded, started on free ports and
 * stopped by the test. Resolves once every worker says it registered with the scheduler.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { dirname } from 'node:path';
import { pythonWith } from './python.js';

export interface LoopbackCluster {
  address: string;
  scheduler: ChildProcess;
  workers: ChildProcess[];
  stop(): Promise<void>;
}

/** Waits for a line of the child's stderr that matches `pattern`; rejects if it exits first or after `ms`. */
function waitFor(child: ChildProcess, pattern: RegExp, what: string, ms = 30_000): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`${what} did not start in ${ms} ms:\n${seen}`)), ms);
    const onData = (d: Buffer) => {
      seen += d.toString();
      const m = seen.match(pattern);
      if (m) { clearTimeout(timer); child.stderr!.off('data', onData); resolve(m); }
    };
    child.stderr!.on('data', onData);
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`${what} exited (${code}) before it started:\n${seen}`)); });
  });
}

function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => { clearTimeout(timer); resolve(); });
    child.kill('SIGTERM');
  });
}

export async function startLoopbackCluster(workers = 2, memoryLimit = '2GB'): Promise<LoopbackCluster> {
  const python = pythonWith('distributed', 'python3-distributed');
  // The `dask` command of the same Python: `python -m distributed.cli.dask_scheduler` is what it runs.
  const env = { ...process.env, PATH: `${dirname(python)}:${process.env.PATH}` };
  const scheduler = spawn(python, ['-m', 'distributed.cli.dask_scheduler', '--host', '127.0.0.1', '--port', '0', '--dashboard-address', '127.0.0.1:0'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  const [, address] = await waitFor(scheduler, /Scheduler at:\s+(tcp:\/\/127\.0\.0\.1:\d+)/, 'the Dask scheduler');
  const procs = Array.from({ length: workers }, () => spawn(python, ['-m', 'distributed.cli.dask_worker', address, '--nthreads', '1', '--memory-limit', memoryLimit, '--host', '127.0.0.1', '--no-dashboard'], { env, stdio: ['ignore', 'ignore', 'pipe'] }));
  await Promise.all(procs.map((w, i) => waitFor(w, /Registered to:/, `Dask worker ${i}`)));
  return {
    address, scheduler, workers: procs,
    async stop() {
      await Promise.all(procs.map(stopProcess));
      await stopProcess(scheduler);
    },
  };
}
