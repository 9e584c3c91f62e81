/**
 * What the chunk layout draws for one layer: a plane of cells over its chunk grid. 1-D grids wrap
 * into rows, and so does a plane one chunk wide or tall (a 385 x 1 grid was a 4 px sliver); N-D
 * grids show their last two dimensions at a chosen index of the leading ones. A
 * grid with more chunks than fit (MAX_ROWS x MAX_COLS cells) groups neighbouring chunks into one
 * cell, coloured by what most of them are doing (a running or failed chunk shows first), so a
 * layer of 10^5 chunks costs one pass over its states and one putImageData per draw.
 */
import type { ChunkLayer } from './job-store';

export const MAX_COLS = 120;
export const MAX_ROWS = 40;
const STATES = 5;

export interface Plane {
  rows: number;
  cols: number;
  /** The chunks (C-order numbers) under a cell, with their grid index (first chunk's). */
  chunksAt(r: number, q: number): { first: number[]; ats: number[] };
  /** Per cell, chunks in each state (cells x 5, row-major). */
  counts(): Uint32Array;
}

/** n chunks numbered base, base + 1, ..., wrapped into rows; `index(k)` is the k-th one's grid index. */
function line(c: ChunkLayer, n: number, base: number, index: (k: number) => number[]): Plane {
  const g = Math.ceil(n / Math.min(n, MAX_COLS * MAX_ROWS)); // chunks per cell
  const cells = Math.ceil(n / g);
  const cols = Math.min(cells, MAX_COLS), rows = Math.ceil(cells / cols);
  return {
    rows, cols,
    chunksAt(r, q) {
      const cell = r * cols + q, ats: number[] = [];
      for (let k = cell * g; k < Math.min(n, (cell + 1) * g); k++) ats.push(base + k);
      return { first: index(cell * g), ats };
    },
    counts() {
      const out = new Uint32Array(rows * cols * STATES);
      for (let k = 0; k < n; k++) out[Math.floor(k / g) * STATES + c.states[base + k]]++;
      return out;
    },
  };
}

export function planeOf(c: ChunkLayer, lead: number[]): Plane {
  const nd = c.counts.length;
  if (nd <= 1) return line(c, c.counts[0] ?? 1, 0, (k) => [k]);
  const rows0 = c.counts[nd - 2], cols0 = c.counts[nd - 1];
  const leading = lead.slice(0, nd - 2).concat(new Array(Math.max(0, nd - 2 - lead.length)).fill(0));
  if (rows0 === 1 || cols0 === 1) {
    let start = 0;
    for (let d = 0; d < nd - 2; d++) start = start * c.counts[d] + leading[d];
    return line(c, rows0 * cols0, start * rows0 * cols0, (k) => [...leading, cols0 === 1 ? k : 0, cols0 === 1 ? 0 : k]);
  }
  const fr = Math.ceil(rows0 / MAX_ROWS), fc = Math.ceil(cols0 / MAX_COLS);
  const rows = Math.ceil(rows0 / fr), cols = Math.ceil(cols0 / fc);
  let base = 0;
  for (let d = 0; d < nd - 2; d++) base = base * c.counts[d] + (lead[d] ?? 0);
  base *= rows0 * cols0;
  return {
    rows, cols,
    chunksAt(r, q) {
      const ats: number[] = [];
      for (let i = r * fr; i < Math.min(rows0, (r + 1) * fr); i++) for (let j = q * fc; j < Math.min(cols0, (q + 1) * fc); j++) ats.push(base + i * cols0 + j);
      return { first: [...lead.slice(0, nd - 2), r * fr, q * fc], ats };
    },
    counts() {
      const out = new Uint32Array(rows * cols * STATES);
      for (let i = 0; i < rows0; i++) {
        const rowCell = Math.floor(i / fr) * cols;
        for (let j = 0; j < cols0; j++) out[(rowCell + Math.floor(j / fc)) * STATES + c.states[base + i * cols0 + j]]++;
      }
      return out;
    },
  };
}

/** The state a cell shows: failed, else running, else what most of its chunks are in. */
export function cellState(counts: Uint32Array, cell: number): number {
  const o = cell * STATES;
  if (counts[o + 4]) return 4;
  if (counts[o + 1]) return 1;
  let best = -1, n = 0;
  for (let s = 0; s < STATES; s++) if (counts[o + s] > n) { n = counts[o + s]; best = s; }
  return best;
}
