/**
 * Evaluates a parsed expression against a job's datasets, building Expr nodes. Names resolve to
 * datasets first, then to numpy-style functions and constants (also under `np.` / `numpy.` /
 * `da.`). Errors carry the span of the sub-expression at fault.
 */
import { didYouMean } from '../../lang/did-you-mean.js';
import { complexDtype, type DType, isDType, isFloat, isInteger, itemsize, promote } from './dtype.js';
import { TesseraError } from '../../engine/errors.js';
import { product } from './grid.js';
import type { ExprContext, Node } from './expr.js';
import { UFUNCS } from './ufuncs.js';
import {
  asNumpyScalar, concatenate, elementwise, index, type IndexItem, integerRange, mapBlocks, normalizeAxes, rechunk, reduce, reshape, scalar, stack, transpose,
} from './build.js';
import { broadcastTo, diff, expandDims, flip, meshgrid, moveaxis, outer, pad, type PadMode, repeat, roll, squeeze, swapaxes, take, tile, triangle } from './shape-functions.js';
import { dot, einsum, matmulNumpy, tensordot } from './tensor-products.js';
import { NAN_REDUCTIONS, nanArg, nanMean, nanMinMax, nanVar, replaceNan } from './nan-reductions.js';
import { allclose, average, corrcoef, cov, gradient, isclose, isfinite, isinf } from './numeric-functions.js';
import { cumulative, nanCumulative } from './cumulative.js';
import { sortAlong } from './sorting.js';
import { topk } from './rank-slices.js';
import { median, quantile } from './quantiles.js';
import { type Bins, histogram } from './histogram.js';
import { argwhere, booleanIndex, flatnonzero, type MaskCounts, MASKED_REDUCTIONS, maskedReduction, nonzero } from './masks.js';
import { type ChunksSpec, normalizeChunks } from './chunks.js';
import { arange, eye, full, linspace, randomArray } from './creation.js';
import { type Ast, parseExpression } from '../../lang/python-expression.js';
import { coarsenBlocks, uniformFilter } from './neighbourhood.js';
import { norm, qr, solve, svd } from './linalg.js';
import { bincount, unique } from './set-functions.js';
import { complexRepr, foldComplex, type PyComplex } from './python-complex.js';
import { complexBinary, complexIndex, type Operand, complexPowerOperator, complexProduct, complexVariance, fromReal, pairsOf, complexReduce, complexReshape, complexTranspose, complexUnary, logicalShape, unsupported } from './complex.js';
import { isComplexSource } from './complex-sources.js';
import { checkNorm, fft1, fftfreq, fftn, fftshift, type Spectral } from './fft.js';
import type { FunctionsModule } from '../../engine/user-modules/check-functions.js';

export type Value =
  | { k: 'array'; node: Node }
  /** A complex array: its (re, im) pairs (complex.ts). */
  | { k: 'complex'; node: Node }
  | { k: 'num'; value: number; isInt: boolean; big?: bigint }
  /** A Python complex number (`2j`, `1 + 2j`): folded while it meets Python numbers, weak beside arrays. */
  | { k: 'cnum'; re: number; im: number }
  | { k: 'bool'; value: boolean }
  | { k: 'none' }
  | { k: 'str'; value: string }
  | { k: 'seq'; items: Value[] }
  | { k: 'ns'; name: string }
  | { k: 'fn'; name: string; self?: Node; complexSelf?: Node }
  /** A function of the job's module (`"functions"`), for map_blocks. */
  | { k: 'user'; name: string }
  | { k: 'dtype'; dtype: DType }
  /** complex128 / complex64 (np.complex128, 'complex64', Python's complex): `part` is the parts' float dtype. */
  | { k: 'cdtype'; part: 'float64' | 'float32' }
  | { k: 'ellipsis' }
  /** A dict literal: only coarsen's {axis: factor} takes one here. */
  | { k: 'dict'; entries: [Value, Value][] };

interface Args {
  pos: Value[];
  kw: Map<string, Value>;
  at: Ast;
}

const argError = (msg: string, hint = '') => new TesseraError('BAD_ARGUMENTS', msg, hint);

/**
 * Binds positional and keyword arguments to parameter names, in numpy's order (so `x.std(0, 1)`
 * passes 1 as the dtype, as numpy does, and fails there). `keywordOnly` names can only be given
 * by keyword.
 */
function bind(fn: string, params: string[], a: Args, required = 1, keywordOnly: string[] = []): Record<string, Value | undefined> {
  if (a.pos.length > params.length) throw argError(`${fn}() takes at most ${params.length} positional argument(s) but ${a.pos.length} were given`, `give the others by keyword: ${[...params, ...keywordOnly].join(', ')}`);
  const out: Record<string, Value | undefined> = {};
  params.forEach((p, i) => { if (i < a.pos.length) out[p] = a.pos[i]; });
  for (const [k, v] of a.kw) {
    if (!params.includes(k) && !keywordOnly.includes(k)) throw argError(`${fn}() got an unexpected keyword argument '${k}'`, `it takes: ${[...params, ...keywordOnly].join(', ')}`);
    if (out[k] !== undefined) throw argError(`${fn}() got multiple values for argument '${k}'`);
    out[k] = v;
  }
  for (let i = 0; i < required; i++) if (out[params[i]] === undefined) throw argError(`${fn}() missing required argument '${params[i]}'`);
  return out;
}

export class Evaluator {
  /**
   * `module`: the job's user functions, which map_blocks may name (none: names are datasets and
   * numpy's only). `maskCounts`: the counts of the masks boolean indexing has needed so far
   * (masks.ts); an output that needs another throws MaskCountsNeeded.
   */
  constructor(private readonly ctx: ExprContext, private readonly datasets: Map<string, Node>, private readonly module: FunctionsModule | null = null,
    private readonly maskCounts: MaskCounts | null = null) {}

  /** Whether the output being evaluated may wait for a counting run (a job's output may; a delayed call's argument may not). */
  private mayDefer = false;

  /** The counts ranks of long arrays are banded by (rank-slices.ts); undefined where no run can count them first. */
  private get bands(): MaskCounts | null | undefined {
    return this.mayDefer ? this.maskCounts : undefined;
  }

  /** Parses and evaluates one output expression into an array node. */
  evaluateOutput(src: string, output?: string): Node {
    const v = this.evaluateOutputValue(src, output);
    if (v.complex) throw unsupported('a complex result here');
    return v.node;
  }

  /**
   * An output expression's array node, and whether it is complex pairs (complex.ts). With
   * `mayDefer`, the ranks of a long array (median, percentile, topk) ask for a counting run first
   * (rank-slices.ts) rather than sort it whole.
   */
  evaluateOutputValue(src: string, output?: string, mayDefer = false): { node: Node; complex: boolean } {
    const outer = this.mayDefer;
    this.mayDefer = mayDefer;
    try {
      const ast = parseExpression(src);
      const v = this.eval(ast);
      if (v.k === 'complex') return { node: v.node, complex: true };
      if (v.k === 'cnum') return { node: this.complexScalar(v), complex: true };
      return { node: this.asArray(v, ast), complex: false };
    } catch (e) {
      if (e instanceof TesseraError && e.position) e.position.output = output;
      throw e;
    } finally {
      this.mayDefer = outer;
    }
  }

  private at<T>(ast: Ast, f: () => T): T {
    try {
      return f();
    } catch (e) {
      if (e instanceof TesseraError && !e.position) e.position = { start: ast.start, end: ast.end };
      throw e;
    }
  }

  asArray(v: Value, ast: Ast): Node {
    return this.at(ast, () => {
      switch (v.k) {
        case 'array': return v.node;
        case 'num': return scalar(this.ctx, v.value, v.isInt ? 'int' : 'float', v.big);
        case 'bool': return scalar(this.ctx, v.value, 'bool');
        case 'seq': {
          // np.asarray of a tuple of arrays (what gradient and meshgrid give): stacked; () is empty float64.
          if (!v.items.length) return full(this.ctx, [0], 0, 'float64');
          return stack(this.ctx, v.items.map((item) => this.asArray(item, ast)), 0);
        }
        case 'complex': case 'cnum': throw unsupported('this operation');
        default: throw new TesseraError('TYPE_ERROR', `expected an array or a number, got ${describe(v)}`, 'check the expression');
      }
    });
  }

  eval(ast: Ast): Value {
    return this.at(ast, () => this.evalInner(ast));
  }

  private evalInner(ast: Ast): Value {
    switch (ast.t) {
      case 'num': return { k: 'num', value: ast.value, isInt: ast.isInt, big: ast.big };
      case 'imag': return { k: 'cnum', re: 0, im: ast.value };
      case 'str': return { k: 'str', value: ast.value };
      case 'const': return ast.value === null ? { k: 'none' } : { k: 'bool', value: ast.value };
      case 'ellipsis': return { k: 'ellipsis' };
      case 'tuple': case 'list': return { k: 'seq', items: ast.items.map((i) => this.eval(i)) };
      case 'name': return this.lookup(ast.name, ast);
      case 'attr': return this.attribute(this.eval(ast.obj), ast.name);
      case 'call': {
        const masked = this.maskedReduction(ast);
        if (masked) return { k: 'array', node: masked };
        const fn = this.eval(ast.fn);
        if (fn.k !== 'fn') throw new TesseraError('TYPE_ERROR', `${describe(fn)} is not callable`, '');
        // map_blocks's function is a bare name of the job's module, even where numpy has the name (sqrt, clip).
        const funcSlot = fn.name === 'map_blocks' && this.module ? (ast.args[0] ?? ast.kwargs.find((k) => k.name === 'func')?.value) : undefined;
        const value = (a: Ast) => (a === funcSlot && a.t === 'name' && !this.datasets.has(a.name) ? { k: 'user', name: a.name } as Value : this.eval(a));
        const args: Args = { pos: ast.args.map(value), kw: new Map(ast.kwargs.map((k) => [k.name, value(k.value)])), at: ast };
        return this.call(fn.name, fn.self, args, fn.complexSelf);
      }
      case 'index': {
        const obj = this.eval(ast.obj);
        if (obj.k === 'seq') {
          const i = ast.items.length === 1 ? this.eval(ast.items[0]) : null;
          if (!i || i.k !== 'num' || !i.isInt) throw new TesseraError('TYPE_ERROR', 'a tuple index must be one integer', '');
          const v = obj.items[i.value < 0 ? i.value + obj.items.length : i.value];
          if (!v) throw new TesseraError('INDEX_ERROR', 'tuple index out of range', '');
          return v;
        }
        if (obj.k === 'complex') {
          if (ast.items.some((it) => it.t === 'list' || (it.t !== 'slice' && ['array', 'seq'].includes(this.eval(it).k)))) throw unsupported('boolean or list indexing');
          return { k: 'complex', node: complexIndex(this.ctx, obj.node, ast.items.map((it) => this.indexItem(it))) };
        }
        const node = this.asArray(obj, ast.obj);
        if (ast.items.length === 1 && ast.items[0].t !== 'slice') {
          const item = this.eval(ast.items[0]);
          if (item.k === 'array' && item.node.dtype === 'bool' && item.node.weak === null)
            return { k: 'array', node: this.at(ast, () => booleanIndex(this.ctx, node, item.node, this.maskCounts)) };
        }
        const lists = ast.items.filter((it) => it.t === 'list');
        if (lists.length) return { k: 'array', node: this.listIndex(node, ast.items) };
        return { k: 'array', node: index(this.ctx, node, ast.items.map((it) => this.indexItem(it))) };
      }
      case 'slice': throw new TesseraError('SYNTAX_ERROR', 'a slice (a:b) is only allowed inside [ ]', '');
      case 'dict': return { k: 'dict', entries: ast.keys.map((key, i) => [this.eval(key), this.eval(ast.values[i])]) };
      case 'unary': {
        const v = this.eval(ast.arg);
        // Python on literals: a bool is an int here (-True is -1, ~False is -1, +True is 1), and
        // an int has no -0 (while -0.0 is a float of its own).
        if ((v.k === 'num' && v.isInt) || v.k === 'bool') {
          const n = bigOf(v);
          return pythonInt(ast.op === '-' ? -n : ast.op === '~' ? -n - 1n : n);
        }
        if (v.k === 'seq') throw new TesseraError('TYPE_ERROR', `bad operand type for unary ${ast.op}: 'tuple'`, 'index the tuple first, e.g. gradient(x)[0]');
        if (ast.op === '+') return v;
        if (v.k === 'num' && ast.op === '-') return { k: 'num', value: -v.value, isInt: false };
        if (v.k === 'cnum') {
          if (ast.op !== '-') throw new TesseraError('TYPE_ERROR', `bad operand type for unary ${ast.op}: 'complex'`, '');
          return { k: 'cnum', re: -v.re, im: -v.im };
        }
        if (v.k === 'complex') {
          if (ast.op !== '-') throw unsupported(`unary ${ast.op}`);
          return { k: 'complex', node: complexUnary(this.ctx, 'negative', v.node).node };
        }
        return { k: 'array', node: elementwise(this.ctx, ast.op === '-' ? 'negative' : 'invert', [this.asArray(v, ast.arg)]) };
      }
      case 'binary': {
        // A flat chain (a + b - c * d + ...) is a left spine of any length: walk it in a loop,
        // left to right as Python evaluates it, so its length costs no stack.
        const spine: (Ast & { t: 'binary' })[] = [];
        let left: Ast = ast;
        while (left.t === 'binary') { spine.push(left); left = left.left; }
        let acc = this.eval(left);
        for (let k = spine.length - 1; k >= 0; k--) {
          const node = spine[k];
          const l = acc;
          acc = this.at(node, () => this.binary(node.op, l, this.eval(node.right), node));
        }
        return acc;
      }
    }
  }

