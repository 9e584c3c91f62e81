/**
 * Tables in the TypeScript API: the spec's table datasets and the pandas-style expressions the
 * spec's outputs take, one to one (collections/dataframe/evaluate.ts), with pandas' names in
 * camelCase where they have two words (`sortValues` for `sort_values`). A column is `f.col('delay')`
 * (written `f['delay']`, which never clashes with a method's name); a row filter is
 * `f.filter(mask)` (`f[mask]`); operators are methods, as on arrays.
 *
 *   const f = frame.parquet('flights.parquet');
 *   f.filter(f.col('delay').gt(15)).groupby('origin').agg({ mean: ['delay', 'mean'], n: ['delay', 'count'] })
 *
 * A frame or a Series computes to `{ columns, rows }`; a reduction (`mean()`, `len()`) to a number.
 */
import type { CsvOptions as PlannerCsvOptions } from '../collections/dataframe/csv-source.js';
import { LazyArray } from './array.js';
import { ATOM, binaryText, cleanSpec, kwargs, literalText, prefixText, type Rendered, suffixText } from './expression.js';
import { type Computable, pyLiteral, type RenderContext } from './graph.js';

type Node = (ctx: RenderContext) => Rendered;
/** A value a Series meets in an operator: another Series, or a literal (a date as '2001-02-01'). */
export type SeriesOperand = LazySeries | number | boolean | string | null;
/** What a group-by is keyed by: column names or derived Series (`f.col('date').dt.hour`). */
export type GroupKey = string | LazySeries;

/** `fn(args, kw=...)` after the receiver, with the literal arguments and the set keyword ones. */
function call(name: string, args: unknown[] = [], kw: Record<string, unknown> = {}): string {
  return `.${name}(${[...args.map(pyLiteral), ...kwargs(kw)].join(', ')})`;
}

/** `('delay', 'mean')`: a tuple, as pandas' named aggregation takes it. */
function tuple(items: string[]): string {
  return `(${items.map(pyLiteral).join(', ')}${items.length === 1 ? ',' : ''})`;
}

/** One value of a computation that is not a table: a reduction of a Series, `len(f)`, a shape. */
export class LazyValue implements Computable {
  /** @internal */
  constructor(private readonly node: Node) {}
  render(ctx: RenderContext): string { return this.node(ctx).text; }
}

export class LazySeries implements Computable {
  /** @internal */
  constructor(private readonly node: Node) {}

  /** @internal */
  rendered(ctx: RenderContext): Rendered { return this.node(ctx); }
  render(ctx: RenderContext): string { return this.node(ctx).text; }

  private binary(op: string, b: SeriesOperand): LazySeries {
    return new LazySeries((ctx) => binaryText(op, this.node(ctx), b instanceof LazySeries ? b.rendered(ctx) : literalText(b)));
  }
  /** @internal */
  suffix(text: string): LazySeries { return new LazySeries((ctx) => suffixText(this.node(ctx), text)); }
  private value(text: string): LazyValue { return new LazyValue((ctx) => suffixText(this.node(ctx), text)); }

  add(b: SeriesOperand): LazySeries { return this.binary('+', b); }
  sub(b: SeriesOperand): LazySeries { return this.binary('-', b); }
  mul(b: SeriesOperand): LazySeries { return this.binary('*', b); }
  div(b: SeriesOperand): LazySeries { return this.binary('/', b); }
  floordiv(b: SeriesOperand): LazySeries { return this.binary('//', b); }
  mod(b: SeriesOperand): LazySeries { return this.binary('%', b); }
  pow(b: SeriesOperand): LazySeries { return this.binary('**', b); }
  neg(): LazySeries { return new LazySeries((ctx) => prefixText('-', this.node(ctx))); }
  gt(b: SeriesOperand): LazySeries { return this.binary('>', b); }
  ge(b: SeriesOperand): LazySeries { return this.binary('>=', b); }
  lt(b: SeriesOperand): LazySeries { return this.binary('<', b); }
  le(b: SeriesOperand): LazySeries { return this.binary('<=', b); }
  eq(b: SeriesOperand): LazySeries { return this.binary('==', b); }
  ne(b: SeriesOperand): LazySeries { return this.binary('!=', b); }
  /** `a & b` of two masks. */
  and(b: LazySeries): LazySeries { return this.binary('&', b); }
  /** `a | b` of two masks. */
  or(b: LazySeries): LazySeries { return this.binary('|', b); }
  /** `~mask`. */
  not(): LazySeries { return new LazySeries((ctx) => prefixText('~', this.node(ctx))); }

