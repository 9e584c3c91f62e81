/**
 * Arrays in the TypeScript API: the job spec's array datasets and numpy expressions, one to one.
 * `array.random.uniform([1e7], { chunks: 1e6, seed: 42 }).pow(2).sqrt().mean()` renders as the
 * dataset `{"random": "uniform", "shape": [10000000], "chunks": [1000000], "seed": 42}` and the
 * output `sqrt(d0 ** 2).mean()`. Operands are arrays, numbers or booleans; parentheses go only where
 * Python's precedence needs them.
 */
import { ATOM, binaryText, cleanSpec, literalText, prefixText, type Rendered, suffixText } from './expression.js';
import { type Computable, type FunctionRef, isFunctionRef, pyLiteral, type RenderContext } from './graph.js';
import { persistArrays, releasePersisted } from './compute.js';

export type Operand = LazyArray | number | boolean;
/** A chunking as the spec takes it: elements per dimension (a number: the same for every dimension), a size ("64MB") or "auto". */
export type Chunks = number | string | (number | null | number[])[];

interface AxisOptions { axis?: number | number[] }

export class LazyArray implements Computable {
  /** @internal `kept`: the name of the persisted array it reads (persist()). */
  constructor(private readonly node: (ctx: RenderContext) => Rendered, private readonly kept: string | null = null) {}

  /**
   * Computes the array now and keeps its chunks in memory (dask's `x = x.persist()`): the array
   * returned reads them, so later computes start from there. Kept until `release()`, `close()`,
   * or a memory limit that needs the room (least recently used first).
   */
  async persist(): Promise<LazyArray> {
    return (await persist(this))[0];
  }

  /** Frees a persisted array's chunks (an array from persist()) once the computes asked for before are done; false if they were released already. */
  release(): Promise<boolean> {
    if (this.kept === null) throw new TypeError('release() frees a persisted array: this one was not made by persist()');
    return releasePersisted(this.kept);
  }

  /** @internal */
  rendered(ctx: RenderContext): Rendered {
    return this.node(ctx);
  }

  render(ctx: RenderContext): string {
    return this.node(ctx).text;
  }

  private binary(op: string, b: Operand): LazyArray {
    return new LazyArray((ctx) => binaryText(op, this.node(ctx), operand(b, ctx)));
  }

  /** A method or attribute of the array itself: `x.sum(axis=0)`, `x.T`. */
  private suffix(text: string): LazyArray {
    return new LazyArray((ctx) => suffixText(this.node(ctx), text));
  }

  add(b: Operand): LazyArray { return this.binary('+', b); }
  sub(b: Operand): LazyArray { return this.binary('-', b); }
  mul(b: Operand): LazyArray { return this.binary('*', b); }
  div(b: Operand): LazyArray { return this.binary('/', b); }
  floordiv(b: Operand): LazyArray { return this.binary('//', b); }
  mod(b: Operand): LazyArray { return this.binary('%', b); }
  pow(b: Operand): LazyArray { return this.binary('**', b); }
  matmul(b: LazyArray): LazyArray { return this.binary('@', b); }
  neg(): LazyArray { return new LazyArray((ctx) => prefixText('-', this.node(ctx))); }
  gt(b: Operand): LazyArray { return this.binary('>', b); }
  ge(b: Operand): LazyArray { return this.binary('>=', b); }
  lt(b: Operand): LazyArray { return this.binary('<', b); }
  le(b: Operand): LazyArray { return this.binary('<=', b); }
  eq(b: Operand): LazyArray { return this.binary('==', b); }
  ne(b: Operand): LazyArray { return this.binary('!=', b); }
  and(b: Operand): LazyArray { return this.binary('&', b); }
  or(b: Operand): LazyArray { return this.binary('|', b); }

  sqrt(): LazyArray { return np('sqrt', this); }
  exp(): LazyArray { return np('exp', this); }
  log(): LazyArray { return np('log', this); }
  abs(): LazyArray { return np('abs', this); }
  sin(): LazyArray { return np('sin', this); }
  cos(): LazyArray { return np('cos', this); }

  sum(o: AxisOptions = {}): LazyArray { return this.reduce('sum', o); }
  prod(o: AxisOptions = {}): LazyArray { return this.reduce('prod', o); }
  mean(o: AxisOptions = {}): LazyArray { return this.reduce('mean', o); }
  min(o: AxisOptions = {}): LazyArray { return this.reduce('min', o); }
  max(o: AxisOptions = {}): LazyArray { return this.reduce('max', o); }
  any(o: AxisOptions = {}): LazyArray { return this.reduce('any', o); }
  all(o: AxisOptions = {}): LazyArray { return this.reduce('all', o); }
  argmin(o: { axis?: number } = {}): LazyArray { return this.reduce('argmin', o); }
  argmax(o: { axis?: number } = {}): LazyArray { return this.reduce('argmax', o); }
  std(o: AxisOptions & { ddof?: number } = {}): LazyArray { return this.reduce('std', o); }
  var(o: AxisOptions & { ddof?: number } = {}): LazyArray { return this.reduce('var', o); }
  /** Cumulative sum along an axis (of the flattened array when none), as numpy. */
  cumsum(o: { axis?: number } = {}): LazyArray { return this.reduce('cumsum', o); }
  cumprod(o: { axis?: number } = {}): LazyArray { return this.reduce('cumprod', o); }

