/**
 * How each aggregation makes a partial of one partition's items, merges partials (the combine
 * tree gives them in partition order, so results do not depend on timing), and finishes at the
 * root. Lists keep first-appearance order: frequencies() lists the most frequent first and ties
 * in the order they first appear, which is what Python's Counter(...).most_common() gives; topk
 * keeps the earlier of equal items, as heapq.nlargest does; distinct, foldby and groupby list
 * keys in the order they first appear.
 *
 * fold and foldby follow dask: without an initial value the first item starts each partial
 * (empty partitions are skipped, where dask fails); with one, each partial starts from it, and
 * the combine starts from it (`fold`) or from combine_initial (`foldby`) at every merge.
 * reduction(perpartition, aggregate) calls aggregate on the list of partials at every merge.
 */
import { TesseraError } from '../../../engine/errors.js';
import { call, keyOf, resolve, type Resolved } from './functions.js';
import { inferSchema } from './item-schema.js';
import { KeyIndex } from './key-index.js';
import { pyCompare, pyNumber, pyTruthy } from './python.js';
import type { Aggregation, Initial, Program } from './types.js';

export interface AggregationRun {
  /** `last`: the source's last partition (reduction calls perpartition on it even when empty, as dask does). */
  partial(items: unknown[], last: boolean): Promise<unknown>;
  combine(partials: unknown[]): Promise<unknown>;
  finish(merged: unknown): unknown | Promise<unknown>;
}

const empty = (what: string, hint: string) => new TesseraError('BAG_EMPTY', `${what} of an empty bag`, hint);

/**
 * Each item's key, awaiting only keys that are promises (an async key function): an await per
 * item would cost a microtask tick on each of a partition's items.
 */
async function keysOf(items: readonly unknown[], key: ((x: unknown) => unknown) | null): Promise<readonly unknown[]> {
  if (!key) return items;
  const keys = new Array<unknown>(items.length);
  for (let i = 0; i < items.length; i++) {
    const k = key(items[i]);
    keys[i] = k instanceof Promise ? await k : k;
  }
  return keys;
}

type Best = { n: number; v: unknown };
type Moments = [n: number, mean: number, m2: number];
type Keyed = { keys: unknown[]; values: unknown[] };

