/**
 * A bounded randomized search over the structural paths (reshape, ravel, rechunk, concatenate,
 * stack, transpose, slicing with steps and newaxis) over sources, computed arrays and reductions,
 * with random chunkings and worker counts, against numpy. Fixed seed: the same cases every run.
 * STRUCTURAL_SEED and STRUCTURAL_CASES run another or a longer search locally.
 *
 * The data are small integers (as float64 or int64), so every result is exact: any difference
 * from numpy, for any chunking or worker count, is a wrong value.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../dist/src-main/engine/engine.js';
import { expectClose } from './helpers/compare.js';
import { runSpec, tempDir } from './helpers/engine.js';
import { numpy, PY_TOJSON } from './helpers/numpy.js';
import { rng } from './helpers/rng.js';

const SEED = Number(process.env.STRUCTURAL_SEED ?? 20261127);
const CASES = Number(process.env.STRUCTURAL_CASES ?? 160);
const PER_JOB = 16;


const size = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

interface Expr { s: string; shape: number[] }

/** One job's inputs: Tessera datasets and the Python lines that make the same arrays. */
class Inputs {
  datasets: Record<string, Record<string, unknown>> = {};
  python: string[] = [];
  files: string[] = [];
  /** Python for the inputs that are not files (aranges): name -> expression. */
  computed: Record<string, string> = {};
  private n = 0;
  /** random: leaves are random datasets (no numpy twin: for comparing Tessera with itself). */
  constructor(readonly r: () => number, private readonly prefix: string, private readonly random = false) {}

  int(lo: number, hi: number): number { return lo + Math.floor(this.r() * (hi - lo + 1)); }
  pick<T>(xs: readonly T[]): T { return xs[Math.floor(this.r() * xs.length)]; }

  /** Random chunks: a size per dimension, -1, or explicit sizes (for a large array, a few dozen chunks at most). */
  chunksFor(shape: readonly number[]): unknown {
    const large = size(shape) > 2000;
    const least = (n: number) => (large ? Math.max(1, Math.ceil(n / 6)) : 1);
    if (this.r() < 0.15) { const m = Math.max(...shape, 1); return this.int(least(m), m); }
    return shape.map((n) => {
      const k = this.r();
      if (k < 0.25 || n <= 1) return -1;
      if (k < 0.65) return this.int(least(n), n);
      const out: number[] = [];
      let left = n;
      while (left > 0) { const c = Math.min(left, this.int(least(n), left)); out.push(c); left -= c; }
      if (this.r() < 0.1) out.splice(this.int(0, out.length), 0, 0); // an empty chunk
      return out;
    });
  }

  /** A source of this shape: a .npy file (C or Fortran order, float64 or int64), an arange, or one of them plus 1. */
  leaf(shape: number[]): Expr {
    const name = `${this.prefix}${this.n++}`;
    const base = 1000 * this.n;
    const k = this.r();
    let s: string;
    if (this.random) {
      this.datasets[name] = { random: this.pick(['uniform', 'normal']), shape, seed: this.n, chunks: this.chunksFor(shape) };
      s = name;
    } else if (k < 0.65) {
      const dtype = this.r() < 0.75 ? 'float64' : 'int64';
      const order = this.r() < 0.2 ? 'np.asfortranarray' : '';
      this.python.push(`${name} = ${order}((np.arange(${size(shape)}) + ${base}).reshape(${JSON.stringify(shape)}).astype(np.${dtype}))`);
      this.files.push(name);
      this.datasets[name] = { npy: `${name}.npy`, chunks: this.chunksFor(shape) };
      s = name;
    } else {
      const n = size(shape);
      this.computed[name] = `np.arange(${base}, ${base + n})`;
      this.datasets[name] = { arange: [base, base + n], chunks: this.int(n > 2000 ? Math.ceil(n / 8) : 1, Math.max(1, n)) };
      s = shape.length === 1 ? name : `${name}.reshape(${shape.join(', ')})`;
    }
    if (this.r() < 0.3) s = `(${s} + 1)`;
    return { s, shape: [...shape] };
  }

  randomShape(maxSize: number): number[] {
    const nd = this.int(1, 3);
    const shape: number[] = [];
    for (let d = 0; d < nd; d++) shape.push(this.int(1, nd === 1 ? 24 : nd === 2 ? 8 : 5));
    while (size(shape) > maxSize) shape[shape.indexOf(Math.max(...shape))]--;
    return shape;
  }
}