  astype(dtype: string): LazyArray { return this.suffix(`.astype(${pyLiteral(dtype)})`); }
  /** `fn` (from functions(path)) on each chunk in the workers: a typed array in, one of the same length out (of `dtype`, else this array's). */
  mapBlocks(fn: FunctionRef, options: { dtype?: string } = {}): LazyArray {
    if (!isFunctionRef(fn)) throw new TypeError('mapBlocks takes a function from functions(path)');
    return new LazyArray((ctx) => suffixText(this.node(ctx), `.map_blocks(${ctx.fn(fn)}${options.dtype ? `, dtype=${pyLiteral(options.dtype)}` : ''})`));
  }
  reshape(shape: number[]): LazyArray { return this.suffix(`.reshape(${pyLiteral(shape)})`); }
  get T(): LazyArray { return this.suffix('.T'); }
  /** numpy indexing written as in Python: `x.index('[::2, 1:]')`, `x.index('[0]')`. */
  index(subscript: string): LazyArray { return this.suffix(subscript); }

  private reduce(name: string, o: object): LazyArray {
    const kwargs = Object.entries(o).filter(([, v]) => v !== undefined).map(([k, v]) => `${k}=${Array.isArray(v) ? `(${v.join(', ')}${v.length === 1 ? ',' : ''})` : pyLiteral(v)}`);
    return this.suffix(`.${name}(${kwargs.join(', ')})`);
  }
}

function operand(v: Operand, ctx: RenderContext): Rendered {
  return v instanceof LazyArray ? v.rendered(ctx) : literalText(v);
}

/** Any numpy function the expression language knows, by name: `np('maximum', a, b)`, `np('where', c, a, b)`. */
export function np(name: string, ...args: Operand[]): LazyArray {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new TypeError(`'${name}' is not a function name`);
  return new LazyArray((ctx) => ({ text: `${name}(${args.map((a) => operand(a, ctx).text).join(', ')})`, prec: ATOM }));
}

/** Persists several arrays in one compute (dask.persist(a, b)): what they share is computed once. */
export async function persist(...arrays: LazyArray[]): Promise<LazyArray[]> {
  const names = await persistArrays(arrays);
  return names.map((name) => {
    const d = dataset({ persisted: name });
    return new LazyArray((ctx) => d.rendered(ctx), name);
  });
}

/** A dataset of the spec, named once however many expressions use it. */
function dataset(spec: Record<string, unknown>): LazyArray {
  const node = {};
  const clean = cleanSpec(spec);
  return new LazyArray((ctx) => ({ text: ctx.dataset(node, () => clean), prec: ATOM }));
}

interface RandomOptions { chunks?: Chunks; seed?: number }

/** Array datasets: the spec's kinds, with its option names. */
export const array = {
  random: {
    uniform: (shape: number[], o: RandomOptions & { low?: number; high?: number } = {}) => dataset({ random: 'uniform', shape, chunks: o.chunks, seed: o.seed, low: o.low, high: o.high }),
    normal: (shape: number[], o: RandomOptions & { loc?: number; scale?: number } = {}) => dataset({ random: 'normal', shape, chunks: o.chunks, seed: o.seed, loc: o.loc, scale: o.scale }),
  },
  /** A .npy file (memory-mapped, read in place). */
  npy: (path: string, o: { chunks?: Chunks } = {}) => dataset({ npy: path, chunks: o.chunks }),
  /** A raw binary file of one dtype and shape. */
  raw: (path: string, o: { dtype: string; shape: number[]; chunks?: Chunks; order?: 'C' | 'F'; offset?: number; byteorder?: string }) =>
    dataset({ raw: path, dtype: o.dtype, shape: o.shape, chunks: o.chunks, order: o.order, offset: o.offset, byteorder: o.byteorder }),
  /** numpy's arange: arange(stop), arange(start, stop), arange(start, stop, step); arange(stop, undefined, step) counts from 0. */
  arange: (start: number, stop?: number, step?: number, o: { chunks?: Chunks; dtype?: string } = {}) =>
    dataset({ arange: stop === undefined ? (step === undefined ? [start] : [0, start, step]) : step === undefined ? [start, stop] : [start, stop, step], chunks: o.chunks, dtype: o.dtype }),
  zeros: (shape: number[], o: { chunks?: Chunks; dtype?: string } = {}) => dataset({ zeros: shape, chunks: o.chunks, dtype: o.dtype }),
  ones: (shape: number[], o: { chunks?: Chunks; dtype?: string } = {}) => dataset({ ones: shape, chunks: o.chunks, dtype: o.dtype }),
  full: (shape: number[], value: number | boolean, o: { chunks?: Chunks; dtype?: string } = {}) => dataset({ full: shape, value, chunks: o.chunks, dtype: o.dtype }),
  /** A dataset of an HDF5 file (`dataset`: its path in the file); the file's chunking unless `chunks` says. */
  hdf5: (path: string, name: string, o: { chunks?: Chunks } = {}) => dataset({ hdf5: path, dataset: name, chunks: o.chunks }),
  /** A Zarr v2 array, or an array of a group (`dataset`); its chunk grid unless `chunks` says. */
  zarr: (path: string, o: { dataset?: string; chunks?: Chunks } = {}) => dataset({ zarr: path, dataset: o.dataset, chunks: o.chunks }),
};