  /**
   * `x[mask].sum()` (or `sum(x[mask])`, numpy's namespace too) over all elements, mask of x's
   * shape: a reduction of where(mask, x, identity), one pass and no count run (masks.ts).
   */
  private maskedReduction(ast: Ast & { t: 'call' }): Node | null {
    const fn = ast.fn;
    let name: string, target: Ast;
    const NS = ['np', 'numpy', 'da'];
    if (fn.t === 'attr' && fn.obj.t === 'index' && ast.args.length === 0 && fn.name !== 'amax' && fn.name !== 'amin') [name, target] = [fn.name, fn.obj];
    else if (ast.args.length === 1 && ast.args[0].t === 'index' && (fn.t === 'name' || (fn.t === 'attr' && fn.obj.t === 'name' && NS.includes(fn.obj.name))))
      [name, target] = [fn.name, ast.args[0]];
    else return null;
    if (fn.t === 'name' && this.datasets.has(fn.name)) return null;
    if (!MASKED_REDUCTIONS.has(name) || ast.kwargs.some((k) => k.name !== 'axis' || !(k.value.t === 'const' && k.value.value === null))) return null;
    if (target.t !== 'index' || target.items.length !== 1 || target.items[0].t === 'slice') return null;
    const obj = this.eval(target.obj), item = this.eval(target.items[0]);
    if (obj.k !== 'array' || item.k !== 'array' || item.node.dtype !== 'bool' || item.node.weak !== null) return null;
    const x = obj.node, mask = item.node;
    if (mask.shape.length !== x.shape.length || mask.shape.some((n, d) => n !== x.shape[d]) || x.shape.length === 0) return null;
    return this.at(ast, () => maskedReduction(this.ctx, name, x, mask));
  }

  /**
   * A function of a complex array (or numpy's real/imag/angle/conj of any): the operations
   * complex.ts has; anything else names what complex arrays take.
   */
  /** The parts' dtype when `v` names a complex dtype (np.complex64, 'complex128', Python's complex), else null. */
  private complexPart(v: Value | undefined): 'float64' | 'float32' | null {
    if (v?.k === 'cdtype') return v.part;
    if (v?.k === 'str' && ['complex', 'complex128', 'complex64', 'c16', 'c8', 'D', 'F'].includes(v.value)) return v.value === 'complex64' || v.value === 'c8' || v.value === 'F' ? 'float32' : 'float64';
    return null;
  }

  /** A Python complex number where numpy makes it an array: complex128, not weak. */
  private complexScalar(z: { re: number; im: number }): Node {
    return pairsOf(this.ctx, scalar(this.ctx, z.re, 'float'), scalar(this.ctx, z.im, 'float'));
  }

  private complexCall(name: string, self: Node | undefined, a: Args): Value {
    const value = (v: Value | undefined): { node: Node; complex: boolean } => {
      if (!v) throw argError(`${name}() missing its array`);
      if (v.k === 'cnum') return { node: this.complexScalar(v), complex: true };
      return v.k === 'complex' ? { node: v.node, complex: true } : { node: this.asArray(v, a.at), complex: false };
    };
    const out = (r: { node: Node; complex: boolean }): Value => (r.complex ? { k: 'complex', node: r.node } : { k: 'array', node: r.node });
    const z = self ? { node: self, complex: true } : null;
    switch (name) {
      case 'real': case 'imag': case 'angle': case 'conj': case 'conjugate': case 'abs': case 'absolute': case 'negative': case 'positive': {
        const b = z ? bind(name, [], a, 0) : bind(name, name === 'angle' ? ['z', 'deg'] : ['x'], a, 1);
        if (name === 'angle' && this.bool(b.deg, false)) throw argError('angle(deg=True) is not supported', 'multiply by 180 / pi');
        const x = z ?? value(b.z ?? b.x);
        if (x.complex) return out(complexUnary(this.ctx, name, x.node));
        // numpy of a real array: itself, zeros, arctan2(0, x), itself; conjugate is a ufunc with no
        // bool loop, so a bool array comes back int8.
        if ((name === 'conj' || name === 'conjugate') && x.node.dtype === 'bool') return A0(elementwise(this.ctx, 'astype_int8', [x.node]));
        if (name === 'real' || name === 'conj' || name === 'conjugate' || name === 'positive') return out(x);
        if (name === 'imag') return A0(full(this.ctx, x.node.shape, 0, x.node.dtype));
        if (name === 'angle') return A0(elementwise(this.ctx, 'arctan2', [scalar(this.ctx, 0, 'int'), asNumpyScalar(this.ctx, x.node)]));
        return A0(elementwise(this.ctx, UFUNC_ALIASES[name], [x.node]));
      }
      case 'astype': {
        // To a complex dtype: the parts cast; to a real one, numpy's: the real part (the imaginary discarded).
        const b = z ? bind(name, ['dtype'], a, 1) : bind(name, ['a', 'dtype'], a, 2);
        const x = z ?? value(b.a);
        const part = this.complexPart(b.dtype);
        const re = complexUnary(this.ctx, 'real', x.node).node;
        if (!part) {
          const dt = this.dtype(b.dtype);
          if (!dt) throw argError('astype() needs a dtype');
          // To bool, numpy's: true where either part is nonzero.
          if (dt === 'bool') return A0(elementwise(this.ctx, 'logical_or', [re, complexUnary(this.ctx, 'imag', x.node).node]));
          return A0(re.dtype === dt ? re : elementwise(this.ctx, `astype_${dt}`, [re]));
        }
        const cast = (p: Node) => (p.dtype === part ? p : elementwise(this.ctx, `astype_${part}`, [p]));
        return out({ node: x.node.dtype === part ? x.node : pairsOf(this.ctx, cast(re), cast(complexUnary(this.ctx, 'imag', x.node).node)), complex: true });
      }
      case 'var': case 'std': {
        const b = z ? bind(name, ['axis', 'dtype', 'out', 'ddof', 'keepdims'], a, 0) : bind(name, ['a', 'axis', 'dtype', 'out', 'ddof', 'keepdims'], a, 1);
        if ((b.dtype && b.dtype.k !== 'none') || (b.out && b.out.k !== 'none')) throw unsupported(`${name}(dtype=..., out=...)`);
        const x = z ?? value(b.a);
        if (!x.complex) throw unsupported(name);
        const ddof = b.ddof && b.ddof.k !== 'none' ? this.int(b.ddof, 'ddof') : 0;
        return A0(complexVariance(this.ctx, name, x.node, this.axis(b.axis), this.bool(b.keepdims, false), ddof));
      }
      case 'cumsum': {
        // Each part's running sum along a values' axis (the flattened values for None), as numpy adds complex numbers.
        const b = z ? bind(name, ['axis', 'dtype', 'out'], a, 0) : bind(name, ['a', 'axis', 'dtype', 'out'], a, 1);
        if ((b.dtype && b.dtype.k !== 'none') || (b.out && b.out.k !== 'none')) throw unsupported(`${name}(dtype=..., out=...)`);
        const x = z ?? value(b.a);
        if (!x.complex) throw unsupported(name);
        const ax = this.axis(b.axis);
        if (Array.isArray(ax)) throw new TesseraError('TYPE_ERROR', `${name}() takes one axis (an integer) or None`, 'scan along one axis at a time');
        const nd = logicalShape(x.node).length;
        if (ax === null) return out({ node: cumulative(this.ctx, 'cumsum', reshape(this.ctx, x.node, [-1, 2]), 0), complex: true });
        return out({ node: cumulative(this.ctx, 'cumsum', x.node, normalizeAxes(ax, nd)[0]), complex: true });
      }
      case 'outer': {
        // numpy's outer: a.ravel()[:, None] * b.ravel()[None, :], complex multiplication element by element.
        const b = bind(name, ['a', 'b'], a, 2);
        const flat = (v: Value | undefined, shape: number[]): Operand => {
          const x = value(v);
          const n = (x.complex ? logicalShape(x.node) : x.node.shape).reduce((p, q) => p * q, 1);
          const s = shape.map((d) => (d < 0 ? n : d));
          return x.complex ? { kind: 'complex', node: complexReshape(this.ctx, x.node, s) } : { kind: 'real', node: reshape(this.ctx, x.node, s) };
        };
        return out(complexBinary(this.ctx, '*', flat(b.a, [-1, 1]), flat(b.b, [1, -1])));
      }
      case 'matmul': case 'dot': case 'tensordot': {
        const b = z ? bind(name, ['b'], a, 1) : bind(name, name === 'tensordot' ? ['a', 'b', 'axes'] : ['a', 'b'], a, 2);
        const operand = (v: Value | undefined, self?: Node): Operand => {
          if (self) return { kind: 'complex', node: self };
          const x = value(v);
          return x.complex ? { kind: 'complex', node: x.node } : { kind: 'real', node: x.node };
        };
        const ax = b.axes;
        const axes: number | [number[], number[]] = !ax ? 2 : ax.k === 'seq' && ax.items.length === 2
          ? [this.ints(ax.items[0], 'axes'), this.ints(ax.items[1], 'axes')] : this.int(ax, 'axes');
        const product = name === 'matmul' ? (p: Node, q: Node) => matmulNumpy(this.ctx, p, q) : name === 'dot' ? (p: Node, q: Node) => dot(this.ctx, p, q)
          : (p: Node, q: Node) => tensordot(this.ctx, p, q, axes);
        return out({ node: complexProduct(this.ctx, operand(b.a, z?.node), operand(b.b), product), complex: true });
      }
      case 'exp': case 'sqrt': case 'square': case 'log': case 'log10': case 'log2': case 'isnan': case 'isinf': case 'isfinite': {
        const x = value(bind(name, ['x'], a, 1).x);
        if (!x.complex) throw unsupported(`${name}() of a real array beside complex arguments`);
        return out(complexUnary(this.ctx, name, x.node));
      }
      case 'sum': case 'mean': {
        const b = z ? bind(name, ['axis', 'dtype', 'out', 'keepdims'], a, 0) : bind(name, ['a', 'axis', 'dtype', 'out', 'keepdims'], a, 1);
        if ((b.dtype && b.dtype.k !== 'none') || (b.out && b.out.k !== 'none')) throw unsupported(`${name}(dtype=..., out=...)`);
        const x = z ?? value(b.a);
        if (!x.complex) throw unsupported(name);
        return out({ node: complexReduce(this.ctx, name, x.node, this.axis(b.axis), this.bool(b.keepdims, false)), complex: true });
      }
      case 'transpose': {
        const b = z ? { axes: a.pos.length > 1 ? { k: 'seq', items: a.pos } as Value : a.pos[0] ?? a.kw.get('axes') } : bind(name, ['a', 'axes'], a, 1);
        const x = z ?? value(b.a);
        const axes = b.axes && b.axes.k !== 'none' ? this.ints(b.axes, 'axes') : undefined;
        return out({ node: complexTranspose(this.ctx, x.node, axes), complex: true });
      }
      case 'reshape': {
        const b = z ? { shape: a.pos.length > 1 ? { k: 'seq', items: a.pos } as Value : a.pos[0] ?? a.kw.get('shape') } : bind(name, ['a', 'shape'], a, 2);
        const x = z ?? value(b.a);
        return out({ node: complexReshape(this.ctx, x.node, this.ints(b.shape, 'shape')), complex: true });
      }
    }
    throw unsupported(`${name}()`);
  }

