/**
 * Bags in the TypeScript API: the spec's bag datasets and dask.bag's method names, one to one
 * (collections/bag/chain.ts). A function argument is a user function from `functions(path)` or the
 * name of a Python builtin ('len', 'int', 'float', 'bool', 'abs', 'json.loads'); a key argument is
 * a function or an item's key or index (`topk(10, 1)` is `topk(10, key=1)`).
 *
 *   bag.text('corpus/*.txt').str.lower().str.split().flatten().frequencies().topk(10, 1)
 *   bag.jsonl('events.jsonl').filter(fns.isBot).pluck('user').count()
 */
import { BUILTIN_NAMES, type Builtin } from '../collections/bag/index.js';
import { ATOM, cleanSpec, kwargs } from './expression.js';
import { LazyFrame } from './frame.js';
import { type Computable, type FunctionRef, isFunctionRef, pyLiteral, type RenderContext } from './graph.js';

export type { Builtin };
export type Fn = FunctionRef | Builtin;
export type Key = FunctionRef | string | number;

/** A bag's value once computed: a list, or one value for a reduction. */
export class LazyBag implements Computable {
  /** @internal */
  constructor(readonly render: (ctx: RenderContext) => string) {}

  /** @internal */
  then_(method: string, args: (ctx: RenderContext) => string[] = () => []): LazyBag {
    return new LazyBag((ctx) => `${this.render(ctx)}.${method}(${args(ctx).join(', ')})`);
  }

  map(fn: Fn, ...args: unknown[]): LazyBag { return this.then_('map', (c) => [fnText(fn, c), ...args.map(pyLiteral)]); }
  filter(fn: Fn): LazyBag { return this.then_('filter', (c) => [fnText(fn, c)]); }
  remove(fn: Fn): LazyBag { return this.then_('remove', (c) => [fnText(fn, c)]); }
  mapPartitions(fn: Fn): LazyBag { return this.then_('map_partitions', (c) => [fnText(fn, c)]); }
  flatten(): LazyBag { return this.then_('flatten'); }
  pluck(key: string | number | (string | number)[], options: { default?: unknown } = {}): LazyBag {
    return this.then_('pluck', () => [pyLiteral(key), ...('default' in options ? [`default=${pyLiteral(options.default)}`] : [])]);
  }
  get str(): StrMethods { return new StrMethods(this); }

  count(): LazyBag { return this.then_('count'); }
  sum(): LazyBag { return this.then_('sum'); }
  min(): LazyBag { return this.then_('min'); }
  max(): LazyBag { return this.then_('max'); }
  mean(): LazyBag { return this.then_('mean'); }
  var(ddof = 0): LazyBag { return this.then_('var', () => [`ddof=${ddof}`]); }
  std(ddof = 0): LazyBag { return this.then_('std', () => [`ddof=${ddof}`]); }
  all(): LazyBag { return this.then_('all'); }
  any(): LazyBag { return this.then_('any'); }
  frequencies(): LazyBag { return this.then_('frequencies'); }
  distinct(key?: Key): LazyBag { return this.then_('distinct', (c) => (key === undefined ? [] : [`key=${keyText(key, c)}`])); }
  topk(k: number, key?: Key): LazyBag { return this.then_('topk', (c) => [String(k), ...(key === undefined ? [] : [`key=${keyText(key, c)}`])]); }
  take(k: number, npartitions = 1): LazyBag { return this.then_('take', () => [String(k), `npartitions=${npartitions}`]); }
  fold(binop: Fn, options: { combine?: Fn; initial?: unknown } = {}): LazyBag {
    return this.then_('fold', (c) => [fnText(binop, c), ...(options.combine ? [`combine=${fnText(options.combine, c)}`] : []), ...('initial' in options ? [`initial=${pyLiteral(options.initial)}`] : [])]);
  }
  foldby(key: Key, binop: Fn, options: { initial?: unknown; combine?: Fn; combineInitial?: unknown } = {}): LazyBag {
    return this.then_('foldby', (c) => [keyText(key, c), fnText(binop, c),
      ...('initial' in options ? [`initial=${pyLiteral(options.initial)}`] : []),
      ...(options.combine ? [`combine=${fnText(options.combine, c)}`] : []),
      ...('combineInitial' in options ? [`combine_initial=${pyLiteral(options.combineInitial)}`] : [])]);
  }
  groupby(key: Key): LazyBag { return this.then_('groupby', (c) => [keyText(key, c)]); }
  reduction(perpartition: Fn, aggregate: Fn): LazyBag { return this.then_('reduction', (c) => [fnText(perpartition, c), fnText(aggregate, c)]); }
  /**
   * The bag as a table: its records' fields (or its tuples' positions, named by `columns`) as
   * columns, typed by `meta` ({ name: dtype } in order, or [name, dtype] pairs) or inferred from
   * the first items, as dask's to_dataframe does.
   */
  toDataframe(o: { meta?: Record<string, string> | [string, string][]; columns?: string[] } = {}): LazyFrame {
    const meta = Array.isArray(o.meta) ? `[${o.meta.map(([n, t]) => `(${pyLiteral(n)}, ${pyLiteral(t)})`).join(', ')}]` : o.meta && pyLiteral(o.meta);
    return new LazyFrame((ctx) => ({ text: `${this.render(ctx)}.to_dataframe(${[...(meta ? [`meta=${meta}`] : []), ...kwargs({ columns: o.columns })].join(', ')})`, prec: ATOM }));
  }
}

