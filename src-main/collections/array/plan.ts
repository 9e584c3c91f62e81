/**
 * The optimizer's decisions: which nodes are materialised (get a layer of tasks whose chunks live
 * in the store) and which are fused into their consumer's kernel program.
 *
 * Policy:
 * - Elementwise chains, views, concatenations and sources fuse into the program of whatever
 *   consumes them, so `sqrt(x**2)*3 + y` is one pass, and a reduction fused with its producer
 *   never materialises the producer (nor, for a random x, x itself).
 * - A node is materialised when it is an output, a reduction, a matmul, a map_blocks (a user's
 *   function on each chunk, in a worker) or its input, the input of a reshape or of a rechunk that
 *   must move data, or the operand of a matmul that computes something.
 * - A rechunk must move data when one of its chunks would reach across a boundary that a fused
 *   region cannot cross (compile.ts reads one chunk of each chunked node and one input of each
 *   concatenation per task): two chunks of a materialised node (a reduction, a reshape's alias, a
 *   persisted array) or two inputs of a concatenation. Then the rechunk and its input are both
 *   materialised and the rechunk assembles its chunks from pieces (lower.ts). Every other node's
 *   grid refines its inputs' grids, so only a rechunk can cross.
 * - Common subexpressions: a node with two or more consumers anywhere in the job is computed once
 *   (materialised) if it computes something. Sources and views of sources are recomputed
 *   instead: re-reading or regenerating them costs less than holding them in memory.
 * - A fused region is at most MAX_FUSED_DEPTH nodes deep: a deeper chain (a sum of 10^5 terms)
 *   is cut into layers there, because every walk of a region (compile.ts, lower.ts) follows it
 *   down the JS stack. Values are the same either way: each operation rounds or wraps to its
 *   dtype in a fused program as it does in a stored chunk.
 */
import { children, type Node, type RechunkNode } from './expr.js';
import { chunkOf, type Grid, gridBounds } from './grid.js';

/** The deepest chain of nodes one fused region may hold (see the policy above). */
export const MAX_FUSED_DEPTH = 256;

export class Plan {
  readonly materialized = new Set<number>();
  readonly consumers = new Map<number, number>();
  readonly nodes = new Map<number, Node>();