/** A random factorisation of n into 1-4 dimensions (one of them -1 sometimes). */
function factorShape(inp: Inputs, n: number): string[] {
  const nd = inp.int(1, 4);
  const dims: number[] = [];
  let left = n;
  for (let d = 0; d < nd - 1; d++) {
    const divs = [...Array(left + 1).keys()].filter((k) => k > 0 && left % k === 0);
    const f = left === 0 ? inp.int(0, 3) : inp.pick(divs);
    dims.push(f);
    left = f === 0 ? 0 : left / f;
  }
  dims.push(left);
  const out = dims.map(String);
  if (n > 0 && inp.r() < 0.3) out[inp.int(0, out.length - 1)] = '-1';
  return out;
}

/** One slicing item per dimension (with steps, negative steps, ints and newaxis); the result shape. */
function sliceOf(inp: Inputs, e: Expr): Expr {
  const items: string[] = [];
  const shape: number[] = [];
  const keepInt = e.shape.length > 1;
  let intsLeft = e.shape.length - 1;
  for (const n of e.shape) {
    if (inp.r() < 0.12 && shape.length + 1 < 5) { items.push('None'); shape.push(1); }
    const k = inp.r();
    if (k < 0.15 && keepInt && intsLeft > 0 && n > 0) {
      intsLeft--;
      items.push(String(inp.int(-n, n - 1)));
      continue;
    }
    if (k < 0.3) { items.push(':'); shape.push(n); continue; }
    const step = inp.pick([1, 1, 2, 3, -1, -1, -2, -3]);
    const start = inp.r() < 0.3 ? null : inp.int(-n - 1, n + 1);
    const stop = inp.r() < 0.3 ? null : inp.int(-n - 1, n + 1);
    items.push(`${start ?? ''}:${stop ?? ''}${step === 1 ? '' : `:${step}`}`);
    shape.push(sliceSize(n, start, stop, step));
  }
  if (inp.r() < 0.1 && shape.length < 4) { items.push('None'); shape.push(1); }
  return { s: `${e.s}[${items.join(', ')}]`, shape };
}

/** Python's len(range(*slice(start, stop, step).indices(n))). */
function sliceSize(n: number, start: number | null, stop: number | null, step: number): number {
  let a: number, b: number;
  if (step > 0) {
    a = start === null ? 0 : start < 0 ? Math.max(0, start + n) : Math.min(start, n);
    b = stop === null ? n : stop < 0 ? Math.max(0, stop + n) : Math.min(stop, n);
  } else {
    a = start === null ? n - 1 : start < 0 ? Math.max(-1, start + n) : Math.min(start, n - 1);
    b = stop === null ? -1 : stop < 0 ? Math.max(-1, stop + n) : Math.min(stop, n - 1);
  }
  return Math.max(0, Math.ceil((b - a) / step));
}

function withAxis(shape: readonly number[], axis: number, n: number): number[] {
  return shape.map((m, d) => (d === axis ? n : m));
}

