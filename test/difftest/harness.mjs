/**
 * The differential test's harness: runs generated jobs through the real engine (worker threads
 * and the addon, from dist/) and through the numpy oracle (oracle.py, one long-lived python
 * process), compares every output, groups failures by signature and minimizes them with
 * fast-check's shrinking. Used by test/differential.test.ts (bounded, fixed seed) and
 * scripts/difftest.mjs (unbounded).
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { Engine } from '../../dist/src-main/engine/engine.js';
import { TesseraError } from '../../dist/src-main/engine/errors.js';
import { buildJob, validateSpec } from '../../dist/src-main/run/job-spec.js';
import { runBuiltJob } from '../../dist/src-main/run/run-job.js';
import { LocalBackend } from '../../dist/src-main/run/local-backend.js';
import { jobFromTape, sampleJobs, shrinkTapeArbitrary } from './generate.mjs';
import { KNOWN_FAILURES } from './known-failures.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));

// ---------------------------------------------------------------- the oracle process
export class Oracle {
  constructor() {
    this.proc = spawn('/usr/bin/python3', [join(HERE, 'oracle.py')], { stdio: ['pipe', 'pipe', 'inherit'] });
    this.lines = createInterface({ input: this.proc.stdout });
    this.waiting = [];
    this.lines.on('line', (l) => this.waiting.shift()?.(l));
  }
  ask(jobs) {
    return new Promise((resolve, reject) => {
      this.waiting.push((l) => {
        const a = JSON.parse(l);
        if (a.fatal) reject(new Error(`oracle failed: ${a.fatal}`)); else resolve(a.jobs);
      });
      this.proc.stdin.write(`${JSON.stringify({ jobs })}\n`);
    });
  }
  close() { this.proc.stdin.end(); }
}

// ---------------------------------------------------------------- engines
export class Engines {
  constructor() { this.map = new Map(); }
  async get(key) {
    if (!this.map.has(key)) this.map.set(key, await Engine.start(key === 'sync' ? { scheduler: 'sync' } : { workers: Number(key.slice(1)) }));
    return this.map.get(key);
  }
  /** A worker that died takes its pool with it (WORKER_CRASHED): start that engine anew. */
  async replace(key) {
    const old = this.map.get(key);
    this.map.delete(key);
    await old?.close().catch(() => {});
    return this.get(key);
  }
  async close() { for (const e of this.map.values()) await e.close().catch(() => {}); this.map.clear(); }
}

// ---------------------------------------------------------------- values
const TYPED = { complex128: Float64Array, complex64: Float32Array, float64: Float64Array, float32: Float32Array, int64: BigInt64Array, uint64: BigUint64Array, int32: Int32Array,
  uint32: Uint32Array, int16: Int16Array, uint16: Uint16Array, int8: Int8Array, uint8: Uint8Array, bool: Uint8Array };
const NPY_DESCR = { '<c16': 'complex128', '<c8': 'complex64', '<f8': 'float64', '<f4': 'float32', '<i8': 'int64', '<u8': 'uint64', '<i4': 'int32', '<u4': 'uint32',
  '<i2': 'int16', '<u2': 'uint16', '|i1': 'int8', '|u1': 'uint8', '|b1': 'bool' };

/** Float values, and complex ones as their (re, im) parts. */
const isFloaty = (dtype) => dtype.startsWith('float') || dtype.startsWith('complex');

function fromBytes(dtype, buf) {
  const copy = new Uint8Array(buf.byteLength);
  copy.set(buf);
  const int = !isFloaty(dtype) && dtype !== 'bool';
  return Array.from(new TYPED[dtype](copy.buffer), (v) => (int ? BigInt(v) : Number(v)));
}

/** A .npy file (as Tessera writes them: little-endian, C order) as { dtype, shape, data }. */
export function readNpy(path) {
  const b = readFileSync(path);
  const major = b[6];
  const hlen = major === 1 ? b.readUInt16LE(8) : b.readUInt32LE(8);
  const start = major === 1 ? 10 : 12;
  const header = b.subarray(start, start + hlen).toString('latin1');
  const descr = /'descr':\s*'([^']+)'/.exec(header)[1];
  const shape = /'shape':\s*\(([^)]*)\)/.exec(header)[1].split(',').map((s) => s.trim()).filter(Boolean).map(Number);
  if (/'fortran_order':\s*True/.test(header)) throw new Error(`${path}: Fortran order output`);
  const dtype = NPY_DESCR[descr];
  if (!dtype) throw new Error(`${path}: unexpected descr ${descr}`);
  return { dtype, shape, data: fromBytes(dtype, b.subarray(start + hlen)) };
}

