/**
 * The Backend of a Dask distributed cluster (ADR 0029): a job's array graph, lowered here exactly
 * as for this machine, runs on the cluster. A Python sidecar (dask_sidecar.py, on the cluster's own
 * `distributed`) submits one Dask task per group of Tessera tasks (task-groups.ts); each runs in a
 * Tessera task host beside its Dask worker (task-host.ts) with Tessera's native kernels, so
 * results are the local engine's to the bit. The sidecar streams when each task ran, by worker
 * thread, and per-worker memory back as the job runs; they become the engine's own records and
 * events, so every host reads a cluster run as it reads a local one.
 *
 * One sidecar serves the backend's jobs, one at a time: `local:N` makes it start a LocalCluster of
 * N single-threaded worker processes, stopped when the backend closes.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { CommitSpec } from '../collections/array/kinds/index.js';
import { checkBlockFunctions, lowerArrays, type ComputeResult, type OutputRequest, type OutputResult } from '../collections/array/compute.js';
import { nest, readValues } from '../collections/array/values.js';
import { type ComputeOptions, Engine, freeStoreOwner, type RunStats } from '../engine/engine.js';
import type { TaskGraph } from '../engine/graph.js';
import { TesseraError } from '../engine/errors.js';
import { executeTask } from '../engine/executor.js';
import type { MemorySample, TaskRecord } from '../engine/events.js';
import { native } from '../native/addon.js';
import { packageRoot } from '../native/package-root.js';
import type { Backend, DenseTables } from '../run/backend.js';
import { computeTables, type TableComputeOptions, type TableComputeResult, type TableNode, type TableOutput } from '../collections/dataframe/index.js';
import { lowerDense, tableFiles } from '../collections/dataframe/lower.js';
import { type BagComputeOptions, type BagComputeResult, type BagPlan, computeBags } from '../collections/bag/index.js';
import { computeDelayed, type DelayedComputeResult, type DelayedRequest } from '../collections/delayed/index.js';
import { jobText, type PortableJob, portableGraph, portableJob, type SharedWriter } from './portable-job.js';
import type { ChunkHeader } from './task-host.js';
import { ClusterRunner, type ClusterRun } from './cluster-runner.js';

/** What the cluster said about itself when the sidecar connected. */
export interface ClusterInfo { address: string; workers: number; threads: number; dashboard: string }

/** The python3 that has `distributed`: $TESSERA_PYTHON, else Debian's. */
function python(): string {
  return process.env.TESSERA_PYTHON ?? '/usr/bin/python3';
}

/** The most worker processes `local:N` starts (as the local engine's most worker threads). */
const MAX_LOCAL_WORKERS = 256;

/**
 * The node the cluster's workers start their task hosts with: $TESSERA_NODE, else this process's
 * own where it is Node (the same path on every node, as Tessera's), else `node` on their PATH (the
 * desktop app's process is Electron, not Node).
 */
function workerNode(): string {
  return process.env.TESSERA_NODE ?? (process.versions.electron ? 'node' : process.execPath);
}


