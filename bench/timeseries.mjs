#!/usr/bin/env node
/**
 * Generation speed of the timeseries kind (generated tables, ADR 0016) in rows per second per
 * thread: a table of `--days` days at 1 s, partitioned by day, run on one worker thread, best of
 * `--repeat`, for all five default columns and for each column alone (projection: a task generates
 * only the columns asked for). Rows/s = rows / the tasks' summed run time on the worker.
 *
 *   node bench/timeseries.mjs [--days 60] [--repeat 5]
 */
import { parseArgs } from 'node:util';
import { Engine } from '../dist/src-main/engine/engine.js';
import { lowerTables } from '../dist/src-main/collections/dataframe/lower.js';
import { project } from '../dist/src-main/collections/dataframe/table-node.js';
import { buildTable } from '../dist/src-main/run/table-datasets.js';

const { values } = parseArgs({ options: { days: { type: 'string', default: '60' }, repeat: { type: 'string', default: '5' } } });
const days = Number(values.days), repeat = Number(values.repeat);
const end = new Date(Date.UTC(2000, 0, 1 + days)).toISOString().slice(0, 10);
const engine = await Engine.start({ workers: 1 });
const full = await buildTable('ts', { timeseries: { end, partition_freq: '1d', seed: 42 } }, '.');
for (const columns of [null, ['timestamp'], ['x'], ['name'], ['id']]) {
  const node = columns ? project(full, columns) : full;
  let best = Infinity, rows = 0;
  for (let r = 0; r < repeat; r++) {
    const graph = lowerTables([{ name: 't', node }]);
    const owner = engine.newJob();
    const run = await engine.run(graph, { owner, keep: new Set(), files: new Map() });
    best = Math.min(best, run.records.reduce((s, t) => s + (t.stop - t.start), 0) / 1000);
    rows = graph.tasks.reduce((s, t) => s + t.spec.nrows, 0);
    engine.freeJob(owner);
  }
  console.log(`${(columns ?? ['all five']).join(',').padEnd(10)} ${rows} rows in ${best.toFixed(3)} s of task time: ${(rows / best / 1e6).toFixed(1)} M rows/s per thread`);
}
await engine.close();