function flat(v, out = []) { if (Array.isArray(v)) for (const x of v) flat(x, out); else out.push(v); return out; }
function scalarOf(dtype, v) {
  if (dtype === 'bool') return v === true || v === 1 ? 1 : 0;
  if (isFloaty(dtype)) return typeof v === 'number' ? v : v === 'nan' ? NaN : v === 'inf' ? Infinity : v === '-inf' ? -Infinity : Number(v);
  if (typeof v === 'boolean') return BigInt(v ? 1 : 0);
  return BigInt(v);
}

// ---------------------------------------------------------------- running a job in Tessera
const isTyped = (e) => e instanceof TesseraError || (e && typeof e === 'object' && typeof e.code === 'string' && e.name === 'TesseraError');
const errOf = (e) => (isTyped(e) ? { kind: 'error', code: e.code, message: e.message } : { kind: 'error', code: 'INTERNAL', message: `untyped ${e?.name ?? typeof e}: ${e?.message ?? String(e)}` });

function withTimeout(p, ms, what) {
  let t;
  return Promise.race([p, new Promise((_, rej) => { t = setTimeout(() => rej(Object.assign(new Error(`timed out after ${ms} ms: ${what}`), { timeout: true })), ms); })]).finally(() => clearTimeout(t));
}

async function runOnce(engine, datasets, outputs, dir) {
  const spec = { tessera: 1, datasets, outputs };
  const job = await buildJob(validateSpec(spec), dir);
  const r = await withTimeout(runBuiltJob(new LocalBackend(engine), job, { outDir: join(dir, 'out') }), 60_000, 'job');
  const res = {};
  for (const o of r.outputs) {
    if (o.path) { const n = readNpy(o.path); res[o.name] = { kind: 'value', dtype: o.dtype, npyDtype: n.dtype, shape: n.shape, data: n.data, file: true }; continue; }
    // A complex scalar's value is its [re, im] pair, as an array's elements are.
    const vals = o.kind === 'scalar' ? (Array.isArray(o.value) ? o.value : [o.value]) : flat(o.values);
    res[o.name] = { kind: 'value', dtype: o.dtype, shape: o.kind === 'scalar' ? [] : o.shape, data: vals.map((v) => scalarOf(o.dtype, v)) };
  }
  return res;
}

/** Every output of a job, as a value or as the error that output raised (build errors are per output). */
export async function runTessera(engine, datasets, outputs, dir) {
  const results = {};
  let remaining = { ...outputs };
  while (Object.keys(remaining).length) {
    try {
      await buildJob(validateSpec({ tessera: 1, datasets, outputs: remaining }), dir);
    } catch (e) {
      const o = e?.position?.output;
      if (isTyped(e) && o && o in remaining) { results[o] = errOf(e); delete remaining[o]; continue; }
      for (const name of Object.keys(remaining)) results[name] = errOf(e);
      return results;
    }
    try {
      Object.assign(results, await runOnce(engine, datasets, remaining, dir));
      return results;
    } catch (e) {
      if (e?.timeout) { for (const name of Object.keys(remaining)) results[name] = { kind: 'error', code: 'INTERNAL', message: e.message }; return results; }
      const names = Object.keys(remaining);
      if (names.length === 1) { results[names[0]] = errOf(e); return results; }
      // A failure while running: run each output alone to find whose it is.
      for (const name of names) {
        try { Object.assign(results, await runOnce(engine, datasets, { [name]: remaining[name] }, dir)); } catch (e2) { results[name] = errOf(e2); }
      }
      return results;
    }
  }
  return results;
}

