/**
 * A parser for the expressions of a job's outputs, shared by every collection (numpy-style array
 * expressions, pandas-style table expressions): a Python expression subset with Python's
 * operator precedence. Every AST node records its character span, so an error points at
 * the exact place in the expression.
 */
import { TesseraError } from '../engine/errors.js';

export type Ast =
  | { t: 'num'; value: number; isInt: boolean; big?: bigint; start: number; end: number }
  /** An imaginary literal (Python's `2j`, `1.5e-3J`): a complex number of real part 0. */
  | { t: 'imag'; value: number; start: number; end: number }
  | { t: 'str'; value: string; start: number; end: number }
  | { t: 'const'; value: boolean | null; start: number; end: number }
  | { t: 'ellipsis'; start: number; end: number }
  | { t: 'name'; name: string; start: number; end: number }
  | { t: 'attr'; obj: Ast; name: string; start: number; end: number }
  | { t: 'call'; fn: Ast; args: Ast[]; kwargs: { name: string; value: Ast }[]; start: number; end: number }
  | { t: 'index'; obj: Ast; items: Ast[]; start: number; end: number }
  | { t: 'slice'; lo: Ast | null; hi: Ast | null; step: Ast | null; start: number; end: number }
  | { t: 'unary'; op: string; arg: Ast; start: number; end: number }
  | { t: 'binary'; op: string; left: Ast; right: Ast; start: number; end: number }
  | { t: 'tuple'; items: Ast[]; start: number; end: number }
  | { t: 'list'; items: Ast[]; start: number; end: number }
  /** {k: v, ...}: keys[i] maps to values[i], in the order written. */
  | { t: 'dict'; keys: Ast[]; values: Ast[]; start: number; end: number };

interface Token {
  kind: 'num' | 'name' | 'str' | 'op' | 'end';
  text: string;
  start: number;
  end: number;
}

const OPS = ['**', '//', '<=', '>=', '==', '!=', '...', '+', '-', '*', '/', '%', '@', '<', '>', '&', '|', '^', '~', '(', ')', '[', ']', '{', '}', ',', ':', '.', '='];

export function syntaxError(msg: string, start: number, end: number, hint = 'check the expression near the marked position'): TesseraError {
  return new TesseraError('SYNTAX_ERROR', msg, hint, { position: { start, end } });
}

export function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (/\s/.test(c)) { i++; continue; }
    const start = i;
    if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(src[i + 1] ?? ''))) {
      const m = /^(?:\d[\d_]*)?(?:\.\d*)?(?:[eE][+-]?\d+)?/.exec(src.slice(i))!;
      i += m[0].length || 1;
      if ((src[i] === 'j' || src[i] === 'J') && !/[A-Za-z0-9_]/.test(src[i + 1] ?? '')) i++;
      if (/[A-Za-z_]/.test(src[i] ?? '')) throw syntaxError(`invalid number '${src.slice(start, i + 1)}'`, start, i + 1);
      out.push({ kind: 'num', text: src.slice(start, i), start, end: i });
      continue;
    }
    if (/[A-Za-z_]/.test(c)) {
      while (i < src.length && /[A-Za-z0-9_]/.test(src[i])) i++;
      out.push({ kind: 'name', text: src.slice(start, i), start, end: i });
      continue;
    }
    if (c === '"' || c === "'") {
      i++;
      while (i < src.length && src[i] !== c) i++;
      if (i >= src.length) throw syntaxError('unterminated string', start, src.length);
      i++;
      out.push({ kind: 'str', text: src.slice(start + 1, i - 1), start, end: i });
      continue;
    }
    const op = OPS.find((o) => src.startsWith(o, i));
    if (!op) throw syntaxError(`unexpected character '${c}'`, start, start + 1);
    i += op.length;
    out.push({ kind: 'op', text: op, start, end: i });
  }
  out.push({ kind: 'end', text: '', start: src.length, end: src.length });
  return out;
}

const COMPARE = ['<', '<=', '>', '>=', '==', '!='];

/**
 * How deeply brackets, unary operators and powers may nest (Python's own parser stops at 200
 * nested parentheses). Long flat chains (a + b + c + ...) do not nest: they parse and evaluate in
 * loops, at any length.
 */
export const MAX_NESTING = 200;

