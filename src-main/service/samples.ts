/** Built-in sample jobs over generated data (and one shipped text), so the app is useful with no files at all. */
import type { JobSpecInput } from '../api/contract.js';
import { GETTYSBURG } from './sample-text.js';

export const SAMPLES: { name: string; title: string; spec: JobSpecInput; memoryLimit?: string }[] = [
  {
    name: 'seed',
    title: 'sqrt(x**2).mean() over 10M uniform numbers',
    spec: { tessera: 1, datasets: { x: { random: 'uniform', shape: [10_000_000], seed: 42, chunks: [1_000_000] } }, outputs: { m: 'sqrt(x ** 2).mean()' } },
  },
  {
    name: 'matrix',
    title: 'Centre the columns of a 4000 x 2000 normal matrix',
    spec: {
      tessera: 1,
      datasets: { a: { random: 'normal', shape: [4000, 2000], seed: 7, chunks: [500, 2000] } },
      outputs: { col_std: '(a - a.mean(axis=0)).std(axis=0)[:8]', max_abs: 'abs(a).max()', corner: 'a[:3, :3]' },
    },
  },
  {
    name: 'stats',
    title: 'Moments of a normal sample, by chunks of 1e5',
    spec: {
      tessera: 1,
      datasets: { z: { random: 'normal', shape: [5_000_000], seed: 3, chunks: [100_000] } },
      outputs: { mean: 'z.mean()', std: 'z.std(ddof=1)', within_1sd: '(abs(z) < 1).mean()', argmax: 'z.argmax()' },
    },
  },
  {
    // Runs for a second or two with every panel busy: the scheduling overhead of 10^4 tiny chunks
    // shows in the timeline and the profile (whose advice is about 100x larger chunks).
    name: 'small-chunks',
    title: 'Too-small chunks: 100M normals in chunks of 10,000 (23,000 tasks; profile it for a better size)',
    spec: {
      tessera: 1,
      datasets: { z: { random: 'normal', shape: [100_000_000], seed: 5, chunks: [10_000] } },
      outputs: { std: 'z.std()', above_2: '(z > 2).mean()' },
    },
  },
  {
    // 1.6 GB of data under a 200 MB limit: chunks are generated, used and released, so the store
    // stays far below the limit while the data streams through (the Memory panel shows it).
    name: 'big-matrix',
    title: 'Centre the columns of a 20000 x 10000 matrix (1.6 GB) under a 200 MB memory limit',
    memoryLimit: '200MB',
    spec: {
      tessera: 1,
      datasets: { a: { random: 'normal', shape: [20_000, 10_000], seed: 9, chunks: [1000, 10_000] } },
      outputs: { col_std: '(a - a.mean(axis=0)).std(axis=0)[:8]', max_abs: 'abs(a).max()' },
    },
  },
  {
    // The same spec as examples/timeseries.json (a test keeps them equal).
    name: 'timeseries',
    title: 'A month of generated rows, one a second (dask.datasets.timeseries): filter, group-by, reduce',
    spec: {
      tessera: 1,
      datasets: { ts: { timeseries: { start: '2000-01-01', end: '2000-01-31', freq: '1s', partition_freq: '1d', seed: 42 } } },
      outputs: {
        first: 'ts.head(10)',
        rows: 'len(ts)',
        by_name: "ts[ts.x > 0].groupby('name').agg(n=('id', 'count'), mean_y=('y', 'mean'), max_id=('id', 'max'))",
        hourly: 'ts.groupby(ts.timestamp.dt.hour).x.mean()',
        mean_x: 'ts.x.mean()',
      },
    },
  },
  {
    name: 'words',
    title: 'Word count over the Gettysburg Address (a bag: split, fold, count, top 10)',
    // The same spec as examples/words.json (a test keeps them equal).
    spec: {
      tessera: 1,
      datasets: { lines: { sequence: [...GETTYSBURG], npartitions: 4 } },
      outputs: {
        top: 'lines.str.lower().str.split().flatten().frequencies().topk(10, key=1)',
        words: 'lines.str.split().flatten().count()',
        distinct: 'lines.str.lower().str.split().flatten().distinct().count()',
        longest: 'lines.str.split().flatten().topk(3, key=len)',
      },
    },
  },
];