  abs(): LazySeries { return this.suffix(call('abs')); }
  astype(dtype: 'int64' | 'float64' | 'bool' | 'str' | string): LazySeries { return this.suffix(call('astype', [dtype])); }
  isna(): LazySeries { return this.suffix(call('isna')); }
  notna(): LazySeries { return this.suffix(call('notna')); }
  fillna(value: number | string | boolean): LazySeries { return this.suffix(call('fillna', [value])); }
  isin(values: (number | string | boolean)[]): LazySeries { return this.suffix(call('isin', [values])); }
  between(left: number | string, right: number | string): LazySeries { return this.suffix(call('between', [left, right])); }
  /** This value where `cond` holds, else `other` (pandas' Series.where). */
  where(cond: LazySeries, other?: number | string | boolean): LazySeries {
    return new LazySeries((ctx) => suffixText(this.node(ctx), `.where(${[cond.render(ctx), ...(other === undefined ? [] : [pyLiteral(other)])].join(', ')})`));
  }
  get str(): SeriesStr { return new SeriesStr(this); }
  get dt(): SeriesDt { return new SeriesDt(this); }

  head(n = 5): LazySeries { return this.suffix(call('head', [n])); }
  tail(n = 5): LazySeries { return this.suffix(call('tail', [n])); }
  nlargest(n = 5): LazySeries { return this.suffix(call('nlargest', [n])); }
  nsmallest(n = 5): LazySeries { return this.suffix(call('nsmallest', [n])); }
  sortValues(o: { ascending?: boolean; naPosition?: 'first' | 'last' } = {}): LazySeries { return this.suffix(call('sort_values', [], { ascending: o.ascending, na_position: o.naPosition })); }
  valueCounts(): LazySeries { return this.suffix(call('value_counts')); }
  dropDuplicates(): LazySeries { return this.suffix(call('drop_duplicates')); }
  resetIndex(): LazyFrame { return new LazyFrame((ctx) => suffixText(this.node(ctx), call('reset_index'))); }
  describe(): LazyFrame { return new LazyFrame((ctx) => suffixText(this.node(ctx), call('describe'))); }

  sum(): LazyValue { return this.value(call('sum')); }
  mean(): LazyValue { return this.value(call('mean')); }
  min(): LazyValue { return this.value(call('min')); }
  max(): LazyValue { return this.value(call('max')); }
  count(): LazyValue { return this.value(call('count')); }
  std(o: { ddof?: number } = {}): LazyValue { return this.value(call('std', [], { ddof: o.ddof })); }
  var(o: { ddof?: number } = {}): LazyValue { return this.value(call('var', [], { ddof: o.ddof })); }
  first(): LazyValue { return this.value(call('first')); }
  last(): LazyValue { return this.value(call('last')); }
  nunique(): LazyValue { return this.value(call('nunique')); }
  /** The column as an array (`.values`), for any array expression. */
  get values(): LazyArray { return new LazyArray((ctx) => suffixText(this.node(ctx), '.values')); }
}

/** `series.str`: pandas' string methods. */
export class SeriesStr {
  constructor(private readonly s: LazySeries) {}
  lower(): LazySeries { return this.s.suffix('.str.lower()'); }
  upper(): LazySeries { return this.s.suffix('.str.upper()'); }
  len(): LazySeries { return this.s.suffix('.str.len()'); }
  contains(pat: string): LazySeries { return this.s.suffix(`.str${call('contains', [pat])}`); }
  startswith(prefix: string): LazySeries { return this.s.suffix(`.str${call('startswith', [prefix])}`); }
  endswith(suffix: string): LazySeries { return this.s.suffix(`.str${call('endswith', [suffix])}`); }
  slice(start?: number, stop?: number): LazySeries { return this.s.suffix(`.str${call('slice', [start ?? null, ...(stop === undefined ? [] : [stop])])}`); }
}

/** `series.dt`: the fields of timestamps, and a duration's seconds. */
export class SeriesDt {
  constructor(private readonly s: LazySeries) {}
  get year(): LazySeries { return this.s.suffix('.dt.year'); }
  get month(): LazySeries { return this.s.suffix('.dt.month'); }
  get day(): LazySeries { return this.s.suffix('.dt.day'); }
  get hour(): LazySeries { return this.s.suffix('.dt.hour'); }
  get minute(): LazySeries { return this.s.suffix('.dt.minute'); }
  get second(): LazySeries { return this.s.suffix('.dt.second'); }
  get dayofweek(): LazySeries { return this.s.suffix('.dt.dayofweek'); }
  get dayofyear(): LazySeries { return this.s.suffix('.dt.dayofyear'); }
  get quarter(): LazySeries { return this.s.suffix('.dt.quarter'); }
  totalSeconds(): LazySeries { return this.s.suffix('.dt.total_seconds()'); }
}