  /** np.fft's functions (fft.ts), of real or complex arrays. */
  private fft(name: string, a: Args): Value {
    const value = (v: Value | undefined): Spectral => {
      if (!v) throw argError(`fft.${name}() missing its array`);
      return v.k === 'complex' ? { node: v.node, complex: true } : { node: asNumpyScalar(this.ctx, this.asArray(v, a.at)), complex: false };
    };
    const out = (r: Spectral): Value => (r.complex ? { k: 'complex', node: r.node } : { k: 'array', node: r.node });
    const norm = (v: Value | undefined) => checkNorm(!v || v.k === 'none' ? null : v.k === 'str' ? v.value : describe(v));
    // A length (n, s, fftfreq's n) is an integer, never a bool: numpy 2's operator.index refuses
    // True everywhere but rfft's n (which it takes as 1); Tessera everywhere.
    const length = (v: Value | undefined, what: string) => {
      if (v?.k === 'bool' || (v?.k === 'seq' && v.items.some((x) => x.k === 'bool'))) throw new TesseraError('TYPE_ERROR', `${what} must be an integer, not a bool`, '');
      return v;
    };
    const optInt = (v: Value | undefined, what: string) => (!v || v.k === 'none' ? null : this.int(length(v, what), what));
    const optInts = (v: Value | undefined, what: string) => (!v || v.k === 'none' ? null : this.ints(length(v, what), what));
    switch (name) {
      case 'fft': case 'ifft': case 'rfft': case 'irfft': {
        const b = bind(`fft.${name}`, ['a', 'n', 'axis', 'norm', 'out'], a, 1);
        if (b.out && b.out.k !== 'none') throw argError(`fft.${name}(out=...) is not supported`, 'the result is the output');
        return out(fft1(this.ctx, name, value(b.a), optInt(b.n, 'n'), b.axis && b.axis.k !== 'none' ? this.int(b.axis, 'axis') : -1, norm(b.norm)));
      }
      case 'fft2': case 'ifft2': case 'rfft2': case 'irfft2': case 'fftn': case 'ifftn': case 'rfftn': case 'irfftn': {
        const b = bind(`fft.${name}`, ['a', 's', 'axes', 'norm', 'out'], a, 1);
        if (b.out && b.out.k !== 'none') throw argError(`fft.${name}(out=...) is not supported`, 'the result is the output');
        const nd = name.endsWith('2');
        const axes = optInts(b.axes, 'axes') ?? (nd ? [-2, -1] : null);
        const base = (nd ? `${name.slice(0, -1)}n` : name) as 'fftn' | 'ifftn' | 'rfftn' | 'irfftn';
        // s: lengths, -1 or None for an axis's own (numpy 2).
        const sizes = !b.s || b.s.k === 'none' ? null : (b.s.k === 'seq' ? b.s.items : [b.s]).map((v) => (v.k === 'none' ? null : this.int(length(v, 's'), 's')));
        return out(fftn(this.ctx, base, value(b.a), sizes, axes, norm(b.norm)));
      }
      case 'fftfreq': case 'rfftfreq': {
        const b = bind(`fft.${name}`, ['n', 'd'], a, 1, ['device']);
        return A0(fftfreq(this.ctx, name, this.int(length(b.n, 'n'), 'n'), b.d ? this.number(b.d, 'd') : 1));
      }
      case 'fftshift': case 'ifftshift': {
        const b = bind(`fft.${name}`, ['x', 'axes'], a, 1);
        return out(fftshift(this.ctx, name, value(b.x), this.axis(b.axes)));
      }
    }
    throw argError(`fft.${name} is not supported`, `fft here has ${FFT_FNS.join(', ')}`);
  }

  /** x[[i, j]] and x[:, [i, j]]: one list of integers, every item before it a full slice (np.take along that axis). */
  private listIndex(node: Node, items: Ast[]): Node {
    const at = items.findIndex((it) => it.t === 'list');
    const full = (it: Ast) => it.t === 'slice' && it.lo === null && it.hi === null && it.step === null;
    if (items.filter((it) => it.t === 'list').length > 1 || items.some((it, k) => k !== at && !full(it)))
      throw new TesseraError('INDEX_ERROR', 'integer-array (fancy) indexing is supported for one list of integers, with full slices (:) before it', 'e.g. x[[0, 2, 5]] or x[:, [1, 3]]; take() selects along any axis');
    const list = this.eval(items[at]);
    // A list of bools is a mask (numpy's), of known values: the positions of its True.
    if (list.k === 'seq' && list.items.length && list.items.every((v) => v.k === 'bool')) {
      const n = node.shape[at];
      if (list.items.length !== n)
        throw new TesseraError('INDEX_ERROR', `boolean index did not match indexed array along axis ${at}; size of axis is ${n} but size of corresponding boolean axis is ${list.items.length}`, '');
      return take(this.ctx, node, list.items.flatMap((v, i) => (v.k === 'bool' && v.value ? [i] : [])), at);
    }
    return take(this.ctx, node, this.ints(list, 'an index'), at);
  }

  private indexItem(it: Ast): IndexItem {
    return this.at(it, () => {
      if (it.t === 'slice') {
        const part = (p: Ast | null) => (p === null ? null : this.int(this.eval(p), 'a slice bound'));
        return { kind: 'slice', start: part(it.lo), stop: part(it.hi), step: part(it.step) };
      }
      const v = this.eval(it);
      if (v.k === 'none') return { kind: 'newaxis' };
      if (v.k === 'ellipsis') return { kind: 'ellipsis' };
      if (v.k === 'num' && v.isInt) return { kind: 'int', value: v.value };
      throw new TesseraError('INDEX_ERROR', `only integers, slices (:), None (newaxis) and ... are valid indices, not ${describe(v)}`, 'boolean and integer-array (fancy) indexing are not supported; use where() instead');
    });
  }

  private int(v: Value | undefined, what: string): number {
    if (v && v.k === 'num' && v.isInt) return v.value;
    if (v && v.k === 'bool') return v.value ? 1 : 0;
    throw new TesseraError('TYPE_ERROR', `${what} must be an integer, not ${v ? describe(v) : 'missing'}`, '');
  }

  private number(v: Value | undefined, what: string): number {
    if (v && v.k === 'num') return v.value;
    if (v && v.k === 'bool') return v.value ? 1 : 0;
    throw new TesseraError('TYPE_ERROR', `${what} must be a number, not ${v ? describe(v) : 'missing'}`, '');
  }

  private ints(v: Value | undefined, what: string): number[] {
    if (v && v.k === 'seq') return v.items.map((x) => this.int(x, what));
    return [this.int(v, what)];
  }

  private axis(v: Value | undefined): number | number[] | null {
    if (!v || v.k === 'none') return null;
    if (v.k === 'seq') return v.items.map((x) => this.int(x, 'axis'));
    return this.int(v, 'axis');
  }

  private bool(v: Value | undefined, fallback: boolean): boolean {
    if (!v) return fallback;
    if (v.k === 'bool') return v.value;
    if (v.k === 'num') return v.value !== 0;
    throw new TesseraError('TYPE_ERROR', `expected True or False, not ${describe(v)}`, '');
  }

  private dtype(v: Value | undefined): DType | undefined {
    if (!v || v.k === 'none') return undefined;
    if (v.k === 'dtype') return v.dtype;
    if (this.complexPart(v)) throw unsupported('a complex dtype here (astype takes one)');
    if (v.k === 'str') {
      const name = v.value === 'float' ? 'float64' : v.value === 'int' ? 'int64' : v.value;
      if (isDType(name)) return name;
    }
    throw new TesseraError('BAD_DTYPE', `unknown dtype ${v.k === 'str' ? `'${v.value}'` : describe(v)}`, 'use one of float64, float32, int64, int32, int16, int8, uint64, uint32, uint16, uint8, bool');
  }

  private chunks(v: Value | undefined): ChunksSpec | undefined {
    if (!v || v.k === 'none') return undefined;
    if (v.k === 'str' && v.value === 'auto') return 'auto';
    if (v.k === 'num') return v.value;
    if (v.k === 'seq') return v.items.map((x) => (x.k === 'none' ? null : x.k === 'seq' ? x.items.map((y) => this.int(y, 'chunks')) : this.int(x, 'chunks')));
    throw new TesseraError('BAD_CHUNKS', `chunks must be a number, a tuple or "auto", not ${describe(v)}`, '');
  }

  private lookup(name: string, ast: Ast): Value {
    const ds = this.datasets.get(name);
    if (ds) return isComplexSource(ds) ? { k: 'complex', node: ds } : { k: 'array', node: ds };
    const v = globalValue(name);
    if (v) return v;
    const names = [...this.datasets.keys()];
    const hint = names.length ? `datasets in this job: ${names.join(', ')}` : 'define it under "datasets" in the job spec';
    const vocabulary = expressionVocabulary();
    throw new TesseraError('UNKNOWN_NAME', `name '${name}' is not defined${didYouMean(name, [...names, ...vocabulary.functions, ...vocabulary.constants])}`,
      this.module ? `${hint}; a function of ${this.module.path} runs on each chunk: x.map_blocks(${name})` : hint, { position: { start: ast.start, end: ast.end } });
  }

  private attribute(obj: Value, name: string): Value {
    const A = (node: Node): Value => ({ k: 'array', node });
    if (obj.k === 'ns') {
      const sub = obj.name === 'random' ? RANDOM_FNS : obj.name === 'linalg' ? LINALG_FNS : obj.name === 'fft' ? FFT_FNS : null;
      const v = sub ? (sub.includes(name) ? { k: 'fn', name: `${obj.name}.${name}` } as Value : undefined)
        : name === 'random' || name === 'linalg' || name === 'fft' ? { k: 'ns', name } as Value : globalValue(name);
      if (v) return v;
      throw new TesseraError('UNKNOWN_NAME', `${obj.name} has no attribute '${name}'${didYouMean(name, sub ?? [...FUNCTIONS, ...expressionVocabulary().constants, 'random', 'linalg', 'fft'])}`,
        obj.name === 'linalg' ? `linalg here has ${LINALG_FNS.join(', ')}` : obj.name === 'fft' ? `fft here has ${FFT_FNS.join(', ')}` : '');
    }
    if (obj.k === 'complex') {
      const z = obj.node, shape = logicalShape(z);
      switch (name) {
        case 'real': case 'imag': return A(complexUnary(this.ctx, name, z).node);
        case 'T': return { k: 'complex', node: complexTranspose(this.ctx, z) };
        case 'shape': return { k: 'seq', items: shape.map((d) => ({ k: 'num', value: d, isInt: true })) };
        case 'ndim': return { k: 'num', value: shape.length, isInt: true };
        case 'size': return { k: 'num', value: shape.reduce((a, b) => a * b, 1), isInt: true };
        case 'dtype': return { k: 'cdtype', part: z.dtype === 'float32' ? 'float32' : 'float64' };
      }
      if (COMPLEX_METHODS.includes(name)) return { k: 'fn', name, complexSelf: z };
      throw unsupported(`the attribute .${name}`);
    }
    if (obj.k === 'array') {
      const n = obj.node;
      switch (name) {
        case 'T': return { k: 'array', node: transpose(this.ctx, n) };
        case 'shape': return { k: 'seq', items: n.shape.map((d) => ({ k: 'num', value: d, isInt: true })) };
        case 'ndim': return { k: 'num', value: n.shape.length, isInt: true };
        case 'size': return { k: 'num', value: n.shape.reduce((a, b) => a * b, 1), isInt: true };
        case 'dtype': return { k: 'dtype', dtype: n.dtype };
        case 'real': return obj;
        case 'imag': return A(full(this.ctx, n.shape, 0, n.dtype));
      }
      if (METHODS.includes(name)) return { k: 'fn', name, self: n };
      throw new TesseraError('UNKNOWN_NAME', `array has no attribute '${name}'${didYouMean(name, [...METHODS, 'T', 'shape', 'ndim', 'size', 'dtype'])}`, `array methods: ${METHODS.join(', ')}`);
    }
    throw new TesseraError('TYPE_ERROR', `${describe(obj)} has no attribute '${name}'`, '');
  }

