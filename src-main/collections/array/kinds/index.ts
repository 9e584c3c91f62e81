/**
 * The array collection's task kinds: each one module here and one in native/tasks/kinds/. This
 * is where they are registered with the engine (importing the array collection registers them).
 */
import { registerTaskKind } from '../../../engine/task-kinds.js';
import type { CallSpec } from '../../../engine/kinds/call.js';
import { assembleKind, type AssembleSpec } from './assemble.js';
import { combineKind, type CombineSpec } from './combine.js';
import { commitKind, type CommitSpec } from './commit.js';
import { compressKind, type CompressSpec } from './compress.js';
import { fftKind, type FftSpec } from './fft.js';
import { hdf5ReadKind, type Hdf5ReadSpec } from './hdf5-read.js';
import { histogramKind, type HistogramSpec } from './histogram.js';
import { linalgKind, type LinalgSpec } from './linalg.js';
import { mapKind, type MapSpec } from './map.js';
import { matmulKind, type MatmulSpec } from './matmul.js';
import { mergeKind, type MergeSpec } from './merge.js';
import { reduceKind, type ReduceSpec } from './reduce.js';
import { scanKind, type ScanSpec } from './scan.js';
import { sortKind, type SortSpec } from './sort.js';
import { writeKind, type WriteSpec } from './write.js';
import { zarrReadKind, type ZarrReadSpec } from './zarr-read.js';

export type { ReduceFields } from './fields.js';
export type { AssembleSpec, CombineSpec, CommitSpec, CompressSpec, FftSpec, Hdf5ReadSpec, HistogramSpec, LinalgSpec, MapSpec, MatmulSpec, MergeSpec, ReduceSpec, ScanSpec, SortSpec, WriteSpec, ZarrReadSpec };

/** Every task an array job makes (map_blocks runs the engine's `call` kind). */
export type ArrayTaskSpec = MapSpec | ReduceSpec | CombineSpec | AssembleSpec | MatmulSpec | ScanSpec | CompressSpec | SortSpec | MergeSpec | HistogramSpec | Hdf5ReadSpec | ZarrReadSpec | LinalgSpec | FftSpec | WriteSpec | CommitSpec | CallSpec;

registerTaskKind(mapKind);
registerTaskKind(reduceKind);
registerTaskKind(scanKind);
registerTaskKind(compressKind);
registerTaskKind(sortKind);
registerTaskKind(mergeKind);
registerTaskKind(histogramKind);
registerTaskKind(hdf5ReadKind);
registerTaskKind(zarrReadKind);
registerTaskKind(linalgKind);
registerTaskKind(fftKind);
registerTaskKind(combineKind);
registerTaskKind(assembleKind);
registerTaskKind(matmulKind);
registerTaskKind(writeKind);
registerTaskKind(commitKind);
