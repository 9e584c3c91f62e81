/**
 * An array job as another process can run it: its tasks (key, the keys of the chunks each reads,
 * its spec as plain data), the specs of the native programs the tasks name, by the ids they have
 * in the planning process, and the groups of tasks that go to the cluster as one Dask task each.
 * A cluster's task hosts register the programs anew and run any group given its input chunks
 * (task-host.ts); Dask's scheduler decides where and when. Kinds
 * that hold something of the planning process (a .npy writer, a user's module loaded in this
 * process) and chunks persisted in this process's store cannot go: those are refused here, by name.
 */
import type { ArrayGraph } from '../collections/array/array-graph.js';
import type { ArrayTaskSpec } from '../collections/array/kinds/index.js';
import { TesseraError } from '../engine/errors.js';
import type { DTypeName, ProgramSpec } from '../native/addon.js';
import { groupTasks, type TaskGroup } from './task-groups.js';

export interface PortableTask { key: string; layer: string; deps: string[]; spec: ArrayTaskSpec }

/** A .npy output the task hosts write into: the client made its temporary file (openWriter) and commits it. */
export interface SharedWriter { path: string; tempPath: string; dtype: DTypeName; shape: number[] }

export interface PortableJob {
  id: string;
  tasks: PortableTask[];
  programs: Record<number, ProgramSpec>;
  /** The outputs written by the workers, by the writer ids the write tasks name. */
  writers: Record<number, SharedWriter>;
  /** The Dask tasks: groups of tasks run by one call (task-groups.ts). */
  groups: TaskGroup[];
  /**
   * What comes back of each output: its chunks' keys (in the order of the output plan's chunks),
   * or for one the workers write, its write tasks' keys (they return nothing).
   */
  outputs: { name: string; keys: string[]; written: boolean }[];
}

const LOCAL_KINDS: Record<string, string> = {
  call: "a user's function (map_blocks)",
};

/**
 * The job of `graph`, whose .npy outputs (if any) `writers` describes, their temporary files made.
 * The commit tasks stay out of the groups: the client renames each file once every write is done.
 */
export function portableJob(id: string, graph: ArrayGraph, writers: Record<number, SharedWriter> = {}): PortableJob {
  for (const t of graph.tasks) {
    const what = LOCAL_KINDS[t.spec.kind];
    if (what) throw new TesseraError('NOT_ON_CLUSTER', `${what} does not run on a Dask cluster yet (task ${t.key})`, 'run the job without --cluster, or compute values and write them from the CLI');
  }
  graph.depIndex.forEach((deps, i) => {
    if (deps.includes(-1)) throw new TesseraError('NOT_ON_CLUSTER', `task ${graph.tasks[i].key} reads an array persisted in this process, which the cluster's workers cannot see`, 'compute the persisted array in the same job instead');
  });
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
  };
}
