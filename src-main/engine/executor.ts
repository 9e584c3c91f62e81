/**
 * Runs tasks. A job's specs are encoded once, on the thread that plans it, into one Float64Array
 * with an offset per task and a table of the files they read (see encode.ts); a thread that runs
 * the job maps those files once and makes one native call per task.
 */
import { native } from '../native/addon.js';
import { encodeTask, Writer } from './encode.js';
import type { TaskSpec } from './graph.js';

/** What a job planned with for one input file: its size and modification time (ns, decimal). */
export interface FileStamp { size: number; mtimeNs?: string }

export interface EncodedJob {
  owner: number;
  tasks: Float64Array;    // every task's encoding, back to back
  offsets: Float64Array;  // task i is tasks[offsets[i] .. offsets[i + 1])
  files: string[];        // file accesses name an index into this list
  /** Per file: [size, mtime seconds, mtime nanoseconds], -1 where not known (then not checked). */
  stamps: Float64Array;
}

export function encodeJob(specs: TaskSpec[], owner: number, planned?: ReadonlyMap<string, FileStamp>): EncodedJob {
  const files: string[] = [];
  const fileIndex = (path: string) => {
    let i = files.indexOf(path);
    if (i < 0) { i = files.length; files.push(path); }
    return i;
  };
  const w = new Writer(64 * specs.length + 64);
  const offsets = new Float64Array(specs.length + 1);
  for (let i = 0; i < specs.length; i++) {
    encodeTask(w, specs[i], owner, fileIndex);
    offsets[i + 1] = w.n;
  }
  const stamps = new Float64Array(3 * files.length).fill(-1);
  files.forEach((path, i) => {
    const st = planned?.get(path);
    if (!st?.mtimeNs) return;
    const ns = BigInt(st.mtimeNs);
    stamps.set([st.size, Number(ns / 1_000_000_000n), Number(ns % 1_000_000_000n)], 3 * i);
  });
  return { owner, tasks: w.done(), offsets, files, stamps };
}

/**
 * Files are mapped once per thread and version (the registry is process-wide and
 * reference-counted), checked against what the job planned with: a file that changed since is
 * INPUT_CHANGED, one that is no longer a regular file NOT_A_FILE (never a blocked thread: the
 * native open does not wait).
 */
const openFiles = new Map<string, number>();

function fileId(path: string, stamps: Float64Array, i: number): number {
  const size = stamps[3 * i];
  const key = size >= 0 ? `${path}\0${size}\0${stamps[3 * i + 1]}\0${stamps[3 * i + 2]}` : path;
  let id = openFiles.get(key);
  if (id === undefined) {
    id = (size >= 0 ? native().openFile(path, size, stamps[3 * i + 1], stamps[3 * i + 2]) : native().openFile(path)).id;
    openFiles.set(key, id);
  }
  return id;
}

export function closeFiles(): void {
  for (const id of openFiles.values()) native().closeFile(id);
  openFiles.clear();
}

/**
 * Runs the tasks of one encoded job on this thread. A file that cannot be opened (gone, changed,
 * not a regular file) fails the job's tasks with its typed error, not the thread.
 */
export class JobRunner {
  private readonly out = new Float64Array(3);
  private fileIds: Float64Array | null = null;

  constructor(private readonly job: EncodedJob) {}

  /** Runs task `index` reading the chunks `ids`; returns [chunk, bytesIn, bytesOut] (a reused array). */
  run(index: number, ids: Float64Array): Float64Array {
    const spec = this.job.tasks.subarray(this.job.offsets[index], this.job.offsets[index + 1]);
    // The job's files are opened by its first task on this thread, not when the job arrives: a
    // worker may see a short job only after it has ended (and its files are gone), and a file
    // that cannot be opened then fails a task, with its key, instead of the worker.
    this.fileIds ??= Float64Array.from(this.job.files, (path, i) => fileId(path, this.job.stamps, i));
    native().runEncoded(spec, ids, this.fileIds, this.out);
    return this.out;
  }
}

/** One task by itself (tests and one-off calls). */
export function executeTask(spec: TaskSpec, ids: readonly number[], owner: number): { chunk: number; bytesIn: number; bytesOut: number } {
  const out = new JobRunner(encodeJob([spec], owner)).run(0, Float64Array.from(ids));
  return { chunk: out[0], bytesIn: out[1], bytesOut: out[2] };
}
