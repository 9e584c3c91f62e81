/**
 * A cluster worker's Tessera: the process a Dask worker starts beside itself (the sidecar's worker
 * plugin) to run Tessera's tasks with Tessera's native kernels. A job arrives once (`load`: its
 * portable form, portable-job.ts): its programs are registered here and its tasks encoded as the
 * engine encodes them. Then each `run` names a group of tasks (task-groups.ts) and brings its
 * input chunks; the group's tasks run on this thread and its chunk goes back, with when each task
 * ran. Nothing stays in the store between groups: Dask holds the chunks, moves them between
 * workers and decides what runs where.
 *
 * A group that runs the user's JavaScript (map_blocks, a bag's program: a kind with runJs) runs
 * through an engine of one worker thread that this host starts on first need: user code runs in a
 * worker thread, never on a host's main thread, from the module path the job names (the same path
 * on every node, as the data's).
 */
import '../collections/array/kinds/index.js';
import '../collections/dataframe/kinds/index.js';
import '../collections/bag/kinds/index.js';
import '../run/bag-tables/index.js'; // bags used as tables: the bag_table kind
import { toTesseraError } from '../engine/errors.js';
import type { Task, TaskSpec } from '../engine/graph.js';
import { Engine } from '../engine/engine.js';
import { closeFiles, encodeJob, type FileStamp, JobRunner } from '../engine/executor.js';
import { finishGraph } from '../engine/finish-graph.js';
import { taskKind } from '../engine/task-kinds.js';
import { type DTypeName, native } from '../native/addon.js';
import { encodeFrame, FrameReader } from './frames.js';
import { parseJob, type PortableJob, type PortableTask } from './portable-job.js';
import type { TaskGroup } from './task-groups.js';

/** A chunk as it crosses the pipe: an array (dtype, shape), a payload of bytes or a table partition, and its length. */
export interface ChunkHeader { layout: 'dense' | 'bytes' | 'table' | 'none'; dtype?: DTypeName; shape?: number[]; bytes: number }

/** A chunk of `owner` from what crossed the pipe (a table partition is checked: BAD_TABLE). */
export function putChunkFrom(header: ChunkHeader, data: Uint8Array, owner: number): number {
  if (header.layout === 'bytes') return native().putBytes(owner, data);
  if (header.layout === 'table') return native().putTableBytes(owner, data);
  return native().putChunk({ dtype: header.dtype!, shape: header.shape!, data, owner });
}

/** A chunk as it crosses the pipe. */
export function chunkFrame(chunk: number): { header: ChunkHeader; data: Uint8Array } {
  const layout = native().chunkLayout(chunk);
  if (layout === 'bytes' || layout === 'table') {
    const data = layout === 'bytes' ? native().getBytes(chunk) : native().getTableBytes(chunk);
    return { header: { layout, bytes: data.byteLength }, data };
  }
  const c = native().readChunk(chunk);
  return { header: { layout: 'dense', dtype: c.dtype, shape: c.shape, bytes: c.data.byteLength }, data: new Uint8Array(c.data) };
}

interface LoadedJob { runner: JobRunner; tasks: PortableTask[]; specs: TaskSpec[]; files: Map<string, FileStamp>; groups: Map<string, TaskGroup>; programs: number[]; writers: number[] }

/** When each task of a group ran: its key, start and stop (epoch ms). */
export type TaskTimes = [key: string, start: number, stop: number][];

const now = () => performance.timeOrigin + performance.now();

/** The owner of every chunk this process makes: they live only while a task runs. */
const OWNER = 1;

export class TaskHost {
  private readonly jobs = new Map<string, LoadedJob>();
  /** The worker thread that runs the user's JavaScript, started on first need. */
  private engine: Promise<Engine> | null = null;

  load(job: PortableJob): void {
    if (this.jobs.has(job.id)) return;
    const ids = new Map<number, number>();
    for (const [id, spec] of Object.entries(job.programs)) ids.set(Number(id), native().registerProgram(spec));
    // The outputs the workers write: attached to the temporary files the client made.
    const writers = new Map<number, number>();
    for (const [id, w] of Object.entries(job.writers)) writers.set(Number(id), native().declareWriter({ ...w, attach: true }));
    const specs = job.tasks.map((t): TaskSpec => {
      const s = t.spec as TaskSpec & { program?: unknown; writer?: number };
      // An array program by its id here (a table's program is in its spec); a .npy writer attached.
      if (typeof s.program === 'number') return { ...s, program: ids.get(s.program)! } as TaskSpec;
      if (s.kind === 'write' || s.kind === 'commit') return { ...s, writer: writers.get(s.writer!) ?? -1 } as TaskSpec;
      return s;
    });
    const planned = new Map(Object.entries(job.files ?? {}));
    this.jobs.set(job.id, {
      runner: new JobRunner(encodeJob(specs, OWNER, planned)), tasks: job.tasks, specs, files: planned, groups: new Map(job.groups.map((g) => [g.key, g])),
      programs: [...ids.values()], writers: [...writers.values()],
    });
  }

