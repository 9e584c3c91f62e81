/**
 * Tessera's TypeScript API (the package's exports): the job spec, one to one, for people who live
 * in Node. Arrays, tables, bags and delayed calls are lazy; `compute` runs them on the same engine and run
 * path as `tessera run`, so the same spec gives the same bits.
 *
 *   import { array, bag, compute, delayed, frame, functions } from 'tessera';
 *   const x = array.random.uniform([1e7], { chunks: 1e6, seed: 42 });
 *   const [m] = await compute(x.pow(2).sqrt().mean());
 *   const y = await x.pow(2).persist();   // kept in memory: later computes read it
 */
export { array, type Chunks, LazyArray, np, type Operand, persist } from './array.js';
export { bag, type Builtin, type Fn, type Key, LazyBag, StrMethods } from './bag.js';
export { close, compute, type ComputeConfig, configure, specOf, type Value } from './compute.js';
export { Delayed, delayed } from './delayed.js';
export { type AggName, frame, GroupedSeries, type GroupKey, LazyFrame, LazyGroupBy, LazySeries, LazyValue, SeriesDt, type SeriesOperand, SeriesStr } from './frame.js';
export { functions, type Functions } from './functions.js';
export type { Computable, FunctionRef } from './graph.js';