// ---------------------------------------------------------------- comparison
const ULPS = 2;
function ulp(x, dtype) {
  const a = Math.abs(x);
  if (dtype === 'float32' || dtype === 'complex64') { if (a < 2 ** -126) return 2 ** -149; return 2 ** (Math.floor(Math.log2(a)) - 23); }
  if (a < 2 ** -1022) return 2 ** -1074;
  if (!Number.isFinite(a)) return Infinity;
  let e = Math.floor(Math.log2(a));
  if (2 ** e > a) e -= 1;
  return 2 ** (e - 52);
}
const cls = (x) => (Number.isNaN(x) ? 'nan' : x === Infinity ? '+inf' : x === -Infinity ? '-inf' : Object.is(x, -0) ? '-0' : x === 0 ? '+0' : 'finite');

function decode(exp) {
  const modes = {};
  for (const [m, b64] of Object.entries(exp.modes)) modes[m] = fromBytes(exp.dtype, Buffer.from(b64, 'base64'));
  return modes;
}

const LAZY_ERRORS = /negative integer powers|All-NaN slice|Weights sum to zero/;

/** Compares one output; returns null (agree), 'skip' or a failure { kind, detail }. */
export function compareOutput(exp, got) {
  if (exp.status === 'undefined') return 'skip';
  // Documented limitation (README): matmul/@ of 2-D arrays only.
  if (got.kind === 'error' && got.code === 'SHAPE_MISMATCH' && /matmul supports 2-D/.test(got.message) && exp.status === 'ok') return 'skip';
  if (got.kind === 'error' && (got.code === 'INTERNAL' || got.code === 'WORKER_CRASHED')) return { kind: 'internal', detail: `${got.code}: ${got.message}` };
  if (exp.status === 'error') {
    if (got.kind === 'error') return null;
    // A data-dependent error raised where a task meets it (README): numpy computes every element,
    // Tessera those an output needs, so an empty result computed none of them.
    if (LAZY_ERRORS.test(exp.message) && got.shape && got.shape.includes(0)) return 'skip';
    return { kind: 'missing-error', detail: `numpy raised ${exp.type}: ${exp.message}` };
  }
  if (got.kind === 'error') return { kind: 'unexpected-error', detail: `${got.code}: ${got.message}` };
  if (got.dtype !== exp.dtype) return { kind: 'dtype', detail: `numpy ${exp.dtype}, Tessera ${got.dtype}` };
  if (got.npyDtype && got.npyDtype !== exp.dtype) return { kind: 'dtype', detail: `file holds ${got.npyDtype}, numpy ${exp.dtype}` };
  if (JSON.stringify(got.shape) !== JSON.stringify(exp.shape)) return { kind: 'shape', detail: `numpy (${exp.shape}), Tessera (${got.shape})` };
  const { ref, hi, rev } = decode(exp);
  const t = got.data;
  if (t.length !== ref.length) return { kind: 'shape', detail: `${t.length} values, numpy ${ref.length}` };
  const float = isFloaty(exp.dtype);
  const absTol = exp.abs_tol ?? 0;
  let bad = 0, first = -1;
  for (let i = 0; i < ref.length; i++) {
    const e = ref[i], h = hi[i], v = rev[i], x = t[i];
    if (!float) {
      if (e !== h || e !== v) continue; // depends on rounding or summation order
      if (x !== e) { bad++; if (first < 0) first = i; }
      continue;
    }
    const ce = cls(e), ch = cls(h), cv = cls(v);
    const sameClass = (a, b) => a === b || (!exp.exact_zero_sign && ['+0', '-0'].includes(a) && ['+0', '-0'].includes(b));
    if (!sameClass(ce, ch) || !sameClass(ce, cv)) continue;
    const cx = cls(x);
    let ok;
    if (ce === 'finite' || ce === '+0' || ce === '-0') {
      if (!Number.isFinite(x)) ok = false;
      else if (exp.exact_zero_sign && x === 0 && e === 0 && ce !== cx) ok = false;
      else {
        const spread = Math.max(Math.abs(e - h), Math.abs(e - v));
        ok = Math.abs(x - e) <= ULPS * ulp(e, exp.dtype) + 4 * spread + absTol || Math.abs(x - h) <= ULPS * ulp(h, exp.dtype);
      }
    } else ok = ce === cx;
    if (!ok) { bad++; if (first < 0) first = i; }
  }
  if (!bad) return null;
  const show = (a) => (typeof a === 'bigint' ? a.toString() : Object.is(a, -0) ? '-0.0' : String(a));
  return { kind: 'values', detail: `${bad} of ${ref.length} differ; first at flat index ${first}: numpy ${show(ref[first])}${float ? ` (long double ${show(hi[first])})` : ''}, Tessera ${show(t[first])}` };
}

