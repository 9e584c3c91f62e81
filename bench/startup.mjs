#!/usr/bin/env node
/**
 * Tessera as a process, start to exit (issue #18), against Node's own start and against Python
 * with dask.array doing the same job as a process: `tessera --help`, `tessera run` of a tiny job
 * and of the seed job (10^7 uniform doubles, sqrt(x ** 2).mean(), 2 workers), each the best of
 * the repeats, the runs of each row alternating so a slow spell hits all of them. The seed job's
 * `wall_s` (the engine's time inside the process) is printed beside the process's time: the
 * difference is what starting costs; and against the same job on a warm engine in this process
 * (best of 20 after 20): what a process's first job pays for code not yet compiled.
 *
 *   node bench/startup.mjs [--repeats N]      (also `npm run bench -- --only startup`)
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { LocalBackend } from '../dist/src-main/run/local-backend.js';
import { runSpec } from '../dist/src-main/run/run-spec.js';

const BIN = fileURLToPath(new URL('../bin/tessera.mjs', import.meta.url));
const PY = process.env.TESSERA_PYTHON ?? '/usr/bin/python3';
const SEED_N = 10_000_000;
const SEED_CHUNK = 2_000_000;

/** Seconds from spawn to exit, and the process's stdout. */
function timed(cmd, args) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 2 ** 24 });
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  return { s, stdout: r.stdout };
}

const hasDask = () => spawnSync(PY, ['-c', 'import dask.array'], { stdio: 'ignore' }).status === 0;

/** The seed job's best wall_s on a warm engine of 2 workers in this process. */
async function warmSeedWall(spec) {
  const backend = await LocalBackend.start({ workers: 2 });
  try {
    let best = Infinity;
    for (let i = 0; i < 40; i++) {
      const r = await runSpec(backend, spec, { baseDir: tmpdir(), outDir: join(tmpdir(), 'tessera-bench-startup-out') });
      if (i >= 20) best = Math.min(best, r.result.stats.wall_s);
    }
    return best;
  } finally {
    await backend.close();
  }
}

export async function startupRows({ quick = false, repeats = quick ? 3 : 7 } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-bench-startup-'));
  const rows = [];
  try {
    const seed = join(dir, 'seed.json');
    writeFileSync(seed, JSON.stringify({ tessera: 1, datasets: { x: { random: 'uniform', shape: [SEED_N], seed: 42, chunks: [SEED_CHUNK] } }, outputs: { m: 'sqrt(x ** 2).mean()' } }));
    const tiny = join(dir, 'tiny.json');
    writeFileSync(tiny, JSON.stringify({ tessera: 1, datasets: { x: { random: 'uniform', shape: [1000], seed: 1 } }, outputs: { s: 'x.sum()' } }));
    const daskSeed = `import dask, dask.array as da
dask.config.set(scheduler='threads', num_workers=2)
x = da.random.RandomState(42).random_sample(${SEED_N}, chunks=${SEED_CHUNK})
print(float(da.sqrt(x ** 2).mean().compute()))`;
    const runs = {
      node: () => timed(process.execPath, ['-e', '0']),
      help: () => timed(process.execPath, [BIN, '--help']),
      tiny: () => timed(process.execPath, [BIN, 'run', tiny, '--json', '--workers', '2']),
      seed: () => timed(process.execPath, [BIN, 'run', seed, '--json', '--workers', '2']),
      ...(hasDask() ? { dask: () => timed(PY, ['-c', daskSeed]), python: () => timed(PY, ['-c', '0']) } : {}),
    };
    const best = Object.fromEntries(Object.keys(runs).map((k) => [k, Infinity]));
    let wall = Infinity;
    for (const f of Object.values(runs)) f(); // warm the page cache
    for (let i = 0; i < repeats; i++) {
      for (const [k, f] of Object.entries(runs)) {
        const r = f();
        best[k] = Math.min(best[k], r.s);
        if (k === 'seed') wall = Math.min(wall, JSON.parse(r.stdout).stats.wall_s);
      }
    }
    const ms = (s) => `${(s * 1000).toFixed(0)} ms`;
    const row = (bench, setting, tessera, peer, peerName, ratioLabel, ratio, target = '') => rows.push({ bench, setting, tessera, peer, peerName, ratioLabel, ratio, target });
    row('tessera --help, a process', 'start to exit', ms(best.help), ms(best.node), 'node -e 0', 'x node -e 0', best.help / best.node, '<= 0.15 s');
    row('tessera run, a 1,000-element job, a process', 'start to exit, 2 workers', ms(best.tiny), ms(best.node), 'node -e 0', 'x node -e 0', best.tiny / best.node, '<= 0.2 s');
    row('tessera run, the seed job (10M), a process', 'start to exit, 2 workers', ms(best.seed), ms(wall), 'its own wall_s', 'x its wall_s', best.seed / wall);
    const warm = await warmSeedWall(JSON.parse(readFileSync(seed, 'utf8')));
    row('the seed job (10M): the CLI\'s wall_s', 'a process\'s first job, 2 workers', ms(wall), ms(warm), 'a warm engine\'s wall_s', 'x the warm engine', wall / warm, '<= 1.3');
    if (best.dask !== undefined) {
      row('the seed job (10M) as a process', 'start to exit, 2 workers', ms(best.seed), ms(best.dask), 'python3 + dask.array, 2 threads', 'x faster than dask', best.dask / best.seed);
      row('the seed job (10M) as a process', 'python3 -c 0 alone', ms(best.python), '-', '', '', null);
    }
    return { rows, problems: [] };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { repeats: { type: 'string' } } });
  const { formatTable } = await import('./timing.mjs');
  const { rows } = await startupRows(values.repeats ? { repeats: Number(values.repeats) } : {});
  console.log(formatTable(rows));
}