/** Applies one random structural (or elementwise, or reducing) step to e. */
function step(inp: Inputs, e: Expr, maxSize: number): Expr {
  const nd = e.shape.length;
  const n = size(e.shape);
  for (;;) {
    switch (inp.int(0, 13)) {
      case 0: {
        if (n === 1 && inp.r() < 0.4) return { s: `${e.s}.reshape(()).reshape(1, 1)`, shape: [1, 1] };
        const dims = factorShape(inp, n);
        const known = dims.filter((d) => d !== '-1').reduce((a, d) => a * Number(d), 1);
        const shape = dims.map((d) => (d === '-1' ? n / known : Number(d)));
        const s = inp.r() < 0.5 ? `${e.s}.reshape(${dims.join(', ')})` : `reshape(${e.s}, (${dims.join(', ')},))`;
        return { s, shape };
      }
      case 1: return { s: `${e.s}.ravel()`, shape: [n] };
      case 2: case 3: {
        const c = inp.chunksFor(e.shape);
        return { s: `rechunk(${e.s}, ${JSON.stringify(c)})`, shape: e.shape };
      }
      case 4: {
        if (nd < 2) continue;
        if (inp.r() < 0.4) return { s: `${e.s}.T`, shape: [...e.shape].reverse() };
        const perm = [...Array(nd).keys()].sort(() => inp.r() - 0.5);
        return { s: `transpose(${e.s}, (${perm.join(', ')},))`, shape: perm.map((p) => e.shape[p]) };
      }
      case 5: case 6: return sliceOf(inp, e);
      case 7: {
        if (n === 0) continue;
        const keep = inp.r() < 0.4;
        if (nd < 2 && !keep) continue;
        if (nd >= 3 && inp.r() < 0.3) {
          const axes = [0, nd - 1];
          const shape = keep ? e.shape.map((m, d) => (axes.includes(d) ? 1 : m)) : e.shape.filter((_, d) => !axes.includes(d));
          return { s: `${e.s}.${inp.pick(['sum', 'max'])}(axis=(0, ${nd - 1})${keep ? ', keepdims=True' : ''})`, shape };
        }
        const axis = inp.int(0, nd - 1);
        const fn = inp.pick(['sum', 'max', 'min', 'sum']);
        const shape = keep ? withAxis(e.shape, axis, 1) : e.shape.filter((_, d) => d !== axis);
        return { s: `${e.s}.${fn}(axis=${inp.r() < 0.3 ? axis - nd : axis}${keep ? ', keepdims=True' : ''})`, shape };
      }
      case 8: {
        const k = inp.r();
        if (k < 0.35) return { s: `(${e.s} * 2)`, shape: e.shape };
        if (k < 0.6 && nd > 0) return { s: `(${e.s} - ${e.s}[::-1])`, shape: e.shape };
        if (k < 0.8 && n > 0) {
          const axis = inp.int(0, nd - 1);
          return { s: `(${e.s} - ${e.s}.max(axis=${axis}, keepdims=True))`, shape: e.shape };
        }
        return { s: `abs(${e.s} + 1)`, shape: e.shape };
      }
      case 9: {
        if (n * 2 > maxSize) continue;
        const axis = inp.int(0, nd - 1);
        const others: Expr[] = [];
        const count = inp.int(1, 2);
        for (let i = 0; i < count; i++) {
          others.push(inp.r() < 0.25 ? { s: `${e.s}[${Array(axis).fill(':').concat(['::-1']).join(', ')}]`, shape: e.shape } : inp.leaf(withAxis(e.shape, axis, inp.int(1, 4))));
        }
        const all = inp.r() < 0.5 ? [e, ...others] : [...others, e];
        const total = all.reduce((a, x) => a + x.shape[axis], 0);
        const ax = inp.r() < 0.3 ? axis - nd : axis;
        return { s: `concatenate([${all.map((x) => x.s).join(', ')}], axis=${ax})`, shape: withAxis(e.shape, axis, total) };
      }
      case 11: {
        // Two chains of the same shape with different chunks meet elementwise (also broadcast).
        const k = inp.r();
        if (k < 0.4) return { s: `(${e.s} + rechunk(${e.s}, ${JSON.stringify(inp.chunksFor(e.shape))}))`, shape: e.shape };
        if (k < 0.7 && n > 0) {
          const axis = inp.int(0, nd - 1);
          return { s: `(rechunk(${e.s}, ${JSON.stringify(inp.chunksFor(e.shape))}) * ${e.s}.sum(axis=${axis}, keepdims=True))`, shape: e.shape };
        }
        return { s: `(${e.s} - ${inp.leaf(e.shape).s})`, shape: e.shape };
      }
      case 12: {
        // Other reductions, a full one made 1-d again, and an ellipsis.
        const k = inp.r();
        if (k < 0.3 && n > 0) {
          const axis = inp.int(0, nd - 1);
          const fn = inp.pick(['argmax', 'argmin', 'prod', 'any', 'count_nonzero']);
          if (fn === 'any') return nd < 2 ? { s: `(${e.s}.any(axis=${axis}) * 1).reshape(1)`, shape: [1] } : { s: `(${e.s}.any(axis=${axis}) * 1)`, shape: e.shape.filter((_, d) => d !== axis) };
          if (fn === 'prod' && e.shape[axis] > 4) continue;
          const call = fn === 'count_nonzero' ? `count_nonzero(${e.s}, axis=${axis})` : `${e.s}.${fn}(axis=${axis})`;
          if (nd < 2) return { s: `${call}.reshape(1)`, shape: [1] };
          return { s: call, shape: e.shape.filter((_, d) => d !== axis) };
        }
        if (k < 0.5 && n > 0) return { s: `${e.s}.sum().reshape(1, 1)`, shape: [1, 1] };
        if (k < 0.75 && nd < 4) return { s: `${e.s}[..., None]`, shape: [...e.shape, 1] };
        return { s: `${e.s}[::-1, ...]`, shape: e.shape };
      }
      case 13: {
        if (nd !== 2) continue;
        // matmul of structural operands (2-d only).
        const k = e.shape[1];
        const other = inp.r() < 0.5 ? { s: `${e.s}.T`, shape: [k, e.shape[0]] } : inp.leaf([k, inp.int(1, 6)]);
        if (e.shape[0] * other.shape[1] > maxSize) continue;
        return { s: `(${e.s} @ ${other.s})`, shape: [e.shape[0], other.shape[1]] };
      }
      case 10: {
        if (n * 2 > maxSize || nd >= 4) continue;
        const axis = inp.int(0, nd);
        const other = inp.r() < 0.3 ? { s: `(${e.s} * 3)`, shape: e.shape } : inp.leaf(e.shape);
        const ax = inp.r() < 0.3 ? axis - nd - 1 : axis;
        const shape = [...e.shape.slice(0, axis), 2, ...e.shape.slice(axis)];
        return { s: `stack([${e.s}, ${other.s}], axis=${ax})`, shape };
      }
    }
  }
}

