/**
 * numpy's tensordot and dot over any dimensions, as numpy's own tensordot computes them: the
 * summed axes of each operand moved together and both reshaped to matrices, one matmul (the
 * blocked, chunked kernel), and the result reshaped to the kept axes of a, then of b; and einsum
 * on top of them.
 */
import { TesseraError } from '../../engine/errors.js';
import { elementwise, index, type IndexItem, matmul, reduce, reshape, transpose } from './build.js';
import { promoteDtypes } from './dtype.js';
import { type ExprContext, fmtShape, type Node } from './expr.js';

const product = (xs: number[]) => xs.reduce((p, x) => p * x, 1);

/** np.tensordot(a, b, axes): `axes` a count (the last n of a with the first n of b) or two lists. */
export function tensordot(ctx: ExprContext, a: Node, b: Node, axes: number | [number[], number[]]): Node {
  const [na, nb] = [a.shape.length, b.shape.length];
  let axesA: number[], axesB: number[];
  if (typeof axes === 'number') {
    if (!Number.isInteger(axes) || axes < 0 || axes > na || axes > nb) throw new TesseraError('VALUE_ERROR', `tensordot: axes=${axes} is more than the operands' dimensions (${na}, ${nb})`, 'give at most the smaller number of dimensions');
    axesA = Array.from({ length: axes }, (_, k) => na - axes + k);
    axesB = Array.from({ length: axes }, (_, k) => k);
  } else {
    const norm = (list: number[], nd: number) => list.map((d) => {
      if (!Number.isInteger(d) || d < -nd || d >= nd) throw new TesseraError('AXIS_ERROR', `axis ${d} is out of bounds for an array of dimension ${nd}`, '');
      return d < 0 ? d + nd : d;
    });
    [axesA, axesB] = [norm(axes[0], na), norm(axes[1], nb)];
  }
  if (axesA.length !== axesB.length || axesA.some((d, k) => a.shape[d] !== b.shape[axesB[k]]))
    throw new TesseraError('VALUE_ERROR', `shape-mismatch for sum: ${fmtShape(a.shape)} over axes (${axesA.join(', ')}) and ${fmtShape(b.shape)} over (${axesB.join(', ')})`, 'the summed axes must have equal lengths, pairwise');
  const keptA = [...a.shape.keys()].filter((d) => !axesA.includes(d));
  const keptB = [...b.shape.keys()].filter((d) => !axesB.includes(d));
  const inner = product(axesA.map((d) => a.shape[d]));
  const at = reshape(ctx, transpose(ctx, a, [...keptA, ...axesA]), [product(keptA.map((d) => a.shape[d])), inner]);
  const bt = reshape(ctx, transpose(ctx, b, [...axesB, ...keptB]), [inner, product(keptB.map((d) => b.shape[d]))]);
  return reshape(ctx, matmul(ctx, at, bt), [...keptA.map((d) => a.shape[d]), ...keptB.map((d) => b.shape[d])]);
}

/**
 * np.matmul and the @ operator: two matrices are one blocked matmul; a 1-D operand is a row (a)
 * or a column (b) for the product, and that axis is dropped from the result; stacks of matrices
 * (more than 2-D) broadcast their leading axes and multiply pairwise, as an einsum with a label
 * per leading axis.
 */
