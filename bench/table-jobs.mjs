/**
 * What the out-of-core table benches share (bench/table-sort.mjs, bench/table-merge.mjs): a job
 * of one table output run on a warm engine to a CSV file, in memory and under a memory limit, best
 * of its runs; and a CSV file's shape, enough to see two engines wrote the same table.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Engine } from '../dist/src-main/engine/engine.js';
import { buildJob, validateSpec } from '../dist/src-main/run/job-spec.js';
import { runBuiltJob } from '../dist/src-main/run/run-job.js';
import { LocalBackend } from '../dist/src-main/run/local-backend.js';
import { best } from './timing.mjs';

/** A file's line count, first data line and last line. */
export function shape(path) {
  const text = readFileSync(path, 'utf8').trimEnd().split('\n');
  return { lines: text.length, first: text[1], last: text[text.length - 1] };
}

/**
 * Output `name` of the job (`datasets`, `expr`) written to `dir`/tessera/`name`.csv, in memory and
 * under `limit` bytes: per setting its best seconds, the run's stats and the file's shape.
 */
export async function tesseraRuns({ dir, datasets, name, expr, limit, workers, repeats }) {
  const engine = await Engine.start({ workers });
  const backend = new LocalBackend(engine);
  const spec = validateSpec({ tessera: 1, datasets, outputs: { [name]: expr } });
  const runs = {};
  try {
    for (const [setting, memoryLimit] of [['in memory', null], [`--memory-limit ${limit / 2 ** 20} MB`, limit]]) {
      let out;
      const seconds = await best(async () => { out = await runBuiltJob(backend, await buildJob(spec, dir), { outDir: join(dir, 'tessera'), tableFormat: 'csv', memoryLimit }); }, repeats);
      runs[setting] = { seconds, stats: out.stats, shape: shape(join(dir, 'tessera', `${name}.csv`)) };
    }
  } finally {
    await engine.close();
  }
  return { runs, simd: engine.simd };
}

/** The setting column of a Tessera run: its store's peak and the bytes it spilled. */
export function storeNote(stats) {
  return `store peak ${(stats.peak_store_bytes / 2 ** 20).toFixed(1)} MiB${stats.spilled_bytes ? `, ${(stats.spilled_bytes / 2 ** 20).toFixed(0)} MiB spilled` : ''}`;
}
