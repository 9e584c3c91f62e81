/**
 * A generated table like dask.datasets.timeseries, planned: a `timestamp` column every `freq` from
 * `start` (inclusive) to `end` (exclusive), then generated columns (dask's defaults: id int64
 * Poisson(1000), name one of 26 names, x and y uniform in [-1, 1)), one partition per
 * `partition_freq` of time (dask's divisions; a last, shorter one when the span is not a multiple,
 * which dask's date_range divisions would drop). No file: the partitions are generated natively
 * by the timeseries kind (kinds/timeseries.ts), each value a pure function of (seed, row, column),
 * so the table is the same at any partition_freq and any worker count.
 */
import { TesseraError } from '../../engine/errors.js';
import type { TimeseriesColumn, TimeseriesGenerator, TimeseriesSpec } from './kinds/index.js';
import type { Column, ColumnType } from './schema.js';
import { FREQUENCY_HINT, parseFrequency, parseTimestamp } from './timestamps.js';
import type { TableSource } from './table-source.js';

export interface TimeseriesOptions {
  start?: string;
  end?: string;
  freq?: string;
  partitionFreq?: string;
  seed?: number;
  /** Column name -> dtype, in order (dask's dtypes): float64 uniform, int64 Poisson, string names. */
  dtypes?: Record<string, string>;
}

/** dask.datasets.timeseries' defaults (its seed is random; ours is fixed, so a spec is a table). */
export const TIMESERIES_DEFAULTS = { start: '2000-01-01', end: '2000-01-31', freq: '1s', partitionFreq: '1d', seed: 0 } as const;
const DEFAULT_DTYPES: Record<string, string> = { id: 'int64', name: 'string', x: 'float64', y: 'float64' };

/** More rows than this is a mistake in a spec (a 1ns freq over a year), not a table to generate. */
export const MAX_ROWS = 1e10;
/** A task per partition: past this, the graph is the cost. */
export const MAX_PARTITIONS = 100_000;
/** The task's row count field (native/tasks/kinds/timeseries.cc). */
const MAX_PARTITION_ROWS = 2 ** 31;

/** The dtypes a generated column may have, by dask's spelling, and how each is generated. */
const GENERATED: Record<string, { dtype: ColumnType; generator: TimeseriesGenerator }> = {
  float: { dtype: 'float64', generator: 'uniform' }, float64: { dtype: 'float64', generator: 'uniform' },
  int: { dtype: 'int64', generator: 'poisson' }, int64: { dtype: 'int64', generator: 'poisson' },
  str: { dtype: 'string', generator: 'choice' }, string: { dtype: 'string', generator: 'choice' },
  object: { dtype: 'string', generator: 'choice' }, category: { dtype: 'string', generator: 'choice' },
};

export type TimeseriesColumnPlan = Column & TimeseriesColumn;

export interface TimeseriesPlan {
  startNs: bigint;
  endNs: bigint;
  freqNs: bigint;
  partitionNs: bigint;
  seed: number;
  columns: TimeseriesColumnPlan[];
  nrows: number;
  /** Partition p holds rows [rowStarts[p], rowStarts[p + 1]). */
  rowStarts: number[];
}

const bad = (msg: string, hint: string) => new TesseraError('BAD_SPEC', msg, hint);

/** FNV-1a over the name's UTF-8: a column's stream depends on its name alone. */
function streamOf(name: string): number {
  let h = 0x811c9dc5;
  for (const b of new TextEncoder().encode(name)) h = Math.imul(h ^ b, 0x01000193) >>> 0;
  return h;
}

const ceilDiv = (a: bigint, b: bigint) => (a + b - 1n) / b;

