// Tessera's TypeScript API, runnable as it is: `node examples/api/example.mjs` (after npm ci).
// The same jobs as examples/seed.json and examples/delayed/job.json, written in code.
import { array, bag, compute, delayed, frame, functions } from 'tessera';

const fns = functions(new URL('./pipeline.ts', import.meta.url));

// The seed job: sqrt(x ** 2).mean() over ten million uniform numbers, chunks of a million.
const x = array.random.uniform([1e7], { chunks: 1e6, seed: 42 });
const m = x.pow(2).sqrt().mean();

// The seed's delayed example: inc and double of each item, added, then summed (50).
const pairs = [1, 2, 3, 4, 5].map((i) => delayed(fns.add)(delayed(fns.inc)(i), delayed(fns.double)(i)));
const sum = delayed(fns.total)(delayed.map(fns.inc, [0, 1, 2]));
const totals = pairs.reduce((acc, p) => delayed(fns.add)(acc, p), 0);

// A bag: the long words of a few lines, counted.
const words = bag.fromSequence(['the quick brown fox', 'jumps over the lazy dog', 'a wonderful quiet afternoon'])
  .str.split().flatten().filter(fns.isLong).frequencies();

// A table: a day of dask's generated time series, the names with the most positive x.
const ts = frame.timeseries({ end: '2000-01-02', seed: 1 });
const names = ts.filter(ts.col('x').gt(0)).groupby('name').agg({ n: ['x', 'count'], mean: ['x', 'mean'] }).nlargest(3, 'n');

const [mean, seedTotal, mapped, counts, top] = await compute(m, totals, sum, words, names);
console.log({ mean, seedTotal, mapped, counts });
console.table(top.rows.map(([name, n, mean]) => ({ name, n, mean })));
