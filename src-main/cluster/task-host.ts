/**
 * A cluster worker's Tessera: the process a Dask worker starts beside itself (the sidecar's worker
 * plugin) to run Tessera's tasks with Tessera's native kernels. A job arrives once (`load`: its
 * portable form, portable-job.ts): its programs are registered here and its tasks encoded as the
 * engine encodes them. Then each `run` names a task and brings its input chunks; the task runs on
 * this thread over them and its output chunk goes back. Nothing stays in the store between tasks:
 * Dask holds the chunks, moves them between workers and decides what runs where.
 */
import '../collections/array/kinds/index.js';
import type { ArrayTaskSpec } from '../collections/array/kinds/index.js';
import { toTesseraError } from '../engine/errors.js';
import { encodeJob, JobRunner } from '../engine/executor.js';
import { type DTypeName, native } from '../native/addon.js';
import { encodeFrame, FrameReader } from './frames.js';
import type { PortableJob } from './portable-job.js';

/** A chunk as it crosses the pipe: an array (dtype, shape) or a payload of bytes, and its length. */
export interface ChunkHeader { layout: 'dense' | 'bytes'; dtype?: DTypeName; shape?: number[]; bytes: number }

interface LoadedJob { runner: JobRunner; index: Map<string, number>; programs: number[] }

/** The owner of every chunk this process makes: they live only while a task runs. */
const OWNER = 1;

export class TaskHost {
  private readonly jobs = new Map<string, LoadedJob>();

  load(job: PortableJob): void {
    if (this.jobs.has(job.id)) return;
    const ids = new Map<number, number>();
    for (const [id, spec] of Object.entries(job.programs)) ids.set(Number(id), native().registerProgram(spec));
    const specs = job.tasks.map((t): ArrayTaskSpec => ('program' in t.spec ? { ...t.spec, program: ids.get(t.spec.program)! } : t.spec));
    this.jobs.set(job.id, { runner: new JobRunner(encodeJob(specs, OWNER)), index: new Map(job.tasks.map((t, i) => [t.key, i])), programs: [...ids.values()] });
  }

  /** Runs one task over its input chunks (in the order of its deps); returns its output chunk. */
  run(jobId: string, key: string, inputs: { header: ChunkHeader; data: Uint8Array }[]): { header: ChunkHeader; data: Uint8Array } {
    const job = this.jobs.get(jobId);
    if (!job) throw new Error(`job ${jobId} is not loaded in this task host`);
    const i = job.index.get(key);
    if (i === undefined) throw new Error(`job ${jobId} has no task ${key}`);
    const ids = inputs.map(({ header, data }) => (header.layout === 'bytes' ? native().putBytes(OWNER, data) : native().putChunk({ dtype: header.dtype!, shape: header.shape!, data, owner: OWNER })));
    try {
      const out = job.runner.run(i, Float64Array.from(ids));
      if (out instanceof Promise) throw new Error(`task ${key} runs JS, which task hosts do not run`);
      const chunk = out[0];
      ids.push(chunk);
      if (native().chunkLayout(chunk) === 'bytes') {
        const data = native().getBytes(chunk);
        return { header: { layout: 'bytes', bytes: data.byteLength }, data };
      }
      const c = native().readChunk(chunk);
      return { header: { layout: 'dense', dtype: c.dtype, shape: c.shape, bytes: c.data.byteLength }, data: new Uint8Array(c.data) };
    } finally {
      for (const id of ids) native().release(id);
    }
  }

  /** Lets a job's programs go. */
  drop(jobId: string): void {
    const job = this.jobs.get(jobId);
    if (!job) return;
    for (const p of job.programs) native().dropProgram(p);
    this.jobs.delete(jobId);
  }
}

/**
 * Serves frames from `input` to `output` until the input ends (the Dask worker closed the pipe or
 * died): `load` with the portable job's JSON as payload, `run` {job, key, inputs: ChunkHeader[]} with the inputs' bytes as payload,
 * `drop` {job}. Each reply carries the request's `req`, `ok`, and either the output chunk's header
 * (its bytes as payload) and the task's time in ms, or the error as the engine types it.
 */
export function serveTaskHost(input: NodeJS.ReadableStream, output: NodeJS.WritableStream): Promise<void> {
  const host = new TaskHost();
  const reader = new FrameReader();
  input.on('data', (piece: Buffer) => {
    for (const { header, payload } of reader.push(piece)) {
      const req = header.req;
      try {
        if (header.op === 'load') {
          host.load(JSON.parse(payload.toString('utf8')) as PortableJob);
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
          const t0 = performance.now();
          const out = host.run(header.job as string, header.key as string, inputs);
          output.write(encodeFrame({ req, ok: true, out: out.header, ms: performance.now() - t0 }, [out.data]));
        } else {
          throw new Error(`unknown request ${String(header.op)}`);
        }
      } catch (e) {
        const err = toTesseraError(e, { phase: 'run' });
        output.write(encodeFrame({ req, ok: false, error: { ...err.toJSON(), task: header.key } }));
      }
    }
  });
  return new Promise((resolve) => input.on('end', resolve));
}
