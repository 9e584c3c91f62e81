/**
 * Parquet reader candidates for issue #14 (ADR 0015), side by side on the flights file.
 *
 * NOT part of the product, the tests or `npm run bench`, and NOT run from the repo: it is
 * self-contained and runs from a scratch folder with its own node_modules:
 *
 *   mkdir -p /tmp/pq-bench && cd /tmp/pq-bench && npm init -y >/dev/null
 *   npm i -E @duckdb/node-api@1.5.6-r.1 parquet-wasm@0.8.0 apache-arrow@21.2.0 hyparquet@1.33.0 \
 *     hyparquet-compressors@1.1.2 vega-datasets@3.2.1 nodejs-polars@0.25.2 \
 *     nodejs-polars-linux-x64-gnu@0.25.2 node-api-headers@1.9.0
 *   cp <repo>/bench/parquet-candidates.mjs . && node parquet-candidates.mjs [--json out.json]
 *   node parquet-candidates.mjs --focus [--json out.json]   # peers + pipelines, interleaved
 *
 * The DuckDB C-API rows (and --focus) need duckdb.h, which no npm package ships: DuckDB's own
 * src/include/duckdb.h (MIT) of the release matching libduckdb.so (v1.5.5's was used for 1.5.6),
 * in ./cdeps/duckdb.h or $DUCKDB_H. The script then writes duck_capi.cc (embedded at the end),
 * compiles it with g++ against the libduckdb.so inside @duckdb/node-bindings-linux-x64 and loads
 * it as a Node-API addon in the main thread and in worker threads. Without the header those rows
 * are skipped.
 *
 * Full run: every figure is the best of 5 runs after one warm-up, in seconds, in one process;
 * "workers" rows run in worker_threads that were started (and had loaded their library and the
 * file's bytes) before the clock starts; a fixed CPU loop on 1 and 2 workers at the start and the
 * end tells whether two cores were free. --focus: each measure once per round, 21 rounds after a
 * warm-up round (FOCUS=<regex> keeps some measures; FOCUS_SLEEP=<ms> idles between measures).
 * Columns read: delay (INT64) and origin (UTF8).
 */
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { createRequire } from 'node:module';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';

const require = createRequire(import.meta.url);
const F = path.resolve('node_modules/vega-datasets/data/flights-3m.parquet');
const COLS = ['delay', 'origin'];
const REPEATS = 5;
const ADDON = path.resolve('duck_capi.node');

// ---------------------------------------------------------------- readers (main or worker)

/** Row-group boundaries [start, end) from the footer (hyparquet's metadata reader). */
async function rowGroupRanges(meta) {
  const out = [];
  let at = 0;
  for (const rg of meta.row_groups) { const n = Number(rg.num_rows); out.push([at, at + n]); at += n; }
  return out;
}

/**
 * parquet-wasm: decode in wasm, then Arrow IPC -> apache-arrow typed arrays (no per-value JS).
 * The async ParquetFile reader: 0.8.0's sync readParquet() ignores `columns` (decodes all five).
 */
async function wasmRead(arrow, pf, rgs, decodeOnly = false, perRowGroup = false) {
  if (perRowGroup) {  // one call per row group, as one task per partition would make
    let rows = 0, check = 0;
    for (const rg of rgs) { const [r, c] = await wasmRead(arrow, pf, [rg], decodeOnly); rows += r; check += c; }
    return [rows, check];
  }
  const opts = { columns: COLS, batchSize: 1 << 20 };
  if (rgs) opts.rowGroups = rgs;
  const t = await pf.read(opts);
  if (decodeOnly) { const n = t.numBatches; t.free(); return [n, 0]; }
  const table = arrow.tableFromIPC(t.intoIPCStream());
  let rows = 0, check = 0;
  for (const b of table.batches) {
    const d = b.getChild('delay').data[0], o = b.getChild('origin').data[0];
    const delay = d.values, off = o.valueOffsets;  // BigInt64Array, BigInt64Array (LargeUtf8): views, no copy
    for (let i = 0; i < d.length; i += 997) check += Number(delay[i]) + Number(off[i + 1] - off[i]);
    rows += b.numRows;
  }
  return [rows, check];
}

/** hyparquet (+ zstd from hyparquet-compressors): decoded column chunks per row group. */
async function hypRead(hp, compressors, file, meta, ranges, rgs) {
  let rows = 0, check = 0;
  const list = rgs ? rgs.map((i) => ranges[i]) : [[0, ranges.at(-1)[1]]];
  for (const [rowStart, rowEnd] of list) {
    const chunks = [];
    await hp.parquetRead({ file, metadata: meta, columns: COLS, rowStart, rowEnd, compressors, onChunk: (c) => chunks.push(c) });
    for (const c of chunks) {
      const v = c.columnData;
      if (c.columnName === 'delay') { rows += v.length; for (let i = 0; i < v.length; i += 997) check += Number(v[i]); }
      else for (let i = 0; i < v.length; i += 997) check += v[i].length;
    }
  }
  return [rows, check];
}