export function matmulNumpy(ctx: ExprContext, a: Node, b: Node): Node {
  [a, b].forEach((x, k) => {
    if (x.shape.length === 0) throw new TesseraError('VALUE_ERROR', `matmul: Input operand ${k} does not have enough dimensions (has 0, gufunc core with signature (n?,k),(k,m?)->(n?,m?) requires 1)`, 'multiply by a scalar with *');
  });
  const a2 = a.shape.length === 1 ? reshape(ctx, a, [1, a.shape[0]]) : a;
  const b2 = b.shape.length === 1 ? reshape(ctx, b, [b.shape[0], 1]) : b;
  const [p, q] = [a2.shape.length, b2.shape.length];
  if (a2.shape[p - 1] !== b2.shape[q - 2])
    throw new TesseraError('VALUE_ERROR', `matmul: Input operand 1 has a mismatch in its core dimension 0, with gufunc signature (n?,k),(k,m?)->(n?,m?) (size ${b2.shape[q - 2]} is different from ${a2.shape[p - 1]})`, `the last axis of a (${fmtShape(a.shape)}) must match the ${b.shape.length === 1 ? 'only' : 'second-to-last'} axis of b (${fmtShape(b.shape)})`);
  let out: Node;
  if (p === 2 && q === 2) out = matmul(ctx, a2, b2);
  else {
    const batch = Math.max(p, q) - 2;
    const batchA = a2.shape.slice(0, p - 2), batchB = b2.shape.slice(0, q - 2);
    const sizes = Array.from({ length: batch }, (_, d) => {
      const x = batchA[d - (batch - batchA.length)] ?? 1, y = batchB[d - (batch - batchB.length)] ?? 1;
      if (x !== y && x !== 1 && y !== 1)
        throw new TesseraError('VALUE_ERROR', `operands could not be broadcast together with remapped shapes [original->remapped]: ${fmtShape(a.shape)} and ${fmtShape(b.shape)}`, 'the leading (stack) axes must be equal or 1');
      return x === 1 ? y : x; // a stack of 1 takes the other's length, 0 included
    });
    if (batch > 20) throw new TesseraError('NOT_SUPPORTED', `matmul of stacks with ${batch} leading axes`, 'reshape the stack to fewer axes');
    const letters = 'abcdefghijklmnopqrstuvw'.slice(0, batch);
    const labelsA = letters.slice(batch - batchA.length) + 'xy', labelsB = letters.slice(batch - batchB.length) + 'yz';
    out = einsum(ctx, `${labelsA},${labelsB}->${letters}xz`, [a2, b2]);
    if (out.shape.some((n, d) => d < batch && n !== sizes[d])) throw new TesseraError('INTERNAL', 'matmul of stacks broadcast wrongly', 'this is a bug, please report it');
  }
  if (a.shape.length > 1 && b.shape.length > 1) return out;
  const shape = out.shape.filter((_, d) => !(a.shape.length === 1 && d === out.shape.length - 2) && !(b.shape.length === 1 && d === out.shape.length - 1));
  return reshape(ctx, out, shape);
}

/**
 * np.dot: a product with a 0-d operand; the inner product of 1-D operands; otherwise the sum over
 * the last axis of a and the second-to-last of b (the only one of a 1-D b).
 */
export function dot(ctx: ExprContext, a: Node, b: Node): Node {
  if (a.shape.length === 0 || b.shape.length === 0) return elementwise(ctx, 'multiply', [a, b]);
  const bAxis = b.shape.length === 1 ? 0 : b.shape.length - 2;
  if (a.shape[a.shape.length - 1] !== b.shape[bAxis])
    throw new TesseraError('SHAPE_MISMATCH', `shapes ${fmtShape(a.shape)} and ${fmtShape(b.shape)} not aligned: ${a.shape[a.shape.length - 1]} (dim ${a.shape.length - 1}) != ${b.shape[bAxis]} (dim ${bAxis})`, 'the last axis of a must match the second-to-last of b');
  return tensordot(ctx, a, b, [[a.shape.length - 1], [bAxis]]);
}

/**
 * np.einsum(subscripts, *operands) (a `...` spelled out as letters first): repeated labels of one operand
 * take its diagonal (a reshape and a strided slice); a product of two operands whose shared labels
 * are all summed and whose other labels all kept is a tensordot (one matmul); anything else is the
 * operands broadcast over every label, multiplied and summed over the labels not kept, which the
 * planner fuses into one pass (the broadcast product is never stored). The result has numpy's
 * dtype, the operands' common type (an integer sum wraps in it as numpy's does).
 */
