/**
 * The task graph: what the scheduler runs, for any collection. A task names the chunks it reads
 * by the keys of the tasks that make them (`deps`); its spec is plain data of a registered task
 * kind (task-kinds.ts) that a worker turns into one call. Nothing here knows what a chunk holds.
 */

/** A task's description: its kind's name and the kind's own fields. */
export interface TaskSpec {
  kind: string;
}

export interface Task<S extends TaskSpec = TaskSpec> {
  key: string;
  layer: string;
  index: number[];
  deps: string[];
  spec: S;
  /** Bytes of the chunk the task makes (what the memory budget counts). */
  estBytes: number;
  /**
   * What its inputs' bytes say of its chunk once they are made, where estBytes can only guess:
   * 'exactly' their bytes (a merge, a sort of one partition), 'atMost' the smaller of estBytes
   * and their bytes (a range of a sorted run).
   */
  estFromInputs?: 'exactly' | 'atMost';
  /**
   * Dependencies it does not read but keeps alive until it finishes, never spilled meanwhile:
   * chunks a native writer may still hold (write-tasks.ts), counted against the memory limit.
   */
  holds?: string[];
  priority: number;
}

export interface Layer {
  name: string;
  /** The operations fused into this layer, for people (e.g. "uniform-power-sqrt-mean"). */
  label: string;
  /** The task kind of the layer's tasks. */
  kind: string;
  tasks: number;
  /** The layers whose chunks this one reads (filled in once the whole graph is lowered). */
  deps: string[];
  /** The chunk grid the layer's task indices address, where they address one (not combine trees). */
  grid?: number[][];
  /** Bytes per element of the chunks in that grid, for showing a chunk's size before it exists. */
  itemsize?: number;
  /**
   * The box the layer's task indices lie in (the grid's chunk counts where the tasks address the
   * grid): a task's chunk number is the C-order position of its index in this box, which is how
   * the task stream names chunks without strings (api/task-columns.ts).
   */
  indexShape: number[];
}

export interface TaskGraph<S extends TaskSpec = TaskSpec> {
  tasks: Task<S>[];
  /** Task number (position in `tasks`) by key. */
  indexOf: Map<string, number>;
  /**
   * Per task, its listed dependencies as task numbers (-1: a chunk no task of this graph makes,
   * i.e. a persisted one). Made once by the lowering, so ordering and scheduling never look keys up.
   */
  depIndex: number[][];
  layers: Layer[];
}

export function taskKey(layer: string, index: readonly number[]): string {
  return `${layer}:${index.join(',')}`;
}