export function planTimeseries(opts: TimeseriesOptions = {}): TimeseriesPlan {
  const d = TIMESERIES_DEFAULTS;
  const o = { start: opts.start ?? d.start, end: opts.end ?? d.end, freq: opts.freq ?? d.freq, partitionFreq: opts.partitionFreq ?? d.partitionFreq, seed: opts.seed ?? d.seed };
  const time = (key: 'start' | 'end') => {
    const ns = parseTimestamp(o[key]);
    if (ns === null) throw bad(`"${key}" must be a date or a date and time in UTC, not '${o[key]}'`, "for example '2000-01-01' or '2000-01-01T12:30:00', between 1678 and 2261");
    return ns;
  };
  const every = (key: 'freq' | 'partition_freq', s: string) => {
    const ns = parseFrequency(s);
    if (ns === null) throw bad(`"${key}" must be a fixed frequency, not '${s}'`, FREQUENCY_HINT);
    return ns;
  };
  const startNs = time('start'), endNs = time('end');
  const freqNs = every('freq', o.freq), partitionNs = every('partition_freq', o.partitionFreq);
  if (endNs <= startNs) throw bad(`"end" (${o.end}) must come after "start" (${o.start})`, 'the table holds the times from start, included, to end, excluded');
  if (freqNs > BigInt(Number.MAX_SAFE_INTEGER)) throw bad(`"freq" '${o.freq}' is longer than 104 days`, FREQUENCY_HINT);
  if (!(Number.isSafeInteger(o.seed) && o.seed >= 0)) throw bad(`"seed" must be a non-negative integer, not ${JSON.stringify(o.seed)}`, 'for example "seed": 42');
  const span = endNs - startNs;
  const nrows = ceilDiv(span, freqNs);
  if (nrows > BigInt(MAX_ROWS)) throw bad(`a timeseries of ${nrows} rows (${o.start} to ${o.end} every ${o.freq}) is more than the ${MAX_ROWS.toExponential()} rows a generated table may have`, 'use a larger "freq" or a shorter span');
  const partitions = ceilDiv(span, partitionNs);
  if (partitions > BigInt(MAX_PARTITIONS)) throw bad(`"partition_freq" '${o.partitionFreq}' makes ${partitions} partitions, more than ${MAX_PARTITIONS}`, 'use a larger "partition_freq", for example \'1d\'');
  // Partition p holds the times [start + p * P, start + (p + 1) * P) that fall before end.
  const rowStarts: number[] = [];
  for (let p = 0n; p <= partitions; p++) {
    const t = p * partitionNs < span ? p * partitionNs : span;
    rowStarts.push(Number(ceilDiv(t, freqNs)));
  }
  for (let p = 0; p + 1 < rowStarts.length; p++) {
    if (rowStarts[p + 1] - rowStarts[p] > MAX_PARTITION_ROWS) throw bad(`"partition_freq" '${o.partitionFreq}' makes partitions of more than 2^31 rows`, 'use a smaller "partition_freq"');
  }
  return { startNs, endNs, freqNs, partitionNs, seed: o.seed, columns: columnsOf(opts.dtypes ?? DEFAULT_DTYPES), nrows: Number(nrows), rowStarts };
}

function columnsOf(dtypes: Record<string, string>): TimeseriesColumnPlan[] {
  const columns: TimeseriesColumnPlan[] = [{ name: 'timestamp', dtype: 'timestamp', generator: 'timestamp', stream: 0 }];
  for (const [name, dt] of Object.entries(dtypes)) {
    const g = typeof dt === 'string' ? GENERATED[dt] : undefined;
    if (!g) throw bad(`"dtypes" gives column '${name}' the dtype ${JSON.stringify(dt)}`, 'a generated column is float64 (uniform in [-1, 1)), int64 (Poisson, mean 1000) or string (one of 26 names)');
    if (name === 'timestamp') throw bad('"dtypes" names the column \'timestamp\', which is the time column', 'give the generated columns other names');
    const stream = streamOf(name);
    const twin = columns.find((c) => c.stream === stream && c.generator !== 'timestamp');
    if (twin) throw bad(`columns '${twin.name}' and '${name}' would draw from the same random stream`, 'rename one of them');
    columns.push({ name, dtype: g.dtype, generator: g.generator, stream });
  }
  return columns;
}

/** Bytes of a partition as native/table/table_format.h lays it out (header, descriptors, names, data, dictionary). */
function partitionBytes(rows: number, columns: TimeseriesColumnPlan[]): number {
  const pad = (n: number) => Math.ceil(n / 8) * 8;
  let bytes = 32 + 64 * columns.length;
  for (const c of columns) {
    bytes += pad(c.name.length * 3) + pad(rows * (c.dtype === 'string' ? 4 : 8));
    if (c.dtype === 'string') bytes += 27 * 8 + 256; // the 26 names' offsets and bytes
  }
  return bytes;
}

/** The generated table as the plan sees it: one timeseries task per partition, generating only the columns asked for. */
export function timeseriesTableSource(plan: TimeseriesPlan): TableSource {
  return {
    label: 'timeseries',
    columns: plan.columns.map(({ name, dtype }) => ({ name, dtype })),
    partitions: plan.rowStarts.length - 1,
    files: [],
    identity: JSON.stringify(['timeseries', String(plan.startNs), String(plan.endNs), String(plan.freqNs), String(plan.partitionNs), plan.seed,
      plan.columns.map((c) => [c.name, c.generator])]),
    readTask(p, columns) {
      const wanted = columns.map((c) => plan.columns.find((s) => s.name === c.name)!);
      const row0 = plan.rowStarts[p], nrows = plan.rowStarts[p + 1] - row0;
      const estBytes = partitionBytes(nrows, wanted);
      const spec: TimeseriesSpec = {
        kind: 'timeseries', seed: plan.seed, startNs: String(plan.startNs), freqNs: Number(plan.freqNs), row0, nrows,
        columns: wanted.map(({ name, generator, stream }) => ({ name, generator, stream })), estBytes,
      };
      return { spec, estBytes };
    },
  };
}