export function einsum(ctx: ExprContext, subscripts: string, operands: Node[]): Node {
  const spec = withoutEllipsis(subscripts.replace(/\s+/g, ''), operands);
  const [lhs, rhs] = spec.includes('->') ? spec.split('->') : [spec, null];
  const inputs = lhs.split(',');
  if (inputs.length !== operands.length) throw new TesseraError('VALUE_ERROR', inputs.length > operands.length ? 'fewer operands provided to einstein sum function than specified in the subscripts string' : 'more operands were provided than specified in the einstein sum subscripts string', '');
  for (const s of [...inputs, rhs ?? '']) {
    const bad = [...s].find((c) => !/[A-Za-z]/.test(c));
    if (bad !== undefined) throw new TesseraError('VALUE_ERROR', `invalid subscript '${bad}' in einstein sum subscripts string, subscripts must be letters`, '');
  }
  const sizes = new Map<string, number>();
  let ops = operands.map((x, k) => {
    const labels = [...inputs[k]];
    if (labels.length > x.shape.length) throw new TesseraError('VALUE_ERROR', `einstein sum subscripts string contains too many subscripts for operand ${k}`, '');
    if (labels.length < x.shape.length) throw new TesseraError('VALUE_ERROR', `operand has more dimensions than subscripts given in einstein sum, but no '...' ellipsis provided to broadcast the extra dimensions.`, '');
    return diagonals(ctx, x, labels, k);
  });
  for (const { node, labels } of ops) {
    labels.forEach((l, d) => {
      const n = node.shape[d], known = sizes.get(l);
      if (known === undefined || known === 1) sizes.set(l, n);
      else if (n !== known && n !== 1) throw new TesseraError('VALUE_ERROR', `operands could not be broadcast together with remapped shapes: label '${l}' has sizes ${known} and ${n}`, 'a label names one size in every operand');
    });
  }
  const counts = new Map<string, number>();
  for (const s of inputs) for (const c of s) counts.set(c, (counts.get(c) ?? 0) + 1);
  let out: string[];
  if (rhs === null) {
    out = [...counts.keys()].filter((c) => counts.get(c) === 1).sort();
  } else {
    out = [...rhs];
    out.forEach((c, i) => {
      if (out.indexOf(c) !== i) throw new TesseraError('VALUE_ERROR', `einstein sum subscripts string includes output subscript '${c}' multiple times`, '');
      if (!counts.has(c)) throw new TesseraError('VALUE_ERROR', `einstein sum subscripts string included output subscript '${c}' which never appeared in an input`, '');
    });
  }
  const dtype = operands.map((x) => x.dtype).reduce(promoteDtypes);
  const typed = (n: Node) => (n.dtype === dtype ? n : elementwise(ctx, `astype_${dtype}`, [n]));
  // Two operands, every shared label summed and every other kept: a tensordot, then the output's order.
  if (ops.length === 2) {
    const [a, b] = ops;
    const shared = a.labels.filter((l) => b.labels.includes(l));
    const sizesAgree = shared.every((l) => a.node.shape[a.labels.indexOf(l)] === b.node.shape[b.labels.indexOf(l)]);
    if (sizesAgree && shared.every((l) => !out.includes(l)) && [...a.labels, ...b.labels].every((l) => shared.includes(l) || out.includes(l))) {
      const t = tensordot(ctx, a.node, b.node, [shared.map((l) => a.labels.indexOf(l)), shared.map((l) => b.labels.indexOf(l))]);
      const got = [...a.labels.filter((l) => !shared.includes(l)), ...b.labels.filter((l) => !shared.includes(l))];
      return typed(got.length > 1 ? transpose(ctx, t, out.map((l) => got.indexOf(l))) : t);
    }
  }
  // Every operand over every label (output ones first), multiplied, summed over the rest.
  const all = [...out, ...[...sizes.keys()].filter((l) => !out.includes(l))];
  ops = ops.map(({ node, labels }) => {
    const order = [...labels].sort((p, q) => all.indexOf(p) - all.indexOf(q));
    const t = order.length > 1 ? transpose(ctx, node, order.map((l) => labels.indexOf(l))) : node;
    const items: IndexItem[] = all.map((l) => (order.includes(l) ? { kind: 'slice', start: null, stop: null, step: null } : { kind: 'newaxis' }));
    return { node: index(ctx, t, items), labels: all };
  });
  let product = typed(ops[0].node);
  for (const o of ops.slice(1)) product = elementwise(ctx, dtype === 'bool' ? 'logical_and' : 'multiply', [product, typed(o.node)]);
  if (all.length === out.length) return product;
  const summed = reduce(ctx, dtype === 'bool' ? 'any' : 'sum', product, all.map((_, d) => d).slice(out.length));
  return typed(summed);
}