  /**
   * Runs one group over its input chunks (in the order of the group's inputs): its tasks in order,
   * the chunks between them kept here; returns the group's chunk and when each task ran.
   */
  async run(jobId: string, key: string, inputs: { header: ChunkHeader; data: Uint8Array }[]): Promise<{ header: ChunkHeader; data: Uint8Array; times: TaskTimes }> {
    const job = this.jobs.get(jobId);
    if (!job) throw new Error(`job ${jobId} is not loaded in this task host`);
    const group = job.groups.get(key);
    if (!group) throw new Error(`job ${jobId} has no task group ${key}`);
    if (group.members.some((m) => taskKind(job.specs[m].kind).runJs)) return this.runInWorker(job, group, inputs);
    const chunks = new Map<string, number>();
    try {
      group.inputs.forEach((k, i) => {
        const { header, data } = inputs[i];
        chunks.set(k, putChunkFrom(header, data, OWNER));
      });
      const times: TaskTimes = [];
      for (const m of group.members) {
        const task = job.tasks[m];
        const start = now();
        let out: Float64Array | Promise<Float64Array>;
        try {
          out = job.runner.run(m, Float64Array.from(task.deps, (d) => chunks.get(d)!));
        } catch (e) {
          const err = toTesseraError(e, { phase: 'run' });
          err.task ??= task.key;
          throw err;
        }
        if (out instanceof Promise) throw new Error(`task ${task.key} runs JS, which task hosts do not run`);
        chunks.set(task.key, out[0]);
        times.push([task.key, start, now()]);
      }
      const chunk = chunks.get(key)!;
      if (!chunk) return { header: { layout: 'none', bytes: 0 }, data: new Uint8Array(0), times }; // a write: its chunk is in the file
      return { ...chunkFrame(chunk), times };
    } finally {
      for (const id of chunks.values()) if (id) native().release(id);
    }
  }

  /**
   * A group with the user's JavaScript, run as a small graph on the worker-thread engine: its input
   * chunks kept under their keys for its tasks to read, its own chunk kept to send back.
   */
  private async runInWorker(job: LoadedJob, group: TaskGroup, inputs: { header: ChunkHeader; data: Uint8Array }[]): Promise<{ header: ChunkHeader; data: Uint8Array; times: TaskTimes }> {
    const engine = await (this.engine ??= Engine.start({ workers: 1 }));
    const owner = engine.newJob();
    const name = `group-${group.key}`;
    try {
      engine.keep(name, owner, group.inputs.map((k, i) => ({ key: k, id: putChunkFrom(inputs[i].header, inputs[i].data, owner) })));
      const tasks: Task[] = group.members.map((m) => ({ key: job.tasks[m].key, layer: 'group', index: [], deps: job.tasks[m].deps, spec: job.specs[m], estBytes: 0, priority: 0 }));
      const graph = finishGraph(tasks, [{ name: 'group', label: 'group', kind: 'group', tasks: tasks.length, deps: [], indexShape: [] }]);
      const run = await engine.run(graph, { owner, keep: new Set([group.key]), files: job.files });
      const times: TaskTimes = run.records.map((r) => [r.key, r.start, r.stop]);
      const chunk = run.chunks.get(group.key);
      if (!chunk) return { header: { layout: 'none', bytes: 0 }, data: new Uint8Array(0), times };
      return { ...chunkFrame(chunk), times };
    } finally {
      engine.forget(name);
      engine.freeJob(owner);
    }
  }

  /** Stops the worker-thread engine, if it was started (its thread would keep the process alive). */
  async close(): Promise<void> {
    const engine = this.engine;
    this.engine = null;
    await (await engine?.catch(() => null))?.close();
  }

  /** Lets a job's programs go. */
  drop(jobId: string): void {
    const job = this.jobs.get(jobId);
    if (!job) return;
    for (const p of job.programs) native().dropProgram(p);
    for (const w of job.writers) native().forgetWriter(w); // closes its descriptor; the file is the client's
    this.jobs.delete(jobId);
    // The files this thread mapped and its string tables, once no loaded job may still use them (a
    // job's runner keeps their ids): else each new version of an input file would stay mapped.
    if (this.jobs.size === 0) closeFiles();
  }
}

/**
 * Serves frames from `input` to `output` until the input ends (the Dask worker closed the pipe or
 * died): `load` with the portable job's JSON as payload; `run` {job, key (a group's), inputs:
 * ChunkHeader[]} with the inputs' bytes as payload; `drop` {job}. Each reply carries the request's
 * `req`, `ok`, and either the group's chunk header (its bytes as payload) and its tasks' times, or
 * the error as the engine types it.
 */
export function serveTaskHost(input: NodeJS.ReadableStream, output: NodeJS.WritableStream): Promise<void> {
  const host = new TaskHost();
  const reader = new FrameReader();
  input.on('data', (piece: Buffer) => {
    for (const { header, payload } of reader.push(piece)) {
      const req = header.req;
      try {
        if (header.op === 'load') {
          host.load(parseJob(payload.toString('utf8')));
          output.write(encodeFrame({ req, ok: true }));
        } else if (header.op === 'drop') {
          host.drop(header.job as string);
          output.write(encodeFrame({ req, ok: true }));
        } else if (header.op === 'run') {
          let at = 0;
          const inputs = (header.inputs as ChunkHeader[]).map((h) => {
            const data = payload.subarray(at, at + h.bytes);
            at += h.bytes;
            return { header: h, data };
          });
          void host.run(header.job as string, header.key as string, inputs).then(
            (out) => output.write(encodeFrame({ req, ok: true, out: out.header, times: out.times }, [out.data])),
            (e) => {
              const err = toTesseraError(e, { phase: 'run' });
              output.write(encodeFrame({ req, ok: false, error: { ...err.toJSON(), task: err.task ?? header.key } }));
            });
        } else {
          throw new Error(`unknown request ${String(header.op)}`);
        }
      } catch (e) {
        const err = toTesseraError(e, { phase: 'run' });
        output.write(encodeFrame({ req, ok: false, error: { ...err.toJSON(), task: err.task ?? header.key } }));
      }
    }
  });
  return new Promise((resolve) => input.on('end', () => { void host.close().then(resolve); }));
}