/** `bag.str`: Python's str methods on every item. */
export class StrMethods {
  constructor(private readonly bag: LazyBag) {}
  private call(method: string, ...args: unknown[]): LazyBag {
    while (args.length && args[args.length - 1] === undefined) args.pop();
    return new LazyBag((ctx) => `${this.bag.render(ctx)}.str.${method}(${args.map(pyLiteral).join(', ')})`);
  }
  lower(): LazyBag { return this.call('lower'); }
  upper(): LazyBag { return this.call('upper'); }
  strip(chars?: string): LazyBag { return this.call('strip', chars); }
  lstrip(chars?: string): LazyBag { return this.call('lstrip', chars); }
  rstrip(chars?: string): LazyBag { return this.call('rstrip', chars); }
  split(sep?: string | null, maxsplit?: number): LazyBag { return this.call('split', maxsplit === undefined ? sep : sep ?? null, maxsplit); }
  replace(old: string, replacement: string, count?: number): LazyBag { return this.call('replace', old, replacement, count); }
  startswith(prefix: string): LazyBag { return this.call('startswith', prefix); }
  endswith(suffix: string): LazyBag { return this.call('endswith', suffix); }
  contains(sub: string): LazyBag { return this.call('contains', sub); }
  len(): LazyBag { return this.call('len'); }
}

function fnText(fn: Fn, ctx: RenderContext): string {
  if (isFunctionRef(fn)) {
    if (BUILTIN_NAMES.includes(fn.name)) throw new TypeError(`the user function '${fn.name}' has the name of a Python builtin, which a bag expression takes for the builtin: export it under another name`);
    return ctx.fn(fn);
  }
  if (BUILTIN_NAMES.includes(fn)) return fn;
  throw new TypeError(`'${String(fn)}' is not a function here: pass one from functions(path), or one of ${BUILTIN_NAMES.join(', ')}`);
}

function keyText(key: Key, ctx: RenderContext): string {
  return isFunctionRef(key) ? fnText(key, ctx) : pyLiteral(key);
}

function dataset(spec: Record<string, unknown>): LazyBag {
  const node = {};
  const clean = cleanSpec(spec);
  return new LazyBag((ctx) => ctx.dataset(node, () => clean));
}

interface Partitions { npartitions?: number; partitionSize?: number }

/** Bag datasets: the spec's kinds, with its option names. */
export const bag = {
  /** Lines of a file, a folder's files or a pattern (dask.bag.read_text). */
  text: (path: string, o: { blocksize?: string | number } = {}) => dataset({ text: path, blocksize: o.blocksize }),
  /** JSON lines: a record per line. */
  jsonl: (path: string, o: { blocksize?: string | number; errors?: 'raise' | 'skip' } = {}) => dataset({ jsonl: path, blocksize: o.blocksize, errors: o.errors }),
  /** The items of a list, partitioned as dask.bag.from_sequence does. */
  fromSequence: (items: unknown[], o: Partitions = {}) => dataset({ sequence: items, npartitions: o.npartitions, partition_size: o.partitionSize }),
  /** 0, 1, ..., n - 1, partitioned as dask.bag.range does. */
  range: (n: number, o: Partitions = {}) => dataset({ range: n, npartitions: o.npartitions, partition_size: o.partitionSize }),
};
