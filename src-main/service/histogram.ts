/**
 * Histograms of array outputs for the Results panel. A small output is counted whole; a large one
 * (an .npy file that may not fit in memory) is counted from an even sample of blocks spread over
 * the file, and says how many of its elements it counted.
 */
import { open } from 'node:fs/promises';
import type { Histogram, OutputEvent } from '../api/contract.js';
import { TesseraError } from '../engine/errors.js';
import { readNpyInfo } from '../collections/array/files.js';
import { itemsize } from '../collections/array/dtype.js';
import { product } from '../collections/array/grid.js';
import { flatten, fromScalar, type Nested, typedArray } from '../collections/array/values.js';

export const BINS = 32;
/** Files with at most this many elements are read whole; larger ones are sampled. */
const READ_WHOLE = 1 << 20;
const SAMPLE_BLOCKS = 64;
const BLOCK_ELEMENTS = 1 << 14;

function count(values: ArrayLike<number | bigint>, n: number, total: number): Histogram {
  let lo = Infinity, hi = -Infinity, nan = 0;
  for (let i = 0; i < n; i++) {
    const v = Number(values[i]);
    if (Number.isNaN(v)) nan++;
    else if (Number.isFinite(v)) { if (v < lo) lo = v; if (v > hi) hi = v; }
  }
  const counts = new Array<number>(BINS).fill(0);
  if (lo > hi) return { lo: 0, hi: 0, counts, sampled: n, total, nan };
  const width = (hi - lo) / BINS || 1;
  for (let i = 0; i < n; i++) {
    const v = Number(values[i]);
    if (Number.isNaN(v)) continue;
    const b = v === Infinity ? BINS - 1 : v === -Infinity ? 0 : Math.min(BINS - 1, Math.floor((v - lo) / width));
    counts[b]++;
  }
  return { lo, hi, counts, sampled: n, total, nan };
}

/** The histogram of a value output (nested lists, as in the job's results). */
export function histogramOfValues(values: Nested): Histogram {
  const flat = flatten(values).map(fromScalar);
  return count(flat, flat.length, flat.length);
}

/** The histogram of an .npy file the engine wrote (C order, native byte order). */
export async function histogramOfNpy(path: string): Promise<Histogram> {
  const info = await readNpyInfo(path);
  if (info.complex) throw new TesseraError('UNSUPPORTED_DTYPE', `${path} holds complex values, which have no histogram here`, 'take abs() or .real of the output for one');
  const total = product(info.shape);
  const size = itemsize(info.dtype);
  const whole = total <= READ_WHOLE;
  const blocks = whole ? 1 : SAMPLE_BLOCKS;
  const per = whole ? total : BLOCK_ELEMENTS;
  const buf = new Uint8Array(blocks * per * size);
  const fh = await open(path, 'r');
  try {
    for (let b = 0; b < blocks; b++) {
      const first = whole ? 0 : Math.floor((b * (total - per)) / (blocks - 1));
      await fh.read(buf, b * per * size, per * size, info.dataOffset + first * size);
    }
  } finally {
    await fh.close();
  }
  const values = typedArray(info.dtype, buf.buffer);
  return count(values, blocks * per, total);
}

/** Adds a histogram to each array output (and to nothing else). */
export async function withHistograms(outputs: OutputEvent[]): Promise<OutputEvent[]> {
  return Promise.all(outputs.map(async (o) => {
    if (o.kind !== 'array' || o.dtype === 'str' || o.dtype?.startsWith('complex')) return o; // df.columns: names, nothing to bin; complex values bin in no one line
    try {
      return { ...o, histogram: o.path ? await histogramOfNpy(o.path) : histogramOfValues(o.values as Nested) };
    } catch {
      return o; // a histogram is a nicety: the results stand without one
    }
  }));
}