function signatureOf(f, exp, got) {
  const norm = (s) => String(s).replace(/-?\d+(\.\d+)?(e[+-]?\d+)?/g, 'N').replace(/'[^']*'/g, "'…'").slice(0, 90);
  const root = exp.root ?? '?';
  switch (f.kind) {
    case 'dtype': return `dtype: ${f.detail} at ${root}`;
    case 'shape': return `shape at ${root}`;
    case 'values': return `values ${exp.dtype} at ${root}`;
    case 'missing-error': return `missing error: numpy ${exp.type} (${norm(exp.message)})`;
    case 'unexpected-error': return `unexpected error ${got.code} at ${root}`;
    default: return `internal: ${norm(f.detail)}`;
  }
}

// ---------------------------------------------------------------- batches
export const CURRENT = 'test-output/difftest-current-job.txt';
mkdirSync('test-output', { recursive: true });
let tmpRoot;
const lastOn = new Map(); // engine key -> the last job run on it (to report a worker that died after it)
function jobDir() {
  tmpRoot ??= mkdtempSync(join(process.env.TESSERA_TEST_TMP ?? tmpdir(), 'tessera-difftest-'));
  return mkdtempSync(join(tmpRoot, 'job-'));
}

/**
 * Runs generated jobs ({index, tape, job}); returns per job its outputs' verdicts:
 * { index, job, dir, inputs, outputs: [{ name, expr, verdict: 'ok'|'skip'|failure }] }.
 */
export async function runJobs(engines, oracle, items, { removeFiles = true } = {}) {
  const prepared = items.map((it) => ({ ...it, dir: jobDir() }));
  const answers = await oracle.ask(prepared.map((p) => ({ dir: p.dir, datasets: p.job.recipes, outputs: p.job.outputs })));
  const out = [];
  for (let k = 0; k < prepared.length; k++) {
    const p = prepared[k], a = answers[k];
    // A crash of the process (an abort in the addon) ends the run here: the job that did it is left
    // in this file.
    writeFileSync(CURRENT, `${reproducer({ ...p, inputs: a.inputs })}\n`);
    let engine = await engines.get(p.job.engine);
    let got = await runTessera(engine, p.job.datasets, p.job.outputs, p.dir);
    let stale = null;
    if (Object.values(got).some((g) => g.code === 'WORKER_CRASHED')) {
      // Whichever job killed the worker, the engine is gone: start a new one and run this job again.
      engine = await engines.replace(p.job.engine);
      const again = await runTessera(engine, p.job.datasets, p.job.outputs, p.dir);
      if (Object.values(again).some((g) => g.code === 'WORKER_CRASHED')) await engines.replace(p.job.engine);
      else { stale = Object.values(got).find((g) => g.code === 'WORKER_CRASHED'); got = again; }
    }
    const outputs = [];
    for (const [name, expr] of Object.entries(p.job.outputs)) {
      const exp = a.error ? { status: 'error', type: a.error.type, message: `building the inputs: ${a.error.message}` } : a.outputs[name];
      const g = got[name] ?? { kind: 'error', code: 'INTERNAL', message: 'no result' };
      const v = compareOutput(exp, g);
      if (v === null || v === 'skip') { outputs.push({ name, expr, verdict: v ?? 'ok' }); continue; }
      const failure = { ...v, signature: signatureOf(v, exp, g), numpy: describeExpected(exp), tessera: describeGot(g) };
      const known = KNOWN_FAILURES.find((kf) => kf.match({ expr, job: p.job, exp, got: g, failure }));
      outputs.push({ name, expr, verdict: known ? 'known' : 'fail', known: known?.item, failure });
    }
    if (stale) {
      const before = lastOn.get(p.job.engine);
      const failure = { kind: 'internal', detail: `${stale.message}; the job before it on this engine: ${before ? reproducer(before) : '?'}`, signature: `internal: a worker died after an earlier job on the engine (${stale.message.replace(/\/\S+/g, 'PATH')})`, numpy: '-', tessera: `raises WORKER_CRASHED: ${stale.message}` };
      outputs.push({ name: '(engine)', expr: '(the job before this one)', verdict: 'fail', failure });
    }
    out.push({ index: p.index, tape: p.tape, job: p.job, dir: p.dir, inputs: a.inputs, outputs });
    lastOn.set(p.job.engine, { ...out.at(-1), got: Object.fromEntries(Object.entries(got).map(([k, g]) => [k, g.kind === 'error' ? `${g.code}: ${g.message}` : 'value'])) });
    if (removeFiles && !process.env.DIFFTEST_KEEP) rmSync(p.dir, { recursive: true, force: true });
  }
  return out;
}