/** A step that keeps a large array large: the file-writing path for outputs beyond 10,000 elements. */
function bigStep(inp: Inputs, e: Expr): Expr {
  const nd = e.shape.length;
  // (Kept under ~50,000 elements: the test stays fast, since an output chunk narrower than the
  // output's rows is written element run by element run.)
  const grows = size(e.shape) < 25_000;
  switch (inp.int(0, grows ? 6 : 4)) {
    case 0: return step(inp, e, 50_000); // anything, rarely
    case 1: return inp.r() < 0.3 ? { s: `${e.s}.ravel()`, shape: [size(e.shape)] } : reshapeTo(inp, e);
    case 2: return { s: `rechunk(${e.s}, ${JSON.stringify(inp.chunksFor(e.shape))})`, shape: e.shape };
    case 3: return nd >= 2 ? { s: `${e.s}.T`, shape: [...e.shape].reverse() } : { s: `${e.s}[::-1]`, shape: e.shape };
    case 4: return { s: inp.pick([`(${e.s} + 1)`, `(${e.s} * 2)`, `(${e.s} - ${e.s}[::-1])`]), shape: e.shape };
    case 5: {
      const axis = inp.int(0, nd - 1);
      const other = inp.leaf(withAxis(e.shape, axis, inp.int(1, 30)));
      return { s: `concatenate([${e.s}, ${other.s}], axis=${axis})`, shape: withAxis(e.shape, axis, e.shape[axis] + other.shape[axis]) };
    }
    default: {
      if (nd >= 4) return { s: `${e.s}[::-1]`, shape: e.shape };
      const axis = inp.int(0, nd);
      return { s: `stack([${e.s}, (${e.s} + 1)], axis=${axis})`, shape: [...e.shape.slice(0, axis), 2, ...e.shape.slice(axis)] };
    }
  }
}

function reshapeTo(inp: Inputs, e: Expr): Expr {
  const n = size(e.shape);
  const dims = factorShape(inp, n);
  const known = dims.filter((d) => d !== '-1').reduce((a, d) => a * Number(d), 1);
  return { s: `${e.s}.reshape(${dims.join(', ')})`, shape: dims.map((d) => (d === '-1' ? n / known : Number(d))) };
}

interface Case { name: string; expr: string; shape: number[] }

