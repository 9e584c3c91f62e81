/**
 * The most chunks an array may have. Planning holds a few hundred bytes and ~10 us per task, so
 * a million chunks is seconds and a few hundred MB; a grid beyond it is refused before anything
 * the size of the grid is allocated (a billion chunks would exhaust the JS heap).
 */
import { TesseraError } from '../../engine/errors.js';
import { chunkCount, product } from './grid.js';

export const MAX_CHUNKS = 2 ** 20;

export function tooManyChunks(count: number, elements: number): TesseraError {
  const per = Math.ceil(elements / MAX_CHUNKS);
  return new TesseraError('TOO_MANY_CHUNKS', `the array would have ${count.toExponential(2)} chunks; Tessera plans at most ${MAX_CHUNKS} per array`,
    `use larger chunks: at least ${per.toLocaleString('en-US')} elements each (for example "chunks": "auto" or a size such as "256MB"), or a smaller array`);
}

/** Refuses a grid of more than MAX_CHUNKS chunks (also by the product of its dimensions). */
export function checkChunkCount(grid: readonly (readonly number[])[], shape: readonly number[]): void {
  const count = chunkCount(grid);
  if (count > MAX_CHUNKS) throw tooManyChunks(count, product(shape));
}

/** Refuses a dimension of n elements in chunks of `size` that would be more than MAX_CHUNKS chunks. */
export function checkRegular(n: number, size: number): void {
  if (Math.ceil(n / size) > MAX_CHUNKS) throw tooManyChunks(Math.ceil(n / size), n);
}