/** An aggregation pandas names: 'count', 'size', 'sum', 'mean', 'min', 'max', 'std', 'var', 'first', 'last', 'nunique'. */
export type AggName = 'count' | 'size' | 'sum' | 'mean' | 'min' | 'max' | 'std' | 'var' | 'first' | 'last' | 'nunique';

export class LazyGroupBy {
  /** @internal */
  constructor(private readonly node: Node) {}
  private frame(text: string): LazyFrame { return new LazyFrame((ctx) => suffixText(this.node(ctx), text)); }

  /**
   * Named aggregations, `{ n: ['delay', 'count'] }` (pandas' `agg(n=('delay', 'count'))`), or one
   * function per column, `{ delay: 'mean' }` (`agg({'delay': 'mean'})`).
   */
  agg(spec: Record<string, [string, AggName]> | Record<string, AggName>): LazyFrame {
    const entries = Object.entries(spec);
    const named = entries.every(([, v]) => Array.isArray(v));
    if (!named && entries.some(([, v]) => Array.isArray(v))) throw new TypeError('agg takes named aggregations ({ n: [column, fn] }) or one function per column ({ column: fn }), not both');
    if (!named) return this.frame(call('agg', [spec]));
    for (const [name] of entries) if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new TypeError(`'${name}' cannot name an aggregation: use a Python identifier`);
    return this.frame(`.agg(${entries.map(([name, v]) => `${name}=${tuple(v as string[])}`).join(', ')})`);
  }
  /** The rows per group, a Series indexed by the keys. */
  size(): LazySeries { return new LazySeries((ctx) => suffixText(this.node(ctx), '.size()')); }
  /** One column of every group: `g.col('delay').mean()`. */
  col(name: string): GroupedSeries { return new GroupedSeries((ctx) => suffixText(this.node(ctx), `[${pyLiteral(name)}]`)); }
}

/** A column of a group-by: an aggregation gives a Series indexed by the keys. */
export class GroupedSeries {
  /** @internal */
  constructor(private readonly node: Node) {}
  private series(text: string): LazySeries { return new LazySeries((ctx) => suffixText(this.node(ctx), text)); }
  agg(fns: AggName[]): LazyFrame { return new LazyFrame((ctx) => suffixText(this.node(ctx), call('agg', [fns]))); }
  count(): LazySeries { return this.series('.count()'); }
  size(): LazySeries { return this.series('.size()'); }
  sum(): LazySeries { return this.series('.sum()'); }
  mean(): LazySeries { return this.series('.mean()'); }
  min(): LazySeries { return this.series('.min()'); }
  max(): LazySeries { return this.series('.max()'); }
  std(): LazySeries { return this.series('.std()'); }
  var(): LazySeries { return this.series('.var()'); }
  first(): LazySeries { return this.series('.first()'); }
  last(): LazySeries { return this.series('.last()'); }
  nunique(): LazySeries { return this.series('.nunique()'); }
}

export class LazyFrame implements Computable {
  /** @internal */
  constructor(private readonly node: Node) {}

  /** @internal */
  rendered(ctx: RenderContext): Rendered { return this.node(ctx); }
  render(ctx: RenderContext): string { return this.node(ctx).text; }
  private frame(text: (ctx: RenderContext) => string): LazyFrame { return new LazyFrame((ctx) => suffixText(this.node(ctx), text(ctx))); }