function preview(dtype, data, shape) {
  const s = data.slice(0, 12).map((x) => (typeof x === 'bigint' ? x.toString() : dtype === 'bool' ? (x ? 'True' : 'False') : Object.is(x, -0) ? '-0.0' : String(x)));
  return `${dtype} shape (${shape.join(', ')}${shape.length === 1 ? ',' : ''}) [${s.join(', ')}${data.length > 12 ? ', …' : ''}]`;
}
function describeExpected(exp) {
  if (exp.status === 'error') return `raises ${exp.type}: ${exp.message}`;
  if (exp.status === 'undefined') return `undefined (${exp.why})`;
  return preview(exp.dtype, decode(exp).ref, exp.shape);
}
function describeGot(g) { return g.kind === 'error' ? `raises ${g.code}: ${g.message}` : preview(g.dtype, g.data, g.shape); }

/** The job spec as a file would hold it, with the inputs' values (for a report). */
export function reproducer(item, output) {
  const outputs = output ? { [output]: item.job.outputs[output] } : item.job.outputs;
  const used = Object.keys(item.job.datasets).filter((n) => Object.values(outputs).some((e) => new RegExp(`\\b${n}\\b`).test(e)));
  const datasets = Object.fromEntries(used.map((n) => [n, item.job.datasets[n]]));
  const npy = used.filter((n) => item.job.recipes[n].kind === 'npy');
  const lines = [`job.json: ${JSON.stringify({ tessera: 1, datasets, outputs })}`];
  if (npy.length) lines.push(`inputs (python): ${npy.map((n) => `np.save('${n}.npy', ${item.inputs?.[n] ?? '?'})`).join('; ')}`);
  lines.push(`engine: ${item.job.engine === 'sync' ? '--scheduler sync' : `--workers ${item.job.engine.slice(1)}`}`);
  return lines.join('\n');
}

// ---------------------------------------------------------------- minimizing
/**
 * Shrinks a failing tape with fast-check until no smaller tape fails with the same signature
 * (within `timeLimitMs`). Returns the smallest failing item found.
 */
export async function shrink(engines, oracle, item, signature, { timeLimitMs = 60_000, seed = 1 } = {}) {
  const stillFails = async (tape) => {
    const [res] = await runJobs(engines, oracle, [{ index: item.index, tape, job: jobFromTape(tape) }]);
    return !res.outputs.some((o) => o.failure && o.failure.signature === signature);
  };
  const r = await fc.check(fc.asyncProperty(shrinkTapeArbitrary, stillFails), {
    examples: [[item.tape]], numRuns: 1, seed, interruptAfterTimeLimit: timeLimitMs, markInterruptAsFailure: false, endOnFailure: false,
  });
  if (!r.failed || !r.counterexample) return item;
  const tape = r.counterexample[0];
  const [res] = await runJobs(engines, oracle, [{ index: item.index, tape, job: jobFromTape(tape) }]);
  return res;
}

/** Removes every job folder of this process (for runs that keep them until the end). */
export function removeJobFolders() {
  if (tmpRoot && !process.env.DIFFTEST_KEEP) rmSync(tmpRoot, { recursive: true, force: true });
  tmpRoot = undefined;
}

export { sampleJobs, jobFromTape };