/** DuckDB C API through our own addon: [a0, b0, a1, b1, ...] file_row_number ranges. */
const flatRanges = (ranges, rgs) => (rgs ?? ranges.map((_, i) => i)).flatMap((i) => ranges[i]);

async function loadWorkerKind(kind) {
  if (kind === 'spin') return () => { let x = 0; for (let i = 0; i < 2e7; i++) x = (x + i * 7) % 1000003; return [x, 0]; };
  const bytes = new Uint8Array(fs.readFileSync(F));
  if (kind === 'wasm') {
    const pw = require('parquet-wasm/node'), arrow = require('apache-arrow');
    const pf = await pw.ParquetFile.fromFile(new Blob([bytes]));
    return (rgs) => wasmRead(arrow, pf, rgs, false, true);
  }
  if (kind === 'hyparquet') {
    const hp = await import('hyparquet'), { compressors } = await import('hyparquet-compressors');
    const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
    const meta = hp.parquetMetadata(file), ranges = await rowGroupRanges(meta);
    return (rgs) => hypRead(hp, compressors, file, meta, ranges, rgs);
  }
  if (kind.startsWith('duck-capi')) {
    const addon = require(ADDON), hp = await import('hyparquet');
    const ranges = await rowGroupRanges(hp.parquetMetadata(bytes.buffer));
    if (kind === 'duck-capi-sql-agg') {  // the partial aggregate itself pushed into DuckDB, per row group
      return (rgs) => {
        const groups = [];
        for (const i of rgs) groups.push(...addon.query(`SELECT origin, sum(delay), count(*) FROM read_parquet('${F}') WHERE file_row_number >= ${ranges[i][0]} AND file_row_number < ${ranges[i][1]} AND delay > 15 GROUP BY origin`, 1));
        return [0, 0, groups];
      };
    }
    const agg = kind.endsWith('-agg'), where = kind.startsWith('duck-capi-push') ? 'delay > 15' : '';
    return (rgs) => addon.readRanges(F, 1, flatRanges(ranges, rgs), agg, where);
  }
  throw new Error(kind);
}

if (!isMainThread) {
  const run = await loadWorkerKind(workerData.kind);
  parentPort.on('message', async ({ rgs }) => parentPort.postMessage(await run(rgs)));
  parentPort.postMessage('ready');
} else {
  await main();
}

// ---------------------------------------------------------------- main: measure

async function best(f) {
  await f();  // warm-up
  const times = [];
  for (let i = 0; i < REPEATS; i++) {
    const t0 = performance.now();
    await f();
    times.push((performance.now() - t0) / 1000);
  }
  return { best: Math.min(...times), times };
}

/** Workers of one kind, started and ready; run(assign) gives worker k the row groups assign[k]. */
async function pool(kind, n) {
  const ws = [];
  for (let k = 0; k < n; k++) {
    const w = new Worker(new URL(import.meta.url), { workerData: { kind } });
    w.setMaxListeners(0);
    await new Promise((res, rej) => { w.once('message', res); w.once('error', rej); });
    ws.push(w);
  }
  const run = (assign) => Promise.all(assign.map((rgs, k) => new Promise((res, rej) => {
    ws[k].once('message', res); ws[k].once('error', rej); ws[k].postMessage({ rgs });
  })));
  return { run, close: () => Promise.all(ws.map((w) => w.terminate())) };
}

/**
 * --focus: the peers and the Tessera-shaped pipelines only, interleaved round by round (each
 * measure once per round, ROUNDS rounds after a warm-up round), so a neighbour's load on a shared
 * machine hits every measure alike; reports the minimum and the median per measure.
 */