/** A lane's name: its worker's address, and which of its threads where it has several ("10.0.0.5:40545 #2"). */
function laneNames(lanes: Map<string, number>): string[] {
  const keys = [...lanes.keys()];
  return keys.map((k) => {
    const [worker] = k.split('#');
    const same = keys.filter((o) => o.startsWith(`${worker}#`));
    const addr = worker.replace(/^[a-z]+:\/\//, '');
    return same.length > 1 ? `${addr} #${same.indexOf(k) + 1}` : addr;
  });
}

type SidecarEvent = { event: string; [k: string]: unknown };

export class DaskBackend implements Backend {
  readonly name = 'dask';
  readonly simd = 'cluster';
  failure: Error | null = null;
  /** Where the current job's events go. */
  private onEvent: ((e: SidecarEvent) => void) | null = null;
  /** What the tables and bags collections run their graphs on (cluster-runner.ts). */
  private readonly runner: ClusterRunner;
  /** Chunks kept on the cluster for the array job that reads them (tables used as arrays): by stored key, the persisted name and its key there. */
  private readonly onCluster = new Map<string, [name: string, key: string]>();

  private constructor(private readonly child: ChildProcessWithoutNullStreams, readonly info: ClusterInfo, here: Engine) {
    this.runner = new ClusterRunner(this, here);
  }

  /**
   * How many tasks the cluster runs at once: one per Dask worker (a worker's task host runs one
   * group at a time, however many threads the worker has).
   */
  get workers(): number {
    return this.info.workers;
  }

  /**
   * Connects to the scheduler at `address` (tcp://HOST:PORT), or starts a local cluster of N
   * worker processes (local:N). An unreachable scheduler is CLUSTER_UNREACHABLE within `timeoutS`.
   */
  static async start(address: string, timeoutS = 5): Promise<DaskBackend> {
    const local = /^local:([1-9]\d*)$/.exec(address);
    if (local && Number(local[1]) > MAX_LOCAL_WORKERS) {
      return Promise.reject(new TesseraError('BAD_OPTION', `local:${local[1]} asks for more worker processes than ${MAX_LOCAL_WORKERS}`, `use local:N with N up to ${MAX_LOCAL_WORKERS} (one per core is plenty), or a running cluster's address`));
    }
    if (!/^(tcp|tls|ws|wss|inproc|ucx):\/\/\S+$/.test(address) && !local) {
      return Promise.reject(new TesseraError('BAD_OPTION', `'${address}' is not a Dask scheduler address`, 'use --cluster tcp://HOST:8786 for a running scheduler, or --cluster local:N for N local worker processes'));
    }
    const root = packageRoot();
    // This thread's engine runs what must run here: the writes of table files from chunks held here.
    const here = await Engine.start({ scheduler: 'sync' });
    const child = spawn(python(), [join(root, 'src-main', 'cluster', 'dask_sidecar.py')], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    // The sidecar's log (and Dask's) is kept for the error that ends it, and shown with TESSERA_SIDECAR_LOG=1.
    child.stderr.on('data', (d: Buffer) => { stderr = (stderr + d.toString()).slice(-4000); if (process.env.TESSERA_SIDECAR_LOG) process.stderr.write(d); });
    child.stdin.write(`${JSON.stringify({ address, timeout: timeoutS, host: [workerNode(), join(root, 'bin', 'tessera.mjs'), 'task-host'] })}\n`);
    return new Promise((resolve, reject) => {
      let backend: DaskBackend | null = null;
      const ended = (why: string) => {
        const e = new TesseraError('CLUSTER_FAILED', `the Dask sidecar ended (${why}): ${stderr.trim().split('\n').slice(-3).join(' / ') || 'no message'}`, `is \`distributed\` installed for ${python()} (set TESSERA_PYTHON to another), and the same version as the cluster's?`, { phase: 'run' });
        if (!backend) reject(e);
        else { backend.failure = e; backend.onEvent?.({ event: 'error', code: e.code, message: e.message, hint: e.hint }); }
      };
      child.on('error', (e) => reject(new TesseraError('CLUSTER_UNAVAILABLE', `cannot start ${python()} for the Dask sidecar: ${e.message}`, 'install Python with dask and distributed (Debian: apt-get install python3-distributed), or set TESSERA_PYTHON to a python3 that has them')));
      child.on('close', (code) => ended(`exit ${code}`));
      createInterface({ input: child.stdout }).on('line', (line) => {
        let e: SidecarEvent;
        try { e = JSON.parse(line); } catch { return; }
        if (backend) { backend.onEvent?.(e); return; }
        if (e.event === 'connected') {
          backend = new DaskBackend(child, { address: e.address as string, workers: e.workers as number, threads: e.threads as number, dashboard: e.dashboard as string }, here);
          resolve(backend);
        } else if (e.event === 'error') {
          reject(new TesseraError(e.code as string, e.message as string, e.hint as string));
        }
      });
    });
  }

  /**
   * Computes array outputs on the cluster: values come back; an output with a path is written by
   * the workers into a temporary file this process made beside it (a path every node sees, as
   * with Dask), and renamed into place here once every write is done, or removed if the job fails.
   */
  async computeArrays(outputs: OutputRequest[], opts: ComputeOptions): Promise<ComputeResult> {
    // A map_blocks module missing a function fails here, checked by a task on the cluster.
    await checkBlockFunctions(this.runner, outputs.map((o) => o.node), opts);
    const graph = lowerArrays(outputs);
    const owner = 1; // the store owner the commits are encoded with: they make no chunk
    try {
      const writers: Record<number, SharedWriter> = {};
      for (const o of graph.outputs) if (o.writer && o.path) writers[o.writer] = { path: o.path, tempPath: native().openWriter(o.writer), dtype: o.dtype, shape: o.shape, ...(o.complex ? { complex: true } : {}) };
      // Unique across every client of the cluster: Dask keys are named by it, and a key already known is taken as the same work.
      const job = portableJob(randomUUID(), graph, writers, this.onCluster);
      opts.onGraph?.(graph);
      const run = await this.runJob(job, graph, opts);
      for (const w of graph.writers) executeTask({ kind: 'commit', writer: w } as CommitSpec, [], owner);
      if (graph.writers.length) opts.bus?.emit({ type: 'progress', progress: { done: graph.tasks.length, total: graph.tasks.length, running: 0, layers: Object.fromEntries(graph.layers.map((l) => [l.name, { done: l.tasks, running: 0, total: l.tasks }])) } });
      const results: OutputResult[] = graph.outputs.map((o) => {
        if (o.path) return { name: o.name, kind: 'array', dtype: o.dtype, shape: o.shape, path: o.path };
        const ids = o.chunks.map((c) => {
          const { header, data } = run.chunks.get(c.key)!;
          return { id: native().putChunk({ dtype: header.dtype!, shape: header.shape!, data }), offset: c.offset, shape: c.shape };
        });
        try {
          const flat = readValues(o.dtype, o.shape, ids);
          if (o.shape.length === 0) return { name: o.name, kind: 'scalar', dtype: o.dtype, value: flat[0] };
          return { name: o.name, kind: 'array', dtype: o.dtype, shape: o.shape, values: nest(flat, o.shape) };
        } finally {
          for (const c of ids) native().release(c.id);
        }
      });
      const { chunks: _chunks, ...rest } = run;
      return { ...rest, outputs: results, layers: graph.layers };
    } catch (e) {
      for (const w of graph.writers) native().abortWriter(w);
      throw e;
    } finally {
      for (const p of graph.programs) native().dropProgram(p);
      for (const w of graph.writers) native().forgetWriter(w);
    }
  }

  /** Runs a portable job on the cluster; the task stream and memory become the engine's records, samples and events. */
  runJob(job: PortableJob, graph: TaskGraph, opts: ComputeOptions): Promise<ClusterRun> {
    if (this.failure) throw this.failure;
    const startedAt = Date.now();
    const tasks = graph.tasks.map((t) => ({ key: t.key, layer: t.layer, kind: t.spec.kind }));
    const byKey = new Map(tasks.map((t) => [t.key, t]));
    // The window's live view reads the task log, as for a local run: each task's first run goes in.
    opts.log?.begin(graph);
    const layers: Record<string, { done: number; running: number; total: number }> = {};
    for (const t of tasks) (layers[t.layer] ??= { done: 0, running: 0, total: 0 }).total++;
    const records: TaskRecord[] = [];
    /** Tasks done at least once: Dask runs a lost worker's tasks again, and both runs are records. */
    const done = new Set<string>();
    const samples: MemorySample[] = [];
    /** A lane per cluster worker thread, in the order they first ran a task of the job. */
    const lanes = new Map<string, number>();
    const lost: string[] = [];
    let peakStore = 0, peakRss = 0;
    // A job aborted before it goes is not sent; after, the cancel names it (the sidecar may not have started it yet).
    if (opts.signal?.aborted) throw new TesseraError('CANCELLED', 'the job was cancelled', '');
    const onAbort = () => this.child.stdin.write(`${JSON.stringify({ cancel: job.id })}\n`);
    opts.signal?.addEventListener('abort', onAbort);
    this.child.stdin.write(`{"job":${jobText(job)}}\n`);
    return new Promise<ClusterRun>((resolve, reject) => {
      const finish = () => { this.onEvent = null; opts.signal?.removeEventListener('abort', onAbort); };
      this.onEvent = (e) => {
        switch (e.event) {
          case 'tasks':
            for (const g of e.groups as { worker: string; thread: number; times: [string, number, number][]; nbytes: number }[]) {
              const lane = `${g.worker}#${g.thread}`;
              if (!lanes.has(lane)) {
                lanes.set(lane, lanes.size);
                opts.bus?.emit({ type: 'lanes', names: laneNames(lanes) });
              }
              for (const [key, start, stop] of g.times) {
                const t = byKey.get(key);
                if (!t) continue;
                records.push({ key, layer: t.layer, kind: t.kind, worker: lanes.get(lane)!, ready: start, start, stop, bytesIn: 0, bytesOut: key === g.times[g.times.length - 1][0] ? g.nbytes : 0 });
                if (!done.has(key)) {
                  done.add(key);
                  layers[t.layer].done++;
                  const i = graph.indexOf.get(key)!;
                  opts.log?.dispatch(i);
                  opts.log?.finish(i, lanes.get(lane)!, start, start, stop, 0, key === g.times[g.times.length - 1][0] ? g.nbytes : 0);
                }
              }
            }
            opts.bus?.emit({ type: 'progress', progress: { done: done.size, total: tasks.length, running: 0, layers } });
            break;
          case 'memory': {
            const workers = Object.values(e.workers as Record<string, { managed: number; process: number }>);
            const store = workers.reduce((n, w) => n + w.managed, 0), rss = workers.reduce((n, w) => n + w.process, 0);
            peakStore = Math.max(peakStore, store);
            peakRss = Math.max(peakRss, rss);
            const sample: MemorySample = { t: (e.t as number) * 1000, storeBytes: store, rssBytes: rss, mappedBytes: 0, perWorker: workers.map((w) => w.managed), limitBytes: null };
            samples.push(sample);
            opts.bus?.emit({ type: 'memory', sample });
            break;
          }
          case 'lost':
            lost.push(e.worker as string);
            break;
          case 'error':
            finish();
            reject(new TesseraError((e.code as string) ?? 'CLUSTER_FAILED', (e.message as string) ?? 'the job failed on the cluster', (e.hint as string) ?? '', { phase: 'run', task: e.task as string | undefined, userStack: e.userStack as string | undefined }));
            break;
          case 'done': {
            finish();
            // Dask freed every chunk but the outputs' as the job went; the log says so at the end.
            const kept = new Set(job.outputs.flatMap((o) => o.keys));
            for (const key of done) if (!kept.has(key)) opts.log?.release(graph.indexOf.get(key)!);
            const chunks: ClusterRun['chunks'] = new Map();
            for (const [key, v] of Object.entries(e.outputs as Record<string, { header: ChunkHeader; base64: string }>)) {
              const buf = Buffer.from(v.base64, 'base64');
              chunks.set(key, { header: v.header, data: new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength) });
            }
            resolve({
              chunks, records, samples, startedAt, workers: Math.max(1, lanes.size),
              stats: { tasks: tasks.length, wall_s: (Date.now() - startedAt) / 1000, peak_store_bytes: peakStore, peak_rss_bytes: peakRss, peak_mapped_bytes: 0, lost_workers: lost.length },
            });
            break;
          }
        }
      };
    });
  }

  /**
   * Tables used as arrays: the tables' plans run on the cluster and their dense chunks stay there,
   * held by the sidecar under a name, for the array job that reads them (computeArrays); only
   * their headers come back, for the rows. `release` lets them go.
   */
  async computeDense(items: { name: string; node: TableNode; matrix: boolean }[], opts: ComputeOptions): Promise<DenseTables> {
    const graph = lowerDense(items);
    const name = `dense-${randomUUID()}`;
    const job: PortableJob = { ...portableGraph(name, graph, new Set(graph.outputs.flatMap((o) => o.keys)), tableFiles(items)), persist: name };
    opts.onGraph?.(graph);
    const { chunks, ...run } = await this.runJob(job, graph, opts);
    const tables = graph.outputs.map((o) => {
      const keys = o.keys.map((_, i) => `${name}-${o.name}:${i}`);
      o.keys.forEach((key, i) => this.onCluster.set(keys[i], [name, key]));
      return { name: o.name, dtype: o.dtype, ncols: o.ncols, keys, rows: o.keys.map((key) => chunks.get(key)!.header.shape![0]) };
    });
    return {
      run: { ...run, layers: graph.layers },
      tables,
      release: () => {
        for (const t of tables) for (const k of t.keys) this.onCluster.delete(k);
        if (this.child.stdin.writable) this.child.stdin.write(`${JSON.stringify({ release: name })}\n`);
      },
    };
  }

  /**
   * Table outputs: their graphs run on the cluster, the kept partitions come back here
   * (cluster-runner.ts), and large ones are written here after the run (the cluster's task hosts
   * cannot reach this process's file writers while it runs).
   */
  computeTables(outputs: { name: string; output: TableOutput }[], opts: TableComputeOptions): Promise<TableComputeResult> {
    return computeTables(this.runner, outputs, { ...opts, streamFiles: false });
  }

  /** Bag outputs, native ones (word counts, JSON-lines counts) and programs of the user's functions alike. */
  computeBags(outputs: { name: string; plan: BagPlan }[], opts: BagComputeOptions): Promise<BagComputeResult> {
    return computeBags(this.runner, outputs, opts);
  }

  /**
   * Delayed calls on the cluster, without the probe that sizes a map's batches by a measured call
   * (its kept results would make the rest of the job run here): four batches per worker instead.
   */
  computeDelayed(request: DelayedRequest, opts: ComputeOptions): Promise<DelayedComputeResult> {
    return computeDelayed(this.runner, request, opts, { probe: false });
  }

  /** A cluster's jobs keep nothing in this process's store (persist is refused before they run); an owner given is freed. */
  freeKept(owner: number): void {
    freeStoreOwner(owner);
  }

  /** Ends the sidecar (and a local cluster it started). */
  async close(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return; // ended already (a signal sets no exit code)
    const exited = new Promise((r) => this.child.once('close', r));
    this.child.stdin.end();
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
  }
}