  private binary(op: string, l: Value, r: Value, ast: Ast & { t: 'binary' }): Value {
    // A tuple (gradient's, meshgrid's) meets an operator as Python's tuple: an array beside it
    // converts it (numpy's operators), anything else cannot.
    if ((l.k === 'seq' && r.k !== 'array') || (r.k === 'seq' && l.k !== 'array')) {
      // Python's tuple: * an int repeats it, + a tuple joins them, == anything else is False.
      const count = (v: Value) => (v.k === 'num' && v.isInt ? v.value : v.k === 'bool' ? Number(v.value) : null);
      if (op === '*' && l.k === 'seq' && count(r) !== null) return { k: 'seq', items: Array.from({ length: Math.max(0, count(r)!) }, () => l.items).flat() };
      if (op === '*' && r.k === 'seq' && count(l) !== null) return { k: 'seq', items: Array.from({ length: Math.max(0, count(l)!) }, () => r.items).flat() };
      if (op === '+' && l.k === 'seq' && r.k === 'seq') return { k: 'seq', items: [...l.items, ...r.items] };
      if ((op === '==' || op === '!=') && !(l.k === 'seq' && r.k === 'seq')) return { k: 'bool', value: op === '!=' };
      throw new TesseraError('TYPE_ERROR', `unsupported operand type(s) for ${op}: '${pyTypeName(l)}' and '${pyTypeName(r)}'`, 'index the tuple first, e.g. gradient(x)[0]');
    }
    if ((l.k === 'num' || l.k === 'bool') && (r.k === 'num' || r.k === 'bool') && op !== '@') {
      const folded = foldNumbers(op, l, r);
      if (folded) return folded;
    }
    const pyNumber = (v: Value): PyComplex | null => (v.k === 'cnum' ? v : v.k === 'num' ? { re: v.value, im: 0 } : v.k === 'bool' ? { re: Number(v.value), im: 0 } : null);
    if ((l.k === 'cnum' || r.k === 'cnum') && pyNumber(l) && pyNumber(r)) {
      const folded = foldComplex(op, pyNumber(l)!, pyNumber(r)!);
      if (folded === null) throw unsupported(`the operator ${op}`);
      return typeof folded === 'boolean' ? { k: 'bool', value: folded } : { k: 'cnum', ...folded };
    }
    if (l.k === 'complex' || r.k === 'complex' || l.k === 'cnum' || r.k === 'cnum') {
      const operand = (v: Value, at: Ast): Operand => (v.k === 'complex' ? { kind: 'complex', node: v.node } : v.k === 'cnum' ? { kind: 'py', re: v.re, im: v.im } : { kind: 'real', node: this.asArray(v, at) });
      if (op === '**') {
        // numpy 2's operator: its shortcuts for 2, -1 and 0.5, else the complex power loop for an integer exponent.
        const n = r.k === 'num' ? r.value : r.k === 'bool' ? Number(r.value) : NaN;
        if (l.k !== 'complex' || !(Number.isInteger(n) || n === 0.5)) throw unsupported('** other than a complex array to an integer power or 0.5');
        return { k: 'complex', node: complexPowerOperator(this.ctx, l.node, n, r.k === 'num' && r.isInt) };
      }
      if (op === '@') return { k: 'complex', node: complexProduct(this.ctx, operand(l, ast.left), operand(r, ast.right), (x, y) => matmulNumpy(this.ctx, x, y)) };
      if (!['+', '-', '*', '/', '==', '!=', '<', '<=', '>', '>='].includes(op)) throw unsupported(`the operator ${op}`);
      const out = complexBinary(this.ctx, op, operand(l, ast.left), operand(r, ast.right));
      return out.complex ? { k: 'complex', node: out.node } : { k: 'array', node: out.node };
    }
    const left = this.asArray(l, ast.left), right = this.asArray(r, ast.right);
    if (op === '@') return { k: 'array', node: matmulNumpy(this.ctx, left, right) };
    // numpy raises when its loop meets a negative exponent: an empty array raises nothing.
    if (op === '**' && (isInteger(left.dtype) || left.dtype === 'bool') && r.k === 'num' && r.isInt && r.value < 0 && product(left.shape) > 0)
      throw new TesseraError('VALUE_ERROR', 'integers to negative integer powers are not allowed', 'use a float exponent, e.g. x ** -1.0');
    // numpy's `**` squares a bool array with x ** 2 (square has no bool loop: int8); power() itself
    // promotes bool with a Python int to int64.
    if (op === '**' && left.dtype === 'bool' && r.k === 'num' && r.isInt && r.value === 2)
      return { k: 'array', node: elementwise(this.ctx, 'power', [elementwise(this.ctx, 'astype_int8', [left]), right]) };
    const fn = BINARY_OPS[op];
    return { k: 'array', node: elementwise(this.ctx, fn, [left, right]) };
  }

