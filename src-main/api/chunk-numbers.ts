/**
 * Chunks named by number: the C-order position of a chunk index in a box of chunk counts. The
 * planner, the task stream's columns and the window's chunk views all number chunks this way.
 * Pure, no imports: every layer may use it.
 */

/** The C-order position of a chunk index in a box of chunk counts `shape`; -1 if outside it. */
export function chunkNumber(index: readonly number[], shape: readonly number[]): number {
  if (index.length !== shape.length) return -1;
  let at = 0;
  for (let d = 0; d < shape.length; d++) {
    const v = index[d];
    if (!(v >= 0 && v < shape[d])) return -1;
    at = at * shape[d] + v;
  }
  return at;
}

/** The chunk index at a chunk number in a box (the inverse of chunkNumber). */
export function chunkIndex(n: number, shape: readonly number[]): number[] {
  const out = new Array<number>(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) {
    out[d] = n % shape[d];
    n = Math.floor(n / shape[d]);
  }
  return out;
}

/** Grows a box of chunk counts (the bounding box of chunk indices seen so far) to hold `index`. */
export function growBox(box: number[], index: readonly number[]): void {
  index.forEach((v, d) => { box[d] = Math.max(box[d] ?? 0, v + 1); });
}
