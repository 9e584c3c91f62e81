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
import type { ProgramSpec } from '../native/addon.js';
import { groupTasks, type TaskGroup } from './task-groups.js';

export interface PortableTask { key: string; layer: string; deps: string[]; spec: ArrayTaskSpec }

export interface PortableJob {
  id: string;
  tasks: PortableTask[];
  programs: Record<number, ProgramSpec>;
  /** The Dask tasks: groups of tasks run by one call (task-groups.ts). */
  groups: TaskGroup[];
  /** Each output's chunk keys, in the order of the output plan's chunks. */
  outputs: { name: string; keys: string[] }[];
}

const LOCAL_KINDS: Record<string, string> = {
  write: 'an output written to a .npy file by the workers',
  commit: 'an output written to a .npy file by the workers',
  call: "a user's function (map_blocks)",
};

export function portableJob(id: string, graph: ArrayGraph): PortableJob {
  for (const t of graph.tasks) {
    const what = LOCAL_KINDS[t.spec.kind];
    if (what) throw new TesseraError('NOT_ON_CLUSTER', `${what} does not run on a Dask cluster yet (task ${t.key})`, 'run the job without --cluster, or compute values and write them from the CLI');
  }
  graph.depIndex.forEach((deps, i) => {
    if (deps.includes(-1)) throw new TesseraError('NOT_ON_CLUSTER', `task ${graph.tasks[i].key} reads an array persisted in this process, which the cluster's workers cannot see`, 'compute the persisted array in the same job instead');
  });
  const outputs = graph.outputs.map((o) => ({ name: o.name, keys: o.chunks.map((c) => c.key) }));
  return {
    id,
    tasks: graph.tasks.map((t) => ({ key: t.key, layer: t.layer, deps: t.deps, spec: t.spec })),
    programs: graph.programSpecs,
    groups: groupTasks(graph, new Set(outputs.flatMap((o) => o.keys))),
    outputs,
  };
}
