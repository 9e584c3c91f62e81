/**
 * Expression text with Python's precedence, shared by the arrays and the tables of the TypeScript
 * API: each node renders as its text and how tightly it binds, so operands are put in parentheses
 * only where Python needs them. A long chain `x.add(1).add(1)...` then stays flat, which the
 * parser reads at any length, instead of nesting one level per step.
 */
import { pyLiteral } from './graph.js';

export interface Rendered { text: string; prec: number }

export const ATOM = 100;
const POW = 90;
const UNARY = 80;
const CMP = 30;
const BINARY: Record<string, number> = { '*': 70, '/': 70, '//': 70, '%': 70, '@': 70, '+': 60, '-': 60, '&': 50, '^': 45, '|': 40 };

const wrap = (r: Rendered, needs: boolean) => (needs ? `(${r.text})` : r.text);

/** `l op r`: arithmetic, `**`, bitwise/logical `& | ^`, or a comparison (which never chains). */
export function binaryText(op: string, l: Rendered, r: Rendered): Rendered {
  if (op === '**') return { text: `${wrap(l, l.prec <= POW)} ** ${wrap(r, r.prec < UNARY)}`, prec: POW };
  if (!(op in BINARY)) return { text: `${wrap(l, l.prec <= CMP)} ${op} ${wrap(r, r.prec <= CMP)}`, prec: CMP };
  const p = BINARY[op];
  return { text: `${wrap(l, l.prec < p)} ${op} ${wrap(r, r.prec <= p)}`, prec: p };
}

/** `-x` or `~x`. */
export function prefixText(op: '-' | '~', x: Rendered): Rendered {
  return { text: `${op}${wrap(x, x.prec < POW)}`, prec: UNARY };
}

/** A method, attribute or subscript of x: `x.sum(axis=0)`, `x.T`, `x['a']`. */
export function suffixText(x: Rendered, text: string): Rendered {
  return { text: `${wrap(x, x.prec < ATOM)}${text}`, prec: ATOM };
}

/** A literal operand (a negative number binds as a unary minus). */
export function literalText(v: unknown): Rendered {
  const text = pyLiteral(v);
  return { text, prec: text.startsWith('-') ? UNARY : ATOM };
}

/** Keyword arguments `name=value`, in order, leaving out the undefined ones. */
export function kwargs(o: Record<string, unknown>): string[] {
  return Object.entries(o).filter(([, v]) => v !== undefined).map(([k, v]) => `${k}=${pyLiteral(v)}`);
}

/** A spec's dataset entry without its unset options. */
export function cleanSpec(spec: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(spec).filter(([, v]) => v !== undefined));
}
