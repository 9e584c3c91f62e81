/**
 * A job as another process can run it: its tasks (key, the keys of the chunks each reads, its spec
 * as plain data), the specs of the native array programs the tasks name, by the ids they have in
 * the planning process, and the groups of tasks that go to the cluster as one Dask task each. A
 * cluster's task hosts register the programs anew and run any group given its input chunks
 * (task-host.ts); Dask's scheduler decides where and when. Any collection's graph can go (arrays,
 * tables, bags, the user's functions, which a task host runs in a worker thread of its own from
 * the module path the job names). A job may keep its outputs on the cluster instead of sending
 * them back (`persist`: tables used as arrays, whose array job comes next), and a later job reads
 * them there (`external`). What holds something of the planning process cannot go, and is refused
 * here by name: chunks held in this process's store (a persisted array).
 *
 * Specs are JSON with one extension: a bigint (a table program's int64 literal) is written as
 * {"$bigint": "<decimal>"}, and a key of the job's own data that starts with "$" gets one more
 * "$" (taken off when read), so a user's value shaped like the tag stays what it was (jobText /
 * parseJob).
 */
import type { ArrayGraph } from '../collections/array/array-graph.js';
import { TesseraError } from '../engine/errors.js';
import type { TaskGraph, TaskSpec } from '../engine/graph.js';
import type { DTypeName, ProgramSpec } from '../native/addon.js';
import type { FileStamp } from '../engine/executor.js';
import { groupTasks, type TaskGroup } from './task-groups.js';

export interface PortableTask { key: string; layer: string; deps: string[]; spec: TaskSpec }

/** A .npy output the task hosts write into: the client made its temporary file (openWriter) and commits it. */
export interface SharedWriter { path: string; tempPath: string; dtype: DTypeName; shape: number[]; complex?: boolean }

export interface PortableJob {
  id: string;
  tasks: PortableTask[];
  programs: Record<number, ProgramSpec>;
  /** The outputs written by the workers, by the writer ids the write tasks name. */
  writers: Record<number, SharedWriter>;
  /** The Dask tasks: groups of tasks run by one call (task-groups.ts). */
  groups: TaskGroup[];
  /**
   * What comes back: per output, its chunks' keys (for an array, in the order of the output plan's
   * chunks), or for one the workers write, its write tasks' keys (they return nothing).
   */
  outputs: { name: string; keys: string[]; written: boolean }[];
  /** The input files with the size and mtime the job planned with: a task host refuses a file that differs (INPUT_CHANGED). */
  files?: Record<string, FileStamp>;
  /**
   * Keep the outputs' chunks on the cluster under this name, for later jobs to read, and send back
   * only their headers; the sidecar lets them go when told to release the name.
   */
  persist?: string;
  /** Chunks a job reads that an earlier job kept on the cluster: by the key the tasks read, the persisted name and its key there. */
  external?: Record<string, [name: string, key: string]>;
}

/** Chunks kept on the cluster by earlier jobs: by the key a later graph reads, the persisted name and the key there. */
export type ClusterChunks = ReadonlyMap<string, [name: string, key: string]>;

/**
 * The chunks kept on the cluster that the graph reads (by key); refuses what a cluster cannot
 * run: chunks held in this process.
 */
function externalChunks(graph: Pick<TaskGraph, 'tasks' | 'depIndex'>, onCluster: ClusterChunks): PortableJob['external'] {
  const external: NonNullable<PortableJob['external']> = {};
  graph.depIndex.forEach((deps, i) => {
    deps.forEach((d, k) => {
      if (d !== -1) return;
      const key = graph.tasks[i].deps[k];
      const there = onCluster.get(key);
      if (!there) throw new TesseraError('NOT_ON_CLUSTER', `task ${graph.tasks[i].key} reads an array persisted in this process, which the cluster's workers cannot see`, 'compute the persisted array in the same job instead');
      external[key] = there;
    });
  });
  return Object.keys(external).length ? external : undefined;
}

/** Any graph whose chunks under `keep` come back (as one output, 'kept'). */
export function portableGraph(id: string, graph: TaskGraph, keep: ReadonlySet<string>, files?: ReadonlyMap<string, FileStamp>): PortableJob {
  externalChunks(graph, new Map());
  return {
    id, programs: {}, writers: {}, ...(files ? { files: Object.fromEntries(files) } : {}),
    tasks: graph.tasks.map((t) => ({ key: t.key, layer: t.layer, deps: t.deps, spec: t.spec })),
    groups: groupTasks(graph, keep),
    outputs: [{ name: 'kept', keys: [...keep], written: false }],
  };
}

/**
 * The job of an array graph, whose .npy outputs (if any) `writers` describes, their temporary
 * files made, and which may read chunks kept on the cluster (`onCluster`). The commit tasks stay
 * out of the groups: the client renames each file once every write is done.
 */
export function portableJob(id: string, graph: ArrayGraph, writers: Record<number, SharedWriter> = {}, onCluster: ClusterChunks = new Map()): PortableJob {
  const external: NonNullable<PortableJob['external']> = { ...externalChunks(graph, onCluster) };
  // An output chunk no task makes is a kept one itself (a table's column as the array).
  for (const o of graph.outputs) {
    for (const c of o.chunks) {
      const there = graph.indexOf.has(c.key) ? undefined : onCluster.get(c.key);
      if (there) external[c.key] = there;
    }
  }
  const writeKeys = (writer: number) => graph.tasks.filter((t) => t.spec.kind === 'write' && t.spec.writer === writer).map((t) => t.key);
  const outputs = graph.outputs.map((o) => (o.writer ? { name: o.name, keys: writeKeys(o.writer), written: true } : { name: o.name, keys: o.chunks.map((c) => c.key), written: false }));
  const commits = new Set(graph.tasks.filter((t) => t.spec.kind === 'commit').map((t) => t.key));
  return {
    id,
    tasks: graph.tasks.map((t) => ({ key: t.key, layer: t.layer, deps: t.deps, spec: t.spec })),
    programs: graph.programSpecs,
    writers,
    groups: groupTasks(graph, new Set(outputs.flatMap((o) => o.keys))).filter((g) => !commits.has(g.key)),
    outputs,
    ...(Object.keys(external).length ? { external } : {}),
  };
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A job as JSON text, bigints tagged and "$" keys escaped. */
export function jobText(job: PortableJob): string {
  return JSON.stringify(job, (_k, v) => {
    if (typeof v === 'bigint') return { $bigint: v.toString() };
    if (isPlainObject(v) && Object.keys(v).some((k) => k.startsWith('$'))) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k.startsWith('$') ? `$${k}` : k, x]));
    return v;
  });
}

/** A job from jobText's JSON (as the sidecar passes it on), bigints restored and "$" keys unescaped. */
export function parseJob(text: string): PortableJob {
  return JSON.parse(text, (_k, v) => {
    if (!isPlainObject(v)) return v;
    const keys = Object.keys(v);
    if (keys.length === 1 && keys[0] === '$bigint' && typeof v.$bigint === 'string') return BigInt(v.$bigint);
    return keys.some((k) => k.startsWith('$$')) ? Object.fromEntries(keys.map((k) => [k.startsWith('$$') ? k.slice(1) : k, v[k]])) : v;
  }) as PortableJob;
}