export function parseExpression(src: string): Ast {
  const toks = tokenize(src);
  let p = 0;
  let depth = 0;
  /** Runs a nested parse one level deeper, refusing nesting beyond MAX_NESTING. */
  const nested = <T>(at: Token, f: () => T): T => {
    if (++depth > MAX_NESTING) {
      throw syntaxError(`the expression nests more than ${MAX_NESTING} levels deep`, at.start, at.end,
        'write it flatter: name parts of it as separate outputs, or split long nested sums into a chain a + b + c');
    }
    try {
      return f();
    } finally {
      depth--;
    }
  };
  const peek = () => toks[p];
  const isOp = (text: string) => peek().kind === 'op' && peek().text === text;
  const next = () => toks[p++];
  const expect = (text: string): Token => {
    if (!isOp(text)) {
      const t = peek();
      throw syntaxError(t.kind === 'end' ? `expected '${text}' but the expression ended` : `expected '${text}' but found '${t.text}'`, t.start, Math.max(t.end, t.start + 1));
    }
    return next();
  };

  const binaryLevel = (ops: string[], sub: () => Ast) => (): Ast => {
    let left = sub();
    while (peek().kind === 'op' && ops.includes(peek().text)) {
      const op = next().text;
      const right = sub();
      left = { t: 'binary', op, left, right, start: left.start, end: right.end };
    }
    return left;
  };

  const expr = (): Ast => comparison();
  const comparison = (): Ast => {
    const left = bitor();
    if (peek().kind === 'op' && COMPARE.includes(peek().text)) {
      const op = next().text;
      const right = bitor();
      if (peek().kind === 'op' && COMPARE.includes(peek().text))
        throw syntaxError('chained comparisons (a < b < c) are ambiguous for arrays', left.start, peek().end, 'write (a < b) & (b < c)');
      return { t: 'binary', op, left, right, start: left.start, end: right.end };
    }
    return left;
  };
  const unary = (): Ast => {
    if (peek().kind === 'op' && ['-', '+', '~'].includes(peek().text)) {
      const t = next();
      const arg = nested(t, unary);
      return { t: 'unary', op: t.text, arg, start: t.start, end: arg.end };
    }
    if (peek().kind === 'name' && ['not', 'and', 'or'].includes(peek().text)) {
      const t = peek();
      throw syntaxError(`'${t.text}' does not work on arrays`, t.start, t.end, "use ~ for not, & for and, | for or, with parentheses: (x > 0) & (x < 1)");
    }
    return power();
  };
  const power = (): Ast => {
    const base = postfix();
    if (isOp('**')) {
      const t = next();
      const exp = nested(t, unary);
      return { t: 'binary', op: '**', left: base, right: exp, start: base.start, end: exp.end };
    }
    return base;
  };
  const term = binaryLevel(['*', '/', '//', '%', '@'], unary);
  const arith = binaryLevel(['+', '-'], term);
  const bitand = binaryLevel(['&'], arith);
  const bitxor = binaryLevel(['^'], bitand);
  const bitor = binaryLevel(['|'], bitxor);

  const callArgs = (fn: Ast): Ast => {
    expect('(');
    const args: Ast[] = [];
    const kwargs: { name: string; value: Ast }[] = [];
    while (!isOp(')')) {
      if (peek().kind === 'name' && toks[p + 1].kind === 'op' && toks[p + 1].text === '=') {
        const name = next().text;
        next();
        kwargs.push({ name, value: expr() });
      } else {
        if (kwargs.length) throw syntaxError('positional argument follows keyword argument', peek().start, peek().end);
        args.push(expr());
      }
      if (!isOp(')')) expect(',');
    }
    const close = expect(')');
    return { t: 'call', fn, args, kwargs, start: fn.start, end: close.end };
  };

  const subscript = (): Ast => {
    const start = peek().start;
    const part = (): Ast | null => (isOp(':') || isOp(',') || isOp(']') ? null : expr());
    const lo = part();
    if (!isOp(':')) {
      if (!lo) throw syntaxError('empty index', start, peek().end);
      return lo;
    }
    next();
    const hi = part();
    let step: Ast | null = null;
    if (isOp(':')) { next(); step = part(); }
    return { t: 'slice', lo, hi, step, start, end: toks[p - 1].end };
  };

  const postfix = (): Ast => {
    let node = atom();
    // Each attribute, call and index wraps the node before it: the chain is a nesting too.
    for (let links = 0; ; links++) {
      if (links > MAX_NESTING) {
        throw syntaxError(`a chain of more than ${MAX_NESTING} attributes, calls and indexes`, node.start, peek().end, 'split it into separate outputs');
      }
      if (isOp('.')) {
        next();
        const t = next();
        if (t.kind !== 'name') throw syntaxError('expected a name after "."', t.start, Math.max(t.end, t.start + 1));
        node = { t: 'attr', obj: node, name: t.text, start: node.start, end: t.end };
      } else if (isOp('(')) {
        const fn = node;
        node = nested(peek(), () => callArgs(fn));
      } else if (isOp('[')) {
        const obj = node;
        node = nested(next(), () => {
          const items: Ast[] = [];
          while (!isOp(']')) {
            items.push(subscript());
            if (!isOp(']')) expect(',');
          }
          const close = expect(']');
          return { t: 'index', obj, items, start: obj.start, end: close.end } as Ast;
        });
      } else {
        return node;
      }
    }
  };

  const sequence = (close: string): { items: Ast[]; trailingComma: boolean; end: number } => {
    const items: Ast[] = [];
    let trailingComma = false;
    while (!isOp(close)) {
      items.push(expr());
      trailingComma = false;
      if (!isOp(close)) { expect(','); trailingComma = true; }
    }
    const end = expect(close).end;
    return { items, trailingComma, end };
  };

  const atom = (): Ast => {
    const t = next();
    if (t.kind === 'num') {
      const text = t.text.replace(/_/g, '');
      if (/[jJ]$/.test(text)) return { t: 'imag', value: Number(text.slice(0, -1)), start: t.start, end: t.end };
      const isInt = /^\d+$/.test(text);
      const value = Number(text);
      // A Python int is exact at any size: keep the digits where a double cannot.
      const big = isInt && !Number.isSafeInteger(value) ? BigInt(text) : undefined;
      return { t: 'num', value, isInt, big, start: t.start, end: t.end };
    }
    if (t.kind === 'str') return { t: 'str', value: t.text, start: t.start, end: t.end };
    if (t.kind === 'name') {
      if (t.text === 'True' || t.text === 'False') return { t: 'const', value: t.text === 'True', start: t.start, end: t.end };
      if (t.text === 'None') return { t: 'const', value: null, start: t.start, end: t.end };
      return { t: 'name', name: t.text, start: t.start, end: t.end };
    }
    if (t.kind === 'op' && t.text === '...') return { t: 'ellipsis', start: t.start, end: t.end };
    if (t.kind === 'op' && t.text === '(') {
      const { items, trailingComma, end } = nested(t, () => sequence(')'));
      if (items.length === 1 && !trailingComma) return { ...items[0], start: t.start, end } as Ast;
      return { t: 'tuple', items, start: t.start, end };
    }
    if (t.kind === 'op' && t.text === '[') {
      const { items, end } = nested(t, () => sequence(']'));
      return { t: 'list', items, start: t.start, end };
    }
    if (t.kind === 'op' && t.text === '{') {
      return nested(t, () => {
        const keys: Ast[] = [];
        const values: Ast[] = [];
        while (!isOp('}')) {
          keys.push(expr());
          expect(':');
          values.push(expr());
          if (!isOp('}')) expect(',');
        }
        return { t: 'dict', keys, values, start: t.start, end: expect('}').end } as Ast;
      });
    }
    if (t.kind === 'end') throw syntaxError('the expression ended early', t.start, t.start, 'complete the expression');
    throw syntaxError(`unexpected '${t.text}'`, t.start, t.end);
  };

  if (peek().kind === 'end') throw syntaxError('the expression is empty', 0, 0, 'write an expression such as x.mean()');
  const tree = expr();
  if (peek().kind !== 'end') {
    const t = peek();
    throw syntaxError(`unexpected '${t.text}' after the end of the expression`, t.start, t.end);
  }
  return tree;
}

/** The expressions directly inside one (arguments, operands, items, keyword values). */
export function subtrees(ast: Ast): Ast[] {
  const out: Ast[] = [];
  for (const v of Object.values(ast)) {
    if (Array.isArray(v)) for (const x of v) { if (x && typeof x === 'object' && 't' in x) out.push(x as Ast); else if (x && typeof x === 'object' && 'value' in x) out.push((x as { value: Ast }).value); }
    else if (v && typeof v === 'object' && 't' in v) out.push(v as Ast);
  }
  return out;
}

/** The names an expression reads. */
export function namesIn(ast: Ast, out = new Set<string>()): Set<string> {
  if (ast.t === 'name') out.add(ast.name);
  for (const x of subtrees(ast)) namesIn(x, out);
  return out;
}
