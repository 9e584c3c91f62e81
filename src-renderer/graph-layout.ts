/**
 * Layout for the graph panel: nodes placed in columns by depth (the longest path from a node with
 * no inputs), rows in order of first appearance. Linear in nodes plus edges, so a layer graph of
 * any job and a task graph of a few hundred tasks lay out instantly.
 */
export interface Placed { id: number; column: number; row: number }

/** `deps[i]` lists the nodes node i reads; nodes are given in an order where deps come first or not. */
export function layoutByDepth(deps: number[][]): { placed: Placed[]; columns: number; rows: number } {
  const n = deps.length;
  const depth = new Int32Array(n).fill(-1);
  const visiting = new Uint8Array(n);
  const depthOf = (start: number): number => {
    // Iterative DFS: a deep chain (a long combine tree) must not overflow the stack.
    const stack = [start];
    while (stack.length) {
      const i = stack[stack.length - 1];
      if (depth[i] >= 0) { stack.pop(); continue; }
      visiting[i] = 1;
      let ready = true;
      for (const d of deps[i]) if (depth[d] < 0 && !visiting[d]) { stack.push(d); ready = false; }
      if (!ready) continue;
      let best = 0;
      for (const d of deps[i]) if (depth[d] >= 0) best = Math.max(best, depth[d] + 1);
      depth[i] = best;
      stack.pop();
    }
    return depth[start];
  };
  const rowsIn: number[] = [];
  const placed: Placed[] = [];
  for (let i = 0; i < n; i++) {
    const column = depthOf(i);
    const row = rowsIn[column] ?? 0;
    rowsIn[column] = row + 1;
    placed.push({ id: i, column, row });
  }
  return { placed, columns: rowsIn.length, rows: Math.max(0, ...rowsIn) };
}
