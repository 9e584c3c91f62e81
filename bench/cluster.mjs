#!/usr/bin/env node
/**
 * Tessera on a Dask distributed cluster against plain dask.array on the same cluster (issue #17,
 * ADR 0029), in one run: a loopback cluster of 2 single-threaded workers (Debian's
 * python3-distributed), the seed job sqrt(x ** 2).mean() over 10^7 uniform doubles at several
 * chunkings, each side warm (a job run first), best of the repeats; and the same job on Tessera's
 * local engine with 2 workers. Tessera's time is the backend's wall_s (job handed to the cluster ->
 * results back); dask's is compute -> result, on an array built anew each run (recomputing the same
 * keys at once finds the last run's chunks still held). Also the cost per task (a job of many tiny
 * tasks on each side) and per byte (the same job over 800 MB).
 *
 *   node bench/cluster.mjs [--repeats N]      (also `npm run bench -- --only cluster`)
 */
import { execFileSync, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DaskBackend } from '../dist/src-main/cluster/dask-backend.js';
import { LocalBackend } from '../dist/src-main/run/local-backend.js';
import { runSpec } from '../dist/src-main/run/run-spec.js';

const PY = process.env.TESSERA_PYTHON ?? '/usr/bin/python3';
const N = 10_000_000;
const CHUNKINGS = [250_000, 1_000_000, 2_500_000];
const TINY = { n: 2_000_000, chunk: 1_000 }; // 2,000 tasks of 1,000 elements: the cost per task
const BIG = { n: 100_000_000, chunk: 5_000_000 }; // 800 MB of doubles: the cost per byte of work
const OUT = '/tmp/tessera-bench-cluster-out';

function started(child, pattern) {
  return new Promise((resolve, reject) => {
    let seen = '';
    child.stderr.on('data', (d) => { seen += d; const m = seen.match(pattern); if (m) resolve(m); });
    child.once('exit', () => reject(new Error(seen)));
  });
}

const spec = (n, chunk) => ({ tessera: 1, datasets: { x: { random: 'uniform', shape: [n], seed: 7, chunks: [chunk] } }, outputs: { m: 'sqrt(x ** 2).mean()' } });

async function tesseraBest(backend, n, chunk, repeats) {
  const times = [];
  let tasks = 0;
  for (let r = 0; r <= repeats; r++) {
    const run = await runSpec(backend, spec(n, chunk), { baseDir: process.cwd(), outDir: OUT });
    if (r) times.push(run.result.stats.wall_s);
    tasks = run.result.stats.tasks;
  }
  return { best: Math.min(...times), tasks };
}

function daskBest(address, n, chunk, repeats) {
  const code = `
import json, time, dask.array as da
from distributed import Client
c = Client(${JSON.stringify(address)})
times = []
for r in range(${repeats + 1}):
    x = da.random.random((${n},), chunks=${chunk})
    y = da.sqrt(x ** 2).mean()
    t = time.perf_counter(); y.compute(); times.append(time.perf_counter() - t)
print(json.dumps({"best": min(times[1:]), "tasks": len(y.__dask_graph__())}))
c.close()`;
  return JSON.parse(execFileSync(PY, ['-c', code], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }));
}

/** The cluster rows in bench/run.mjs's shape; none (and a note) without python3-distributed. */
export async function clusterRows({ quick = false } = {}) {
  const rows = [];
  try {
    execFileSync(PY, ['-c', 'import distributed'], { stdio: 'ignore' });
  } catch {
    process.stderr.write(`${PY} has no distributed (apt-get install python3-distributed): cluster rows skipped\n`);
    return { rows, problems: [] };
  }
  const repeats = quick ? 1 : 3;
  const scheduler = spawn(PY, ['-m', 'distributed.cli.dask_scheduler', '--host', '127.0.0.1', '--port', '0', '--dashboard-address', '127.0.0.1:0'], { stdio: ['ignore', 'ignore', 'pipe'] });
  const [, address] = await started(scheduler, /Scheduler at:\s+(tcp:\/\/127\.0\.0\.1:\d+)/);
  const workers = [0, 1].map(() => spawn(PY, ['-m', 'distributed.cli.dask_worker', address, '--nthreads', '1', '--memory-limit', '4GB', '--host', '127.0.0.1', '--no-dashboard'], { stdio: ['ignore', 'ignore', 'pipe'] }));
  await Promise.all(workers.map((w) => started(w, /Registered to:/)));
  const cluster = await DaskBackend.start(address);
  const local = await LocalBackend.start({ workers: 2 });
  const ms = (s) => `${(s * 1000).toFixed(1)} ms`;
  const row = (bench, setting, tessera, peer, peerName, ratio, target = '') => rows.push({ bench, setting, tessera, peer, peerName, ratio, ratioLabel: ratio === null ? '' : 'x faster than dask.array', target });
  try {
    const measured = [];
    for (const [n, chunk] of [...CHUNKINGS.map((c) => [N, c]), ...(quick ? [] : [[TINY.n, TINY.chunk], [BIG.n, BIG.chunk]])]) {
      const t = await tesseraBest(cluster, n, chunk, repeats);
      const d = daskBest(address, n, chunk, repeats);
      const l = await tesseraBest(local, n, chunk, repeats);
      measured.push({ n, chunk, t, d, l });
      const e = (v) => v.toExponential().replace('e+', 'e');
      const bench = `sqrt(x**2).mean(), ${e(n)} in chunks of ${e(chunk)}, loopback cluster 2 x 1 thread`;
      row(bench, `on the cluster (${t.tasks} tasks; dask ${d.tasks})`, ms(t.best), ms(d.best), 'dask.array on the cluster', d.best / t.best);
      row(bench, 'per task, 2 workers', ms((t.best / t.tasks) * 2), ms((d.best / d.tasks) * 2), 'dask per task', null, n === TINY.n ? 'Tessera <= dask' : '');
      row(bench, 'Tessera local engine, 2 workers', ms(l.best), '-', '', null);
    }
    const seed = measured.filter((m) => m.n === N);
    const bestTessera = Math.min(...seed.map((m) => m.t.best)), bestDask = Math.min(...seed.map((m) => m.d.best));
    row('the seed job at each side\'s best chunking', 'on the cluster', ms(bestTessera), ms(bestDask), 'dask.array at its best chunking', bestDask / bestTessera, '>= 1 (at least as fast)');
  } finally {
    await cluster.close();
    await local.close();
    for (const w of workers) w.kill();
    scheduler.kill();
  }
  return { rows, problems: [] };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { repeats: { type: 'string', default: '3' }, quick: { type: 'boolean', default: false } } });
  void values.repeats;
  const { rows } = await clusterRows({ quick: values.quick });
  const { formatTable } = await import('./timing.mjs');
  console.log(formatTable(rows.map((r) => ({ ...r, ratio: r.ratio ?? undefined }))));
}
