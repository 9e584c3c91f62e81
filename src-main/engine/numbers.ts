/** Small numeric helpers every layer above may use. */

/**
 * The largest of `xs` (at least `floor`). A loop, not Math.max(...xs): spreading more than ~150k
 * values (a dimension's chunk sizes, a long job's memory samples) overflows the stack.
 */
export function largest(xs: readonly number[], floor = -Infinity): number {
  let m = floor;
  for (const x of xs) if (x > m) m = x;
  return m;
}

export function product(xs: readonly number[]): number {
  let p = 1;
  for (const x of xs) p *= x;
  return p;
}
