/**
 * An array job's task graph: the engine's TaskGraph of array task kinds, with what the array
 * collection needs around the run: where each output's chunks are, and the native programs and
 * .npy writers the job holds until it ends.
 */
import type { DTypeName, ProgramSpec } from '../../native/addon.js';
import type { TaskGraph } from '../../engine/graph.js';
import type { ArrayTaskSpec } from './kinds/index.js';

export interface OutputPlan {
  name: string;
  shape: number[];
  dtype: DTypeName;
  /** Chunk offsets and shapes with the key of the task holding each. */
  chunks: { key: string; offset: number[]; shape: number[] }[];
  /** Written to this .npy file (large outputs) or HDF5 file (as `dataset`), else returned as values. */
  path?: string;
  dataset?: string;
  writer?: number;
  commitKey?: string;
  /** (re, im) pairs along the last axis, a complex result (complex.ts). */
  complex?: boolean;
}

export interface ArrayGraph extends TaskGraph<ArrayTaskSpec> {
  outputs: OutputPlan[];
  programs: number[];
  /** The programs' specs by id, for registering them in another process (a cluster's task hosts). */
  programSpecs: Record<number, ProgramSpec>;
  writers: number[];
}