  private call(name: string, self: Node | undefined, a: Args, complexSelf?: Node): Value {
    const arr = (v: Value | undefined, what = 'argument'): Node => {
      if (!v) throw argError(`${name}() missing ${what}`);
      return this.asArray(v, a.at);
    };
    const withSelf = (params: string[]): Record<string, Value | undefined> =>
      self ? bind(name, params.slice(1), a, 0) : bind(name, params, a, 1);
    const first = (b: Record<string, Value | undefined>, key: string): Node => (self ? self : arr(b[key]));
    const A = (node: Node): Value => ({ k: 'array', node });

    if (name.startsWith('random.')) return A(this.random(name.slice(7), a));
    if (name.startsWith('fft.')) return this.fft(name.slice(4), a);
    const complexArg = [...a.pos, ...a.kw.values()].some((v) => v.k === 'complex' || v.k === 'cnum');
    // x.conj() of a real array is x itself, bools included (numpy's method skips the ufunc).
    if (self && (name === 'conj' || name === 'conjugate')) { bind(name, [], a, 0); return A(self); }
    if (complexSelf || complexArg || (!self && ['real', 'imag', 'angle', 'conj', 'conjugate'].includes(name))) {
      // A real array's method with a complex argument (x.dot(z)): the array is the first argument.
      return this.complexCall(name, complexSelf, self && !complexSelf ? { ...a, pos: [A(self), ...a.pos] } : a);
    }
    // where(condition) alone is nonzero(condition).
    if (name === 'where' && !self && a.pos.length === 1 && !a.kw.size) return { k: 'seq', items: nonzero(this.ctx, asNumpyScalar(this.ctx, arr(a.pos[0])), this.maskCounts).map((n) => A(n)) };
    if (UFUNC_ALIASES[name] && !self) {
      const u = UFUNC_ALIASES[name];
      const params = UFUNCS[u].arity === 1 ? ['x'] : UFUNCS[u].arity === 2 ? ['x1', 'x2'] : ['condition', 'x', 'y'];
      const b = bind(name, params, a, params.length);
      const args = params.map((p) => arr(b[p]));
      // With no array among them, numpy makes its arguments numpy scalars (np.asarray).
      return A(elementwise(this.ctx, u, args.every((x) => x.weak !== null) ? args.map((x) => asNumpyScalar(this.ctx, x)) : args));
    }
    switch (name) {
      case 'sum': case 'prod': case 'mean': case 'var': case 'std': {
        // numpy's positional order: (a, axis, dtype, out, [ddof,] keepdims).
        const params = name === 'var' || name === 'std' ? ['a', 'axis', 'dtype', 'out', 'ddof', 'keepdims'] : ['a', 'axis', 'dtype', 'out', 'keepdims'];
        const b = withSelf(params);
        this.noOut(name, b.out);
        const ddof = b.ddof && b.ddof.k !== 'none' ? this.int(b.ddof, 'ddof') : 0;
        return A(this.reduceAs(name, first(b, 'a'), this.axis(b.axis), this.bool(b.keepdims, false), ddof, this.dtype(b.dtype)));
      }
      case 'min': case 'max': case 'any': case 'all': case 'amin': case 'amax': {
        const b = withSelf(['a', 'axis', 'out', 'keepdims']);
        this.noOut(name, b.out);
        const fn = name === 'amin' ? 'min' : name === 'amax' ? 'max' : name;
        return A(reduce(this.ctx, fn, first(b, 'a'), this.axis(b.axis), this.bool(b.keepdims, false)));
      }
      case 'argmin': case 'argmax': {
        const b = self ? bind(name, ['axis', 'out'], a, 0, ['keepdims']) : bind(name, ['a', 'axis', 'out'], a, 1, ['keepdims']);
        this.noOut(name, b.out);
        if (b.axis?.k === 'seq') throw new TesseraError('TYPE_ERROR', `${name}() takes one axis (an integer) or None, not a tuple`, 'give a single axis, e.g. axis=0');
        return A(reduce(this.ctx, name, first(b, 'a'), this.axis(b.axis), this.bool(b.keepdims, false)));
      }
      case 'count_nonzero': {
        const b = bind(name, ['a', 'axis'], a, 1, ['keepdims']);
        return A(reduce(this.ctx, name, arr(b.a), this.axis(b.axis), this.bool(b.keepdims, false)));
      }
      case 'clip': {
        const b = withSelf(['a', 'a_min', 'a_max']);
        let x = first(b, 'a');
        if (x.weak !== null) x = asNumpyScalar(this.ctx, x); // np.clip(7, ...) clips np.int64(7)
        const dtype = x.dtype;
        // numpy >= 2.1: a Python int bound beyond an integer array's range on its open side (a_min
        // at or below the dtype's min, a_max at or above its max) is no bound; one beyond on the
        // other side overflows, as any Python int that does not fit.
        const openSide = (v: Value | undefined, lower: boolean): boolean => {
          if (!v || v.k === 'none') return true;
          if (!isInteger(dtype) || v.k !== 'num' || !v.isInt) return false;
          const { min, max } = integerRange(dtype), n = bigOf(v);
          return lower ? n <= min : n >= max;
        };
        const lo = openSide(b.a_min, true) ? null : arr(b.a_min);
        const hi = openSide(b.a_max, false) ? null : arr(b.a_max);
        // With both bounds numpy's clip ufunc promotes the three together (clip(False, 2**63,
        // 1e-45) is float64, its int bound a float): x takes that dtype first.
        if (lo && hi) {
          const t = promote([x, lo, hi]);
          if (t !== x.dtype) x = elementwise(this.ctx, `astype_${t}`, [x]);
        }
        if (lo) x = elementwise(this.ctx, 'maximum', [x, lo]);
        if (hi) x = elementwise(this.ctx, 'minimum', [x, hi]);
        return A(x);
      }
      case 'round': case 'around': {
        const b = withSelf(['a', 'decimals', 'out']);
        this.noOut(name, b.out);
        const d = b.decimals && b.decimals.k !== 'none' ? this.int(b.decimals, 'decimals') : 0;
        const x = first(b, 'a');
        return A(this.round(x.weak !== null ? asNumpyScalar(this.ctx, x) : x, d)); // np.round(0) rounds np.int64(0)
      }
      case 'map_blocks': {
        // x.map_blocks(f, dtype=...) or map_blocks(f, x, dtype=...), as dask names them.
        const b = self ? bind(name, ['func', 'dtype'], a, 1) : bind(name, ['func', 'x', 'dtype'], a, 2);
        const fn = b.func!;
        if (fn.k !== 'user') {
          throw argError(`map_blocks() takes a function of the job's module, not ${describe(fn)}`,
            this.module ? 'name an exported function of the "functions" module: x.map_blocks(my_filter)' : 'name a module of your functions in the spec ("functions": "pipeline.ts") and one of its exports');
        }
        return A(mapBlocks(this.ctx, self ?? arr(b.x), fn.name, this.module!, this.dtype(b.dtype)));
      }
      case 'astype': {
        const b = withSelf(['a', 'dtype']);
        const part = this.complexPart(b.dtype);
        if (part) return { k: 'complex', node: fromReal(this.ctx, first(b, 'a'), part) };
        const dt = this.dtype(b.dtype);
        if (!dt) throw argError('astype() needs a dtype');
        const x = first(b, 'a');
        return A(x.dtype === dt ? x : elementwise(this.ctx, `astype_${dt}`, [x]));
      }
      case 'reshape': {
        if (self) {
          const shape = a.pos.length === 1 ? this.ints(a.pos[0], 'shape') : a.pos.map((p) => this.int(p, 'shape'));
          return A(reshape(this.ctx, self, shape));
        }
        const b = bind(name, ['a', 'newshape'], a, 2);
        return A(reshape(this.ctx, arr(b.a), this.ints(b.newshape, 'shape')));
      }
      case 'ravel': case 'flatten': return A(reshape(this.ctx, self ?? arr(bind(name, ['a'], a, 1).a), [-1]));
      case 'transpose': {
        if (self) {
          const axes = a.pos.length === 1 && a.pos[0].k === 'seq' ? this.ints(a.pos[0], 'axes') : a.pos.map((p) => this.int(p, 'axes'));
          return A(transpose(this.ctx, self, axes));
        }
        const b = bind(name, ['a', 'axes'], a, 1);
        return A(transpose(this.ctx, arr(b.a), b.axes && b.axes.k !== 'none' ? this.ints(b.axes, 'axes') : undefined));
      }
      case 'rechunk': {
        const b = withSelf(['x', 'chunks']);
        const x = first(b, 'x');
        return A(rechunk(this.ctx, x, normalizeChunks(this.chunks(b.chunks) ?? 'auto', x.shape, itemsize(x.dtype))));
      }
      case 'flip': {
        const b = bind(name, ['m', 'axis'], a, 1);
        return A(flip(this.ctx, arr(b.m), this.axis(b.axis)));
      }
      case 'squeeze': {
        const b = withSelf(['a', 'axis']);
        return A(squeeze(this.ctx, first(b, 'a'), this.axis(b.axis)));
      }
      case 'expand_dims': {
        const b = bind(name, ['a', 'axis'], a, 2);
        return A(expandDims(this.ctx, arr(b.a), this.axis(b.axis) ?? 0));
      }
      case 'swapaxes': {
        const b = withSelf(['a', 'axis1', 'axis2']);
        if (!b.axis1 || !b.axis2) throw argError('swapaxes() takes two axes', 'e.g. swapaxes(x, 0, 1)');
        return A(swapaxes(this.ctx, first(b, 'a'), this.int(b.axis1, 'axis1'), this.int(b.axis2, 'axis2')));
      }
      case 'moveaxis': {
        const b = bind(name, ['a', 'source', 'destination'], a, 3);
        return A(moveaxis(this.ctx, arr(b.a), this.axis(b.source) ?? 0, this.axis(b.destination) ?? 0));
      }
      case 'outer': {
        const b = bind(name, ['a', 'b'], a, 2);
        return A(outer(this.ctx, arr(b.a), arr(b.b)));
      }
      case 'diff': {
        const b = bind(name, ['a', 'n', 'axis'], a, 1);
        return A(diff(this.ctx, arr(b.a), b.n ? this.int(b.n, 'n') : 1, b.axis ? this.int(b.axis, 'axis') : -1));
      }
      case 'nansum': case 'nanprod': case 'nanmean': case 'nanvar': case 'nanstd': {
        const params = name === 'nanvar' || name === 'nanstd' ? ['a', 'axis', 'dtype', 'out', 'ddof', 'keepdims'] : ['a', 'axis', 'dtype', 'out', 'keepdims'];
        const b = bind(name, params, a, 1);
        this.noOut(name, b.out);
        const x = arr(b.a), axis = this.axis(b.axis), keepdims = this.bool(b.keepdims, false), dt = this.dtype(b.dtype);
        if (name === 'nansum' || name === 'nanprod') return A(this.reduceAs(name.slice(3), replaceNan(this.ctx, x, name === 'nansum' ? 0 : 1), axis, keepdims, 0, dt));
        if (dt) throw argError(`${name}(dtype=...) is not supported`, `astype() the array first`);
        if (name === 'nanmean') return A(nanMean(this.ctx, x, axis, keepdims));
        const ddof = b.ddof && b.ddof.k !== 'none' ? this.int(b.ddof, 'ddof') : 0;
        return A(nanVar(this.ctx, x, axis, keepdims, ddof, name === 'nanstd'));
      }
      case 'nanmin': case 'nanmax': {
        const b = bind(name, ['a', 'axis', 'out', 'keepdims'], a, 1);
        this.noOut(name, b.out);
        return A(nanMinMax(this.ctx, name === 'nanmin' ? 'min' : 'max', arr(b.a), this.axis(b.axis), this.bool(b.keepdims, false)));
      }
      case 'nanargmin': case 'nanargmax': {
        const b = bind(name, ['a', 'axis', 'out'], a, 1, ['keepdims']);
        this.noOut(name, b.out);
        if (b.axis?.k === 'seq') throw new TesseraError('TYPE_ERROR', `${name}() takes one axis (an integer) or None, not a tuple`, 'give a single axis, e.g. axis=0');
        return A(nanArg(this.ctx, name === 'nanargmin' ? 'argmin' : 'argmax', arr(b.a), this.axis(b.axis) as number | null, this.bool(b.keepdims, false)));
      }
      case 'cumsum': case 'cumprod': case 'nancumsum': case 'nancumprod': {
        const b = name.startsWith('nan') ? bind(name, ['a', 'axis', 'dtype', 'out'], a, 1) : withSelf(['a', 'axis', 'dtype', 'out']);
        this.noOut(name, b.out);
        const ax = this.axis(b.axis);
        if (Array.isArray(ax)) throw new TesseraError('TYPE_ERROR', `${name}() takes one axis (an integer) or None`, 'scan along one axis at a time');
        const fn = name.endsWith('sum') ? 'cumsum' : 'cumprod';
        const x = name.startsWith('nan') ? arr(b.a) : first(b, 'a');
        return A((name.startsWith('nan') ? nanCumulative : cumulative)(this.ctx, fn, asNumpyScalar(this.ctx, x), ax, this.dtype(b.dtype)));
      }
      case 'nonzero': case 'flatnonzero': case 'argwhere': {
        const b = withSelf(['a']);
        const x = asNumpyScalar(this.ctx, first(b, 'a'));
        if (name === 'nonzero') return { k: 'seq', items: nonzero(this.ctx, x, this.maskCounts).map((n) => A(n)) };
        return A((name === 'flatnonzero' ? flatnonzero : argwhere)(this.ctx, x, this.maskCounts));
      }
      case 'bincount': {
        const b = bind(name, ['x', 'weights', 'minlength'], a, 1);
        const weights = b.weights && b.weights.k !== 'none' ? arr(b.weights) : null;
        return A(bincount(this.ctx, arr(b.x), b.minlength ? this.int(b.minlength, 'minlength') : 0, this.maskCounts, weights));
      }
      case 'unique': {
        const b = bind(name, ['ar', 'return_index', 'return_inverse', 'return_counts', 'axis'], a, 1, ['equal_nan']);
        if (b.axis && b.axis.k !== 'none') throw argError('unique(axis=...) is not supported', 'unique of the flattened array is');
        if (!this.bool(b.equal_nan, true)) throw argError('unique(equal_nan=False) is not supported', 'NaNs count as one value, as numpy 2\'s default');
        const want = { index: this.bool(b.return_index, false), inverse: this.bool(b.return_inverse, false), counts: this.bool(b.return_counts, false) };
        const out = unique(this.ctx, asNumpyScalar(this.ctx, arr(b.ar)), want, this.maskCounts);
        return out.length === 1 ? A(out[0]) : { k: 'seq', items: out.map(A) };
      }
      case 'extract': {
        const b = bind(name, ['condition', 'arr'], a, 2);
        const cond = arr(b.condition), x = arr(b.arr);
        const flat = reshape(this.ctx, x, [-1]);
        const c = reshape(this.ctx, cond.dtype === 'bool' ? cond : elementwise(this.ctx, 'astype_bool', [cond]), [-1]);
        if (c.shape[0] !== flat.shape[0]) throw new TesseraError('VALUE_ERROR', `extract: condition has ${c.shape[0]} elements and arr ${flat.shape[0]}`, 'give a condition of the array\'s size');
        return A(booleanIndex(this.ctx, flat, c, this.maskCounts));
      }
      case 'square': {
        // numpy's square is x * x in x's dtype; it has no bool loop (bools square as int8).
        const x = asNumpyScalar(this.ctx, arr(bind(name, ['x'], a, 1).x));
        const xs = x.dtype === 'bool' ? elementwise(this.ctx, 'astype_int8', [x]) : x;
        return A(elementwise(this.ctx, 'multiply', [xs, xs]));
      }
      case 'isfinite': case 'isinf': {
        const b = bind(name, ['x'], a, 1);
        return A((name === 'isfinite' ? isfinite : isinf)(this.ctx, arr(b.x)));
      }
      case 'isclose': case 'allclose': {
        const b = bind(name, ['a', 'b', 'rtol', 'atol', 'equal_nan'], a, 2);
        const rtol = b.rtol ? this.number(b.rtol, 'rtol') : 1e-5, atol = b.atol ? this.number(b.atol, 'atol') : 1e-8;
        return A((name === 'isclose' ? isclose : allclose)(this.ctx, arr(b.a), arr(b.b), rtol, atol, this.bool(b.equal_nan, false)));
      }
      case 'sort': case 'argsort': {
        if (self && name === 'sort') throw argError('x.sort() sorts in place in numpy, and arrays here are values', 'use np.sort(x)');
        const params = ['a', 'axis', 'kind', 'order'];
        const b = self ? bind(name, params.slice(1), a, 0, ['stable']) : bind(name, params, a, 1, ['stable']);
        if (b.order && b.order.k !== 'none') throw argError(`${name}(order=...) sorts structured arrays, which Tessera does not have`);
        // Every kind gives the stable sort's result here: one answer numpy's kinds all allow.
        // numpy reads kind by its first letter (q, m, h, s).
        if (b.kind && b.kind.k !== 'none' && !(b.kind.k === 'str' && /^[qmhs]/i.test(b.kind.value)))
          throw new TesseraError('VALUE_ERROR', `${name}() kind must be one of 'quicksort', 'mergesort', 'heapsort' or 'stable'`, 'leave kind out: the sort is always stable');
        if (b.stable && b.stable.k !== 'none') {
          this.bool(b.stable, true);
          if (b.kind && b.kind.k !== 'none') throw new TesseraError('VALUE_ERROR', "`kind` and keyword parameters can't be provided at the same time. Use only one of them.", 'give one of them');
        }
        const ax = b.axis === undefined ? -1 : this.axis(b.axis);
        if (Array.isArray(ax)) throw new TesseraError('TYPE_ERROR', `${name}() takes one axis (an integer) or None`, 'sort along one axis at a time');
        return A(sortAlong(this.ctx, name, first(b, 'a'), ax));
      }
      case 'topk': {
        const b = withSelf(['a', 'k', 'axis', 'split_every']);
        const ax = b.axis === undefined ? -1 : this.axis(b.axis);
        if (ax === null || Array.isArray(ax)) throw new TesseraError('TYPE_ERROR', 'topk() takes one axis (an integer)', 'topk along one axis at a time');
        return A(topk(this.ctx, first(b, 'a'), this.int(b.k, 'k'), ax, this.bands));
      }
      case 'histogram': {
        const b = bind(name, ['a', 'bins', 'range', 'density', 'weights'], a, 1);
        const binsV = b.bins ?? { k: 'num', value: 10, isInt: true };
        let bins: Bins;
        if (binsV.k === 'seq') bins = { edges: this.asArray(binsV, a.at), values: binsV.items.map((v) => this.number(v, 'bins')) };
        else if (binsV.k === 'str') throw argError(`histogram(bins='${binsV.value}') is not supported`, 'give a count of bins or the edges');
        else bins = { count: this.int(binsV, 'bins') };
        let range: [number, number] | null = null;
        if (b.range && b.range.k !== 'none') {
          if (b.range.k !== 'seq' || b.range.items.length !== 2) throw argError('histogram(range=...) takes (lo, hi)');
          range = [this.number(b.range.items[0], 'range'), this.number(b.range.items[1], 'range')];
        }
        const weights = b.weights && b.weights.k !== 'none' ? arr(b.weights) : null;
        const [counts, edges] = histogram(this.ctx, arr(b.a), bins, range, b.density && b.density.k !== 'none' ? this.bool(b.density, false) : false, weights);
        return { k: 'seq', items: [A(counts), A(edges)] };
      }
      case 'median': {
        const b = bind(name, ['a', 'axis', 'out', 'overwrite_input', 'keepdims'], a, 1);
        this.noOut(name, b.out);
        return A(median(this.ctx, arr(b.a), this.axis(b.axis), this.bool(b.keepdims, false), this.bands));
      }
      case 'percentile': case 'quantile': {
        const b = bind(name, ['a', 'q', 'axis', 'out', 'overwrite_input', 'method', 'keepdims'], a, 2, ['weights', 'interpolation']);
        this.noOut(name, b.out);
        if (b.weights && b.weights.k !== 'none') throw argError(`${name}(weights=...) is not supported`, "weights need method='inverted_cdf'; leave them out");
        if (b.interpolation && b.interpolation.k !== 'none') throw argError(`${name}(interpolation=...) was removed in numpy 2`, "use method='linear'");
        const items = b.q!.k === 'seq' ? b.q!.items : [b.q!];
        const q = { values: items.map((v) => this.number(v, 'q')), list: b.q!.k === 'seq', weak: b.q!.k === 'num', ints: items.every((v) => (v.k === 'num' && v.isInt) || v.k === 'bool') };
        const method = !b.method || b.method.k === 'none' ? 'linear' : b.method.k === 'str' ? b.method.value : '';
        return A(quantile(this.ctx, name, arr(b.a), q, this.axis(b.axis), this.bool(b.keepdims, false), method, this.bands));
      }
      case 'average': {
        const b = bind(name, ['a', 'axis', 'weights', 'returned'], a, 1, ['keepdims']);
        if (this.bool(b.returned, false)) throw argError('average(returned=True) is not supported', 'compute the sum of the weights as its own output');
        return A(average(this.ctx, arr(b.a), this.axis(b.axis), b.weights && b.weights.k !== 'none' ? arr(b.weights) : null, this.bool(b.keepdims, false)));
      }
      case 'cov': {
        const b = bind(name, ['m', 'y', 'rowvar', 'bias', 'ddof'], a, 1);
        const y = b.y && b.y.k !== 'none' ? arr(b.y) : null;
        return A(cov(this.ctx, arr(b.m), y, this.bool(b.rowvar, true), this.bool(b.bias, false), b.ddof && b.ddof.k !== 'none' ? this.int(b.ddof, 'ddof') : null));
      }
      case 'corrcoef': {
        const b = bind(name, ['x', 'y', 'rowvar'], a, 1);
        return A(corrcoef(this.ctx, arr(b.x), b.y && b.y.k !== 'none' ? arr(b.y) : null, this.bool(b.rowvar, true)));
      }
      case 'broadcast_to': {
        const b = bind(name, ['array', 'shape'], a, 2);
        return A(broadcastTo(this.ctx, arr(b.array), this.ints(b.shape, 'shape')));
      }
      case 'roll': {
        const b = bind(name, ['a', 'shift', 'axis'], a, 2);
        const shift = b.shift?.k === 'seq' ? this.ints(b.shift, 'shift') : this.int(b.shift, 'shift');
        const x = arr(b.a), ax = this.axis(b.axis);
        // numpy broadcasts shift against axis: shifts of one axis add up (of the flattened array when none).
        if (ax === null) return A(reshape(this.ctx, roll(this.ctx, reshape(this.ctx, x, [-1]), shift, 0), x.shape));
        return A(roll(this.ctx, x, shift, ax));
      }
      case 'repeat': {
        const b = withSelf(['a', 'repeats', 'axis']);
        if (b.repeats?.k === 'seq' || b.repeats?.k === 'array') throw argError('repeat() with a count per element is not supported', 'give one count for every element');
        const ax = this.axis(b.axis);
        if (Array.isArray(ax)) throw new TesseraError('TYPE_ERROR', 'repeat() takes one axis (an integer) or None', '');
        return A(repeat(this.ctx, first(b, 'a'), this.int(b.repeats, 'repeats'), ax));
      }
      case 'tile': {
        const b = bind(name, ['A', 'reps'], a, 2);
        return A(tile(this.ctx, arr(b.A), this.ints(b.reps, 'reps')));
      }
      case 'pad': {
        const b = bind(name, ['array', 'pad_width', 'mode'], a, 2, ['constant_values']);
        const x = arr(b.array);
        const mode = b.mode ? (b.mode.k === 'str' ? b.mode.value : '') : 'constant';
        if (!['constant', 'edge', 'wrap', 'reflect', 'symmetric'].includes(mode))
          throw argError(`pad mode ${b.mode ? describe(b.mode) : ''} is not supported`, 'use constant, edge, wrap, reflect or symmetric');
        const constant = b.constant_values ? arr(b.constant_values) : scalar(this.ctx, 0, 'int');
        return A(pad(this.ctx, x, this.padWidths(b.pad_width, x.shape.length), mode as PadMode, constant));
      }
      case 'coarsen': {
        const b = bind(name, ['reduction', 'x', 'axes', 'trim_excess'], a, 3);
        const fn = b.reduction!;
        if (fn.k !== 'fn' || !COARSEN_REDUCTIONS.includes(fn.name)) throw argError(`coarsen's reduction must be a numpy reduction (np.mean, np.sum, ...), not ${describe(fn)}`, `one of ${COARSEN_REDUCTIONS.map((r) => `np.${r}`).join(', ')}`);
        if (b.axes!.k !== 'dict') throw argError('coarsen takes its factors as a dict {axis: factor}', 'for example coarsen(np.mean, x, {0: 2, 1: 2})');
        const factors = new Map(b.axes!.entries.map(([k, v]) => [this.int(k, 'axis'), this.int(v, 'factor')] as [number, number]));
        const { node, axes } = this.at(a.at, () => coarsenBlocks(this.ctx, arr(b.x), factors, this.bool(b.trim_excess, false)));
        return this.call(fn.name, undefined, { pos: [A(node)], kw: new Map([['axis', { k: 'seq', items: axes.map((x) => ({ k: 'num', value: x, isInt: true }) as Value) }]]), at: a.at });
      }
      case 'uniform_filter': {
        const b = bind(name, ['input', 'size', 'footprint', 'output', 'mode', 'cval', 'origin'], a, 1, ['axes']);
        for (const k of ['footprint', 'output', 'axes'] as const) if (b[k] && b[k]!.k !== 'none') throw argError(`uniform_filter(${k}=...) is not supported`, 'give size, mode and cval');
        if (b.origin && !(b.origin.k === 'num' && b.origin.value === 0)) throw argError('uniform_filter(origin=...) other than 0 is not supported', 'a centred window: leave origin out');
        const sizes = !b.size ? [3] : b.size.k === 'seq' ? this.ints(b.size, 'size') : [this.int(b.size, 'size')];
        const mode = b.mode ? (b.mode.k === 'str' ? b.mode.value : '') : 'reflect';
        const cval = b.cval ? this.number(b.cval, 'cval') : 0;
        return A(uniformFilter(this.ctx, arr(b.input), sizes, mode, cval));
      }
      case 'tril': case 'triu': {
        const b = bind(name, ['m', 'k'], a, 1);
        return A(triangle(this.ctx, name, arr(b.m), b.k ? this.int(b.k, 'k') : 0));
      }
      case 'linspace': {
        const b = bind(name, ['start', 'stop', 'num', 'endpoint', 'retstep', 'dtype', 'axis'], a, 2, ['chunks']);
        if (this.bool(b.retstep, false)) throw argError('linspace(retstep=True) is not supported', 'compute the step as (stop - start) / (num - 1)');
        if (b.axis && this.int(b.axis, 'axis') !== 0) throw argError('linspace(axis=...) takes scalar start and stop here: axis must be 0', '');
        return A(linspace(this.ctx, this.number(b.start, 'start'), this.number(b.stop, 'stop'), b.num ? this.int(b.num, 'num') : 50,
          this.bool(b.endpoint, true), this.dtype(b.dtype), this.chunks(b.chunks)));
      }
      case 'eye': {
        const b = bind(name, ['N', 'M', 'k', 'dtype'], a, 1, ['chunks']);
        return A(eye(this.ctx, this.int(b.N, 'N'), b.M && b.M.k !== 'none' ? this.int(b.M, 'M') : undefined, b.k ? this.int(b.k, 'k') : 0,
          this.dtype(b.dtype) ?? 'float64', this.chunks(b.chunks)));
      }
      case 'concatenate': case 'stack': {
        const b = bind(name, ['arrays', 'axis'], a, 1);
        if (!b.arrays || b.arrays.k !== 'seq') throw argError(`${name}() takes a list of arrays`, `e.g. ${name}([a, b])`);
        const parts = b.arrays.items.map((v) => this.asArray(v, a.at));
        const ax = b.axis ? this.int(b.axis, 'axis') : 0;
        return A(name === 'stack' ? stack(this.ctx, parts, ax) : concatenate(this.ctx, parts, ax));
      }
      case 'matmul': {
        const b = bind(name, ['a', 'b'], a, 2);
        return A(matmulNumpy(this.ctx, arr(b.a), arr(b.b)));
      }
      case 'dot': {
        const b = withSelf(['a', 'b']);
        return A(dot(this.ctx, asNumpyScalar(this.ctx, first(b, 'a')), asNumpyScalar(this.ctx, arr(b.b))));
      }
      case 'tensordot': {
        const b = bind(name, ['a', 'b', 'axes'], a, 2);
        const ax = b.axes;
        const axes: number | [number[], number[]] = !ax ? 2 : ax.k === 'seq' && ax.items.length === 2
          ? [this.ints(ax.items[0], 'axes'), this.ints(ax.items[1], 'axes')] : this.int(ax, 'axes');
        return A(tensordot(this.ctx, arr(b.a), arr(b.b), axes));
      }
      case 'einsum': {
        const spec = a.pos[0];
        if (!spec || spec.k !== 'str') throw argError('einsum takes its subscripts first, as a string', "for example einsum('ij,jk->ik', a, b)");
        if (a.kw.size) throw argError(`einsum(${[...a.kw.keys()][0]}=...) is not supported`, 'give the subscripts and the operands');
        return A(einsum(this.ctx, spec.value, a.pos.slice(1).map((v) => asNumpyScalar(this.ctx, arr(v)))));
      }
      case 'linalg.qr': {
        const b = bind(name, ['a', 'mode'], a, 1);
        if (b.mode && !(b.mode.k === 'str' && b.mode.value === 'reduced')) throw argError(`qr mode ${describe(b.mode)} is not supported`, "mode='reduced' (the default) is");
        return { k: 'seq', items: qr(this.ctx, arr(b.a)).map(A) };
      }
      case 'linalg.svd': {
        const b = bind(name, ['a', 'full_matrices', 'compute_uv', 'hermitian'], a, 1);
        const out = svd(this.ctx, arr(b.a), this.bool(b.full_matrices, true), this.bool(b.compute_uv, true));
        return out.length === 1 ? A(out[0]) : { k: 'seq', items: out.map(A) };
      }
      case 'linalg.solve': {
        const b = bind(name, ['a', 'b'], a, 2);
        return A(solve(this.ctx, arr(b.a), arr(b.b)));
      }
      case 'linalg.norm': {
        const b = bind(name, ['x', 'ord', 'axis', 'keepdims'], a, 1);
        const ord = !b.ord || b.ord.k === 'none' ? null : b.ord.k === 'str' ? b.ord.value : this.number(b.ord, 'ord');
        return A(norm(this.ctx, arr(b.x), ord, this.axis(b.axis), this.bool(b.keepdims, false)));
      }
      case 'gradient': {
        const b = bind(name, ['f', 'varargs'], a, 1, ['axis', 'edge_order']);
        const f = arr(b.f);
        const edge = b.edge_order ? this.int(b.edge_order, 'edge_order') : 1;
        if (edge !== 1 && edge !== 2) throw argError("'edge_order' greater than 2 not supported", 'use 1 or 2');
        if (b.varargs && b.varargs.k !== 'num') throw argError('gradient() takes one scalar spacing here', 'arrays of coordinates are not supported');
        const spacing = b.varargs ? this.number(b.varargs, 'spacing') : 1;
        const ax = this.axis(b.axis);
        const axes = ax === null ? [...f.shape.keys()] : normalizeAxes(ax, f.shape.length);
        const parts = axes.map((d) => ({ k: 'array' as const, node: gradient(this.ctx, f, d, spacing, edge as 1 | 2) }));
        return parts.length === 1 ? parts[0] : { k: 'seq', items: parts };
      }
      case 'meshgrid': {
        const indexing = a.kw.get('indexing');
        const sparse = a.kw.get('sparse');
        for (const k of a.kw.keys()) if (k !== 'indexing' && k !== 'sparse' && k !== 'copy') throw argError(`meshgrid() got an unexpected keyword argument '${k}'`);
        const ij = indexing ? (indexing.k === 'str' ? indexing.value : '') : 'xy';
        if (ij !== 'xy' && ij !== 'ij') throw new TesseraError('VALUE_ERROR', "Valid values for `indexing` are 'xy' and 'ij'.", '');
        return { k: 'seq', items: meshgrid(this.ctx, a.pos.map((v) => arr(v)), ij, this.bool(sparse, false)).map((node) => A(node)) };
      }
      case 'take': {
        const b = withSelf(['a', 'indices', 'axis']);
        if (!b.indices) throw argError('take() needs indices');
        const ax = this.axis(b.axis);
        if (Array.isArray(ax)) throw new TesseraError('TYPE_ERROR', 'take() takes one axis (an integer) or None', '');
        const idx = b.indices.k === 'seq' ? this.ints(b.indices, 'indices') : this.int(b.indices, 'indices');
        return A(take(this.ctx, first(b, 'a'), idx, ax));
      }
      case 'arange': {
        const b = bind(name, ['start', 'stop', 'step', 'dtype', 'chunks'], a, 1);
        const nums = [b.start, b.stop, b.step].filter((v) => v && v.k !== 'none') as Value[];
        const intArgs = nums.every((v) => v.k === 'num' && v.isInt);
        return A(arange(this.ctx, this.number(b.start, 'start'), b.stop && b.stop.k !== 'none' ? this.number(b.stop, 'stop') : undefined,
          b.step ? this.number(b.step, 'step') : 1, this.dtype(b.dtype), this.chunks(b.chunks), intArgs));
      }
      case 'zeros': case 'ones': {
        const b = bind(name, ['shape', 'dtype', 'chunks'], a, 1);
        return A(full(this.ctx, this.ints(b.shape, 'shape'), name === 'ones' ? 1 : 0, this.dtype(b.dtype) ?? 'float64', this.chunks(b.chunks)));
      }
      case 'full': {
        const b = bind(name, ['shape', 'fill_value', 'dtype', 'chunks'], a, 2);
        const v = b.fill_value!;
        const value = v.k === 'bool' ? v.value : this.number(v, 'fill_value');
        const dt = this.dtype(b.dtype) ?? (v.k === 'bool' ? 'bool' : v.k === 'num' && v.isInt ? 'int64' : 'float64');
        return A(full(this.ctx, this.ints(b.shape, 'shape'), value, dt, this.chunks(b.chunks), v.k === 'num' && v.isInt));
      }
    }
    throw new TesseraError('UNKNOWN_FUNCTION', `unknown function ${name}()`, 'see the README for the supported functions');
  }