  /** A column: `f['delay']`. */
  col(name: string): LazySeries { return new LazySeries((ctx) => suffixText(this.node(ctx), `[${pyLiteral(name)}]`)); }
  /** Some columns, in this order: `f[['a', 'b']]`. */
  select(names: string[]): LazyFrame { return this.frame(() => `[${pyLiteral(names)}]`); }
  /** The rows where `mask` holds: `f[mask]`. */
  filter(mask: LazySeries): LazyFrame { return this.frame((ctx) => `[${mask.render(ctx)}]`); }
  /** New or replaced columns: `f.assign(total=f['a'] + f['b'])`. */
  assign(columns: Record<string, SeriesOperand>): LazyFrame {
    for (const name of Object.keys(columns)) if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new TypeError(`'${name}' cannot name a column in assign: use a Python identifier`);
    return this.frame((ctx) => `.assign(${Object.entries(columns).map(([k, v]) => `${k}=${v instanceof LazySeries ? v.render(ctx) : pyLiteral(v)}`).join(', ')})`);
  }
  groupby(keys: GroupKey | GroupKey[], o: { splitOut?: number } = {}): LazyGroupBy {
    const list = Array.isArray(keys) ? keys : [keys];
    return new LazyGroupBy((ctx) => {
      const ks = list.map((k) => (k instanceof LazySeries ? k.render(ctx) : pyLiteral(k)));
      const first = Array.isArray(keys) ? `[${ks.join(', ')}]` : ks[0];
      return suffixText(this.node(ctx), `.groupby(${[first, ...kwargs({ split_out: o.splitOut })].join(', ')})`);
    });
  }
  sortValues(by: string | string[], o: { ascending?: boolean | boolean[]; naPosition?: 'first' | 'last' } = {}): LazyFrame {
    return this.frame(() => call('sort_values', [by], { ascending: o.ascending, na_position: o.naPosition }));
  }
  head(n = 5): LazyFrame { return this.frame(() => call('head', [n])); }
  tail(n = 5): LazyFrame { return this.frame(() => call('tail', [n])); }
  nlargest(n: number, columns: string | string[]): LazyFrame { return this.frame(() => call('nlargest', [n, columns])); }
  nsmallest(n: number, columns: string | string[]): LazyFrame { return this.frame(() => call('nsmallest', [n, columns])); }
  dropDuplicates(subset?: string | string[]): LazyFrame { return this.frame(() => call('drop_duplicates', subset === undefined ? [] : [subset])); }
  dropna(): LazyFrame { return this.frame(() => call('dropna')); }
  resetIndex(): LazyFrame { return this.frame(() => call('reset_index')); }
  describe(): LazyFrame { return this.frame(() => call('describe')); }
  merge(right: LazyFrame, o: { on?: string | string[]; how?: 'inner' | 'left' | 'right' | 'outer'; leftOn?: string | string[]; rightOn?: string | string[]; suffixes?: [string, string] } = {}): LazyFrame {
    return this.frame((ctx) => `.merge(${[right.render(ctx), ...kwargs({ on: o.on, how: o.how, left_on: o.leftOn, right_on: o.rightOn, suffixes: o.suffixes })].join(', ')})`);
  }
  /** `len(f)`: the row count. */
  len(): LazyValue { return new LazyValue((ctx) => ({ text: `len(${this.node(ctx).text})`, prec: ATOM })); }
  /** `f.shape`: [rows, columns]. */
  get shape(): LazyValue { return new LazyValue((ctx) => suffixText(this.node(ctx), '.shape')); }
  /** `f.columns`: the column names. */
  get columns(): LazyValue { return new LazyValue((ctx) => suffixText(this.node(ctx), '.columns')); }
  /** The table as a 2-D array (`to_numpy()`), for any array expression. */
  toNumpy(): LazyArray { return new LazyArray((ctx) => suffixText(this.node(ctx), '.to_numpy()')); }
}

function dataset(spec: Record<string, unknown>): LazyFrame {
  const node = {};
  const clean = cleanSpec(spec);
  return new LazyFrame((ctx) => ({ text: ctx.dataset(node, () => clean), prec: ATOM }));
}

/** The planner's CSV options (dtype names as pandas', `header` true by default), a blocksize also as text ("64MB"). */
type CsvOptions = Omit<PlannerCsvOptions, 'blocksize'> & { blocksize?: string | number };

/** Table datasets: the spec's kinds, with its option names (camelCase). */
export const frame = {
  /** CSV (or TSV, any one-character separator) from a file, a folder or a pattern; gzip files too. */
  csv: (path: string, o: CsvOptions = {}) => dataset({ csv: path, sep: o.sep, quote: o.quote, header: o.header, dtype: o.dtype, na_values: o.naValues, parse_dates: o.parseDates, usecols: o.usecols, blocksize: o.blocksize }),
  /** Parquet from a file, a folder (hive key=value folders too) or a pattern. */
  parquet: (path: string, o: { columns?: string[]; blocksize?: string | number } = {}) => dataset({ parquet: path, columns: o.columns, blocksize: o.blocksize }),
  /** A generated time series, as dask.datasets.timeseries (every option has dask's default). */
  timeseries: (o: { start?: string; end?: string; freq?: string; partitionFreq?: string; seed?: number; dtypes?: Record<string, string> } = {}) =>
    dataset({ timeseries: cleanSpec({ start: o.start, end: o.end, freq: o.freq, partition_freq: o.partitionFreq, seed: o.seed, dtypes: o.dtypes }) }),
  /** `concat([a, b])`: the rows of several frames of the same columns, in order. */
  concat: (frames: LazyFrame[]) => new LazyFrame((ctx) => ({ text: `concat([${frames.map((f) => f.render(ctx)).join(', ')}])`, prec: ATOM })),
};
