#!/usr/bin/env node
/**
 * Tessera on a Dask distributed cluster against plain dask.array on the same cluster (issue #17,
 * ADR 0029), in one run: a loopback cluster of 2 single-threaded workers (Debian's
 * python3-distributed), the seed job sqrt(x ** 2).mean() over 10^7 uniform doubles at several
 * chunkings, each side warm (a job run first), best of --repeats; and the same job on Tessera's
 * local engine with 2 workers. Tessera's time is the backend's wall_s (job handed to the cluster ->
 * results back); dask's is client.compute -> result. Also the cost per task (a job of many tiny
 * tasks on each side) and per byte (the same job over 800 MB).
 *
 *   node bench/cluster.mjs [--repeats N]
 */
import { execFileSync, spawn } from 'node:child_process';
import { parseArgs } from 'node:util';
import { DaskBackend } from '../dist/src-main/cluster/dask-backend.js';
import { LocalBackend } from '../dist/src-main/run/local-backend.js';
import { runSpec } from '../dist/src-main/run/run-spec.js';

const { values } = parseArgs({ options: { repeats: { type: 'string', default: '5' } } });
const REPEATS = Number(values.repeats);
const PY = process.env.TESSERA_PYTHON ?? '/usr/bin/python3';
const N = 10_000_000;
const CHUNKINGS = [250_000, 1_000_000, 2_500_000];
const TINY = { n: 2_000_000, chunk: 1_000 }; // 2,000 tasks of 1,000 elements: the cost per task
const BIG = { n: 100_000_000, chunk: 5_000_000 }; // 800 MB of doubles: the cost per byte of work

function started(child, pattern) {
  return new Promise((resolve, reject) => {
    let seen = '';
    child.stderr.on('data', (d) => { seen += d; const m = seen.match(pattern); if (m) resolve(m); });
    child.once('exit', () => reject(new Error(seen)));
  });
}

const scheduler = spawn(PY, ['-m', 'distributed.cli.dask_scheduler', '--host', '127.0.0.1', '--port', '0', '--dashboard-address', '127.0.0.1:0'], { stdio: ['ignore', 'ignore', 'pipe'] });
const [, address] = await started(scheduler, /Scheduler at:\s+(tcp:\/\/127\.0\.0\.1:\d+)/);
const workers = [0, 1].map(() => spawn(PY, ['-m', 'distributed.cli.dask_worker', address, '--nthreads', '1', '--memory-limit', '4GB', '--host', '127.0.0.1', '--no-dashboard'], { stdio: ['ignore', 'ignore', 'pipe'] }));
await Promise.all(workers.map((w) => started(w, /Registered to:/)));

const spec = (n, chunk) => ({ tessera: 1, datasets: { x: { random: 'uniform', shape: [n], seed: 7, chunks: [chunk] } }, outputs: { m: 'sqrt(x ** 2).mean()' } });
async function tesseraBest(backend, n, chunk) {
  const times = [];
  for (let r = 0; r <= REPEATS; r++) {
    const run = await runSpec(backend, spec(n, chunk), { baseDir: process.cwd(), outDir: '/tmp/tessera-bench-cluster-out' });
    if (r) times.push(run.result.stats.wall_s);
  }
  return { best: Math.min(...times), tasks: (await runSpec(backend, spec(n, chunk), { baseDir: process.cwd(), outDir: '/tmp/tessera-bench-cluster-out' })).result.stats.tasks };
}

function daskBest(n, chunk) {
  const code = `
import json, time, dask.array as da
from distributed import Client
c = Client(${JSON.stringify(address)})
times = []
for r in range(${REPEATS + 1}):
    # A new array each time (new keys): recomputing the same keys at once finds the last run's chunks still held.
    x = da.random.random((${n},), chunks=${chunk})
    y = da.sqrt(x ** 2).mean()
    t = time.perf_counter(); y.compute(); times.append(time.perf_counter() - t)
print(json.dumps({"best": min(times[1:]), "tasks": len(y.__dask_graph__())}))
c.close()`;
  return JSON.parse(execFileSync(PY, ['-c', code], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }));
}

const cluster = await DaskBackend.start(address);
const local = await LocalBackend.start({ workers: 2 });
const rows = [];
try {
  for (const [n, chunk] of [...CHUNKINGS.map((c) => [N, c]), [TINY.n, TINY.chunk], [BIG.n, BIG.chunk]]) {
    const t = await tesseraBest(cluster, n, chunk);
    const d = daskBest(n, chunk);
    const l = await tesseraBest(local, n, chunk);
    rows.push({ job: `${n.toExponential(0)} in chunks of ${chunk.toExponential(0)}`, tessera: t, dask: d, local: l });
  }
} finally {
  await cluster.close();
  await local.close();
  for (const w of workers) w.kill();
  scheduler.kill();
}
const ms = (s) => `${(s * 1000).toFixed(1)} ms`;
const line = (cells) => `| ${cells.join(' | ')} |`;
console.log(line(['seed job, 2 workers x 1 thread', 'Tessera on the cluster', 'tasks', 'dask.array on the cluster', 'tasks', 'Tessera / dask', 'per task, Tessera', 'per task, dask', 'Tessera local engine']));
console.log(line(Array(9).fill('---')));
const daskBestAll = Math.min(...rows.slice(0, CHUNKINGS.length).map((r) => r.dask.best));
for (const r of rows) {
  console.log(line([r.job, ms(r.tessera.best), r.tessera.tasks, ms(r.dask.best), r.dask.tasks, `${(r.dask.best / r.tessera.best).toFixed(2)}x faster`,
    ms(r.tessera.best / r.tessera.tasks * 2), ms(r.dask.best / r.dask.tasks * 2), ms(r.local.best)]));
}
console.log(`\nthe fastest Tessera cluster run against dask.array's best chunking: ${(daskBestAll / Math.min(...rows.slice(0, CHUNKINGS.length).map((r) => r.tessera.best))).toFixed(2)}x`);