export async function aggregationRun(agg: Aggregation, program: Program, where: string): Promise<AggregationRun> {
  const fn = (ref: Parameters<typeof resolve>[0]) => resolve(ref, program);
  /** A call whose result is awaited only when it is a promise. */
  const apply = (f: Resolved, args: unknown[]): unknown | Promise<unknown> => call(f, program, where, args);
  switch (agg.op) {
    case 'list':
      return { partial: async (items) => items, combine: async (ps) => concat(ps as unknown[][]), finish: (m) => m };
    case 'count':
      return { partial: async (items) => items.length, combine: async (ps) => sum(ps as number[]), finish: (m) => m };
    case 'sum':
      // [sum, whether an item was not an integer]: JS numbers do not tell 1.0 from 1, but a sum of
      // 0.5s is a float even when it comes out whole.
      return {
        partial: async (items) => {
          let s = 0;
          let float = false;
          for (const x of items) {
            const v = pyNumber(x, 'sum()');
            s += v;
            if (!float && !Number.isInteger(v)) float = true;
          }
          return [s, float];
        },
        combine: async (ps) => [sum((ps as [number, boolean][]).map((p) => p[0])), (ps as [number, boolean][]).some((p) => p[1])],
        finish: (m) => m,
      };
    case 'min':
    case 'max': {
      const sign = agg.op === 'min' ? -1 : 1;
      const better = (a: unknown, b: unknown) => pyCompare(a, b) * sign > 0;
      return {
        partial: async (items) => {
          let v: unknown;
          for (let i = 0; i < items.length; i++) if (i === 0 || better(items[i], v)) v = items[i];
          return { n: items.length, v } satisfies Best;
        },
        combine: async (ps) => {
          let best: Best = { n: 0, v: null };
          for (const p of ps as Best[]) if (p.n && (!best.n || better(p.v, best.v))) best = { n: best.n + p.n, v: p.v }; else best = { n: best.n + p.n, v: best.v };
          return best;
        },
        finish: (m) => {
          if (!(m as Best).n) throw empty(`${agg.op}()`, 'filter less, or check that the input is not empty');
          return (m as Best).v;
        },
      };
    }
    case 'mean':
    case 'var':
    case 'std':
      return {
        partial: async (items) => {
          // Welford's update: the mean and the sum of squared deviations, stable for large means.
          let n = 0, mean = 0, m2 = 0;
          for (const x of items) {
            const v = pyNumber(x, `${agg.op}()`);
            n++;
            const d = v - mean;
            mean += d / n;
            m2 += d * (v - mean);
          }
          return [n, mean, m2] satisfies Moments;
        },
        combine: async (ps) => {
          // Chan et al.'s merge of two partials' moments.
          let [n, mean, m2]: Moments = [0, 0, 0];
          for (const [nb, mb, m2b] of ps as Moments[]) {
            if (!nb) continue;
            const total = n + nb;
            const d = mb - mean;
            mean += (d * nb) / total;
            m2 += m2b + (d * d * n * nb) / total;
            n = total;
          }
          return [n, mean, m2] satisfies Moments;
        },
        finish: (m) => {
          const [n, mean, m2] = m as Moments;
          if (agg.op === 'mean') {
            if (!n) throw empty('mean()', 'filter less, or check that the input is not empty');
            return mean;
          }
          if (n - agg.ddof <= 0) throw new TesseraError('BAG_EMPTY', `${agg.op}() with ddof=${agg.ddof} needs more than ${agg.ddof} item${agg.ddof === 1 ? '' : 's'}, and the bag has ${n}`, 'filter less, or use ddof=0');
          const variance = m2 / (n - agg.ddof);
          return agg.op === 'var' ? variance : Math.sqrt(variance);
        },
      };
    case 'all':
    case 'any': {
      const want = agg.op === 'any';
      return {
        partial: async (items) => (want ? items.some(pyTruthy) : items.every(pyTruthy)),
        combine: async (ps) => (want ? (ps as boolean[]).some(Boolean) : (ps as boolean[]).every(Boolean)),
        finish: (m) => m,
      };
    }
    case 'frequencies':
      return {
        partial: async (items) => tally(items, 1),
        combine: async (ps) => tally(concat((ps as Keyed[]).map((p) => p.keys)), concat((ps as Keyed[]).map((p) => p.values as number[]))),
        finish: (m) => {
          const { keys, values } = m as Keyed;
          const order = keys.map((_, i) => i).sort((a, b) => (values[b] as number) - (values[a] as number)); // stable: ties stay in first-appearance order
          return order.map((i) => [keys[i], values[i]]);
        },
      };
    case 'distinct': {
      const key = agg.key ? await keyOf(agg.key, program, where) : null;
      const distinct = (keys: readonly unknown[], items: readonly unknown[]): Keyed => {
        const index = new KeyIndex();
        const values: unknown[] = [];
        for (let i = 0; i < keys.length; i++) if (index.slot(keys[i]) === values.length) values.push(items[i]);
        return { keys: index.keys, values };
      };
      return {
        partial: async (items) => distinct(await keysOf(items, key), items),
        combine: async (ps) => distinct(concat((ps as Keyed[]).map((p) => p.keys)), concat((ps as Keyed[]).map((p) => p.values))),
        finish: (m) => (m as Keyed).values,
      };
    }
    case 'topk': {
      const key = await keyOf(agg.key, program, where);
      // Stable sorts keep the earlier of equals first; pairs are sorted and cut whenever they pass
      // max(2k, 1024), so a partition is never sorted whole for a small k.
      const top = (pairs: [unknown, unknown][]) => pairs.sort((a, b) => pyCompare(b[0], a[0])).slice(0, agg.k);
      return {
        partial: async (items) => {
          const bound = Math.max(2 * agg.k, 1024);
          let kept: [unknown, unknown][] = [];
          for (let i = 0; i < items.length; i++) {
            const k = key(items[i]);
            kept.push([k instanceof Promise ? await k : k, items[i]]);
            if (kept.length > bound) kept = top(kept);
          }
          return top(kept);
        },
        combine: async (ps) => top(concat(ps as [unknown, unknown][][])),
        finish: (m) => (m as [unknown, unknown][]).map((p) => p[1]),
      };
    }
    case 'take':
    case 'columns': {
      const first = { partial: async (items: unknown[]) => items.slice(0, agg.k), combine: async (ps: unknown[]) => concat(ps as unknown[][]).slice(0, agg.k) };
      if (agg.op === 'take') return { ...first, finish: (m) => m };
      // to_dataframe's schema of the first k items (its errors name the partition: bag-program.ts's inPartition).
      return { ...first, finish: (m) => ({ items: (m as unknown[]).length, ...inferSchema(m as unknown[], agg.names) }) };
    }
    case 'fold': {
      const binop = await fn(agg.binop);
      const combine = agg.combine ? await fn(agg.combine) : binop;
      const fold = async (f: Resolved, xs: unknown[], initial: Initial): Promise<Best> => {
        let acc = initial ? initial.value : xs[0];
        for (let i = initial ? 0 : 1; i < xs.length; i++) {
          const r = apply(f, [acc, xs[i]]);
          acc = r instanceof Promise ? await r : r;
        }
        return { n: initial || xs.length ? 1 : 0, v: acc };
      };
      // As dask: the initial value starts each partition's fold, not the merges of partials.
      return {
        partial: (items) => fold(binop, items, agg.initial),
        combine: (ps) => fold(combine, (ps as Best[]).filter((p) => p.n).map((p) => p.v), null),
        finish: (m) => {
          if (!(m as Best).n) throw empty('fold() without an initial value', 'give fold an initial value (fold(binop, initial=0))');
          return (m as Best).v;
        },
      };
    }
    case 'foldby': {
      const key = await keyOf(agg.key, program, where);
      const binop = await fn(agg.binop);
      const combine = agg.combine ? await fn(agg.combine) : binop;
      const foldby = async (keys: readonly unknown[], items: readonly unknown[], f: Resolved, initial: Initial): Promise<Keyed> => {
        const index = new KeyIndex();
        const values: unknown[] = [];
        for (let i = 0; i < keys.length; i++) {
          const x = items[i];
          const at = index.slot(keys[i]);
          const added = at === values.length;
          if (added && !initial) { values.push(x); continue; }
          const r = apply(f, [added ? initial!.value : values[at], x]);
          const v = r instanceof Promise ? await r : r;
          if (added) values.push(v);
          else values[at] = v;
        }
        return { keys: index.keys, values };
      };
      return {
        partial: async (items) => foldby(await keysOf(items, key), items, binop, agg.initial),
        combine: (ps) => foldby(concat((ps as Keyed[]).map((p) => p.keys)), concat((ps as Keyed[]).map((p) => p.values)), combine, agg.combineInitial),
        finish: (m) => (m as Keyed).keys.map((k, i) => [k, (m as Keyed).values[i]]),
      };
    }
    case 'groupby': {
      const key = await keyOf(agg.key, program, where);
      // Groups of items by key; `lists`: each item is already a group (a partial's) to append whole.
      const group = (keys: readonly unknown[], items: readonly unknown[], lists: boolean): Keyed => {
        const index = new KeyIndex();
        const values: unknown[][] = [];
        for (let i = 0; i < keys.length; i++) {
          const at = index.slot(keys[i]);
          if (at === values.length) values.push([]);
          if (lists) for (const x of items[i] as unknown[]) values[at].push(x);
          else values[at].push(items[i]);
        }
        return { keys: index.keys, values };
      };
      return {
        partial: async (items) => group(await keysOf(items, key), items, false),
        combine: async (ps) => group(concat((ps as Keyed[]).map((p) => p.keys)), concat((ps as Keyed[]).map((p) => p.values)), true),
        finish: (m) => (m as Keyed).keys.map((k, i) => [k, (m as Keyed).values[i]]),
      };
    }
    case 'reduction': {
      // As dask: an empty partition gives no partial (perpartition is not called on it), except
      // the last partition, which always does.
      const perpartition = await fn(agg.perpartition);
      const aggregate = await fn(agg.aggregate);
      const NONE = { tesseraNoPartial: true };
      const none = (p: unknown) => typeof p === 'object' && p !== null && (p as typeof NONE).tesseraNoPartial === true;
      // (A merge of nothing but empty partitions has nothing to aggregate: it passes NONE on; the
      // last partition's partial always reaches the root.)
      return {
        partial: async (items, last) => (items.length || last ? apply(perpartition, [items]) : NONE),
        combine: async (ps) => {
          const some = ps.filter((p) => !none(p));
          return some.length ? apply(aggregate, [some]) : NONE;
        },
        finish: (m) => m,
      };
    }
  }
}

/** Counts of keys (each counting `counts`: 1 each, or the counts of a partial). */
function tally(keys: readonly unknown[], counts: readonly number[] | 1): Keyed {
  const index = new KeyIndex();
  const values: number[] = [];
  for (let i = 0; i < keys.length; i++) {
    const n = counts === 1 ? 1 : counts[i];
    const at = index.slot(keys[i]);
    if (at === values.length) values.push(n);
    else values[at] += n;
  }
  return { keys: index.keys, values };
}

function concat<T>(lists: T[][]): T[] {
  const out: T[] = [];
  for (const l of lists) for (const x of l) out.push(x); // no spread: a partition may hold millions
  return out;
}

function sum(xs: number[]): number {
  let s = 0;
  for (const x of xs) s += x;
  return s;
}
