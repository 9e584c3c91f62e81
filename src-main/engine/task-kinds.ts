/**
 * Task kinds and how a task crosses to the thread that runs it. Each kind is one module: its spec
 * type and its encoder here in TS, and, for a native kind, its decoder and runner under
 * native/tasks/kinds/ (registered in native/tasks/registry.cc under the same code). The collection
 * that owns a kind registers it (the array kinds: collections/array/kinds/index.ts; the core's own:
 * engine/kinds/index.ts); nothing else switches over kinds.
 *
 * A task is packed into one flat run of numbers (a job's tasks go back to back into one
 * Float64Array, executor.ts): no property lookups per task in the binding, which made a trivial
 * task cost several microseconds.
 *
 *   [version=1, code, owner, ...the kind's fields]
 *
 * Strings (file paths, module names, a user function's arguments, a CSV's column names) go into
 * tables of the job and the fields name them by index; native kinds read the string table through
 * Reader::string_ref (the runner makes it native once per job and thread: executor.ts).
 */
import { TesseraError } from './errors.js';
import type { TaskSpec } from './graph.js';

export const ENCODING_VERSION = 1;

/**
 * Codes below this are native kinds (native/tasks/registry.cc); from it up, kinds that run JS in
 * the worker threads, so a runner tells the two apart without a lookup.
 */
export const FIRST_JS_CODE = 64;

/** Appends numbers to a Float64Array that grows by doubling. */
export class Writer {
  buf: Float64Array;
  n = 0;
  constructor(capacity = 256) {
    this.buf = new Float64Array(capacity);
  }
  push(v: number): void {
    if (this.n === this.buf.length) {
      const bigger = new Float64Array(this.buf.length * 2);
      bigger.set(this.buf);
      this.buf = bigger;
    }
    this.buf[this.n++] = v;
  }
  /** The numbers written so far, as an array of their own. */
  done(): Float64Array {
    return this.buf.slice(0, this.n);
  }
  list(xs: readonly number[]): void {
    for (let i = 0; i < xs.length; i++) this.push(xs[i]);
  }
  shape(s: readonly number[]): void {
    this.push(s.length);
    this.list(s);
  }
}

/** The job-wide tables an encoder may add to. */
export interface EncodeContext {
  /** The index of an input file in the job's file table (the worker opens each once). */
  fileIndex(path: string): number;
  /** The index of a string in the job's string table. */
  stringIndex(s: string): number;
}

/** What a task running in JS (not native) is given. */
export interface JsTaskContext {
  /** The task's fields after the header. */
  fields: Float64Array;
  /** The store ids of the chunks it reads, in the order of its deps. */
  ids: Float64Array;
  strings: readonly string[];
  owner: number;
}

export interface TaskKind<S extends TaskSpec = TaskSpec> {
  name: S['kind'];
  /** The kind's number in the encoding (and in native/tasks/registry.cc, for a native kind). */
  code: number;
  /** Appends the kind's fields (the header is written by encodeTask). */
  encode(w: Writer, spec: S, ctx: EncodeContext): void;
  /**
   * Bytes of the chunk a task of this kind makes, from its spec alone: what the memory gate
   * counts for it before it runs (Task.estBytes).
   */
  estimate(spec: S): number;
  /**
   * For a kind that runs JS in a worker thread instead of a native call: runs one task and returns
   * [chunk, bytesIn, bytesOut]. Only workers call it (the scheduler refuses such tasks on its own thread).
   */
  runJs?(task: JsTaskContext): Promise<[number, number, number]>;
  /**
   * For a JS kind that a collection registers (the engine's worker imports only the core's kinds):
   * the URL of a module that exports it in a list `taskKinds`, which a worker imports and
   * registers the first time a job gives it a task of this kind. Usually the kind module's own
   * `import.meta.url`; a bundle (Electron) names the file it built with setWorkerModule.
   */
  workerModule?: string;
}

const byName = new Map<string, TaskKind>();
const byCode = new Map<number, TaskKind>();
/** Where a bundle built the JS kinds' modules, by kind name (setWorkerModule), for kinds not registered yet too. */
const bundledModules = new Map<string, string>();

/** Registers a kind; registering the same module again (a second import) is a no-op. */
export function registerTaskKind<S extends TaskSpec>(kind: TaskKind<S>): void {
  const known = byName.get(kind.name) ?? byCode.get(kind.code);
  if (known === (kind as unknown as TaskKind)) return;
  if (!Number.isInteger(kind.code) || kind.code < 1 || (kind.code >= FIRST_JS_CODE) !== Boolean(kind.runJs)) {
    throw new TesseraError('INTERNAL', `task kind '${kind.name}' has code ${kind.code}`, `native kinds take codes 1 to ${FIRST_JS_CODE - 1}, kinds that run JS ${FIRST_JS_CODE} and up`);
  }
  if (known) throw new TesseraError('INTERNAL', `task kind '${kind.name}' (code ${kind.code}) clashes with '${known.name}' (code ${known.code})`, 'each kind needs its own name and code');
  const bundled = bundledModules.get(kind.name);
  if (bundled) kind.workerModule = bundled;
  byName.set(kind.name, kind as unknown as TaskKind);
  byCode.set(kind.code, kind as unknown as TaskKind);
}

/**
 * Where a worker finds a JS kind when this code is bundled (see TaskKind.workerModule): the kind
 * may register later (a collection the CLI imports only when a job needs it).
 */
export function setWorkerModule(name: string, url: string): void {
  bundledModules.set(name, url);
  const known = byName.get(name);
  if (known) known.workerModule = url;
}

export function taskKind(name: string): TaskKind {
  const k = byName.get(name);
  if (!k) throw new TesseraError('INTERNAL', `unknown task kind '${name}'`, 'the collection that makes such tasks did not register the kind');
  return k;
}

export function taskKindByCode(code: number): TaskKind | undefined {
  return byCode.get(code);
}

export function registeredTaskKinds(): TaskKind[] {
  return [...byName.values()];
}

/** The byte estimate of a task, by its kind. */
export function estimateBytes(spec: TaskSpec): number {
  return taskKind(spec.kind).estimate(spec);
}

/** Appends one task's encoding to w (a job's tasks go back to back into one writer); returns its kind. */
export function encodeTask(w: Writer, spec: TaskSpec, owner: number, ctx: EncodeContext): TaskKind {
  const kind = taskKind(spec.kind);
  w.push(ENCODING_VERSION); w.push(kind.code); w.push(owner);
  kind.encode(w, spec, ctx);
  return kind;
}
