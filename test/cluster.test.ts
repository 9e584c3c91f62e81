/**
 * Jobs on a real Dask distributed cluster on loopback (issue #17, ADR 0029): a scheduler and two
 * single-threaded workers from Debian's python3-distributed, started and stopped here. Every
 * Tessera task runs as a Dask task in a Tessera task host beside its worker, so the numbers are
 * the local engine's to the bit, and numpy's within 1e-12.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tessera } from './helpers/cli.js';
import { expectClose } from './helpers/compare.js';
import { type LoopbackCluster, startLoopbackCluster } from './helpers/dask-cluster.js';
import { duckdbSql } from './helpers/duckdb.js';
import { numpy, PY_TOJSON } from './helpers/numpy.js';
import { pythonWith } from './helpers/python.js';

const dir = mkdtempSync(join(tmpdir(), 'tessera-cluster-'));
let cluster: LoopbackCluster;

beforeAll(async () => { cluster = await startLoopbackCluster(2, '400MB'); }, 60_000);
afterAll(async () => { await cluster?.stop(); });

function job(name: string, spec: object): string {
  const path = join(dir, `${name}.json`);
  writeFileSync(path, JSON.stringify({ tessera: 1, ...spec }));
  return path;
}

function runJson(args: string[]): { outputs: Record<string, { value?: unknown; values?: unknown }>; stats: Record<string, unknown> } {
  const r = tessera(['run', ...args, '--json']);
  if (r.status !== 0) throw new Error(`tessera ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout);
}

describe('a job on a Dask cluster', () => {
  it('runs the seed job and outputs sharing intermediates, with the local engine\'s numbers to the bit', () => {
    const spec = job('seed', {
      datasets: { x: { random: 'uniform', shape: [4_000_000], seed: 7, chunks: [250_000] }, z: { random: 'normal', shape: [1000, 400], seed: 3, chunks: [100, 200] } },
      outputs: { seed: 'sqrt(x ** 2).mean()', centred: '((z - z.mean()) ** 2).mean()', std: 'z.std()', col_max: 'z.max(axis=0)', argmax: 'z.argmax()' },
    });
    const local = runJson([spec]);
    const trace = join(dir, 'seed-trace.json');
    const onCluster = runJson([spec, '--cluster', cluster.address, '--trace', trace]);
    expect(onCluster.outputs).toEqual(local.outputs);
    expect(onCluster.stats.tasks).toBe(local.stats.tasks);
    // Every task's run came back from the workers, on a lane per worker thread.
    const events = (JSON.parse(readFileSync(trace, 'utf8')) as { traceEvents: { ph: string; name: string; tid: number }[] }).traceEvents.filter((e) => e.ph === 'X');
    expect(new Set(events.map((e) => e.name)).size).toBe(onCluster.stats.tasks);
    expect(new Set(events.map((e) => e.tid))).toEqual(new Set([0, 1]));
    expect(onCluster.stats.cluster).toMatchObject({ address: cluster.address, workers: 2, threads: 2 });
    expect(String((onCluster.stats.cluster as { dashboard: string }).dashboard)).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/status$/);
  }, 120_000);

  it('centres and scales the columns of a .npy file larger than a worker\'s memory limit, as numpy does', () => {
    const path = join(dir, 'wide.npy');
    numpy(`x = np.random.default_rng(5).standard_normal((60_000, 1_000)) * np.arange(1, 1001); np.save(${JSON.stringify(path)}, x); print(json.dumps(x.nbytes))`);
    const spec = job('npy', { datasets: { x: { npy: path, chunks: [5_000, 1_000] } }, outputs: { col_std: '(x - x.mean(axis=0)).std(axis=0)', total: 'x.sum()' } });
    const onCluster = runJson([spec, '--cluster', cluster.address]);
    const expected = numpy<{ col_std: number[]; total: number }>(`${PY_TOJSON}\nx = np.load(${JSON.stringify(path)}, mmap_mode='r')\nprint(json.dumps({'col_std': tojson((x - x.mean(axis=0)).std(axis=0)), 'total': float(x.sum())}))`);
    expectClose(onCluster.outputs.col_std.values, expected.col_std, 1e-12);
    expectClose(onCluster.outputs.total.value, expected.total, 1e-9);
    expect(runJson([spec]).outputs).toEqual(onCluster.outputs);
  }, 180_000);

  it('has the workers write a large output into --out through a temporary file, the same bytes as the local run\'s', () => {
    const spec = job('written', { datasets: { z: { random: 'normal', shape: [1000, 400], seed: 3, chunks: [100, 200] } }, outputs: { doubled: 'z * 2 + 1', total: 'z.sum()' } });
    const [localDir, clusterDir] = [join(dir, 'out-local'), join(dir, 'out-cluster')];
    const local = runJson([spec, '--out', localDir]);
    const onCluster = runJson([spec, '--out', clusterDir, '--cluster', cluster.address]);
    expect(onCluster.outputs.doubled).toMatchObject({ kind: 'array', shape: [1000, 400], path: join(clusterDir, 'doubled.npy') });
    expect(onCluster.outputs.total).toEqual(local.outputs.total);
    expect(Buffer.compare(readFileSync(join(clusterDir, 'doubled.npy')), readFileSync(join(localDir, 'doubled.npy')))).toBe(0);
    expect(readdirSync(clusterDir)).toEqual(['doubled.npy']); // no temporary file left
  }, 120_000);

  it('cancels a running job\'s tasks on the cluster, and runs the next job on the same connection', async () => {
    const { DaskBackend } = await import('../dist/src-main/cluster/dask-backend.js');
    const { EventBus } = await import('../dist/src-main/engine/events.js');
    const { runSpec } = await import('../dist/src-main/run/run-spec.js');
    const backend = await DaskBackend.start(cluster.address);
    try {
      const abort = new AbortController();
      const bus = new EventBus();
      bus.on((e) => { if (e.type === 'progress' && e.progress.done > 20) abort.abort(); });
      const long = { tessera: 1, datasets: { x: { random: 'uniform', shape: [2_000_000_000], seed: 1, chunks: [1_000_000] } }, outputs: { s: '(sin(x) * cos(x)).sum()' } };
      const t0 = Date.now();
      await expect(runSpec(backend, long, { baseDir: dir, outDir: join(dir, 'cancelled'), bus, signal: abort.signal })).rejects.toMatchObject({ code: 'CANCELLED' });
      expect(Date.now() - t0).toBeLessThan(60_000); // 2,000 tasks of ~10 ms on 2 workers: the rest did not run
      const next = await runSpec(backend, { tessera: 1, datasets: { x: { random: 'uniform', shape: [1000], seed: 1 } }, outputs: { s: 'x.size' } }, { baseDir: dir, outDir: join(dir, 'next') });
      expect(next.result.outputs[0]).toMatchObject({ value: 1000 });
    } finally {
      await backend.close();
    }
  }, 120_000);

  it('profiles chunk sizes on the cluster', () => {
    const spec = job('profile', { datasets: { x: { random: 'uniform', shape: [8_000_000], seed: 7 } }, outputs: { m: 'sqrt(x ** 2).mean()' } });
    const r = tessera(['profile', spec, '--chunks', '5e5,2e6', '--repeat', '1', '--cluster', cluster.address, '--json']);
    expect(r.status).toBe(0);
    const p = JSON.parse(r.stdout) as { points: { value: number; median: { tasks: number } }[]; recommended: number; workers: number; recommendation: string };
    expect(p.points.map((x) => x.value).sort((a, b) => a - b)).toEqual([5e5, 2e6]);
    expect(p.workers).toBe(2);
    expect([5e5, 2e6]).toContain(p.recommended);
    expect(p.recommendation).toMatch(/use chunks of \(\d+\) for x/);
    expect(tessera(['profile', spec, '--cluster', cluster.address, '--memory-limit', '1GB']).status).toBe(2);
  }, 120_000);

  it('says within seconds that a scheduler cannot be reached, naming its address', () => {
    const t0 = Date.now();
    const r = tessera(['run', job('unreachable', { datasets: { x: { random: 'uniform', shape: [10], seed: 1 } }, outputs: { s: 'x.sum()' } }), '--cluster', 'tcp://127.0.0.1:9', '--json']);
    expect(Date.now() - t0).toBeLessThan(20_000);
    expect(r.status).toBe(2);
    expect(JSON.parse(r.stdout).error).toMatchObject({ code: 'CLUSTER_UNREACHABLE' });
    expect(r.stderr).toContain('tcp://127.0.0.1:9');
  }, 30_000);

  it('runs tables and native bags with the local engine\'s results: CSV, Parquet read by DuckDB in the task hosts, a merge, a sort, word and JSON-lines counts, a large table written here', async () => {
    const names = ['ann', 'bob', 'cy', 'dee', 'eve'];
    const rows = Array.from({ length: 40_000 }, (_, i) => `${i},${names[(i * 7) % 5]},${((i * 7919) % 10_007) / 100},2020-01-${String(1 + (i % 28)).padStart(2, '0')} ${String(i % 24).padStart(2, '0')}:00:00`);
    writeFileSync(join(dir, 'trips.csv'), `id,name,x,when\n${rows.join('\n')}\n`);
    writeFileSync(join(dir, 'people.csv'), `name,age\n${names.map((n, i) => `${n},${20 + i}`).join('\n')}\n`);
    writeFileSync(join(dir, 'corpus.txt'), Array.from({ length: 5000 }, (_, i) => `${names[i % 5]} saw ${names[(i * 3) % 5]} at ${i % 7}`).join('\n'));
    writeFileSync(join(dir, 'events.jsonl'), Array.from({ length: 5000 }, (_, i) => JSON.stringify({ user: names[(i * i) % 5], v: i })).join('\n'));
    const duck = await duckdbSql();
    await duck(`COPY (SELECT i AS id, 'o' || (i % 13) AS origin, (i * 37) % 101 - 20 AS delay FROM range(30000) r(i)) TO '${join(dir, 'flights.parquet')}' (FORMAT parquet, ROW_GROUP_SIZE 4096)`);
    const spec = job('tables', {
      datasets: {
        t: { csv: 'trips.csv', parse_dates: ['when'], blocksize: '128KB' }, p: { csv: 'people.csv' }, f: { parquet: 'flights.parquet', blocksize: '1KiB' },
        c: { text: 'corpus.txt', blocksize: '16KB' }, e: { jsonl: 'events.jsonl', blocksize: '16KB' },
      },
      outputs: {
        g: "t[t.x > 20].groupby('name').agg(m=('x', 'mean'), n=('x', 'count'), s=('x', 'std'))",
        hours: 't.groupby(t.when.dt.hour).x.max()',
        top: "t.nlargest(5, 'x')",
        merged: "t[t.id < 50].merge(p, on='name').sort_values(['age', 'id']).head(20)",
        late: "f[f.delay > 15].groupby('origin').agg(m=('delay', 'mean'), n=('delay', 'count'))",
        n: 'len(f)',
        big: 't[t.x > 30]',
        words: 'c.str.split().flatten().frequencies().topk(4, key=1)',
        users: "e.pluck('user').frequencies()",
      },
    });
    const args = (out: string) => [spec, '--out', join(dir, out), '--format', 'csv'];
    const local = runJson(args('tables-local'));
    const onCluster = runJson([...args('tables-cluster'), '--cluster', cluster.address]);
    expect(onCluster.outputs).toEqual(JSON.parse(JSON.stringify(local.outputs).replaceAll('tables-local', 'tables-cluster')));
    expect((local.outputs.late as { rows: unknown[] }).rows.length).toBe(13);
    expect(readFileSync(join(dir, 'tables-cluster', 'big.csv'), 'utf8')).toBe(readFileSync(join(dir, 'tables-local', 'big.csv'), 'utf8'));
    expect(onCluster.stats.cluster).toMatchObject({ workers: 2 });
    // A value a task finds bad far into a file fails the job as it does here: its code, message and task.
    const late = Array.from({ length: 30_000 }, (_, i) => `${i},${i === 25_000 ? 'oops' : i}`);
    writeFileSync(join(dir, 'late.csv'), `a,b\n${late.join('\n')}\n`);
    const bad = job('bad-value', { datasets: { t: { csv: 'late.csv', blocksize: '32KB' } }, outputs: { s: 't.b.sum()' } });
    const here = tessera(['run', bad, '--json']);
    const there = tessera(['run', bad, '--json', '--cluster', cluster.address]);
    expect(there.status).toBe(1);
    expect(JSON.parse(there.stdout).error).toEqual(JSON.parse(here.stdout).error);
    expect(JSON.parse(there.stdout).error.code).toBe('CSV_BAD_VALUE');
  }, 120_000);

  it('runs the user\'s functions in a worker thread of each task host: map_blocks, bag programs and delayed calls with the local run\'s results, a throw with its .ts line', () => {
    writeFileSync(join(dir, 'fns.ts'), [
      'export const double = (b: Float64Array): Float64Array => b.map((v) => 2 * v);',
      'export const isLong = (line: string): boolean => line.length > 12;',
      'export const wordsOf = (line: string): number => line.split(" ").length;',
      'export function failOnSecond(b: Float64Array, info: { index: number[] }): Float64Array {',
      '  if (info.index[0] === 1) throw new RangeError("chunk " + info.index.join(",") + " is bad");',
      '  return b;',
      '}',
      'export const record = (line: string): { words: number; long: boolean } => ({ words: line.split(" ").length, long: line.length > 12 });',
    ].join('\n'));
    writeFileSync(join(dir, 'lines.txt'), Array.from({ length: 3000 }, (_, i) => 'w '.repeat(i % 11).trim()).join('\n'));
    const x = { random: 'uniform', shape: [200_000], seed: 3, chunks: [50_000] };
    const spec = job('functions', {
      functions: 'fns.ts',
      datasets: { x, c: { text: 'lines.txt', blocksize: '4KB' }, b: { sequence: [1, 2, 3, 4, 5], npartitions: 2 } },
      outputs: {
        d: 'x.map_blocks(double).sum()', long: 'c.filter(isLong).count()', w: 'c.map(wordsOf).sum()', n: 'b.count()',
        // A bag used as a table: the bag_table kind in the task hosts' worker threads.
        byLong: "c.map(record).to_dataframe(meta={'words': 'int64', 'long': 'bool'}).groupby('long').words.sum()",
      },
    });
    const local = runJson([spec]);
    const there = runJson([spec, '--cluster', cluster.address]);
    expect(there.outputs).toEqual(local.outputs);
    expect(local.outputs.n.value).toBe(5);
    const failing = tessera(['run', job('throws', { functions: 'fns.ts', datasets: { x }, outputs: { d: 'x.map_blocks(failOnSecond).sum()' } }), '--cluster', cluster.address, '--json']);
    expect(failing.status).toBe(1);
    expect(JSON.parse(failing.stdout).error).toMatchObject({ code: 'USER_FUNCTION_FAILED', task: 'blocks-2:1' });
    expect(failing.stderr).toMatch(/at failOnSecond \(.*fns\.ts:5:\d+\)/);
    // Delayed calls: the seed's inc/double/add graph sharing intermediates, and a map over items (no probe on a cluster).
    writeFileSync(join(dir, 'calls.ts'), 'export const inc = (x: number): number => x + 1;\nexport const double = (x: number): number => 2 * x;\nexport const add = (x: number, y: number): number => x + y;\n');
    const delayed = job('delayed', {
      functions: 'calls.ts',
      delayed: { a: { call: 'inc', args: [1] }, b: { call: 'double', args: [{ ref: 'a' }] }, c: { call: 'add', args: [{ ref: 'a' }, { ref: 'b' }] }, m: { map: 'inc', over: Array.from({ length: 500 }, (_, i) => i) } },
      outputs: { c: 'c', b: 'b', m: 'm' },
    });
    const calls = runJson([delayed, '--cluster', cluster.address]);
    expect(calls.outputs).toEqual(runJson([delayed]).outputs);
    expect(calls.outputs.c).toMatchObject({ value: 6 });
  }, 120_000);

  it('runs tables used as arrays with their chunks kept on the cluster, as pandas computes them, and lets the chunks go after', async () => {
    const rows = Array.from({ length: 30_000 }, (_, i) => `${((i * 7919) % 10_007) / 100},${(i * 13) % 97},${i % 3 ? 'x' : 'y'}`);
    writeFileSync(join(dir, 'ab.csv'), `a,b,k\n${rows.join('\n')}\n`);
    const spec = {
      tessera: 1, datasets: { t: { csv: join(dir, 'ab.csv'), blocksize: '64KB' } },
      outputs: { s: '(t.a.values ** 2).sum()', m: "t[t.b > 50][['a', 'b']].to_numpy().mean(axis=0)", head: 't.b.values[:5] + 1', y: "t[t.k == 'y'].a.values.max()", col: 't[t.b > 95].a.values' },
    };
    const local = runJson([job('dense', spec)]);
    const { DaskBackend } = await import('../dist/src-main/cluster/dask-backend.js');
    const { runSpec } = await import('../dist/src-main/run/run-spec.js');
    const backend = await DaskBackend.start(cluster.address);
    try {
      const run = await runSpec(backend, spec, { baseDir: dir, outDir: join(dir, 'dense-out') });
      const values = Object.fromEntries(run.result.outputs.map((o: { name: string; value?: unknown; values?: unknown }) => [o.name, o.value ?? o.values]));
      expect(values).toEqual(Object.fromEntries(Object.entries(local.outputs).map(([k, o]) => [k, o.value ?? o.values])));
      const expected = numpy<Record<string, unknown>>(`${PY_TOJSON}\nimport pandas as pd\nt = pd.read_csv(${JSON.stringify(join(dir, 'ab.csv'))})\nprint(json.dumps({'s': float((t.a.values ** 2).sum()), 'm': tojson(t[t.b > 50][['a', 'b']].to_numpy().mean(axis=0)), 'head': tojson(t.b.values[:5] + 1), 'y': float(t[t.k == 'y'].a.values.max()), 'col': tojson(t[t.b > 95].a.values)}))`);
      expect(values.head).toEqual(expected.head);
      expect(values.y).toBe(expected.y);
      expect(values.col).toEqual(expected.col); // a dense chunk itself as the output, read where it is kept
      expectClose(values.s as number, expected.s as number, 1e-12);
      expectClose(values.m as number[], expected.m as number[], 1e-12);
      // The dense chunks stayed on the workers for the array job, and went once it was done.
      const tesseraKeys = () => Number(execFileSync(pythonWith('distributed', 'python3-distributed'), ['-c', `from distributed import Client\nwith Client(${JSON.stringify(cluster.address)}, timeout=10) as c: print(c.run_on_scheduler(lambda dask_scheduler: sum(1 for k in dask_scheduler.tasks if 'tessera-dense' in str(k))))`], { encoding: 'utf8' }).trim());
      let left = tesseraKeys();
      for (let i = 0; i < 20 && left > 0; i++) { await new Promise((r) => setTimeout(r, 250)); left = tesseraKeys(); }
      expect(left).toBe(0);
    } finally {
      await backend.close();
    }
  }, 120_000);

  it('refuses a malformed address', () => {
    const bad = tessera(['run', job('addr', { datasets: { x: { random: 'uniform', shape: [10], seed: 1 } }, outputs: { s: 'x.sum()' } }), '--cluster', 'my-cluster', '--json']);
    expect(bad.status).toBe(2);
    expect(JSON.parse(bad.stdout).error.code).toBe('BAD_OPTION');
  }, 60_000);
});

describe('a cluster that loses a part mid-job', () => {
  const spec = { tessera: 1, datasets: { x: { random: 'uniform', shape: [200_000_000], seed: 7, chunks: [1_000_000] } }, outputs: { m: '(sin(x) * cos(x)).mean()', head: 'x[:2_000_000] + 1' } };

  /** Runs the job on a fresh 3-worker cluster and calls `hurt` once a fifth of the tasks are done. */
  async function runAndHurt(hurt: (c: LoopbackCluster) => void, outDir: string) {
    const { DaskBackend } = await import('../dist/src-main/cluster/dask-backend.js');
    const { EventBus } = await import('../dist/src-main/engine/events.js');
    const { runSpec } = await import('../dist/src-main/run/run-spec.js');
    const c = await startLoopbackCluster(3);
    const backend = await DaskBackend.start(c.address);
    const bus = new EventBus();
    let hurtAt = -1;
    bus.on((e) => { if (hurtAt < 0 && e.type === 'progress' && e.progress.done > e.progress.total / 5) { hurtAt = e.progress.done; hurt(c); } });
    try {
      return { run: await runSpec(backend, spec, { baseDir: dir, outDir, bus }), hurtAt };
    } finally {
      await backend.close().catch(() => undefined);
      await c.stop();
    }
  }

  it('finishes with the right answer when a worker is killed: Dask reruns its tasks, and the run counts the lost worker', async () => {
    const out = join(dir, 'lost-worker');
    const { run, hurtAt } = await runAndHurt((c) => c.workers[1].kill('SIGKILL'), out);
    expect(hurtAt).toBeGreaterThan(0);
    const local = runJson([job('lost-worker', spec), '--out', join(dir, 'lost-worker-local')]);
    expect(run.result.outputs[0]).toMatchObject({ name: 'm', value: local.outputs.m.value });
    expect(Buffer.compare(readFileSync(join(out, 'head.npy')), readFileSync(join(dir, 'lost-worker-local', 'head.npy')))).toBe(0);
    expect(run.result.stats.lost_workers).toBe(1);
    // Every task ran on the workers, but the commit of head.npy, which the client does.
    expect(new Set(run.result.records.map((r) => r.key)).size).toBe(run.result.stats.tasks - 1);
  }, 180_000);

  it('fails with CLUSTER_LOST, naming the address, within seconds of the scheduler stopping', async () => {
    let address = '';
    let stoppedAt = 0;
    const out = join(dir, 'lost-scheduler');
    const failure = await runAndHurt((c) => { address = c.address; stoppedAt = Date.now(); c.scheduler.kill('SIGKILL'); }, out).then(() => null, (e) => e);
    expect(failure).toMatchObject({ code: 'CLUSTER_LOST', phase: 'run' });
    expect(existsSync(out) ? readdirSync(out) : []).toEqual([]); // no output, and no temporary file, left
    expect(failure.message).toContain(address);
    expect(Date.now() - stoppedAt).toBeLessThan(30_000);
  }, 180_000);
});