/** A job of PER_JOB cases: each case its own sources and a chain of 1-5 steps. */
function makeJob(r: () => number, j: number): { inp: Inputs; cases: Case[]; workers: number } {
  const inp = new Inputs(r, `j${j}_`);
  const cases: Case[] = [];
  for (let c = 0; c < PER_JOB; c++) {
    // The first two cases of a job are over 10,000 elements (outputs written to .npy files).
    const big = c < 2;
    // A quarter of the small cases start from an earlier output: nodes shared between outputs are
    // computed once and read by several consumers (an output that a reshape or rechunk also reads).
    const earlier = cases.filter((x) => size(x.shape) <= 300 && x.shape.length > 0);
    let e = big ? inp.leaf(inp.pick([[inp.int(100, 140), inp.int(80, 120)], [inp.int(20, 30), inp.int(20, 30), inp.int(16, 24)], [inp.int(10_001, 12_000)]]))
      : earlier.length && inp.r() < 0.25 ? (({ expr, shape }) => ({ s: expr, shape }))(inp.pick(earlier)) : inp.leaf(inp.randomShape(200));
    const steps = inp.int(1, 5);
    for (let k = 0; k < steps; k++) e = big ? bigStep(inp, e) : step(inp, e, 600);
    cases.push({ name: `o${c}`, expr: e.s, shape: e.shape });
  }
  return { inp, cases, workers: inp.int(1, 3) };
}

interface Got { dtype: string; shape: number[]; values?: unknown; path?: string }
interface Want { error?: string; file?: boolean; detail?: string; dtype: string; shape: number[]; values: unknown }

/** Runs a long script through a file (a command line argument has a size limit). */
function python<T = unknown>(code: string): T {
  const path = join(tempDir('tessera-py-'), 'script.py');
  writeFileSync(path, code);
  return numpy<T>(`exec(open(${JSON.stringify(path)}).read())`);
}

/** Python that makes every job's input files (one interpreter for the whole test). */
function pySave(jobs: { inp: Inputs; dir: string }[]): string {
  const lines: string[] = [];
  for (const { inp, dir } of jobs) {
    lines.push(...inp.python);
    for (const n of inp.files) lines.push(`np.save(${JSON.stringify(join(dir, `${n}.npy`))}, ${n})`);
  }
  return `${lines.join('\n')}\nprint(1)`;
}

/** Python that evaluates every job's expressions, and compares the outputs Tessera wrote to files. */
function pyCheck(jobs: { inp: Inputs; dir: string; exprs: Record<string, string>; files: Record<string, string> }[]): string {
  return `${PY_TOJSON}
from numpy import *
rechunk = lambda x, chunks: x
jobs = ${JSON.stringify(jobs.map(({ inp, dir, exprs, files }) => ({ dir, names: inp.files, exprs, files, computed: inp.computed })))}
result = []
for job in jobs:
    env = {k: np.load(job["dir"] + '/' + k + '.npy') for k in job["names"]}
    for k, src in job["computed"].items(): env[k] = eval(src)
    out = {}
    for name, src in job["exprs"].items():
        try:
            v = np.asarray(eval(src, globals(), env))
        except Exception as e:
            out[name] = {"error": repr(e)}
            continue
        if name in job["files"]:
            g = np.load(job["files"][name])
            out[name] = {"file": bool(g.dtype == v.dtype and g.shape == v.shape and np.array_equal(g, v)), "detail": f"{g.dtype} {g.shape} vs {v.dtype} {v.shape}"}
        else:
            out[name] = {"dtype": str(v.dtype), "shape": list(v.shape), "values": tojson(v)}
    result.append(out)
print(json.dumps(result))
`;
}

