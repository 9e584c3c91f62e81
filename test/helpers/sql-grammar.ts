/**
 * Random SQL queries over a schema (the flights and the small airport table joined to them, or the
 * generated time series), from a grammar of the constructs Tessera plans: filters
 * of comparisons, BETWEEN, IN, LIKE, IS NULL, NOT/AND/OR; computed columns with arithmetic, CASE,
 * COALESCE, CAST, string and date functions; window functions; GROUP BY with aggregates and HAVING;
 * joins; DISTINCT;
 * UNION ALL; ORDER BY every output column with LIMIT (so the rows kept are fixed). One seed, one
 * list of queries.
 */
import { rng } from './rng.js';

/** The tables a list of queries reads: the main one, and optionally a second joined to it. */
export interface SqlSchema {
  table: string;
  nums: string[];
  strs: string[];
  date: string;
  /** String constants that occur in the string columns (IN lists, comparisons). */
  words: string[];
  /** A numeric constant of the numeric columns' scale, given a draw in [0, 1). */
  number: (u: number) => string;
  /** A filter keeping a few rows (the row queries without a WHERE of their own). */
  fewRows: string;
  /** A second table joined on a key (`f` and `a` qualify the two), with its own columns. */
  join?: { table: string; on: string; nums: string[]; strs: string[] };
}

export const FLIGHTS_SCHEMA: SqlSchema = {
  table: 'flights', nums: ['delay', 'distance'], strs: ['origin', 'destination'], date: 'date',
  words: ['SFO', 'LAX', 'JFK', 'ORD', 'SEA', 'ANC', 'ABQ', 'ATL', 'DEN', 'BOS'],
  number: (u) => String(Math.floor(-10 + u * 1510)), fewRows: 'delay > 1200',
  join: { table: 'airports', on: 'f.origin = a.iata', nums: ['elevation'], strs: ['state'] },
};

/** dask.datasets.timeseries: timestamp, id (int64 around 1000), name (26 names), x and y in [-1, 1). */
export const TIMESERIES_SCHEMA: SqlSchema = {
  table: 'df', nums: ['id', 'x', 'y'], strs: ['name'], date: 'timestamp',
  words: ['Alice', 'Bob', 'Charlie', 'Dan', 'Edith', 'Frank', 'Zelda', 'Nobody'],
  number: (u) => (u < 0.5 ? (Math.round((u * 4 - 1) * 100) / 100).toString() : String(Math.floor(950 + u * 100))), fewRows: 'id > 1080',
};

