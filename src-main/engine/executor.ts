/**
 * Runs tasks. A job's specs are encoded once, on the thread that plans it, into one Float64Array
 * with an offset per task, a table of the files they read and a table of strings (see
 * task-kinds.ts); a thread that runs the job maps those files once and makes one native call per
 * task, or, for a kind that runs JS (a user's function), calls the kind's runner.
 */
import { native } from '../native/addon.js';
import { TesseraError } from './errors.js';
import type { TaskSpec } from './graph.js';
import { encodeTask, FIRST_JS_CODE, registerTaskKind, type TaskKind, taskKindByCode, Writer } from './task-kinds.js';

/** What a job planned with for one input file: its size and modification time (ns, decimal). */
export interface FileStamp { size: number; mtimeNs?: string }

export interface EncodedJob {
  owner: number;
  tasks: Float64Array;    // every task's encoding, back to back
  offsets: Float64Array;  // task i is tasks[offsets[i] .. offsets[i + 1])
  files: string[];        // file accesses name an index into this list
  strings: string[];      // other strings tasks name by index (module paths, arguments)
  /** Per file: [size, mtime seconds, mtime nanoseconds], -1 where not known (then not checked). */
  stamps: Float64Array;
  /** The modules that register the job's JS kinds a worker may not know yet, by kind code (TaskKind.workerModule). */
  kindModules: Record<number, string>;
  /** Tasks leave the file pages they read mapped, for the next task and job (native/io/mapped_file.h). */
  keepFilePages: boolean;
}

/** A list that gives each distinct string one index. */
function stringTable(): { list: string[]; indexOf: (s: string) => number } {
  const list: string[] = [];
  const index = new Map<string, number>();
  return {
    list,
    indexOf(s) {
      let i = index.get(s);
      if (i === undefined) { i = list.length; list.push(s); index.set(s, i); }
      return i;
    },
  };
}

/**
 * Whether a job's tasks keep the file pages they read mapped: always without a memory limit (the
 * native side still releases those of a file over a quarter of physical memory), and under one
 * only while its input files fit in half of it, so that streaming a larger file keeps the
 * resident set bounded.
 */
export function keepsFilePages(memoryLimit: number | null | undefined, planned?: ReadonlyMap<string, FileStamp>): boolean {
  if (memoryLimit == null) return true;
  if (!planned) return false;
  let bytes = 0;
  for (const st of planned.values()) bytes += st.size;
  return bytes <= memoryLimit / 2;
}

export function encodeJob(specs: readonly TaskSpec[], owner: number, planned?: ReadonlyMap<string, FileStamp>, keepFilePages = false): EncodedJob {
  const files = stringTable();
  const strings = stringTable();
  const ctx = { fileIndex: files.indexOf, stringIndex: strings.indexOf };
  const w = new Writer(64 * specs.length + 64);
  const offsets = new Float64Array(specs.length + 1);
  const kindModules: Record<number, string> = {};
  for (let i = 0; i < specs.length; i++) {
    const kind = encodeTask(w, specs[i], owner, ctx);
    offsets[i + 1] = w.n;
    if (kind.workerModule) kindModules[kind.code] = kind.workerModule;
  }
  const stamps = new Float64Array(3 * files.list.length).fill(-1);
  files.list.forEach((path, i) => {
    const st = planned?.get(path);
    if (!st?.mtimeNs) return;
    const ns = BigInt(st.mtimeNs);
    stamps.set([st.size, Number(ns / 1_000_000_000n), Number(ns % 1_000_000_000n)], 3 * i);
  });
  return { owner, tasks: w.done(), offsets, files: files.list, strings: strings.list, stamps, kindModules, keepFilePages };
}

/**
 * Files are mapped once per thread and version (the registry is process-wide and
 * reference-counted), checked against what the job planned with: a file that changed since is
 * INPUT_CHANGED, one that is no longer a regular file NOT_A_FILE (never a blocked thread: the
 * native open does not wait).
 */
const openFiles = new Map<string, number>();

function fileId(path: string, stamps: Float64Array, i: number, keepPages: boolean): number {
  const size = stamps[3 * i];
  const key = size >= 0 ? `${path}\0${size}\0${stamps[3 * i + 1]}\0${stamps[3 * i + 2]}` : path;
  let id = openFiles.get(key);
  if (id === undefined) {
    id = (size >= 0 ? native().openFile(path, size, stamps[3 * i + 1], stamps[3 * i + 2], keepPages) : native().openFile(path, -1, -1, -1, keepPages)).id;
    openFiles.set(key, id);
  }
  return id;
}