  /** np.pad's pad_width: n, (n,), (before, after) or one (before, after) per axis. */
  private padWidths(v: Value | undefined, ndim: number): [number, number][] {
    const bad = () => argError(`pad_width must be an integer, a pair or one pair per axis, not ${v ? describe(v) : 'missing'}`, 'e.g. pad(x, 2) or pad(x, ((1, 2), (0, 0)))');
    if (!v) throw bad();
    if (v.k !== 'seq') { const n = this.int(v, 'pad_width'); return Array.from({ length: ndim }, () => [n, n]); }
    const pairs = v.items.map((item) => (item.k === 'seq' ? item.items.map((x) => this.int(x, 'pad_width')) : [this.int(item, 'pad_width')]));
    const flat = v.items.every((item) => item.k !== 'seq');
    const rows = flat ? [pairs.flat()] : pairs;
    if (rows.length !== 1 && rows.length !== ndim) throw bad();
    return Array.from({ length: ndim }, (_, d) => {
      const r = rows.length === 1 ? rows[0] : rows[d];
      if (r.length === 1) return [r[0], r[0]];
      if (r.length === 2) return [r[0], r[1]];
      throw bad();
    });
  }

  private noOut(fn: string, out: Value | undefined): void {
    if (out && out.k !== 'none') throw argError(`${fn}(): out= is not supported`, 'name the result as an output of the job instead');
  }

