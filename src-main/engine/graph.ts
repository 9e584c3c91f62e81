/**
 * The task graph: what the scheduler runs. A task names the chunks it reads by the keys of the
 * tasks that make them (`deps`); its spec is plain data that a worker turns into one native call.
 */
import type { CTypeName, DTypeName, ReduceName } from '../native/addon.js';
import type { AccessTemplate } from './compile.js';

export interface ReduceFields {
  reduce: ReduceName;
  acc: CTypeName;
  ddof: number;
  sqrt: boolean;
  outDtype: DTypeName;
}

export type TaskSpec =
  | { kind: 'map'; program: number; accesses: AccessTemplate[]; iterShape: number[]; outDtype: DTypeName; outShape: number[] }
  | ({ kind: 'reduce'; program: number; accesses: AccessTemplate[]; iterShape: number[]; reduced: number[]; indexBase: number; indexStrides: number[]; finalize: boolean; outShape?: number[] } & ReduceFields)
  | ({ kind: 'combine'; finalize: boolean; outShape?: number[] } & ReduceFields)
  | { kind: 'assemble'; dtype: DTypeName; outShape: number[]; pieces: { source: AccessTemplate; shape: number[]; destOffset: number[] }[] }
  | { kind: 'matmul'; type: CTypeName; a: AccessTemplate[]; b: AccessTemplate[]; k: number[]; m: number; n: number; outDtype: DTypeName }
  /** The chunk's elements in C order are the box `shape` at `offset` of the output (for a reshaped
   * output, not the chunk's own shape: its chunks are its input's). */
  | { kind: 'write'; writer: number; offset: number[]; shape: number[] }
  | { kind: 'commit'; writer: number };

export interface Task {
  key: string;
  layer: string;
  index: number[];
  deps: string[];
  spec: TaskSpec;
  /** Bytes of the chunk the task makes (what the memory budget counts). */
  estBytes: number;
  priority: number;
}

export interface Layer {
  name: string;
  /** The operations fused into this layer, for people (e.g. "uniform-power-sqrt-mean"). */
  label: string;
  kind: TaskSpec['kind'];
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

export interface OutputPlan {
  name: string;
  shape: number[];
  dtype: DTypeName;
  /** Chunk offsets and shapes with the key of the task holding each. */
  chunks: { key: string; offset: number[]; shape: number[] }[];
  /** Written to this .npy file (large outputs), else returned as values. */
  path?: string;
  writer?: number;
  commitKey?: string;
}

export interface TaskGraph {
  tasks: Task[];
  /** Task number (position in `tasks`) by key. */
  indexOf: Map<string, number>;
  /**
   * Per task, its listed dependencies as task numbers (-1: a chunk no task of this graph makes,
   * i.e. a persisted one). Made once by the lowering, so ordering and scheduling never look keys up.
   */
  depIndex: number[][];
  layers: Layer[];
  outputs: OutputPlan[];
  programs: number[];
  writers: number[];
}
