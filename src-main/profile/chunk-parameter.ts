/**
 * The chunking parameter a sweep varies. A sweep knows only this interface, so table partitions
 * (blocksize) and bag partitions plug in the same way when Tessera reads tables and text. For
 * arrays the parameter is elements per chunk: a dataset's chunks become a byte target of
 * elements x itemsize, laid out as "auto" lays chunks out (whole rows of a C-order array).
 */
import type { JobSpec } from '../run/job-spec.js';
import type { Node } from '../collections/array/expr.js';
import { itemsize } from '../collections/array/dtype.js';
import { autoChunks } from '../collections/array/chunks.js';
import { product } from '../collections/array/grid.js';

export interface ChunkParameter {
  /** What is varied, for people: "chunks of x (elements)". */
  label: string;
  dataset: string;
  /** The values to try when none are given: log-spaced over the sensible range. */
  defaults(): number[];
  /** The spec with the parameter set to a value. */
  apply(spec: JobSpec, value: number): JobSpec;
  /** Bytes of one chunk at a value (for memory warnings and reports). */
  chunkBytes(value: number): number;
  /** A chunk's size per dimension at a value (the spec's "chunks" giving the same chunking). */
  chunkShape(value: number): number[];
  /** Chunks at a value. */
  chunkCount(value: number): number;
}

/** Sweep values: 10^(k/2) steps (1e4, 3.2e4, 1e5, ...) between lo and hi, hi itself included. */
export function logSpaced(lo: number, hi: number): number[] {
  const out: number[] = [];
  for (let e = Math.ceil(Math.log10(lo) * 2) / 2; 10 ** e < hi * 0.999; e += 0.5) out.push(Math.round(10 ** e));
  out.push(Math.round(hi));
  return [...new Set(out)];
}

export function arrayChunkParameter(name: string, node: Node, workers: number): ChunkParameter {
  const elements = product(node.shape);
  const size = itemsize(node.dtype);
  // A Fortran-order file is chunked along its last axis first ("auto" follows the file's order).
  const order = node.op === 'source' && node.source.kind === 'file' && node.source.fortran ? 'F' : 'C';
  const rowElements = node.shape.length > 1 ? product(order === 'C' ? node.shape.slice(1) : node.shape.slice(0, -1)) : 1;
  // A chunk is at least one row (a column, in Fortran order), at most the whole array.
  const clamp = (v: number) => Math.min(elements, Math.max(rowElements, Math.round(v)));
  /** The grid the sweep's run at a value has: its chunks given as bytes, laid out as "auto" lays them. */
  const grid = (v: number) => autoChunks(node.shape, size, order, clamp(v) * size);
  return {
    label: `chunks of ${name} (elements)`,
    dataset: name,
    defaults() {
      // From ~10^4 elements (or 1/20000 of the array) up to one chunk per worker and beyond.
      const lo = Math.max(rowElements, 1e4, elements / 20_000);
      const hi = Math.max(lo, elements / Math.max(1, workers / 2));
      return logSpaced(lo, hi).map(clamp).filter((v, i, a) => a.indexOf(v) === i);
    },
    apply(spec, value) {
      const d = spec.datasets[name];
      return { ...spec, datasets: { ...spec.datasets, [name]: { ...d, chunks: `${clamp(value) * size}B` } } };
    },
    chunkBytes: (value) => clamp(value) * size,
    chunkShape: (value) => grid(value).map((g) => Math.max(...g)),
    chunkCount: (value) => grid(value).reduce((n, g) => n * g.length, 1),
  };
}
