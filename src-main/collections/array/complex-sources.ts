/**
 * Datasets that hold complex values (a complex128/complex64 .npy file, or several joined): their
 * nodes are the values' (re, im) pairs as floats with a trailing axis of 2 (complex.ts), and the
 * evaluator must know to treat them as complex. A tag kept beside the node, not in it, so the
 * graph's own types stay real.
 */
import type { Node } from './expr.js';

const PAIRS = new WeakSet<Node>();

/** Tags a dataset node as complex pairs; returns it. */
export function complexSource<T extends Node>(node: T): T {
  PAIRS.add(node);
  return node;
}

/** Whether a dataset node holds complex pairs. */
export function isComplexSource(node: Node): boolean {
  return PAIRS.has(node);
}