/**
 * Subscripts with numpy's '...' spelled out: each operand's '...' stands for its dimensions the
 * letters leave over, right-aligned across operands (they broadcast, as numpy's do), and becomes
 * letters the subscripts do not use. The output's '...' is all of them; without '->', they come
 * first, then the letters that appear once, in order. An explicit output without '...' is numpy's
 * error when an operand has dimensions left over.
 */
function withoutEllipsis(spec: string, operands: Node[]): string {
  if (!spec.includes('.')) return spec;
  const [lhs, rhs] = spec.includes('->') ? spec.split('->') : [spec, null];
  const inputs = lhs.split(',');
  const invalid = () => new TesseraError('VALUE_ERROR', "invalid subscript '.' in einstein sum subscripts string, subscripts must be letters", "'...' stands for the broadcast dimensions, once per operand");
  const letters = (s: string) => s.replace('...', '');
  for (const s of [...inputs, rhs ?? '']) if (letters(s).includes('.') || s.split('...').length > 2) throw invalid();
  const extra = inputs.map((s, k) => {
    if (!s.includes('...')) return 0;
    const left = (operands[k]?.shape.length ?? 0) - letters(s).length;
    if (left < 0) throw new TesseraError('VALUE_ERROR', `einstein sum subscripts string contains too many subscripts for operand ${k}`, '');
    return left;
  });
  const broadcast = Math.max(0, ...extra);
  const used = new Set(spec);
  const fresh = [...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'].filter((c) => !used.has(c)).slice(0, broadcast);
  if (fresh.length < broadcast) throw new TesseraError('NOT_SUPPORTED', `einsum: '...' stands for ${broadcast} dimensions, more than the letters left`, 'name some of the dimensions with letters');
  const spelled = inputs.map((s, k) => s.replace('...', fresh.slice(broadcast - extra[k]).join('')));
  let out: string;
  if (rhs === null) {
    const counts = new Map<string, number>();
    for (const c of spelled.join('')) counts.set(c, (counts.get(c) ?? 0) + 1);
    out = fresh.join('') + [...counts.keys()].filter((c) => counts.get(c) === 1 && !fresh.includes(c)).sort().join('');
  } else if (rhs.includes('...')) {
    out = rhs.replace('...', fresh.join(''));
  } else {
    if (broadcast > 0) throw new TesseraError('VALUE_ERROR', "output has more dimensions than subscripts given in einstein sum, but no '...' ellipsis provided to broadcast the extra dimensions.", "put '...' in the output where the broadcast dimensions go");
    out = rhs;
  }
  return `${spelled.join(',')}->${out}`;
}

/** An operand with each repeated label reduced to its diagonal (numpy's einsum 'ii->i'). */
function diagonals(ctx: ExprContext, x0: Node, labels0: string[], k: number): { node: Node; labels: string[] } {
  let x = x0, labels = labels0;
  for (;;) {
    const l = labels.find((c, i) => labels.indexOf(c) !== i);
    if (l === undefined) return { node: x, labels };
    const at = labels.map((c, i) => (c === l ? i : -1)).filter((i) => i >= 0).slice(0, 2);
    const n = x.shape[at[0]];
    if (x.shape[at[1]] !== n) throw new TesseraError('VALUE_ERROR', `dimensions in operand ${k} for collapsing index '${l}' don't match (${n} != ${x.shape[at[1]]})`, '');
    const rest = labels.map((_, i) => i).filter((i) => !at.includes(i));
    // (n, n, rest...) -> (n * n, rest...) -> every (n + 1)-th row: the diagonal, then the rest.
    const moved = transpose(ctx, x, [...at, ...rest]);
    const flat = reshape(ctx, moved, [n * n, ...rest.map((i) => x.shape[i])]);
    x = index(ctx, flat, [{ kind: 'slice', start: null, stop: null, step: n + 1 }, ...rest.map((): IndexItem => ({ kind: 'slice', start: null, stop: null, step: null }))]);
    labels = [l, ...rest.map((i) => labels[i])];
  }
}