async function focus(json) {
  const ROUNDS = 21;
  const hp = await import('hyparquet');
  const ranges = await rowGroupRanges(hp.parquetMetadata(new Uint8Array(fs.readFileSync(F)).buffer));
  const all = ranges.map((_, i) => i), half = [all.filter((i) => i % 2 === 0), all.filter((i) => i % 2 === 1)];
  const Q = `SELECT origin, avg(delay) AS mean_delay, count(*) AS n FROM read_parquet('${F}') WHERE delay > 15 GROUP BY origin`;
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const duck = await (await DuckDBInstance.create(':memory:', { threads: '2', autoinstall_known_extensions: 'false', autoload_known_extensions: 'false' })).connect();
  process.env.POLARS_MAX_THREADS = '2';
  const pl = (await import('nodejs-polars')).default;
  const combine = (parts) => {
    const g = new Map();
    for (const [, , groups] of parts) for (const [k, s, n] of groups) { const a = g.get(k) ?? [0, 0]; a[0] += s; a[1] += n; g.set(k, a); }
    return g;
  };
  const pools = {};
  for (const k of ['duck-capi', 'duck-capi-agg', 'duck-capi-push-agg', 'duck-capi-sql-agg', 'wasm', 'spin']) pools[k] = await pool(k, 2);
  const measures = {
    'machine check: fixed CPU loop, 1 worker': () => pools.spin.run([0]),
    'machine check: fixed CPU loop, 2 workers': () => pools.spin.run([0, 0]),
    'peer DuckDB (@duckdb/node-api), whole query, 2 threads': async () => (await duck.runAndReadAll(Q)).getRows(),
    'peer Polars (nodejs-polars), whole query, 2 threads': () => pl.scanParquet(F).filter(pl.col('delay').gt(15)).groupBy('origin')
      .agg(pl.col('delay').mean().alias('mean_delay'), pl.col('delay').count().alias('n')).collect(),
    'DuckDB C API: read 2 cols, rg tasks, 2 workers': () => pools['duck-capi'].run(half),
    'DuckDB C API: read + C++ filter + group-by on codes, 2 workers': async () => combine(await pools['duck-capi-agg'].run(half)),
    'DuckDB C API: read, delay>15 pushed into the scan, + C++ group-by, 2 workers': async () => combine(await pools['duck-capi-push-agg'].run(half)),
    'DuckDB C API: partial group-by in DuckDB SQL per rg, 2 workers': async () => combine(await pools['duck-capi-sql-agg'].run(half)),
    'parquet-wasm: read 2 cols -> typed arrays, rg tasks, 2 workers': () => pools.wasm.run(half),
  };
  if (process.env.FOCUS) for (const k of Object.keys(measures)) if (!new RegExp(process.env.FOCUS).test(k)) delete measures[k];
  const times = Object.fromEntries(Object.keys(measures).map((k) => [k, []]));
  for (let r = 0; r <= ROUNDS; r++) {
    for (const [k, f] of Object.entries(measures)) {
      await new Promise((res) => setTimeout(res, Number(process.env.FOCUS_SLEEP ?? 0)));  // FOCUS_SLEEP=50: idle between measures
      const t0 = performance.now();
      await f();
      if (r > 0) times[k].push((performance.now() - t0) / 1000);
    }
  }
  const out = [];
  for (const [k, v] of Object.entries(times)) {
    v.sort((a, b) => a - b);
    const row = { measure: k, min_s: v[0], median_s: v[v.length >> 1], rounds: v.length };
    out.push(row);
    console.log(`${k.padEnd(78)} min ${row.min_s.toFixed(4)} s  median ${row.median_s.toFixed(4)} s`);
  }
  console.log(`load ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  if (json) fs.writeFileSync(json, JSON.stringify({ node: process.version, cpu: os.cpus()[0].model, focus: out }, null, 1));
  process.exit(0);
}

/** Writes duck_capi.cc and compiles it against the libduckdb.so of the npm package (needs duckdb.h). */
function buildAddon() {
  const header = process.env.DUCKDB_H ?? path.resolve('cdeps/duckdb.h');
  if (!fs.existsSync(header)) return false;
  const lib = path.dirname(require.resolve('@duckdb/node-bindings-linux-x64/package.json'));
  fs.writeFileSync('duck_capi.cc', duckCapiSource());
  execFileSync('g++', ['-std=c++17', '-O2', '-shared', '-fPIC', `-I${path.resolve('node_modules/node-api-headers/include')}`, `-I${path.dirname(header)}`,
    'duck_capi.cc', '-o', ADDON, `-L${lib}`, '-l:libduckdb.so', `-Wl,-rpath,${lib}`], { stdio: 'inherit' });
  return true;
}

async function main() {
  const rows = [];
  const json = process.argv.includes('--json') ? process.argv[process.argv.indexOf('--json') + 1] : null;
  const add = (candidate, measure, threads, r, note = '') => {
    rows.push({ candidate, measure, threads, best_s: r.best, times_s: r.times, note });
    console.log(`${candidate.padEnd(34)} ${measure.padEnd(44)} ${String(threads).padEnd(2)} ${r.best.toFixed(4)} s  [${r.times.map((t) => t.toFixed(4)).join(' ')}] ${note}`);
  };
  console.log(`node ${process.version}, ${os.cpus().length} cpus (${os.cpus()[0].model}), load ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  const haveAddon = buildAddon();
  if (process.argv.includes('--focus')) {
    if (!haveAddon) throw new Error('--focus needs cdeps/duckdb.h (or $DUCKDB_H) for the C-API addon');
    return focus(json);
  }

  const spinCheck = async () => {  // are two cores free? (the machine may be shared)
    for (const n of [1, 2]) { const p = await pool('spin', n); add('machine check', 'fixed CPU loop per worker', n, await best(() => p.run(n === 1 ? [0] : [0, 0]))); await p.close(); }
  };
  await spinCheck();
  const bytes = new Uint8Array(fs.readFileSync(F));
  const hp = await import('hyparquet');
  const meta = hp.parquetMetadata(bytes.buffer);
  const ranges = await rowGroupRanges(meta);
  const nrg = ranges.length, all = ranges.map((_, i) => i);
  const half = [all.filter((i) => i % 2 === 0), all.filter((i) => i % 2 === 1)];
  const cc = meta.row_groups[0].columns.map((c) => `${c.meta_data.path_in_schema.join('.')}:${c.meta_data.type}:${c.meta_data.codec}`);
  console.log(`${F}: ${fs.statSync(F).size} bytes, ${meta.num_rows} rows, ${nrg} row groups, ${cc.join(' ')}`);
  add('file bytes', 'readFileSync (page cache)', 1, await best(() => fs.readFileSync(F)));

  // --- peers: the whole query
  const Q = `SELECT origin, avg(delay) AS mean_delay, count(*) AS n FROM read_parquet('${F}') WHERE delay > 15 GROUP BY origin`;
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const duck = {};
  for (const t of [1, 2]) duck[t] = await (await DuckDBInstance.create(':memory:', { threads: String(t), autoinstall_known_extensions: 'false', autoload_known_extensions: 'false' })).connect();
  add('peer: DuckDB (@duckdb/node-api)', 'read+filter+group-by (whole query)', 2, await best(async () => (await duck[2].runAndReadAll(Q)).getRows()));
  process.env.POLARS_MAX_THREADS = '2';  // read by Polars when its pool starts: before the import
  const pl = (await import('nodejs-polars')).default;
  const polarsQ = () => pl.scanParquet(F).filter(pl.col('delay').gt(15)).groupBy('origin')
    .agg(pl.col('delay').mean().alias('mean_delay'), pl.col('delay').count().alias('n')).collect();
  add('peer: Polars (nodejs-polars)', 'read+filter+group-by (whole query)', 2, await best(polarsQ));

  // --- 1. DuckDB as the reader
  const dd = require('@duckdb/node-bindings');
  const sel = (a, b) => `SELECT delay, origin FROM read_parquet('${F}')` + (b ? ` WHERE file_row_number >= ${a} AND file_row_number < ${b}` : '');
  for (const t of [1, 2]) {
    add('DuckDB node-api, JS values', 'read 2 cols, whole file (getColumns)', t, await best(async () => (await duck[t].run(sel())).getColumns()), 'per-value JS conversion');
  }
  const con = {};
  for (const t of [1, 2]) {
    const cfg = dd.create_config(); dd.set_config(cfg, 'threads', String(t));
    dd.set_config(cfg, 'autoinstall_known_extensions', 'false'); dd.set_config(cfg, 'autoload_known_extensions', 'false');
    con[t] = await dd.connect(await dd.open(':memory:', cfg));
  }
  const rawRead = async (c, sql, n) => {  // raw vector bytes copied into one buffer per column
    const ps = await dd.prepare(c, sql), res = await dd.execute_prepared_streaming(ps);
    const delay = new Uint8Array(n * 8), dvalid = new Uint8Array(Math.ceil(n / 64) * 8), origin = new Uint8Array(n * 16);
    let at = 0;
    for (;;) {
      const ch = await dd.fetch_chunk(res);
      const m = ch ? dd.data_chunk_get_size(ch) : 0;
      if (!m) break;
      const v0 = dd.data_chunk_get_vector(ch, 0), v1 = dd.data_chunk_get_vector(ch, 1);
      delay.set(dd.vector_get_data(v0, m * 8), at * 8);
      const val = dd.vector_get_validity(v0, Math.ceil(m / 64) * 8);  // empty when all valid
      if (val && val.length && at % 64 === 0) dvalid.set(val, at / 8);
      origin.set(dd.vector_get_data(v1, m * 16), at * 16);  // duckdb_string_t: inline only when <= 12 bytes
      at += m;
    }
    dd.destroy_prepare_sync(ps);
    return at;
  };
  for (const t of [1, 2]) add('DuckDB node-bindings, raw vectors', 'read 2 cols, whole file (vector_get_data)', t, await best(() => rawRead(con[t], sel(), 3000000)), 'strings as 16-byte duckdb_string_t');
  add('DuckDB node-bindings, raw vectors', 'read 2 cols, one row group', 1, await best(() => rawRead(con[1], sel(...ranges[0]), ranges[0][1])));

  let addon = null;
  if (haveAddon) {
    addon = require(ADDON);
    const N = ranges.at(-1)[1];
    for (const t of [1, 2]) add('DuckDB C API, own addon', 'read 2 cols, whole file (DuckDB threads)', t, await best(() => addon.readRanges(F, t, [0, N])), 'one streamed query into native buffers');
    add('DuckDB C API, own addon', 'decode+fetch 2 cols, one row group (no copy)', 1, await best(() => addon.readRanges(F, 1, [...ranges[0]], false, '', false)));
    add('DuckDB C API, own addon', 'read 2 cols, one row group', 1, await best(() => addon.readRanges(F, 1, [...ranges[0]])));
    add('DuckDB C API, own addon', 'read 2 cols, one row group, materialized result', 1, await best(() => addon.readRanges(F, 1, [...ranges[0]], false, '', true, false)), 'stable API path');
    add('DuckDB C API, own addon', 'SQL sum(delay), count(origin), one row group', 1, await best(() => addon.query(`SELECT sum(delay), count(origin) FROM read_parquet('${F}') WHERE file_row_number < ${ranges[0][1]}`, 1)), 'DuckDB decode alone');
    const combine = (parts) => {  // the partial aggregates of every task, combined
      const g = new Map();
      for (const [, , groups] of parts) for (const [k, s, n] of groups) { const a = g.get(k) ?? [0, 0]; a[0] += s; a[1] += n; g.set(k, a); }
      return g;
    };
    for (const [kind, label] of [['duck-capi', 'read 2 cols'], ['duck-capi-agg', 'read 2 cols + C++ filter + group-by on codes'],
      ['duck-capi-push', 'read 2 cols, delay>15 pushed into the scan'], ['duck-capi-push-agg', 'read 2 cols, delay>15 pushed down, + C++ group-by'],
      ['duck-capi-sql-agg', 'partial group-by in DuckDB SQL per row group']]) {
      for (const n of [1, 2]) {
        const p = await pool(kind, n);
        const go = !kind.endsWith('agg') ? () => p.run(n === 1 ? [all] : half) : async () => combine(await p.run(n === 1 ? [all] : half));
        add('DuckDB C API, own addon', `${label}, whole file, rg tasks in workers`, n, await best(go), 'DuckDB threads=1 per task');
        if (kind.endsWith('agg')) {  // same answer as DuckDB's own query?
          const g = await go(), ref = addon.query(Q, 2);
          const bad = ref.filter(([k, mean, cnt]) => !g.has(k) || g.get(k)[1] !== cnt || Math.abs(g.get(k)[0] / cnt - mean) > 1e-9 * Math.abs(mean));
          if (bad.length || g.size !== ref.length) throw new Error(`${kind}: ${bad.length} groups differ from DuckDB's`);
        }
        if (kind === 'duck-capi') add('DuckDB C API, own addon', n === 1 ? 'one row group in one worker' : 'two row groups in two workers at once', n, await best(() => p.run(n === 1 ? [[0]] : [[0], [1]])));
        await p.close();
      }
    }
    add('DuckDB C API, own addon', 'read+filter+group-by (whole query, SQL)', 2, await best(() => addon.query(Q, 2)));
  } else console.log('(no duckdb.h: DuckDB C-API rows skipped)');

  // --- 2. parquet-wasm
  const pw = require('parquet-wasm/node'), arrow = require('apache-arrow');
  const pf = await pw.ParquetFile.fromFile(new Blob([bytes]));
  add('parquet-wasm + apache-arrow', 'decode 2 cols, whole file (wasm only)', 1, await best(() => wasmRead(arrow, pf, null, true)));
  add('parquet-wasm + apache-arrow', 'read 2 cols, whole file (-> typed arrays)', 1, await best(() => wasmRead(arrow, pf, null)));
  add('parquet-wasm + apache-arrow', 'read 2 cols, one row group', 1, await best(() => wasmRead(arrow, pf, [0])));
  add('parquet-wasm + apache-arrow', 'sync readParquet (ignores columns: all 5)', 1, await best(() => pw.readParquet(bytes, { columns: COLS, batchSize: 1 << 20 }).free()));
  // --- 3. hyparquet
  const { compressors } = await import('hyparquet-compressors');
  const file = bytes.buffer.slice(0);
  add('hyparquet + hyparquet-compressors', 'read 2 cols, whole file (-> JS arrays)', 1, await best(() => hypRead(hp, compressors, file, meta, ranges, null)), 'strings as JS strings');
  add('hyparquet + hyparquet-compressors', 'read 2 cols, one row group', 1, await best(() => hypRead(hp, compressors, file, meta, ranges, [0])));
  for (const [kind, cand] of [['wasm', 'parquet-wasm + apache-arrow'], ['hyparquet', 'hyparquet + hyparquet-compressors']]) {
    for (const n of [1, 2]) {
      const p = await pool(kind, n);
      add(cand, 'read 2 cols, whole file, rg tasks in workers', n, await best(() => p.run(n === 1 ? [all] : half)));
      add(cand, n === 1 ? 'one row group in one worker' : 'two row groups in two workers at once', n, await best(() => p.run(n === 1 ? [[0]] : [[0], [1]])));
      await p.close();
    }
  }
  // --- 4. Polars as a reader (for reference: its columns stay in Rust until copied out)
  add('nodejs-polars as reader', 'read 2 cols, whole file (readParquet)', 2, await best(() => pl.readParquet(F, { columns: COLS })));
  add('nodejs-polars as reader', 'read 2 cols + delay.toTypedArray()', 2, await best(() => pl.readParquet(F, { columns: COLS }).getColumn('delay').toTypedArray()));

  await spinCheck();
  console.log(`load ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  if (json) fs.writeFileSync(json, JSON.stringify({ node: process.version, cpu: os.cpus()[0].model, rows }, null, 1));
  process.exit(0);
}

// ---------------------------------------------------------------- the C-API addon's source
function duckCapiSource() {
  return String.raw`// A Node-API addon that calls libduckdb.so's C API directly (the libduckdb.so inside
// @duckdb/node-bindings-linux-x64): reads row ranges of Parquet columns into native buffers
// shaped like Tessera's table partitions (int64 + validity bytes, strings dictionary-encoded
// per partition) with no JS per value, and a plain C++ filter + group-by on the codes. Process-wide databases (one per thread setting), so
// every worker thread that loads the addon shares them.
#include <node_api.h>
#include "duckdb.h"
#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace {
// One partition as Tessera's table chunks hold it (native/table/table_format.h): int64 data, one
// validity byte per row, strings as int32 codes into a per-partition dictionary of distinct strings.
struct Dict {  // open addressing on the string's bytes (FNV-1a), codes in insertion order
  std::vector<uint64_t> off{0};
  std::vector<char> bytes;
  std::vector<int32_t> slots = std::vector<int32_t>(1024, -1);
  int32_t code(const char* c, uint32_t len) {
    uint64_t h = 1469598103934665603ull;
    for (uint32_t i = 0; i < len; i++) h = (h ^ uint8_t(c[i])) * 1099511628211ull;
    size_t mask = slots.size() - 1;
    for (size_t i = h & mask;; i = (i + 1) & mask) {
      int32_t k = slots[i];
      if (k < 0) break;
      if (off[k + 1] - off[k] == len && std::memcmp(bytes.data() + off[k], c, len) == 0) return k;
    }
    int32_t k = int32_t(off.size() - 1);
    bytes.insert(bytes.end(), c, c + len);
    off.push_back(bytes.size());
    if (2 * (off.size() - 1) > slots.size()) rehash(); else insert(h, k);
    return k;
  }
  void insert(uint64_t h, int32_t k) {
    size_t mask = slots.size() - 1, i = h & mask;
    while (slots[i] >= 0) i = (i + 1) & mask;
    slots[i] = k;
  }
  void rehash() {
    slots.assign(slots.size() * 2, -1);
    for (int32_t k = 0; k + 1 < int32_t(off.size()); k++) {
      uint64_t h = 1469598103934665603ull;
      for (uint64_t i = off[k]; i < off[k + 1]; i++) h = (h ^ uint8_t(bytes[i])) * 1099511628211ull;
      insert(h, k);
    }
  }
};
struct Part {
  std::vector<int64_t> delay;
  std::vector<uint8_t> delayValid;
  std::vector<int32_t> origin;  // codes
  std::vector<uint8_t> originValid;
  Dict dict;
};
std::mutex mu;
std::map<int, duckdb_database> dbs;  // threads -> database

duckdb_database db_for(int threads) {
  std::lock_guard<std::mutex> g(mu);
  auto it = dbs.find(threads);
  if (it != dbs.end()) return it->second;
  duckdb_config cfg;
  duckdb_create_config(&cfg);
  duckdb_set_config(cfg, "threads", std::to_string(threads).c_str());
  duckdb_set_config(cfg, "autoinstall_known_extensions", "false");  // never download at run time
  duckdb_set_config(cfg, "autoload_known_extensions", "false");
  duckdb_database db = nullptr;
  char* err = nullptr;
  if (duckdb_open_ext(nullptr, &db, cfg, &err) == DuckDBError) {
    duckdb_destroy_config(&cfg);
    std::string e = err ? err : "open failed";
    duckdb_free(err);
    throw std::runtime_error(e);
  }
  duckdb_destroy_config(&cfg);
  duckdb_connection con;  // an extension's option: set once the parquet extension is there
  duckdb_connect(db, &con);
  duckdb_query(con, "SET GLOBAL parquet_metadata_cache = true", nullptr);  // footer parsed once per file
  duckdb_disconnect(&con);
  dbs[threads] = db;
  return db;
}

inline bool valid(const uint64_t* mask, idx_t i) { return !mask || ((mask[i >> 6] >> (i & 63)) & 1); }

// One connection per (thread, database), kept: connecting costs about as much as a small query.
duckdb_connection con_for(int threads) {
  thread_local std::map<int, duckdb_connection> cons;
  auto it = cons.find(threads);
  if (it != cons.end()) return it->second;
  duckdb_connection con;
  if (duckdb_connect(db_for(threads), &con) == DuckDBError) throw std::runtime_error("connect");
  return cons[threads] = con;
}

// SELECT delay, origin FROM read_parquet(path) [WHERE file_row_number in [a, b)] [AND where] -> Part
void read_range(int threads, const std::string& path, int64_t a, int64_t b, Part& p, const std::string& where, bool copy, bool stream) {
  duckdb_connection con = con_for(threads);
  std::string sql = "SELECT delay, origin FROM read_parquet('" + path + "')";
  if (b >= 0) sql += " WHERE file_row_number >= " + std::to_string(a) + " AND file_row_number < " + std::to_string(b);
  if (!where.empty()) sql += (b >= 0 ? " AND " : " WHERE ") + where;  // predicate pushed into the scan
  duckdb_prepared_statement st;
  duckdb_result res;
  if (duckdb_prepare(con, sql.c_str(), &st) == DuckDBError) {
    std::string e = duckdb_prepare_error(st);
    duckdb_destroy_prepare(&st);
    throw std::runtime_error(e);
  }
  // streaming (deprecated in the 1.x C API) or materialized (stable): both read with duckdb_fetch_chunk
  if ((stream ? duckdb_execute_prepared_streaming(st, &res) : duckdb_execute_prepared(st, &res)) == DuckDBError) {
    std::string e = duckdb_result_error(&res);
    duckdb_destroy_result(&res); duckdb_destroy_prepare(&st);
    throw std::runtime_error(e);
  }
  if (b >= 0) { p.delay.reserve(b - a); p.delayValid.reserve(b - a); p.origin.reserve(b - a); p.originValid.reserve(b - a); }
  while (duckdb_data_chunk ch = duckdb_fetch_chunk(res)) {
    idx_t n = duckdb_data_chunk_get_size(ch);
    size_t at = p.delay.size();
    p.delay.resize(at + n);
    if (!copy) { duckdb_destroy_data_chunk(&ch); continue; }  // decode and fetch only
    duckdb_vector v0 = duckdb_data_chunk_get_vector(ch, 0), v1 = duckdb_data_chunk_get_vector(ch, 1);
    std::memcpy(p.delay.data() + at, duckdb_vector_get_data(v0), n * sizeof(int64_t));  // one copy per 2048 rows
    const uint64_t* m0 = duckdb_vector_get_validity(v0);
    p.delayValid.resize(at + n);
    for (idx_t i = 0; i < n; i++) p.delayValid[at + i] = valid(m0, i);
    auto* s = static_cast<duckdb_string_t*>(duckdb_vector_get_data(v1));
    const uint64_t* m1 = duckdb_vector_get_validity(v1);
    p.origin.resize(at + n);
    p.originValid.resize(at + n);
    for (idx_t i = 0; i < n; i++) {  // dictionary-encode: one hash lookup per value
      bool ok = valid(m1, i);
      p.originValid[at + i] = ok;
      if (!ok) { p.origin[at + i] = 0; continue; }
      uint32_t len = s[i].value.inlined.length;  // the C API's string layout: <= 12 bytes inline
      p.origin[at + i] = p.dict.code(len <= 12 ? s[i].value.inlined.inlined : s[i].value.pointer.ptr, len);
    }
    duckdb_destroy_data_chunk(&ch);
  }
  duckdb_destroy_result(&res);
  duckdb_destroy_prepare(&st);
}

struct Agg { double sum = 0; int64_t n = 0; };
using Groups = std::unordered_map<std::string, Agg>;
void group(const Part& p, Groups& g) {  // WHERE delay > 15 GROUP BY origin: sum, count, on codes
  size_t nd = p.dict.off.size() - 1;
  std::vector<double> sum(nd, 0.0);
  std::vector<int64_t> cnt(nd, 0);
  for (size_t i = 0; i < p.delay.size(); i++) {
    bool take = p.delayValid[i] & p.originValid[i] & (p.delay[i] > 15);
    if (!take) continue;
    sum[p.origin[i]] += double(p.delay[i]);
    cnt[p.origin[i]]++;
  }
  for (size_t k = 0; k < nd; k++) {
    if (!cnt[k]) continue;
    Agg& t = g[std::string(p.dict.bytes.data() + p.dict.off[k], p.dict.off[k + 1] - p.dict.off[k])];
    t.sum += sum[k]; t.n += cnt[k];
  }
}

// ---- Node-API glue ----
std::string str(napi_env env, napi_value v) {
  size_t n; napi_get_value_string_utf8(env, v, nullptr, 0, &n);
  std::string s(n, '\0'); napi_get_value_string_utf8(env, v, s.data(), n + 1, &n); return s;
}
double num(napi_env env, napi_value v) { double d; napi_get_value_double(env, v, &d); return d; }
napi_value mk(napi_env env, double d) { napi_value v; napi_create_double(env, d, &v); return v; }

// readRanges(path, threads, [a0, b0, a1, b1, ...], aggregate, where = "", copy = true, stream = true)
//   -> [rows, checksum, groups?]
// Reads each range into a Part (a "partition"), optionally aggregates it, and frees it.
napi_value readRanges(napi_env env, napi_callback_info info) {
  size_t argc = 7; napi_value argv[7];
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  std::string path = str(env, argv[0]);
  std::string where = argc > 4 ? str(env, argv[4]) : "";
  bool copy = true; if (argc > 5) napi_get_value_bool(env, argv[5], &copy);
  bool stream = true; if (argc > 6) napi_get_value_bool(env, argv[6], &stream);
  int threads = int(num(env, argv[1]));
  uint32_t len; napi_get_array_length(env, argv[2], &len);
  bool agg = false; if (argc > 3) napi_get_value_bool(env, argv[3], &agg);
  double rows = 0, check = 0;
  Groups g;
  try {
    for (uint32_t i = 0; i + 1 < len; i += 2) {
      napi_value va, vb; napi_get_element(env, argv[2], i, &va); napi_get_element(env, argv[2], i + 1, &vb);
      Part p;
      read_range(threads, path, int64_t(num(env, va)), int64_t(num(env, vb)), p, where, copy, stream);
      rows += p.delay.size();
      if (copy) for (size_t j = 0; j < p.delay.size(); j += 997) check += double(p.delay[j]) + p.origin[j];
      if (agg) group(p, g);
    }
  } catch (std::exception& e) { napi_throw_error(env, nullptr, e.what()); return nullptr; }
  napi_value out; napi_create_array(env, &out);
  napi_set_element(env, out, 0, mk(env, rows));
  napi_set_element(env, out, 1, mk(env, check));
  if (agg) {
    napi_value groups; napi_create_array(env, &groups); uint32_t k = 0;
    for (auto& [key, a] : g) {
      napi_value row, ks; napi_create_array(env, &row);
      napi_create_string_utf8(env, key.data(), key.size(), &ks);
      napi_set_element(env, row, 0, ks); napi_set_element(env, row, 1, mk(env, a.sum)); napi_set_element(env, row, 2, mk(env, double(a.n)));
      napi_set_element(env, groups, k++, row);
    }
    napi_set_element(env, out, 2, groups);
  }
  return out;
}

// query(sql, threads) -> rows of the (small) result, all values as doubles or strings
napi_value query(napi_env env, napi_callback_info info) {
  size_t argc = 2; napi_value argv[2];
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  std::string sql = str(env, argv[0]);
  duckdb_connection con; duckdb_result res;
  try {
    con = con_for(int(num(env, argv[1])));
  } catch (std::exception& e) { napi_throw_error(env, nullptr, e.what()); return nullptr; }
  if (duckdb_query(con, sql.c_str(), &res) == DuckDBError) {
    std::string e = duckdb_result_error(&res); duckdb_destroy_result(&res);
    napi_throw_error(env, nullptr, e.c_str()); return nullptr;
  }
  napi_value out; napi_create_array(env, &out);
  idx_t nr = duckdb_row_count(&res), nc = duckdb_column_count(&res);
  for (idx_t r = 0; r < nr; r++) {
    napi_value row; napi_create_array(env, &row);
    for (idx_t c = 0; c < nc; c++) {
      napi_value v;
      if (duckdb_column_type(&res, c) == DUCKDB_TYPE_VARCHAR) {
        char* s = duckdb_value_varchar(&res, c, r); napi_create_string_utf8(env, s, NAPI_AUTO_LENGTH, &v); duckdb_free(s);
      } else v = mk(env, duckdb_value_double(&res, c, r));
      napi_set_element(env, row, uint32_t(c), v);
    }
    napi_set_element(env, out, uint32_t(r), row);
  }
  duckdb_destroy_result(&res);
  return out;
}
}  // namespace

NAPI_MODULE_INIT() {  // context-aware: loads in the main thread and in every worker thread
  napi_value f;
  napi_create_function(env, "readRanges", NAPI_AUTO_LENGTH, readRanges, nullptr, &f);
  napi_set_named_property(env, exports, "readRanges", f);
  napi_create_function(env, "query", NAPI_AUTO_LENGTH, query, nullptr, &f);
  napi_set_named_property(env, exports, "query", f);
  napi_value v; napi_create_string_utf8(env, duckdb_library_version(), NAPI_AUTO_LENGTH, &v);
  napi_set_named_property(env, exports, "version", v);
  return exports;
}
`;
}
