/**
 * The optimizer's decisions: which nodes are materialised (get a layer of tasks whose chunks live
 * in the store) and which are fused into their consumer's kernel program.
 *
 * Policy:
 * - Elementwise chains, views, concatenations and sources fuse into the program of whatever
 *   consumes them, so `sqrt(x**2)*3 + y` is one pass, and a reduction fused with its producer
 *   never materialises the producer (nor, for a random x, x itself).
 * - A node is materialised when it is an output, a reduction, a matmul, the input of a reshape
 *   or of a rechunk that must move data, or the operand of a matmul that computes something.
 * - Common subexpressions: a node with two or more consumers anywhere in the job is computed once
 *   (materialised) if it computes something. Sources and views of sources are recomputed
 *   instead: re-reading or regenerating them costs less than holding them in memory.
 */
import { children, type Node } from './expr.js';

export class Plan {
  readonly materialized = new Set<number>();
  readonly consumers = new Map<number, number>();
  readonly nodes = new Map<number, Node>();

  constructor(readonly outputs: Node[]) {
    for (const o of outputs) this.visit(o);
    for (const o of outputs) this.mark(o);
    for (const n of this.nodes.values()) this.decide(n);
    // Rechunks depend on what lies below them, so settle them bottom-up until nothing changes.
    let changed = true;
    while (changed) {
      changed = false;
      for (const n of this.nodes.values()) {
        if (n.op === 'rechunk' && !this.isMaterialized(n.input) && this.hasMaterializedBelow(n.input)) {
          this.mark(n.input);
          this.mark(n);
          changed = true;
        }
      }
    }
  }

  isMaterialized(n: Node): boolean {
    return this.materialized.has(n.id);
  }

  private mark(n: Node): void {
    this.materialized.add(n.id);
  }

  private visit(n: Node): void {
    const first = !this.nodes.has(n.id);
    this.nodes.set(n.id, n);
    if (!first) return;
    for (const c of new Set(children(n))) {
      this.consumers.set(c.id, (this.consumers.get(c.id) ?? 0) + 1);
      this.visit(c);
    }
  }

  private decide(n: Node): void {
    switch (n.op) {
      case 'reduce': case 'matmul':
        this.mark(n);
        break;
      case 'reshape':
        this.mark(n.input);
        break;
      default:
        break;
    }
    if (n.op === 'matmul') {
      for (const operand of [n.a, n.b]) if (!this.isDirect(operand)) this.mark(operand);
    }
    if ((this.consumers.get(n.id) ?? 0) >= 2 && this.computes(n)) this.mark(n);
  }

  /** True if the node's values come from arithmetic (not only from sources, views and copies). */
  computes(n: Node): boolean {
    switch (n.op) {
      case 'source': case 'scalar': return false;
      case 'map': case 'reduce': case 'matmul': return true;
      default: return children(n).some((c) => this.computes(c));
    }
  }

  /** True if a region of the node is one plain read (a Load), with no arithmetic. */
  isDirect(n: Node): boolean {
    if (this.isMaterialized(n) || n.op === 'reshape') return true;
    switch (n.op) {
      case 'source': return n.source.kind !== 'full';
      case 'view': case 'rechunk': return this.isDirect(n.input);
      case 'concat': return n.inputs.every((c) => this.isDirect(c));
      default: return false;
    }
  }

  /** True if fusing through this node reaches a materialised node (its chunks fix the grid). */
  hasMaterializedBelow(n: Node): boolean {
    if (this.isMaterialized(n) || n.op === 'reshape' || n.op === 'reduce' || n.op === 'matmul') return true;
    return children(n).some((c) => this.hasMaterializedBelow(c));
  }
}
