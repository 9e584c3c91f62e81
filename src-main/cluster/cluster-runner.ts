/**
 * A GraphRunner (engine.ts) over a Dask cluster, for the collections that run graphs of their own
 * (tables, bags): a graph goes to the cluster as a portable job (portable-job.ts), and the chunks
 * the caller keeps come back into this process's store, owned by the caller's job, so the
 * collection reads them exactly as after a local run. Only those chunks cross to this process.
 *
 * A graph that reads chunks held here (the partitions a table file is written from, ADR 0017)
 * runs here, on this thread's engine: its inputs are here already, and the file is this process's
 * to write. Store owners, kept sets and frees are that engine's too.
 */
import { randomUUID } from 'node:crypto';
import type { ComputeOptions, Engine, GraphRun, GraphRunner, RunGraphOptions, RunStats } from '../engine/engine.js';
import type { MemorySample, TaskRecord } from '../engine/events.js';
import type { TaskGraph } from '../engine/graph.js';
import { type PortableJob, portableGraph } from './portable-job.js';
import { type ChunkHeader, putChunkFrom } from './task-host.js';

/** A job's run on the cluster: its kept chunks as they came back, and the engine's records, samples and stats. */
export interface ClusterRun {
  chunks: Map<string, { header: ChunkHeader; data: Uint8Array }>;
  records: TaskRecord[];
  samples: MemorySample[];
  stats: RunStats & { lost_workers: number };
  startedAt: number;
  workers: number;
}

/** What the runner needs of the cluster (DaskBackend). */
export interface Cluster {
  readonly workers: number;
  runJob(job: PortableJob, graph: TaskGraph, opts: ComputeOptions): Promise<ClusterRun>;
}

export class ClusterRunner implements GraphRunner {
  constructor(private readonly cluster: Cluster, private readonly here: Engine) {}

  get workers(): number {
    return this.cluster.workers;
  }

  newJob(): number {
    return this.here.newJob();
  }

  freeJob(owner: number): void {
    this.here.freeJob(owner);
  }

  keep(name: string, owner: number, chunks: { key: string; id: number }[]): void {
    this.here.keep(name, owner, chunks);
  }

  forget(name: string): void {
    this.here.forget(name);
  }

  keptChunk(key: string): number | undefined {
    return this.here.keptChunk(key);
  }

  drop(name: string): boolean {
    return this.here.drop(name);
  }

  async run(graph: TaskGraph, opts: RunGraphOptions): Promise<GraphRun> {
    if (graph.depIndex.some((deps) => deps.includes(-1))) return this.here.run(graph, opts);
    const { owner, keep, files, ...compute } = opts;
    // Unique across every client of the cluster: Dask keys are named by it.
    const job = portableGraph(randomUUID(), graph, keep, files);
    compute.onGraph?.(graph);
    const run = await this.cluster.runJob(job, graph, compute);
    const chunks = new Map<string, number>();
    try {
      for (const [key, { header, data }] of run.chunks) chunks.set(key, putChunkFrom(header, data, owner));
    } catch (e) {
      this.here.freeJob(owner); // a partition that fails its check: nothing of the job stays
      throw e;
    }
    return { ...run, chunks };
  }
}