/** The native string tables this thread opened for its jobs' native tasks (native/tasks/string_tables.h). */
const openStringTables: number[] = [];

/** Unmaps this thread's job files and drops its jobs' native string tables (at the end of a job). */
export function closeFiles(): void {
  for (const id of openFiles.values()) native().closeFile(id);
  openFiles.clear();
  for (const id of openStringTables) native().closeStrings(id);
  openStringTables.length = 0;
}

/** The header's kind code: [version, code, owner, ...]. */
const CODE = 1;

/**
 * Runs the tasks of one encoded job on this thread. A file that cannot be opened (gone, changed,
 * not a regular file) fails the job's tasks with its typed error, not the thread. Kinds that run
 * JS (user functions) run only where `allowJs` says so: worker threads, never the main thread.
 */
export class JobRunner {
  private readonly out = new Float64Array(3);
  private fileIds: Float64Array | null = null;
  /** The job's string table made native, for kinds with string fields (0: the job has no strings). */
  private stringsId: number | null = null;

  constructor(private readonly job: EncodedJob, private readonly allowJs = false) {}

  /**
   * Runs task `index` reading the chunks `ids`; returns [chunk, bytesIn, bytesOut] (a reused
   * array), or a promise of it for a JS kind.
   */
  run(index: number, ids: Float64Array): Float64Array | Promise<Float64Array> {
    const spec = this.job.tasks.subarray(this.job.offsets[index], this.job.offsets[index + 1]);
    if (spec[CODE] >= FIRST_JS_CODE) return this.runJs(spec, ids);
    // The job's files are opened by its first task on this thread, not when the job arrives: a
    // worker may see a short job only after it has ended (and its files are gone), and a file
    // that cannot be opened then fails a task, with its key, instead of the worker.
    this.fileIds ??= Float64Array.from(this.job.files, (path, i) => fileId(path, this.job.stamps, i, this.job.keepFilePages));
    if (this.stringsId === null) {
      this.stringsId = this.job.strings.length ? native().openStrings(this.job.strings) : 0;
      if (this.stringsId) openStringTables.push(this.stringsId);
    }
    native().runEncoded(spec, ids, this.fileIds, this.out, this.stringsId);
    return this.out;
  }

  private async runJs(spec: Float64Array, ids: Float64Array): Promise<Float64Array> {
    const code = spec[CODE];
    // A collection's kind is registered here from its module, the first time a task needs it. The
    // module lists its kinds (`taskKinds`) rather than registering them itself: a bundle (Electron)
    // builds it apart from this worker, with a registry of its own.
    if (!taskKindByCode(code) && this.job.kindModules[code]) {
      const mod = await import(this.job.kindModules[code]) as { taskKinds?: TaskKind[] };
      for (const kind of mod.taskKinds ?? []) registerTaskKind(kind);
    }
    const run = taskKindByCode(code)?.runJs;
    if (!run) throw new TesseraError('BAD_TASK', `unknown task kind ${spec[CODE]}`, 'the kind is not registered on this thread: this is a bug, please report it');
    if (!this.allowJs) {
      throw new TesseraError('USER_CODE_ON_MAIN_THREAD', `a ${taskKindByCode(code)?.name ?? 'JS'} task runs JS (user functions, bag programs), which runs only in worker threads, never on the main thread where the sync scheduler runs every task`,
        'run the job with the threads scheduler (--scheduler threads, the default)');
    }
    const [chunk, bytesIn, bytesOut] = await run({ fields: spec.subarray(3), ids, strings: this.job.strings, owner: spec[2] });
    return Float64Array.of(chunk, bytesIn, bytesOut);
  }
}

/** One task by itself (tests and one-off calls). */
export function executeTask(spec: TaskSpec, ids: readonly number[], owner: number): { chunk: number; bytesIn: number; bytesOut: number } {
  const out = new JobRunner(encodeJob([spec], owner)).run(0, Float64Array.from(ids));
  if (out instanceof Promise) throw new TesseraError('INTERNAL', 'executeTask runs native kinds only', 'run JS kinds through an engine with worker threads');
  return { chunk: out[0], bytesIn: out[1], bytesOut: out[2] };
}