describe('structural paths, randomized against numpy', () => {
  const engines = new Map<number, Engine>();
  beforeAll(async () => { for (const w of [1, 2, 3]) engines.set(w, await Engine.start({ workers: w })); });
  afterAll(async () => { for (const e of engines.values()) await e.close(); });

  it(`${CASES} chains of reshape / ravel / rechunk / concatenate / stack / transpose / slicing (seed ${SEED})`, async () => {
    const r = rng(SEED);
    const failures: string[] = [];
    const jobs = [];
    for (let j = 0; j * PER_JOB < CASES; j++) jobs.push({ ...makeJob(r, j), dir: tempDir(), exprs: {} as Record<string, string>, files: {} as Record<string, string>, results: new Map<string, Got>() });
    python(pySave(jobs));
    for (const job of jobs) {
      const { inp, cases, workers, dir, results } = job;
      const engine = engines.get(workers)!;
      job.exprs = Object.fromEntries(cases.map((c) => [c.name, c.expr]));
      if (process.env.STRUCTURAL_DUMP) for (const c of cases) console.log(`CASE w${workers} ${JSON.stringify(c.shape)} ${c.expr}`);
      // Run the job whole; if it fails, run each case alone to name the ones at fault.
      const runAll = async (which: Case[]) => {
        const res = await runSpec(engine, { datasets: inp.datasets, outputs: Object.fromEntries(which.map((c) => [c.name, c.expr])) }, dir);
        for (const o of res.outputs) {
          results.set(o.name, o.kind === 'scalar' ? { dtype: o.dtype, shape: [], values: o.value } : { dtype: o.dtype, shape: o.shape, values: o.values, path: o.path });
        }
      };
      try {
        await runAll(cases);
      } catch {
        for (const c of cases) {
          try { await runAll([c]); } catch (e) {
            const err = e as { code?: string; message?: string };
            failures.push(`${err.code ?? 'ERROR'} ${err.message}: ${describeCase(job, c)}`);
          }
        }
      }
      job.files = Object.fromEntries([...results].filter(([, v]) => v.path).map(([k, v]) => [k, v.path!]));
    }
    const expected = python<Record<string, Want>[]>(pyCheck(jobs));
    jobs.forEach((job, j) => {
      for (const c of job.cases) {
        const want = expected[j][c.name];
        const got = job.results.get(c.name);
        if (want.error) { failures.push(`numpy failed (${want.error}): ${describeCase(job, c)}`); continue; }
        if (!got) continue; // failed above
        if (got.path) {
          if (!want.file) failures.push(`wrong file (${want.detail}): ${describeCase(job, c)}`);
          continue;
        }
        try {
          expect(got.dtype).toBe(want.dtype);
          expect(got.shape).toEqual(want.shape);
          // Exact, except where a float matmul sums in another order than numpy's.
          expectClose(got.values, want.values, got.dtype === 'float64' && c.expr.includes('@') ? 1e-13 : 0, c.name);
        } catch (e) {
          failures.push(`wrong values (${(e as Error).message.split('\n')[0]}): ${describeCase(job, c)}`);
        }
      }
    });
    expect(failures, failures.join('\n\n')).toEqual([]);
  });

  it('chains over random sources are bit-identical across chunkings and worker counts', async () => {
    const r = rng(SEED + 2);
    const inp = new Inputs(r, 'u_', true);
    const cases: Case[] = [];
    while (cases.length < 40) {
      let e = cases.length < 3 ? inp.leaf([inp.int(100, 140), inp.int(80, 120)]) : inp.leaf(inp.randomShape(200));
      for (let k = inp.int(1, 5); k > 0; k--) e = cases.length < 3 ? bigStep(inp, e) : step(inp, e, 600);
      // Sums (and matmul, prod, mean) add in an order that follows the chunks: leave them out.
      if (!/sum\(|prod\(|mean\(|@/.test(e.s)) cases.push({ name: `u${cases.length}`, expr: e.s, shape: e.shape });
    }
    const outputs = Object.fromEntries(cases.map((c) => [c.name, c.expr]));
    const rechunked = Object.fromEntries(Object.entries(inp.datasets).map(([k, d]) => [k, { ...d, chunks: inp.chunksFor(d.shape as number[]) }]));
    const runs = [];
    for (const [workers, datasets] of [[1, inp.datasets], [3, rechunked], [2, rechunked]] as const) {
      const dir = tempDir();
      const res = await runSpec(engines.get(workers)!, { datasets, outputs }, dir);
      runs.push(res.outputs.map((o) => (o.kind === 'array' && o.path ? { ...o, path: undefined, bytes: readFileSync(o.path).toString('base64') } : o)));
    }
    expect(runs[1]).toEqual(runs[0]);
    expect(runs[2]).toEqual(runs[0]);
    expect(runs[0].filter((o) => 'bytes' in o).length).toBeGreaterThan(0);
  });

  it('invalid structural steps get typed errors, never INTERNAL', async () => {
    const r = rng(SEED + 1);
    const inp = new Inputs(r, 'bad_');
    const cases: (Case & { numpyRaises: boolean })[] = [];
    for (let c = 0; c < 32; c++) {
      let e = inp.leaf(inp.randomShape(200));
      for (let k = inp.int(0, 2); k > 0; k--) e = step(inp, e, 600);
      const bad = invalidStep(inp, e);
      // Sometimes the invalid step is inside a longer chain.
      const s = inp.r() < 0.3 ? `(${bad.s} + 1).ravel()` : bad.s;
      cases.push({ name: `b${c}`, expr: s, shape: [], numpyRaises: bad.numpyRaises });
    }
    const dir = tempDir();
    python(pySave([{ inp, dir }]));
    const expected = python<Record<string, Want>[]>(pyCheck([{ inp, dir, exprs: Object.fromEntries(cases.map((c) => [c.name, c.expr])), files: {} }]))[0];
    const failures: string[] = [];
    const engine = engines.get(2)!;
    for (const c of cases) {
      const job = { inp, workers: 2 };
      if (c.numpyRaises && !expected[c.name].error) failures.push(`numpy accepts it: ${describeCase(job, c)}`);
      try {
        await runSpec(engine, { datasets: inp.datasets, outputs: { [c.name]: c.expr } }, dir);
        failures.push(`accepted: ${describeCase(job, c)}`);
      } catch (e) {
        const err = e as { code?: string; message?: string };
        if (!err.code || err.code === 'INTERNAL') failures.push(`${err.code ?? 'untyped'} ${err.message}: ${describeCase(job, c)}`);
      }
    }
    expect(failures, failures.join('\n\n')).toEqual([]);
  });
});

/**
 * One invalid structural step on a valid chain: Tessera must refuse it with a typed error (never
 * INTERNAL); `numpyRaises` when numpy refuses it too (numpy has no rechunk to refuse).
 */
function invalidStep(inp: Inputs, e: Expr): { s: string; numpyRaises: boolean } {
  const nd = e.shape.length;
  const n = size(e.shape);
  switch (inp.int(0, 11)) {
    case 0: return { s: `${e.s}.reshape(${n + inp.int(1, 3)})`, numpyRaises: true };
    case 1: return { s: `${e.s}.reshape(-1, -1)`, numpyRaises: true };
    case 2: return { s: `${e.s}.reshape(${n === 0 ? 1 : n}, -2)`, numpyRaises: false }; // numpy 1.24 reads -2 as -1
    case 3: return { s: `rechunk(${e.s}, ${JSON.stringify(e.shape.map((m) => [m + 1]))})`, numpyRaises: false };
    case 4: return { s: `rechunk(${e.s}, ${JSON.stringify(inp.pick([0, -3, [...e.shape, 2], e.shape.map(() => 0)]))})`, numpyRaises: false };
    case 5: {
      if (nd === 1) return { s: `concatenate([${e.s}, ${e.s}[None]])`, numpyRaises: true };
      const other = inp.leaf(e.shape.map((m, d) => (d === nd - 1 ? m : m + 1)));
      return { s: `concatenate([${e.s}, ${other.s}], axis=${nd - 1})`, numpyRaises: true };
    }
    case 6: return { s: `concatenate([${e.s}, ${e.s}], axis=${inp.pick([nd, -nd - 1])})`, numpyRaises: true };
    case 7: return { s: `stack([${e.s}, ${e.s}[..., None]])`, numpyRaises: true };
    case 8: return { s: `stack([${e.s}, ${e.s}], axis=${inp.pick([nd + 1, -nd - 2])})`, numpyRaises: true };
    case 9: return { s: `transpose(${e.s}, (${[...Array(nd).fill(0), ...(nd === 1 ? [0] : [])].join(', ')},))`, numpyRaises: true };
    case 10: return { s: inp.pick([`${e.s}[${Array(nd + 1).fill(':').join(', ')}]`, `${e.s}[${e.shape[0]}]`, `${e.s}[::0]`]), numpyRaises: true };
    default: return { s: `${e.s}.sum(axis=${inp.pick([nd, -nd - 1])})`, numpyRaises: true };
  }
}

/** A failing case as a job spec can reproduce it: the expression, its datasets and the workers. */
function describeCase(job: { inp: Inputs; workers: number }, c: Case): string {
  const used = Object.entries(job.inp.datasets).filter(([k]) => new RegExp(`\\b${k}\\b`).test(c.expr));
  return `${c.expr}\n    workers ${job.workers}, datasets ${JSON.stringify(Object.fromEntries(used))}`;
}
