#!/usr/bin/env node
/**
 * CSV parse throughput of the native reader (read_csv tasks), in MB/s per thread, on a generated
 * file of numbers and strings (made once, kept under the temp folder). Prints the sniff and
 * row-start scan times, the parse on this thread partition by partition (per thread), and the
 * same partitions on the engine's worker threads. Partitions of 16 MiB by default: above 32 MB a
 * table chunk is a fresh mmap of glibc's every time, and its page faults cost a third of the parse
 * (ADR 0014).
 *
 *   node bench/csv-parse.mjs [--mb 100] [--blocksize 16] [--file PATH]
 */
import { closeSync, existsSync, openSync, statSync, writeSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { Engine } from '../dist/src-main/engine/engine.js';
import { closeFiles, executeTask } from '../dist/src-main/engine/executor.js';
import { finishGraph } from '../dist/src-main/engine/finish-graph.js';
import { native } from '../dist/src-main/native/addon.js';
import '../dist/src-main/collections/dataframe/kinds/index.js';

const n = native();

/** id,x,y,qty,name,city,flag: ints, full-precision and short floats, high- and low-cardinality strings, bools. */
function generate(file, bytes) {
  let seed = 12345;
  const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 4294967296);
  const cities = Array.from({ length: 50 }, (_, i) => `City ${String.fromCharCode(65 + (i % 26))}${i}`);
  const fd = openSync(file, 'w');
  writeSync(fd, 'id,x,y,qty,name,city,flag\n');
  let written = 0, id = 0;
  while (written < bytes) {
    const lines = [];
    for (let k = 0; k < 10000; k++, id++) {
      const name = rand() < 0.1 ? `"user, ${Math.floor(rand() * 100000)}"` : `user${Math.floor(rand() * 100000)}`;
      lines.push(`${id},${(rand() - 0.5) * 1e6},${(rand() * 100).toFixed(2)},${Math.floor(rand() * 1000) - 500},${name},${cities[Math.floor(rand() * 50)]},${rand() < 0.5 ? 'True' : 'False'}`);
    }
    const chunk = lines.join('\n') + '\n';
    writeSync(fd, chunk);
    written += Buffer.byteLength(chunk);
  }
  closeSync(fd);
}

/**
 * The native reader's parse of one CSV file: partitions of `blocksize` bytes parsed on this thread
 * one after another (best of `repeats`: wall and CPU seconds), then on `workers` engine threads.
 * Also used by bench/dataframes.mjs.
 */
export async function measureCsvParse({ path, blocksize = 16 * 2 ** 20, repeats = 5, workers = Math.min(2, availableParallelism()) }) {
  const size = statSync(path).size;
  const mb = size / 1e6;
  const time = (f) => { const t = performance.now(); const r = f(); return [r, (performance.now() - t) / 1000]; };
  const [s, tSniff] = time(() => n.sniffCsv(path));
  const targets = Array.from({ length: Math.ceil(size / blocksize) }, (_, i) => i * blocksize);
  const [starts, tScan] = time(() => n.csvRowStarts(path, s, targets));
  const bounds = [...new Set([...starts, s.fileSize])].sort((a, b) => a - b);
  const specs = bounds.slice(0, -1).map((start, i) => ({
    kind: 'read_csv', path, start, end: bounds[i + 1], sep: s.sep, quote: s.quote, nfields: s.columns.length,
    columns: s.columns.map((c, index) => ({ ...c, index })), naValues: s.naValues, estBytes: 2 * (bounds[i + 1] - start),
  }));
  // One thread: every partition in turn on this thread (wall time, and the process's CPU time: on
  // a shared machine the second is the steadier).
  let best = Infinity, bestCpu = Infinity;
  for (let rep = 0; rep < repeats; rep++) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    for (const spec of specs) n.release(executeTask(spec, [], 1).chunk);
    closeFiles();
    const c = process.cpuUsage(c0);
    best = Math.min(best, (performance.now() - t0) / 1000);
    bestCpu = Math.min(bestCpu, (c.user + c.system) / 1e6);
  }
  // The engine's worker threads.
  const engine = await Engine.start({ workers });
  const tasks = specs.map((spec, i) => ({ key: `r:${i}`, layer: 'r', index: [i], deps: [], priority: 0, estBytes: spec.estBytes, spec }));
  const graph = finishGraph(tasks, [{ name: 'r', label: 'read_csv', kind: 'read_csv', tasks: tasks.length, deps: [], indexShape: [] }]);
  let bestPool = Infinity, nrows = 0;
  for (let rep = 0; rep < repeats; rep++) {
    const owner = engine.newJob();
    const t0 = performance.now();
    const run = await engine.run(graph, { owner, keep: new Set([`r:0`]) });
    bestPool = Math.min(bestPool, (performance.now() - t0) / 1000);
    nrows = n.readTable(run.chunks.get('r:0')).nrows;
    engine.freeJob(owner);
  }
  await engine.close();
  return { path, mb, partitions: specs.length, blocksize, columns: s.columns, sniffS: tSniff, scanS: tScan, oneThreadS: best, oneThreadCpuS: bestCpu, poolS: bestPool, workers, firstRows: nrows };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const arg = (name, fallback) => {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 ? process.argv[i + 1] : fallback;
  };
  const MB = Number(arg('mb', 100));
  const BLOCK = Number(arg('blocksize', 16)) * 2 ** 20;
  const path = arg('file', join(tmpdir(), `tessera-bench-${MB}mb.csv`));
  if (!existsSync(path)) generate(path, MB * 1e6);
  const r = await measureCsvParse({ path, blocksize: BLOCK });
  const mb = r.mb;
  console.log(`file: ${path} (${mb.toFixed(1)} MB, ${r.partitions} partitions of ${BLOCK / 2 ** 20} MiB; columns ${r.columns.map((c) => `${c.name}:${c.dtype}`).join(' ')})`);
  console.log(`sniff: ${(r.sniffS * 1000).toFixed(1)} ms; csvRowStarts: ${(r.scanS * 1000).toFixed(1)} ms (${(mb / r.scanS).toFixed(0)} MB/s)`);
  console.log(`parse, 1 thread: ${r.oneThreadS.toFixed(3)} s = ${(mb / r.oneThreadS).toFixed(0)} MB/s per thread (${(mb / r.oneThreadCpuS).toFixed(0)} MB per CPU second)`);
  console.log(`parse, ${r.workers} worker threads: ${r.poolS.toFixed(3)} s = ${(mb / r.poolS).toFixed(0)} MB/s (${(mb / r.poolS / r.workers).toFixed(0)} MB/s per thread); first partition ${r.firstRows} rows`);
}