export function sqlQueries(seed: number, count: number, schema: SqlSchema = FLIGHTS_SCHEMA): string[] {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
  const chance = (p: number) => r() < p;
  const int = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));

  const S = schema;
  const ORIGINS = S.words;
  const num = (joined: boolean) => pick(joined ? [...S.nums.map((c) => `f.${c}`), ...S.join!.nums.map((c) => `a.${c}`)] : S.nums);
  const str = (joined: boolean) => pick(joined ? [...S.strs.map((c) => `f.${c}`), ...S.join!.strs.map((c) => `a.${c}`)] : S.strs);
  const date = (joined: boolean) => (joined ? `f.${S.date}` : S.date);
  const constant = () => S.number(r());

  const numExpr = (j: boolean, depth = 0): string => {
    if (depth > 1 || chance(0.4)) return chance(0.85) ? num(j) : String(int(-5, 500));
    switch (int(0, 6)) {
      case 0: return `(${numExpr(j, depth + 1)} ${pick(['+', '-', '*'])} ${numExpr(j, depth + 1)})`;
      case 1: return `(${num(j)} ${pick(['/', '//', '%'])} ${int(1, 9)})`;
      case 2: return `case when ${pred(j, depth + 1)} then ${numExpr(j, depth + 1)} else ${numExpr(j, depth + 1)} end`;
      case 3: return `coalesce(${num(j)}, ${int(0, 9)})`;
      case 4: return `extract(${pick(['year', 'month', 'day', 'hour', 'dow', 'doy', 'quarter'])} from ${date(j)})`;
      case 5: return `length(${str(j)})`;
      default: return `cast(${num(j)} / ${int(2, 7)} as bigint)`;
    }
  };
  const strExpr = (j: boolean): string => {
    switch (int(0, 4)) {
      case 0: return `lower(${str(j)})`;
      case 1: return `substr(${str(j)}, ${int(1, 2)}, ${int(1, 2)})`;
      case 2: return `coalesce(${str(j)}, 'none')`;
      case 3: return `case when ${pred(j, 2)} then ${str(j)} else 'other' end`;
      default: return str(j);
    }
  };
  const pred = (j: boolean, depth = 0): string => {
    if (depth < 2 && chance(0.3)) {
      const op = pick(['and', 'or']);
      return `(${pred(j, depth + 1)} ${op} ${pred(j, depth + 1)})`;
    }
    if (depth < 2 && chance(0.1)) return `not (${pred(j, depth + 1)})`;
    switch (int(0, 7)) {
      case 0: case 1: return `${numExpr(j, 1)} ${pick(['=', '<>', '<', '<=', '>', '>='])} ${constant()}`;
      case 2: { const [lo, hi] = [constant(), constant()].sort((a, b) => Number(a) - Number(b)); return `${num(j)} ${pick(['between', 'not between'])} ${lo} and ${hi}`; }
      case 3: return `${str(j)} ${pick(['in', 'not in'])} (${Array.from({ length: int(1, 4) }, () => `'${pick(ORIGINS)}'`).join(', ')})`;
      case 4: return `${str(j)} ${pick(['like', 'not like', 'ilike'])} '${pick(['S', 'A', 'L', 'O'])}%'`;
      case 5: return `${str(j)} like '${pick(['%', '_', ''])}${pick(['A', 'X', 'O', '_'])}${pick(['', '%', '_%', 'X'])}'`;
      case 6: return `${pick([num(j), str(j)])} is ${pick(['', 'not '])}null`;
      default: return `${str(j)} ${pick(['=', '<>', '<', '>='])} '${pick(ORIGINS)}'`;
    }
  };
  const aggregate = (j: boolean): string => {
    const x = chance(0.7) ? num(j) : numExpr(j, 1);
    switch (int(0, 7)) {
      case 0: return 'count(*)';
      case 1: return `count(${pick([num(j), str(j)])})`;
      case 2: return `sum(${x})`;
      case 3: return `avg(${x})`;
      case 4: return `${pick(['min', 'max'])}(${pick([x, str(j), date(j)])})`;
      case 5: return `stddev(${x})`;
      case 6: return `count(distinct ${pick([str(j), num(j)])})`;
      default: return `variance(${x})`;
    }
  };

  const query = (): string => {
    const j = !!S.join && chance(0.25);
    const from = j ? `${S.table} f ${pick(['join', 'left join'])} ${S.join!.table} a on ${S.join!.on}` : S.table;
    const where = chance(0.8) ? ` where ${pred(j)}` : '';
    const shape = int(0, 9);
    if (shape <= 5) {
      // grouped
      // (a bare integer key would be a position)
      const keys = Array.from({ length: chance(0.2) ? 0 : int(1, 2) }, () => pick([() => str(j), () => strExpr(j), () => numExpr(j, 1), () => `date_trunc('${pick(['year', 'quarter', 'month', 'week'])}', ${date(j)})`])()).map((k) => (/^-?\d+$/.test(k) ? num(j) : k));
      const aggs = Array.from({ length: int(1, 3) }, () => aggregate(j));
      const items = [...keys, ...aggs].map((e, k) => `${e} as c${k}`);
      const group = keys.length ? ` group by ${keys.map((_, k) => (chance(0.5) ? String(k + 1) : keys[k])).join(', ')}` : '';
      const having = keys.length && chance(0.3) ? ` having count(*) > ${int(1, 5000)}` : '';
      // Few groups unless ordered and cut (a numeric key may have millions).
      const stringKey = (k: string) => /^(date_trunc|lower\(|substr\(|coalesce\([^,]*, 'none'|case when.*'other' end)/.test(k) || [...S.strs, ...S.strs.map((c) => `f.${c}`), ...(S.join?.strs.map((c) => `a.${c}`) ?? [])].includes(k);
      const numericKey = keys.some((k) => !stringKey(k));
      const order = numericKey || chance(0.5) ? ` order by ${items.map((_, k) => `${k + 1}${chance(0.5) ? ' desc' : ''}${chance(0.3) ? ' nulls first' : ''}`).join(', ')} limit ${int(1, 20)}${chance(0.3) ? ` offset ${int(1, 10)}` : ''}` : '';
      return `select ${items.join(', ')} from ${from}${where}${group}${having}${order}`;
    }
    if (shape <= 7) {
      // rows
      // (row_number is left out: which of equal rows gets which number is not fixed)
      const windowCall = () => `${pick(['rank()', 'dense_rank()', `sum(${num(j)})`, 'count(*)', `count(${str(j)})`, `avg(${num(j)})`, `min(${num(j)})`, `max(${num(j)})`])} over (${chance(0.7) ? `partition by ${str(j)} ` : ''}${chance(0.7) ? `order by ${num(j)}${chance(0.5) ? ' desc' : ''}` : ''})`;
      const items = Array.from({ length: int(1, 3) }, () => (chance(0.25) ? windowCall() : chance(0.5) ? numExpr(j) : chance(0.5) ? strExpr(j) : pred(j, 1)));
      const cols = items.map((e, k) => `${e} as c${k}`);
      const distinct = chance(0.4) ? 'distinct ' : '';
      const limit = ` order by ${cols.map((_, k) => `${k + 1}${chance(0.5) ? ' desc' : ''}`).join(', ')} limit ${int(1, 30)}`;
      return `select ${distinct}${cols.join(', ')} from ${from}${where ? where : ` where ${S.fewRows}`}${limit}`;
    }
    if (shape === 8) {
      const k = pick(S.strs);
      const other = S.join ? `select ${S.join.strs[0]}, count(*) from ${S.join.table} group by ${S.join.strs[0]}` : `select upper(${k}), count(*) from ${S.table} where ${S.fewRows} group by 1`;
      return `select ${k} as k, count(*) as n from ${S.table} where ${pred(false)} group by ${k} union all ${other}`;
    }
    const [k0, n0] = [S.strs[0], S.nums[0]];
    const inner = `select ${k0}, ${pick(['count(*)', `sum(${n0})`, `avg(${pick(S.nums)})`, `max(${n0})`, `count(distinct ${pick(S.nums)})`])} as v from ${S.table} where ${pred(false)} group by ${k0}`;
    return `with t as (${inner}) select count(*), ${pick(['min', 'max', 'sum', 'avg'])}(v) from t where v is not null`;
  };
  return Array.from({ length: count }, query);
}