  /** A reduction with numpy's `dtype=`: the input is cast to it first, and the result has it. */
  private reduceAs(fn: string, x: Node, axis: number | number[] | null, keepdims: boolean, ddof: number, dtype: DType | undefined): Node {
    if (!dtype) return reduce(this.ctx, fn, x, axis, keepdims, ddof);
    if ((fn === 'mean' || fn === 'var' || fn === 'std') && !isFloat(dtype))
      throw argError(`${fn}(dtype=${dtype}) is not supported`, 'give a float dtype (float32 or float64), or none');
    // bool adds with or and multiplies with and.
    if (dtype === 'bool') return reduce(this.ctx, fn === 'sum' ? 'any' : 'all', x, axis, keepdims);
    const cast = x.dtype === dtype ? x : elementwise(this.ctx, `astype_${dtype}`, [x]);
    const r = reduce(this.ctx, fn, cast, axis, keepdims, ddof);
    // Integer sums and products are exact modulo 2^64, so wrapping once at the end gives what
    // numpy's accumulation in the narrow dtype gives.
    return r.dtype === dtype ? r : elementwise(this.ctx, `astype_${dtype}`, [r]);
  }

  /**
   * numpy's round: integers are unchanged for decimals >= 0 and rounded in float64 and cast back
   * for negative decimals; bool only rounds with decimals 0 (to a float, as rint); floats scale,
   * round half to even, and scale back.
   */
  private round(x: Node, decimals: number): Node {
    if (isInteger(x.dtype) && decimals >= 0) return x;
    if (decimals === 0) return elementwise(this.ctx, 'rint', [x]);
    if (x.dtype === 'bool') throw new TesseraError('DTYPE_ERROR', `round(decimals=${decimals}) is not defined for bool arrays`, "use astype('float64') first, or decimals=0");
    const f = scalar(this.ctx, 10 ** Math.abs(decimals), 'float');
    const [up, down] = decimals > 0 ? ['multiply', 'true_divide'] : ['true_divide', 'multiply'];
    const rounded = elementwise(this.ctx, down, [elementwise(this.ctx, 'rint', [elementwise(this.ctx, up, [x, f])]), f]);
    return isInteger(x.dtype) ? elementwise(this.ctx, `astype_${x.dtype}`, [rounded]) : rounded;
  }

  private random(name: string, a: Args): Node {
    const sizeSeed = ['size', 'seed', 'chunks'];
    const params = name === 'uniform' ? ['low', 'high', ...sizeSeed] : name === 'normal' ? ['loc', 'scale', ...sizeSeed] : sizeSeed;
    const b = bind(`random.${name}`, params, a, 0);
    if (!b.size || b.size.k === 'none') throw argError(`random.${name}() needs size=`, `e.g. random.${name}(size=(1000, 1000), seed=0)`);
    const opt = (v: Value | undefined, d: number) => (v ? this.number(v, 'argument') : d);
    const dist = name === 'normal' || name === 'standard_normal' ? 'normal' : 'uniform';
    return randomArray(this.ctx, {
      dist, shape: this.ints(b.size, 'size'), seed: b.seed ? this.int(b.seed, 'seed') : 0, chunks: this.chunks(b.chunks),
      low: opt(b.low, 0), high: opt(b.high, 1), loc: opt(b.loc, 0), scale: opt(b.scale, 1),
    });
  }
}

const BINARY_OPS: Record<string, string> = {
  '+': 'add', '-': 'subtract', '*': 'multiply', '/': 'true_divide', '//': 'floor_divide', '%': 'remainder', '**': 'power',
  '<': 'less', '<=': 'less_equal', '>': 'greater', '>=': 'greater_equal', '==': 'equal', '!=': 'not_equal',
  '&': 'bitwise_and', '|': 'bitwise_or', '^': 'bitwise_xor',
};

/** Function names users write, mapped to ufuncs. */
const UFUNC_ALIASES: Record<string, string> = {
  sqrt: 'sqrt', exp: 'exp', log: 'log', log1p: 'log1p', sin: 'sin', cos: 'cos', tan: 'tan', floor: 'floor', ceil: 'ceil',
  rint: 'rint', abs: 'absolute', absolute: 'absolute', sign: 'sign', negative: 'negative', isnan: 'isnan',
  logical_not: 'logical_not', where: 'where', minimum: 'minimum', maximum: 'maximum', add: 'add', subtract: 'subtract',
  multiply: 'multiply', divide: 'true_divide', true_divide: 'true_divide', floor_divide: 'floor_divide', mod: 'remainder',
  remainder: 'remainder', power: 'power', equal: 'equal', not_equal: 'not_equal', less: 'less', less_equal: 'less_equal',
  greater: 'greater', greater_equal: 'greater_equal', logical_and: 'logical_and', logical_or: 'logical_or', logical_xor: 'logical_xor',
  bitwise_and: 'bitwise_and', bitwise_or: 'bitwise_or', bitwise_xor: 'bitwise_xor', invert: 'invert',
  log2: 'log2', log10: 'log10', exp2: 'exp2', expm1: 'expm1', arctan2: 'arctan2', hypot: 'hypot',
};

const METHODS = ['conj', 'conjugate', 'argsort', 'topk', 'sort', 'sum', 'prod', 'mean', 'var', 'std', 'min', 'max', 'argmin', 'argmax', 'any', 'all', 'astype', 'reshape', 'transpose', 'rechunk', 'clip', 'round', 'ravel', 'flatten', 'map_blocks', 'squeeze', 'swapaxes', 'repeat', 'cumsum', 'cumprod', 'take', 'dot', 'nonzero'];
const RANDOM_FNS = ['uniform', 'normal', 'random', 'standard_normal'];
const FUNCTIONS = new Set([...Object.keys(UFUNC_ALIASES), 'sum', 'prod', 'mean', 'var', 'std', 'min', 'max', 'amin', 'amax', 'argmin', 'argmax', 'any', 'all',
  'count_nonzero', 'clip', 'round', 'around', 'reshape', 'ravel', 'transpose', 'rechunk', 'concatenate', 'stack', 'matmul', 'dot', 'arange', 'zeros', 'ones', 'full', 'astype', 'map_blocks',
  'flip', 'squeeze', 'expand_dims', 'swapaxes', 'moveaxis', 'outer', 'diff', ...NAN_REDUCTIONS, 'square', 'isfinite', 'isinf', 'isclose', 'allclose',
  'average', 'cov', 'corrcoef', 'cumsum', 'cumprod', 'nancumsum', 'nancumprod', 'tensordot', 'gradient', 'meshgrid', 'take', 'nonzero', 'flatnonzero', 'argwhere', 'extract', 'broadcast_to', 'roll', 'repeat', 'tile', 'pad', 'tril', 'triu', 'linspace', 'eye', 'sort', 'argsort', 'topk', 'median', 'percentile', 'quantile', 'histogram', 'coarsen', 'uniform_filter', 'einsum', 'unique', 'bincount', 'real', 'imag', 'angle', 'conj', 'conjugate']);