  constructor(readonly outputs: Node[]) {
    const postOrder = this.visit(outputs);
    for (const o of outputs) this.mark(o);
    for (const n of this.nodes.values()) this.decide(n);
    this.boundFusedDepth(postOrder);
    // Rechunks depend on what lies below them (a rechunk marked here gives those above it chunks
    // to respect), so repeat until nothing changes.
    let changed = true;
    while (changed) {
      changed = false;
      for (const n of this.nodes.values()) {
        if (n.op !== 'rechunk' || (this.isMaterialized(n) && this.isMaterialized(n.input))) continue;
        if (this.crossesBoundaries(n)) {
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

  /**
   * Records every node (in pre-order) and counts each one's consumers; returns the nodes in
   * post-order (children first). An explicit stack: an expression may be 10^5 nodes deep.
   */
  private visit(outputs: Node[]): Node[] {
    const post: Node[] = [];
    const stack: { n: Node; kids: Node[]; next: number }[] = [];
    const enter = (n: Node) => {
      const first = !this.nodes.has(n.id);
      this.nodes.set(n.id, n);
      if (first) stack.push({ n, kids: [...new Set(children(n))], next: 0 });
    };
    for (const o of outputs) {
      enter(o);
      while (stack.length) {
        const top = stack[stack.length - 1];
        if (top.next === top.kids.length) {
          post.push(top.n);
          stack.pop();
          continue;
        }
        const c = top.kids[top.next++];
        this.consumers.set(c.id, (this.consumers.get(c.id) ?? 0) + 1);
        enter(c);
      }
    }
    return post;
  }

  /** Materialises a node where the fused chain below it would grow deeper than MAX_FUSED_DEPTH. */
  private boundFusedDepth(postOrder: Node[]): void {
    const depth = new Map<number, number>();
    for (const n of postOrder) {
      let d = 0;
      for (const c of children(n)) if (!this.isMaterialized(c)) d = Math.max(d, depth.get(c.id) ?? 0);
      d += 1;
      if (d > MAX_FUSED_DEPTH && n.op !== 'reshape') { // (a reshape's input is materialised already)
        this.mark(n);
        d = 0;
      }
      depth.set(n.id, this.isMaterialized(n) ? 0 : d);
    }
  }

  private decide(n: Node): void {
    switch (n.op) {
      case 'reduce': case 'matmul':
        this.mark(n);
        break;
      case 'source':
        if (n.source.kind === 'hdf5' || n.source.kind === 'zarr') this.mark(n); // its chunks are decoded by read tasks, once each
        break;
      case 'scan':
        this.mark(n);
        if (n.carry) this.mark(n.carry); // read whole by the scan task, not through a program
        break;
      case 'compress':
        this.mark(n);
        this.mark(n.mask); // read whole by the compress task
        break;
      case 'sort':
        this.mark(n);
        break;
      case 'fft':
        this.mark(n);
        this.mark(n.input); // read whole (its lines) by the fft task
        break;
      case 'linalg':
        this.mark(n);
        for (const c of n.inputs) this.mark(c); // read whole by the LAPACK task
        break;
      case 'histogram':
        this.mark(n);
        this.mark(n.edges); // read whole by every histogram task
        if (n.weights) this.mark(n.weights); // a chunk per task, as its values'
        break;
      case 'merge':
        this.mark(n);
        for (const c of children(n)) this.mark(c); // the runs, read whole by every merge task
        break;
      case 'blocks':
        this.mark(n);
        if (!isChunked(n.input)) this.mark(n.input); // its tasks read one whole input chunk each
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
      case 'map': case 'reduce': case 'matmul': case 'blocks': case 'scan': case 'compress': case 'sort': case 'merge': case 'histogram': case 'linalg': case 'fft': return true;
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

  /**
   * True if a chunk of the rechunk, fused into its consumers, would reach across a boundary below
   * it: two chunks of a chunked node (materialised, a reshape's alias, a persisted array) or two
   * inputs of a concatenation. Regions are boxes and every dimension of a node below is read
   * through one dimension of the rechunk (or a constant), so the walk carries per dimension the
   * index ranges the chunks reach, as compile.ts carries the dimension maps of one region.
   */
  crossesBoundaries(n: RechunkNode): boolean {
    const spans: Spans = n.grid.map((sizes) => {
      const out: number[] = [];
      let at = 0;
      for (const s of sizes) {
        if (s > 0) out.push(at, at + s - 1);
        at += s;
      }
      return out;
    });
    const seen = new Map<number, Spans[]>();
    const visit = (c: Node, sp: Spans): boolean => {
      if (sp.some((d) => d.length === 0)) return false; // no element is read
      let before = seen.get(c.id);
      if (!before) seen.set(c.id, (before = []));
      if (before.some((b) => b.every((d, i) => sameList(d, sp[i])))) return false;
      before.push(sp);
      if (this.isMaterialized(c) || isChunked(c)) return !withinChunks(sp, c.grid);
      switch (c.op) {
        case 'source': case 'scalar': return false;
        case 'map': return c.args.some((a) => visit(a, broadcastSpans(sp, c.shape, a.shape)));
        case 'rechunk': return visit(c.input, sp);
        case 'view': {
          const inner: number[][] = c.fixed.map((f) => [f ?? 0, f ?? 0]);
          c.dims.forEach((d, k) => {
            if (d.src === null) return;
            const s = sp[k], out = new Array<number>(s.length);
            for (let i = 0; i < s.length; i += 2) {
              const a = d.start + d.step * s[i], b = d.start + d.step * s[i + 1];
              out[i] = Math.min(a, b);
              out[i + 1] = Math.max(a, b);
            }
            inner[d.src] = out;
          });
          return visit(c.input, inner);
        }
        case 'concat': {
          const s = sp[c.axis];
          const per: number[][] = c.inputs.map(() => []);
          let k = 0, start = 0;
          for (let i = 0; i < s.length; i += 2) {
            // Spans come in increasing order along a dimension (views reverse whole lists only
            // with a negative step, so look the input up from the start when they go back).
            if (s[i] < start) { k = 0; start = 0; }
            while (s[i] >= start + c.inputs[k].shape[c.axis]) start += c.inputs[k++].shape[c.axis];
            if (s[i + 1] >= start + c.inputs[k].shape[c.axis]) return true;
            per[k].push(s[i] - start, s[i + 1] - start);
          }
          return c.inputs.some((x, j) => visit(x, sp.map((d, i) => (i === c.axis ? per[j] : d))));
        }
        default:
          return false;
      }
    };
    return visit(n.input, spans);
  }
}

/** Per dimension of a node, the index ranges a rechunk's chunks reach: flat [lo, hi] pairs, inclusive. */
type Spans = readonly (readonly number[])[];

/** Nodes whose every region is a read of one of their chunks (materialised by construction). */
function isChunked(n: Node): boolean {
  return n.op === 'reshape' || n.op === 'reduce' || n.op === 'matmul' || n.op === 'blocks' || n.op === 'linalg' || (n.op === 'source' && (n.source.kind === 'stored' || n.source.kind === 'hdf5' || n.source.kind === 'zarr'));
}

function withinChunks(sp: Spans, grid: Grid): boolean {
  const bounds = gridBounds(grid);
  return sp.every((s, d) => {
    for (let i = 0; i < s.length; i += 2) {
      const c = chunkOf(bounds[d], s[i]);
      if (s[i + 1] >= bounds[d][c + 1]) return false;
    }
    return true;
  });
}

/** An operand's spans under broadcasting: leading and stretched size-1 dimensions read index 0. */
function broadcastSpans(sp: Spans, outShape: readonly number[], argShape: readonly number[]): Spans {
  const lead = outShape.length - argShape.length;
  return argShape.map((n, i) => (n === 1 && outShape[lead + i] !== 1 ? ZERO : sp[lead + i]));
}

const ZERO: readonly number[] = [0, 0];

function sameList(a: readonly number[], b: readonly number[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