/** np.linalg's functions here. */
const LINALG_FNS = ['norm', 'qr', 'svd', 'solve'];
/** np.fft's functions here (fft.ts). */
const FFT_FNS = ['fft', 'ifft', 'rfft', 'irfft', 'fft2', 'ifft2', 'rfft2', 'irfft2', 'fftn', 'ifftn', 'rfftn', 'irfftn', 'fftfreq', 'rfftfreq', 'fftshift', 'ifftshift'];
/** A complex array's methods (complexCall). */
const COMPLEX_METHODS = ['conj', 'conjugate', 'sum', 'mean', 'var', 'std', 'cumsum', 'dot', 'transpose', 'reshape', 'astype'];
const A0 = (node: Node): Value => ({ k: 'array', node });

/** The reductions coarsen takes (dask's da.coarsen passes numpy's, each over the block axes). */
const COARSEN_REDUCTIONS = ['sum', 'prod', 'mean', 'min', 'max', 'std', 'var', 'any', 'all', 'median', 'nansum', 'nanprod', 'nanmean', 'nanmin', 'nanmax', 'nanstd', 'nanvar', 'count_nonzero'];

/** The names an expression may use (functions, methods, constants, dtypes), for editor completion. */
export function expressionVocabulary(): { functions: string[]; methods: string[]; constants: string[] } {
  return {
    functions: [...FUNCTIONS].sort(),
    methods: [...METHODS].sort(),
    constants: ['pi', 'e', 'nan', 'inf', 'newaxis', 'float64', 'float32', 'int64', 'int32', 'int16', 'int8', 'uint64', 'uint32', 'uint16', 'uint8', 'bool_'],
  };
}

function globalValue(name: string): Value | undefined {
  if (name === 'np' || name === 'numpy' || name === 'da') return { k: 'ns', name };
  if (name === 'random') return { k: 'ns', name: 'random' };
  if (FUNCTIONS.has(name)) return { k: 'fn', name };
  if (name === 'pi') return { k: 'num', value: Math.PI, isInt: false };
  if (name === 'e') return { k: 'num', value: Math.E, isInt: false };
  if (name === 'nan' || name === 'NaN') return { k: 'num', value: NaN, isInt: false };
  if (name === 'inf' || name === 'Inf') return { k: 'num', value: Infinity, isInt: false };
  if (name === 'newaxis') return { k: 'none' };
  if (name === 'bool_') return { k: 'dtype', dtype: 'bool' };
  if (name === 'complex128' || name === 'complex_' || name === 'cdouble' || name === 'complex') return { k: 'cdtype', part: 'float64' };
  if (name === 'complex64' || name === 'csingle') return { k: 'cdtype', part: 'float32' };
  if (isDType(name)) return { k: 'dtype', dtype: name };
  return undefined;
}

/** A Python int literal's exact value. */
function bigOf(v: Value & { k: 'num' | 'bool' }): bigint {
  if (v.k === 'bool') return v.value ? 1n : 0n;
  return v.big ?? BigInt(v.value);
}

/** A Python int as a Value: its double, and its digits where the double is not exact. */
function pythonInt(b: bigint): Value {
  const value = Number(b);
  return { k: 'num', value, isInt: true, big: Number.isSafeInteger(value) ? undefined : b };
}

/** Python's int arithmetic, exact at any size (floor division and modulo take the divisor's sign). */
function foldInts(op: string, a: bigint, b: bigint): Value | null {
  const zero = () => new TesseraError('ZERO_DIVISION', 'integer division or modulo by zero', '');
  switch (op) {
    case '+': return pythonInt(a + b);
    case '-': return pythonInt(a - b);
    case '*': return pythonInt(a * b);
    case '/':
      if (b === 0n) throw new TesseraError('ZERO_DIVISION', 'division by zero', '');
      return { k: 'num', value: Number(a) / Number(b), isInt: false };
    case '//': {
      if (b === 0n) throw zero();
      const q = a / b;
      return pythonInt(a % b !== 0n && (a < 0n) !== (b < 0n) ? q - 1n : q);
    }
    case '%': {
      if (b === 0n) throw zero();
      const m = a % b;
      return pythonInt(m !== 0n && (m < 0n) !== (b < 0n) ? m + b : m);
    }
    case '**':
      if (b < 0n) {
        if (a === 0n) throw new TesseraError('ZERO_DIVISION', '0 cannot be raised to a negative power', '');
        return { k: 'num', value: Number(a) ** Number(b), isInt: false };
      }
      if (b > 4096n && (a > 1n || a < -1n)) throw new TesseraError('BAD_ARGUMENTS', `${a} ** ${b} is too large a Python int`, 'no dtype holds it: use a float, e.g. 2.0 ** 5000');
      return pythonInt(a ** b);
  }
  return null;
}

/** Python's comparisons and bitwise operators on two literals (True & False is a bool, 3 & 5 an int). */
function foldLogic(op: string, l: Value & { k: 'num' | 'bool' }, r: Value & { k: 'num' | 'bool' }): Value | null {
  const ints = (l.k === 'bool' || l.isInt) && (r.k === 'bool' || r.isInt);
  if (op === '&' || op === '|' || op === '^') {
    if (!ints) throw new TesseraError('TYPE_ERROR', `unsupported operand type(s) for ${op}: 'float'`, 'bitwise operators take integers or bools');
    if (l.k === 'bool' && r.k === 'bool') return { k: 'bool', value: op === '&' ? l.value && r.value : op === '|' ? l.value || r.value : l.value !== r.value };
    const a = bigOf(l), b = bigOf(r);
    return pythonInt(op === '&' ? a & b : op === '|' ? a | b : a ^ b);
  }
  // Exact for ints of any size; a float compares by its value (NaN is unequal to everything).
  const a = ints ? bigOf(l) : l.k === 'bool' ? Number(l.value) : l.value, b = ints ? bigOf(r) : r.k === 'bool' ? Number(r.value) : r.value;
  const x = ints ? a : Number(a), y = ints ? b : Number(b);
  switch (op) {
    case '<': return { k: 'bool', value: x < y };
    case '<=': return { k: 'bool', value: x <= y };
    case '>': return { k: 'bool', value: x > y };
    case '>=': return { k: 'bool', value: x >= y };
    case '==': return { k: 'bool', value: x === y };
    case '!=': return { k: 'bool', value: x !== y };
  }
  return null;
}

/** Python's divmod of two floats (CPython's float_divmod): the modulo takes the divisor's sign. */
function pythonFloatDivmod(a: number, b: number): [number, number] {
  let mod = a % b;                      // fmod
  let div = (a - mod) / b;
  if (mod !== 0) { // (NaN counts as non-zero, as in C)
    if ((b < 0) !== (mod < 0)) { mod += b; div -= 1; }
  } else {
    mod = b < 0 ? -0 : 0;
  }
  let floordiv: number;
  if (div !== 0) {
    floordiv = Math.floor(div);
    if (div - floordiv > 0.5) floordiv += 1;
  } else {
    floordiv = (a / b < 0 || Object.is(a / b, -0)) ? -0 : 0;
  }
  return [floordiv, mod];
}

/** Python arithmetic on two literals (kept exact: ints stay ints where Python keeps them). */
function foldNumbers(op: string, l: Value & { k: 'num' | 'bool' }, r: Value & { k: 'num' | 'bool' }): Value | null {
  if (['<', '<=', '>', '>=', '==', '!=', '&', '|', '^'].includes(op)) return foldLogic(op, l, r);
  const lv = l.k === 'bool' ? (l.value ? 1 : 0) : l.value, rv = r.k === 'bool' ? (r.value ? 1 : 0) : r.value;
  if ((l.k === 'bool' || l.isInt) && (r.k === 'bool' || r.isInt)) return foldInts(op, bigOf(l), bigOf(r));
  switch (op) {
    case '+': return { k: 'num', value: lv + rv, isInt: false };
    case '-': return { k: 'num', value: lv - rv, isInt: false };
    case '*': return { k: 'num', value: lv * rv, isInt: false };
    case '/':
      if (rv === 0) throw new TesseraError('ZERO_DIVISION', 'division by zero', '');
      return { k: 'num', value: lv / rv, isInt: false };
    case '//':
      if (rv === 0) throw new TesseraError('ZERO_DIVISION', 'float floor division by zero', '');
      return { k: 'num', value: pythonFloatDivmod(lv, rv)[0], isInt: false };
    case '%':
      if (rv === 0) throw new TesseraError('ZERO_DIVISION', 'float modulo', '');
      return { k: 'num', value: pythonFloatDivmod(lv, rv)[1], isInt: false };
    case '**': {
      const p = pythonFloatPow(lv, rv);
      return typeof p === 'number' ? { k: 'num', value: p, isInt: false } : { k: 'cnum', ...p };
    }
  }
  return null;
}

/**
 * Python's float ** (C's pow, where JavaScript's differs: 1 ** nan and (-1) ** inf are 1). 0.0 to
 * a negative power raises, and a negative base to a fractional power is a complex number (CPython
 * hands it to complex's power).
 */
function pythonFloatPow(x: number, y: number): number | PyComplex {
  // CPython's float_pow, in its order: an infinite exponent is decided before a zero base.
  if (x === 1 || y === 0) return 1;
  if (Number.isNaN(x) || Number.isNaN(y)) return NaN;
  if (!Number.isFinite(y)) return Math.abs(x) === 1 ? 1 : (y > 0) === (Math.abs(x) > 1) ? Infinity : 0;
  if (x === 0 && y < 0) throw new TesseraError('ZERO_DIVISION', '0.0 cannot be raised to a negative power', '');
  if (x < 0 && Number.isFinite(x) && !Number.isInteger(y)) return foldComplex('**', { re: x, im: 0 }, { re: y, im: 0 }) as PyComplex;
  const r = x ** y;
  if (!Number.isFinite(r) && Number.isFinite(x)) throw new TesseraError('OVERFLOW_ERROR', `(34, 'Numerical result out of range'): ${x} ** ${y}`, 'a Python float holds up to about 1.8e308');
  return r;
}

/** Python's name of a value's type, as its TypeErrors say. */
function pyTypeName(v: Value): string {
  switch (v.k) {
    case 'seq': return 'tuple';
    case 'num': return v.isInt ? 'int' : 'float';
    case 'cnum': return 'complex';
    case 'bool': return 'bool';
    case 'none': return 'NoneType';
    case 'str': return 'str';
    case 'array': return 'numpy.ndarray';
    default: return v.k;
  }
}

function describe(v: Value): string {
  switch (v.k) {
    case 'array': return `an array of shape (${v.node.shape.join(', ')})`;
    case 'complex': return `a complex array of shape (${v.node.shape.slice(0, -1).join(', ')})`;
    case 'num': return String(v.value);
    case 'cnum': return complexRepr(v);
    case 'bool': return v.value ? 'True' : 'False';
    case 'none': return 'None';
    case 'str': return `'${v.value}'`;
    case 'seq': return 'a tuple';
    case 'ns': return `module ${v.name}`;
    case 'fn': return `function ${v.name}`;
    case 'user': return `function ${v.name} (user)`;
    case 'dtype': return `dtype ${v.dtype}`;
    case 'cdtype': return `dtype ${complexDtype(v.part)}`;
    case 'ellipsis': return '...';
    case 'dict': return 'a dict';
  }
}
