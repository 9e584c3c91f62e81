/**
 * Every block kernel at every SIMD level this CPU runs (avx512, avx2, sse2), compared bit for bit
 * with the scalar reference build (compiled without vectorisation). Kernels keep one order of
 * floating-point operations at every level, so results must be identical, not merely close.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { native } from '../dist/src-main/native/addon.js';
import type { CTypeName, DTypeName, Instruction } from '../dist/src-main/native/addon.js';
import { executeTask } from '../dist/src-main/engine/executor.js';
import type { ArrayTaskSpec as TaskSpec } from '../dist/src-main/collections/array/kinds/index.js';
import '../dist/src-main/collections/array/kinds/index.js'; // registers the array kinds executeTask encodes

/** One task through the engine's executor (the encoded native entry point). */
const run = (spec: TaskSpec, ids: number[] = []) => executeTask(spec, ids, 0);

/** The long double checker built beside the addon (CMakeLists.txt: tessera_libm_ulps). */
const LIBM_ULPS = join(import.meta.dirname, '..', 'build', 'tools', 'libm-ulps');

const n = native();
const levels = n.simdLevels().split(',');
const initial = n.simdLevel();
afterAll(() => n.setSimdLevel(initial));

const DTYPE_OF: Record<CTypeName, DTypeName> = { f64: 'float64', f32: 'float32', i64: 'int64', u64: 'uint64' };
const LEN = 1500; // three blocks and a tail

function sample(ct: CTypeName, seed: number): ArrayBufferView {
  let s = seed;
  const next = () => { s = (s * 1103515245 + 12345) % 2147483648; return s / 2147483648; };
  const special = [0, -0, 1, -1, NaN, Infinity, -Infinity, 1e-310, 1e308, 0.5, 2.5, -2.5, 3];
  if (ct === 'f64' || ct === 'f32') {
    const a = ct === 'f64' ? new Float64Array(LEN) : new Float32Array(LEN);
    for (let i = 0; i < LEN; i++) a[i] = i < special.length ? special[i] : (next() - 0.5) * 10 ** Math.floor(next() * 8 - 3);
    return a;
  }
  const a = ct === 'i64' ? new BigInt64Array(LEN) : new BigUint64Array(LEN);
  const specialI = [0n, 1n, -1n, 7n, -7n, 9223372036854775807n, -9223372036854775808n, 255n, 65536n];
  for (let i = 0; i < LEN; i++) {
    const v = i < specialI.length ? specialI[i] : BigInt(Math.floor((next() - 0.5) * 2 ** 40));
    (a as BigInt64Array)[i] = ct === 'i64' ? BigInt.asIntN(64, v) : (BigInt.asUintN(64, v) as unknown as bigint);
  }
  return a;
}

function chunkOf(ct: CTypeName, seed: number): number {
  return n.putChunk({ dtype: DTYPE_OF[ct], shape: [LEN], data: sample(ct, seed) });
}

function runMap(code: Instruction[], result: number, resultType: CTypeName, chunks: { id: number; ct: CTypeName }[]): Uint8Array {
  const program = n.registerProgram({ nregs: 8, result, resultType, code });
  const r = run({
    kind: 'map', program, iterShape: [LEN], outShape: [LEN], outDtype: DTYPE_OF[resultType],
    accesses: chunks.map((c, k) => ({ kind: 'chunk', dtype: DTYPE_OF[c.ct], dep: k, base: 0, strides: [1] })),
  }, chunks.map((c) => c.id));
  const out = new Uint8Array(n.readChunk(r.chunk).data);
  n.release(r.chunk);
  n.dropProgram(program);
  return out;
}

/** Runs f at every level and expects the bytes of the scalar level. */
function sameAtEveryLevel(label: string, f: () => Uint8Array): void {
  n.setSimdLevel('scalar');
  const want = Buffer.from(f());
  for (const level of levels) {
    n.setSimdLevel(level);
    const got = Buffer.from(f());
    expect(got.equals(want), `${label} at ${level} differs from the scalar reference`).toBe(true);
  }
}

const UNARY: Record<CTypeName, string[]> = {
  f64: ['neg', 'abs', 'sqrt', 'exp', 'log', 'log1p', 'sin', 'cos', 'tan', 'log2', 'log10', 'exp2', 'expm1', 'floor', 'ceil', 'round', 'sign', 'not', 'isnan'],
  f32: ['neg', 'abs', 'sqrt', 'exp', 'log', 'log1p', 'sin', 'cos', 'tan', 'log2', 'log10', 'exp2', 'expm1', 'floor', 'ceil', 'round', 'sign', 'not', 'isnan'],
  i64: ['neg', 'abs', 'floor', 'ceil', 'round', 'sign', 'not', 'invert'],
  u64: ['neg', 'abs', 'sign', 'not', 'invert'],
};
const BINARY: Record<CTypeName, string[]> = {
  f64: ['add', 'sub', 'mul', 'div', 'floordiv', 'mod', 'pow', 'atan2', 'hypot', 'minimum', 'maximum', 'eq', 'ne', 'lt', 'le', 'gt', 'ge'],
  f32: ['add', 'sub', 'mul', 'div', 'floordiv', 'mod', 'pow', 'atan2', 'hypot', 'minimum', 'maximum', 'eq', 'ne', 'lt', 'le', 'gt', 'ge'],
  i64: ['add', 'sub', 'mul', 'floordiv', 'mod', 'pow', 'minimum', 'maximum', 'eq', 'ne', 'lt', 'le', 'gt', 'ge', 'and', 'or', 'xor'],
  u64: ['add', 'sub', 'mul', 'floordiv', 'mod', 'pow', 'minimum', 'maximum', 'eq', 'ne', 'lt', 'le', 'gt', 'ge', 'and', 'or', 'xor'],
};
const BOOLISH = new Set(['eq', 'ne', 'lt', 'le', 'gt', 'ge', 'not', 'isnan']);

describe(`block kernels at every SIMD level (${levels.join(', ')}) against the scalar reference`, () => {
  it('Philox4x32-10 matches the Random123 known-answer vectors', () => {
    expect(n.philox({ counter: [0, 0, 0, 0], key: [0, 0] })).toEqual([0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8]);
    const ff = 0xffffffff;
    expect(n.philox({ counter: [ff, ff, ff, ff], key: [ff, ff] })).toEqual([0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd]);
    expect(n.philox({ counter: [0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344], key: [0xa4093822, 0x299f31d0] }))
      .toEqual([0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1]);
  });

  for (const ct of ['f64', 'f32', 'i64', 'u64'] as CTypeName[]) {
    it(`unary and binary ops on ${ct}`, () => {
      const a = chunkOf(ct, 1), b = chunkOf(ct, 2);
      for (const op of UNARY[ct]) {
        sameAtEveryLevel(`${op}(${ct})`, () => runMap([['load', ct, 0, 0, -1, -1, 0], [op, ct, 1, 0, -1, -1, 0]], 1, BOOLISH.has(op) ? 'i64' : ct, [{ id: a, ct }]));
      }
      for (const op of BINARY[ct]) {
        // Signed integer powers take non-negative exponents (b & 63 first); a negative one raises.
        const exponent: Instruction[] = op === 'pow' && ct === 'i64' ? [['const', ct, 4, -1, -1, -1, 63], ['and', ct, 3, 1, 4, -1, 0]] : [];
        const rb = exponent.length ? 3 : 1;
        sameAtEveryLevel(`${op}(${ct})`, () => runMap([['load', ct, 0, 0, -1, -1, 0], ['load', ct, 1, 1, -1, -1, 0], ...exponent, [op, ct, 2, 0, rb, -1, 0]], 2, BOOLISH.has(op) ? 'i64' : ct, [{ id: a, ct }, { id: b, ct }]));
      }
      if (ct === 'i64') {
        for (const level of levels) {
          n.setSimdLevel(level);
          expect(() => runMap([['load', ct, 0, 0, -1, -1, 0], ['load', ct, 1, 1, -1, -1, 0], ['const', ct, 3, -1, -1, -1, -1], ['pow', ct, 2, 0, 3, -1, 0]], 2, ct, [{ id: a, ct }, { id: b, ct }]),
            `a negative integer exponent raises at ${level}`).toThrow(/negative integer powers/);
        }
        n.setSimdLevel(levels[0]);
      }
      sameAtEveryLevel(`where(${ct})`, () => runMap([
        ['load', ct, 0, 0, -1, -1, 0], ['load', ct, 1, 1, -1, -1, 0], ['lt', ct, 2, 0, 1, -1, 0], ['where', ct, 3, 2, 0, 1, 0],
      ], 3, ct, [{ id: a, ct }, { id: b, ct }]));
      for (const to of ['f64', 'f32', 'i64', 'u64'] as CTypeName[]) {
        if (to === ct) continue;
        sameAtEveryLevel(`cast ${ct}->${to}`, () => runMap([['load', ct, 0, 0, -1, -1, 0], ['cast', to, 1, 0, -1, -1, 0, ct]], 1, to, [{ id: a, ct }]));
      }
      n.release(a);
      n.release(b);
    });
  }

  it('uniform and normal generators, contiguous and strided, at every level', () => {
    for (const kind of ['uniform', 'normal'] as const) {
      for (const [base, stride] of [[0, 1], [1, 1], [12345, 1], [7, 3], [2 ** 40 + 1, 2]]) {
        sameAtEveryLevel(`${kind} base ${base} stride ${stride}`, () => {
          const program = n.registerProgram({ nregs: 1, result: 0, resultType: 'f64', code: [['load', 'f64', 0, 0, -1, -1, 0]] });
          const r = run({ kind: 'map', program, iterShape: [LEN], outShape: [LEN], outDtype: 'float64', accesses: [{ kind, seed: 99, base, strides: [stride] }] });
          const out = new Uint8Array(n.readChunk(r.chunk).data);
          n.release(r.chunk);
          return out;
        });
      }
    }
  });

  it('the generators agree with Philox words and Box-Muller in V8\'s Math (uniform bit for bit, normal within 1e-14)', () => {
    // Element i: counter ((i >> 5) << 4) | (i & 15), stream 0 (uniform) or 1 (normal), key = seed;
    // the low 64 output bits for (i >> 4) even, the high ones for odd; 53 bits make [0, 1).
    const seed = 2 ** 33 + 77;
    const unit = (w: number[], high: boolean) => Number((high ? BigInt(w[3]) << 32n | BigInt(w[2]) : BigInt(w[1]) << 32n | BigInt(w[0])) >> 11n) / 2 ** 53;
    const words = (i: number, stream: number) => {
      const counter = Math.floor(i / 32) * 16 + (i % 16);
      return n.philox({ counter: [counter % 2 ** 32, Math.floor(counter / 2 ** 32), stream, 0], key: [seed % 2 ** 32, Math.floor(seed / 2 ** 32)] });
    };
    const draw = (kind: 'uniform' | 'normal', base: number, len: number) => {
      const program = n.registerProgram({ nregs: 1, result: 0, resultType: 'f64', code: [['load', 'f64', 0, 0, -1, -1, 0]] });
      const r = run({ kind: 'map', program, iterShape: [len], outShape: [len], outDtype: 'float64', accesses: [{ kind, seed, base, strides: [1] }] });
      const out = new Float64Array(n.readChunk(r.chunk).data);
      n.release(r.chunk);
      return out;
    };
    const base = 2 ** 36 - 45, len = 4000; // a head, SIMD batches and a tail
    const u = draw('uniform', base, len), z = draw('normal', base, len);
    let worst = 0;
    for (let j = 0; j < len; j++) {
      const i = base + j, upper = Math.floor(i / 16) % 2 === 1;
      expect(u[j]).toBe(unit(words(i, 0), upper));
      const w = words(i, 1);
      const r = Math.sqrt(-2 * Math.log(1 - unit(w, false))), t = 2 * Math.PI * unit(w, true);
      worst = Math.max(worst, Math.abs(z[j] - (upper ? r * Math.sin(t) : r * Math.cos(t))));
    }
    expect(worst).toBeLessThan(1e-14);
    expect(worst).toBeGreaterThan(0); // an independent implementation, not the same code
  });

  it('float64 exp, log, log1p, sin, cos and tan are faithfully rounded at every level: below 0.8 ulp of long double\'s result, numpy\'s special values, the same bits everywhere', () => {
    // The reference: build/tools/libm-ulps (native/tools/libm_ulps.cc) measures each result's error
    // in ulps against x86's 80-bit long double functions, themselves within ~0.001 ulp of a double.
    let seed = 12345;
    // A 32-bit LCG in integer arithmetic (a double product of two 31-bit numbers would round, and cycle early).
    const next = () => { seed = (Math.imul(seed, 1103515245) + 12345) >>> 0; return seed / 4294967296; };
    const pm = () => (next() < 0.5 ? -1 : 1);
    /** A value in a random binade 2^e, e in [lo, hi) (below -1022 they round to subnormals). */
    const binade = (lo: number, hi: number) => (1 + next()) * 2 ** Math.floor(lo + next() * (hi - lo));
    /** v and the doubles up to n ulps on either side of it. */
    const around = (v: number, n: number) => {
      const b = new DataView(new ArrayBuffer(8));
      b.setFloat64(0, v);
      const bits = b.getBigInt64(0), out: number[] = [];
      for (let j = -n; j <= n; j++) { b.setBigInt64(0, bits + BigInt(j)); out.push(b.getFloat64(0)); }
      return out;
    };
    const repeat = (count: number, f: () => number) => Array.from({ length: count }, f);
    const SPECIAL = [0, -0, Infinity, -Infinity, NaN, 2 ** -1074, -(2 ** -1074), 2 ** -1022, Number.MAX_VALUE, -Number.MAX_VALUE];
    type Fn = 'exp' | 'log' | 'log1p' | 'sin' | 'cos' | 'tan';
    // exp: the whole finite range, tiny arguments, results in the subnormals, next to k ln 2 and the
    // overflow / underflow / subnormal thresholds.
    const ex = [...SPECIAL, 1e-300, -1e-20, 0.5 * Math.LN2, ...around(709.782712893384, 3), ...around(-745.1332191019412, 3),
      ...around(-708.3964185322641, 3), ...around(-745.1332191019411, 3), -740, -744.44007192138122,
      ...repeat(4000, () => next() * 1456 - 746), ...repeat(1500, () => pm() * binade(-1074, -10)),
      ...repeat(1500, () => -745.2 + next() * 36.9), ...repeat(300, () => Math.round(next() * 2100 - 1075) * Math.LN2).flatMap((v) => around(v, 2))];
    // log: every binade (subnormals too), near 1, around sqrt(2) and sqrt(1/2) (the reduction's edges).
    const lx = [...SPECIAL, -1, 1, 2 ** -1040, ...around(1, 4), ...around(Math.SQRT2, 4), ...around(Math.SQRT1_2, 4),
      ...repeat(3000, () => binade(-1074, 1024)), ...repeat(1500, () => 1 + (next() - 0.5) * 2 ** -Math.floor(next() * 53)),
      ...repeat(1500, () => 0.7 + next() * 0.72)];
    // log1p: tiny (where it is x), small of both signs, around 0, near -1, large, and the edges.
    const px = [...SPECIAL, -1, -2, ...around(-1, 2), 1e-20, -1e-17, 1e300, 1, -0.5, ...around(2 ** -54, 2), ...around(-(2 ** -54), 2),
      ...around(Math.SQRT2 - 1, 4), ...around(Math.SQRT1_2 - 1, 4), ...repeat(1500, () => pm() * binade(-60, -1)),
      ...repeat(1500, () => next() * 11 - 1), ...repeat(1000, () => -1 + binade(-53, -1)), ...repeat(1000, () => binade(0, 1024)),
      ...repeat(1000, () => -0.3 + next() * 0.72)];
    // sin, cos, tan: small, moderate, up to the reduction's 2^14 and beyond (libm), next to multiples
    // of pi/2, and the doubles below 2^14 nearest to one (45.553093477052 is within 2^-60.5 of 29 pi/2).
    const tx = [...SPECIAL, 1e-300, -1e-8, Math.PI / 4, ...around(16384, 2), -16384.5, 1e6, -1e300, 2 ** 60,
      ...[29, 58, 116, 232, 464, 928, 1856, 3712].flatMap((k) => around(k * (Math.PI / 2), 1)).flatMap((v) => [v, -v]),
      ...repeat(1500, () => (next() - 0.5) * (Math.PI / 2)), ...repeat(1500, () => (next() - 0.5) * 40),
      ...repeat(1500, () => (next() - 0.5) * 32768), ...repeat(500, () => pm() * binade(-1074, -3)),
      ...repeat(400, () => Math.round((next() - 0.5) * 20860) * (Math.PI / 2)).flatMap((v) => around(v, 2)),
      ...repeat(500, () => pm() * binade(14, 60))];
    const inputs: Record<Fn, number[]> = { exp: ex, log: lx, log1p: px, sin: tx, cos: tx, tan: tx };

    const apply = (op: Fn, xs: number[]) => {
      const id = n.putChunk({ dtype: 'float64', shape: [xs.length], data: Float64Array.from(xs) });
      const program = n.registerProgram({ nregs: 2, result: 1, resultType: 'f64', code: [['load', 'f64', 0, 0, -1, -1, 0], [op, 'f64', 1, 0, -1, -1, 0]] });
      const r = run({ kind: 'map', program, iterShape: [xs.length], outShape: [xs.length], outDtype: 'float64', accesses: [{ kind: 'chunk', dtype: 'float64', dep: 0, base: 0, strides: [1] }] }, [id]);
      const out = new Float64Array(n.readChunk(r.chunk).data);
      n.release(r.chunk); n.release(id); n.dropProgram(program);
      return out;
    };
    const dir = mkdtempSync(join(tmpdir(), 'libm-ulps-'));
    const ulps = (op: Fn, xs: number[], got: Float64Array) => {
      const pairs = new Float64Array(2 * xs.length);
      xs.forEach((x, i) => { pairs[2 * i] = x; pairs[2 * i + 1] = got[i]; });
      writeFileSync(join(dir, 'pairs'), pairs);
      execFileSync(LIBM_ULPS, [op, join(dir, 'pairs'), join(dir, 'errors')]);
      return new Float64Array(readFileSync(join(dir, 'errors')).buffer.slice(0));
    };
    const worst: string[] = [], failures: string[] = [];
    for (const op of Object.keys(inputs) as Fn[]) {
      const xs = inputs[op];
      let reference: Float64Array | undefined;
      for (const level of ['scalar', ...levels.filter((l) => l !== 'scalar')]) {
        n.setSimdLevel(level);
        const got = apply(op, xs);
        if (!reference) reference = got;
        else if (!Buffer.from(got.buffer).equals(Buffer.from(reference.buffer))) failures.push(`${op} at ${level} differs from the scalar level`);
        const err = ulps(op, xs, got);
        let i = 0;
        err.forEach((e, j) => { if (e > err[i]) i = j; });
        worst.push(`${op} ${level} ${err[i].toFixed(3)}`);
        if (!(err[i] < 0.8)) failures.push(`${op}(${xs[i]}) at ${level} = ${got[i]}: ${err[i]} ulp`);
      }
    }
    n.setSimdLevel(initial);
    rmSync(dir, { recursive: true, force: true });
    expect(failures, `worst errors in ulps: ${worst.join(', ')}`).toEqual([]);
  });

  it('float64 pow is within 1.1 ulp of long double\'s powl at every level, with the same bits everywhere and C99\'s special values', () => {
    let seed = 4242;
    // A 32-bit LCG in integer arithmetic (a double product of two 31-bit numbers would round, and cycle early).
    const next = () => { seed = (Math.imul(seed, 1103515245) + 12345) >>> 0; return seed / 4294967296; };
    const pm = () => (next() < 0.5 ? -1 : 1);
    const binade = (lo: number, hi: number) => (1 + next()) * 2 ** Math.floor(lo + next() * (hi - lo));
    const pairs: [number, number][] = [];
    const add = (count: number, f: () => [number, number]) => { for (let i = 0; i < count; i++) pairs.push(f()); };
    // Specials: zeros, negatives (integer and not), infinities, NaN, subnormal x, 1 and NaN, x^0.
    const S = [0, -0, 1, -1, 2, -2, 0.5, -0.5, 3, -3, Infinity, -Infinity, NaN, 2 ** -1074, 2 ** -1022, 1.5, -1.5, Number.MAX_VALUE];
    for (const x of S) for (const y of S) pairs.push([x, y]);
    // Every binade of x, exponents small to large (results over the whole normal range, and beyond it).
    add(4000, () => [binade(-1022, 1024), pm() * binade(-30, 4)]);
    add(3000, () => [binade(-1022, 1024), pm() * next() * 1.5]);
    add(3000, () => { const x = binade(-40, 40); return [x, pm() * next() * 700 / Math.abs(Math.log(x))]; });
    // x near 1 with large y (where log x's own accuracy counts most), the thresholds of overflow and
    // underflow, subnormal results, exact cases (2^10, 10^3, 0.25^0.5) and negative x with integer y.
    add(2000, () => [1 + pm() * binade(-52, -8), pm() * next() * 1e9]);
    add(1000, () => { const x = 1 + next(); return [x, (pm() * (700 + next() * 50)) / Math.log(x)]; });
    add(500, () => [-binade(-8, 8), Math.round(pm() * next() * 60)]);
    pairs.push([2, 10], [10, 3], [0.25, 0.5], [2, -1074], [2, 1023], [2, 1024], [2, -1075], [0.5, 1074], [10, 308], [10, -323]);
    const xs = Float64Array.from(pairs, (p) => p[0]), ys = Float64Array.from(pairs, (p) => p[1]);
    const a = n.putChunk({ dtype: 'float64', shape: [xs.length], data: xs }), b = n.putChunk({ dtype: 'float64', shape: [ys.length], data: ys });
    const apply = () => {
      const program = n.registerProgram({ nregs: 3, result: 2, resultType: 'f64', code: [['load', 'f64', 0, 0, -1, -1, 0], ['load', 'f64', 1, 1, -1, -1, 0], ['pow', 'f64', 2, 0, 1, -1, 0]] });
      const r = run({ kind: 'map', program, iterShape: [xs.length], outShape: [xs.length], outDtype: 'float64', accesses: [0, 1].map((dep) => ({ kind: 'chunk', dtype: 'float64', dep, base: 0, strides: [1] })) }, [a, b]);
      const out = new Float64Array(n.readChunk(r.chunk).data);
      n.release(r.chunk); n.dropProgram(program);
      return out;
    };
    const dir = mkdtempSync(join(tmpdir(), 'libm-ulps-'));
    const failures: string[] = [], worst: string[] = [];
    let reference: Float64Array | undefined;
    for (const level of ['scalar', ...levels.filter((l) => l !== 'scalar')]) {
      n.setSimdLevel(level);
      const got = apply();
      if (!reference) reference = got;
      else if (!Buffer.from(got.buffer).equals(Buffer.from(reference.buffer))) failures.push(`pow at ${level} differs from the scalar level`);
      const triples = new Float64Array(3 * xs.length);
      xs.forEach((x, i) => { triples[3 * i] = x; triples[3 * i + 1] = ys[i]; triples[3 * i + 2] = got[i]; });
      writeFileSync(join(dir, 'triples'), triples);
      execFileSync(LIBM_ULPS, ['pow', join(dir, 'triples'), join(dir, 'errors')]);
      const err = new Float64Array(readFileSync(join(dir, 'errors')).buffer.slice(0));
      let i = 0;
      err.forEach((e, j) => { if (e > err[i]) i = j; });
      worst.push(`${level} ${err[i].toFixed(3)}`);
      err.forEach((e, j) => { if (!(e <= 1.1)) failures.push(`pow(${xs[j]}, ${ys[j]}) at ${level} = ${got[j]}: ${e} ulp`); });
      // What numpy gives: C99's pow, exactly, wherever the result is exact or special.
      pairs.forEach(([x, y], j) => {
        // JavaScript's pow but for C99's (and numpy's) pow(1, y) = 1 for any y, and pow(-1, +-inf) = 1.
        const want = x === 1 || (x === -1 && !Number.isFinite(y) && !Number.isNaN(y)) ? 1 : Math.pow(x, y);
        if ((!Number.isFinite(want) || want === 0 || Number.isInteger(Math.log2(Math.abs(want)))) && !Object.is(got[j], want)
          && !(Number.isNaN(want) && Number.isNaN(got[j]))) failures.push(`pow(${x}, ${y}) at ${level} = ${got[j]}, not ${want}`);
      });
    }
    n.setSimdLevel(initial);
    n.release(a); n.release(b);
    rmSync(dir, { recursive: true, force: true });
    expect(failures.slice(0, 20), `worst errors in ulps: ${worst.join(', ')}`).toEqual([]);
  });

  it('float32 exp, log, log1p, sin, cos and tan are the float64 kernels rounded once: the float32 nearest the exact value, the same bits at every level', () => {
    let seed = 777;
    // A 32-bit LCG in integer arithmetic (a double product of two 31-bit numbers would round, and cycle early).
    const next = () => { seed = (Math.imul(seed, 1103515245) + 12345) >>> 0; return seed / 4294967296; };
    const repeat = (count: number, f: () => number) => Array.from({ length: count }, () => Math.fround(f()));
    const SPECIAL = [0, -0, Infinity, -Infinity, NaN, 2 ** -149, -(2 ** -149), 2 ** -126, 3.4028234663852886e38];
    type Fn = 'exp' | 'log' | 'log1p' | 'sin' | 'cos' | 'tan';
    // exp: into the float32 overflow (above 88.72) and the subnormals (below -87.3); the others over their ranges.
    const inputs: Record<Fn, number[]> = {
      exp: [...SPECIAL, 88.72283172607422, 88.72284, -103.97, -104, -110, ...repeat(3000, () => next() * 210 - 110)],
      log: [...SPECIAL, 1, -1, ...repeat(3000, () => (1 + next()) * 2 ** Math.floor(next() * 276 - 149))],
      log1p: [...SPECIAL, -1, -2, 1e-30, ...repeat(3000, () => next() * 11 - 1), ...repeat(500, () => (next() - 0.5) * 2 ** -Math.floor(next() * 60))],
      sin: [...SPECIAL, ...repeat(3000, () => (next() - 0.5) * 2 ** Math.floor(next() * 40))],
      cos: [...SPECIAL, ...repeat(3000, () => (next() - 0.5) * 2 ** Math.floor(next() * 40))],
      tan: [...SPECIAL, ...repeat(3000, () => (next() - 0.5) * 2 ** Math.floor(next() * 40))],
    };
    const apply = (op: Fn, xs: number[]) => {
      const id = n.putChunk({ dtype: 'float32', shape: [xs.length], data: Float32Array.from(xs) });
      const program = n.registerProgram({ nregs: 2, result: 1, resultType: 'f32', code: [['load', 'f32', 0, 0, -1, -1, 0], [op, 'f32', 1, 0, -1, -1, 0]] });
      const r = run({ kind: 'map', program, iterShape: [xs.length], outShape: [xs.length], outDtype: 'float32', accesses: [{ kind: 'chunk', dtype: 'float32', dep: 0, base: 0, strides: [1] }] }, [id]);
      const out = new Float32Array(n.readChunk(r.chunk).data);
      n.release(r.chunk); n.release(id); n.dropProgram(program);
      return out;
    };
    const failures: string[] = [];
    for (const op of Object.keys(inputs) as Fn[]) {
      const xs = inputs[op];
      // JavaScript's float64 functions (within 1 ulp of their own) rounded once to float32: where
      // the two float64 results straddle a float32 tie, the neighbours are both right.
      const want = xs.map((x) => Math.fround(Math[op](x)));
      let reference: Float32Array | undefined;
      for (const level of ['scalar', ...levels.filter((l) => l !== 'scalar')]) {
        n.setSimdLevel(level);
        const got = apply(op, xs);
        if (!reference) reference = got;
        else if (!Buffer.from(got.buffer).equals(Buffer.from(reference.buffer))) failures.push(`${op} at ${level} differs from the scalar level`);
        let off = 0;
        got.forEach((g, i) => {
          if (Object.is(g, want[i])) return;
          const next32 = (v: number, d: number) => { const b = new Float32Array([v]); new Int32Array(b.buffer)[0] += (v < 0 ? -d : d); return b[0]; };
          if (Number.isFinite(g) && Number.isFinite(want[i]) && (g === next32(want[i], 1) || g === next32(want[i], -1))) off++;
          else failures.push(`${op}(${xs[i]}) at ${level} = ${g}, float32 of float64: ${want[i]}`);
        });
        if (off > xs.length / 1000) failures.push(`${op} at ${level}: ${off} of ${xs.length} results a float32 ulp off`);
      }
    }
    n.setSimdLevel(initial);
    expect(failures.slice(0, 20)).toEqual([]);
  });

  it('float32 pow is the float32 nearest the exact value, with C99\'s special values and the same bits at every level', () => {
    let seed = 99;
    // A 32-bit LCG in integer arithmetic (a double product of two 31-bit numbers would round, and cycle early).
    const next = () => { seed = (Math.imul(seed, 1103515245) + 12345) >>> 0; return seed / 4294967296; };
    const pm = () => (next() < 0.5 ? -1 : 1);
    const S = [0, -0, 1, -1, 2, -2, 0.5, -3, Infinity, -Infinity, NaN, 2 ** -149, 3.4028234663852886e38];
    const pairs: [number, number][] = S.flatMap((x) => S.map((y): [number, number] => [x, y]));
    for (let i = 0; i < 4000; i++) pairs.push([Math.fround((1 + next()) * 2 ** Math.floor(next() * 200 - 100)), Math.fround(pm() * next() * 8)]);
    for (let i = 0; i < 500; i++) pairs.push([Math.fround(-(1 + next()) * 4), Math.round(pm() * next() * 40)]);
    const xs = Float32Array.from(pairs, (p) => p[0]), ys = Float32Array.from(pairs, (p) => p[1]);
    const c99 = (x: number, y: number) => (x === 1 || (x === -1 && !Number.isFinite(y) && !Number.isNaN(y)) ? 1 : Math.pow(x, y));
    const want = Array.from(xs, (x, i) => Math.fround(c99(x, ys[i])));
    const a = n.putChunk({ dtype: 'float32', shape: [xs.length], data: xs }), b = n.putChunk({ dtype: 'float32', shape: [ys.length], data: ys });
    const failures: string[] = [];
    let reference: Float32Array | undefined;
    for (const level of ['scalar', ...levels.filter((l) => l !== 'scalar')]) {
      n.setSimdLevel(level);
      const program = n.registerProgram({ nregs: 3, result: 2, resultType: 'f32', code: [['load', 'f32', 0, 0, -1, -1, 0], ['load', 'f32', 1, 1, -1, -1, 0], ['pow', 'f32', 2, 0, 1, -1, 0]] });
      const r = run({ kind: 'map', program, iterShape: [xs.length], outShape: [xs.length], outDtype: 'float32', accesses: [0, 1].map((dep) => ({ kind: 'chunk', dtype: 'float32', dep, base: 0, strides: [1] })) }, [a, b]);
      const got = new Float32Array(n.readChunk(r.chunk).data);
      n.release(r.chunk); n.dropProgram(program);
      if (!reference) reference = got;
      else if (!Buffer.from(got.buffer).equals(Buffer.from(reference.buffer))) failures.push(`pow at ${level} differs from the scalar level`);
      let off = 0;
      got.forEach((g, i) => {
        if (Object.is(g, want[i]) || (Number.isNaN(g) && Number.isNaN(want[i]))) return;
        if (Number.isFinite(g) && Math.abs(g - want[i]) <= Math.abs(want[i]) * 2 ** -23) off++;
        else failures.push(`pow(${xs[i]}, ${ys[i]}) at ${level} = ${g}, not ${want[i]}`);
      });
      if (off > xs.length / 1000) failures.push(`pow at ${level}: ${off} of ${xs.length} results a float32 ulp off`);
    }
    n.setSimdLevel(initial);
    n.release(a); n.release(b);
    expect(failures.slice(0, 20)).toEqual([]);
  });

  it('a strided draw equals the same elements of a contiguous draw (chunking independence)', () => {
    const draw = (base: number, stride: number, len: number) => {
      const program = n.registerProgram({ nregs: 1, result: 0, resultType: 'f64', code: [['load', 'f64', 0, 0, -1, -1, 0]] });
      const r = run({ kind: 'map', program, iterShape: [len], outShape: [len], outDtype: 'float64', accesses: [{ kind: 'normal', seed: 5, base, strides: [stride] }] });
      const out = new Float64Array(n.readChunk(r.chunk).data);
      n.release(r.chunk);
      return out;
    };
    const all = draw(0, 1, 3000);
    const odd = draw(33, 1, 500);
    const every3 = draw(5, 3, 900);
    for (let i = 0; i < 500; i++) expect(odd[i]).toBe(all[33 + i]);
    for (let i = 0; i < 900; i++) expect(every3[i]).toBe(all[5 + 3 * i]);
  });

  it('reductions (whole-block and per-slot paths) are bit-identical at every level', () => {
    const kinds: [string, CTypeName][] = [
      ['sum', 'f64'], ['sum', 'i64'], ['sum', 'u64'], ['prod', 'f64'], ['mean', 'f64'], ['var', 'f64'], ['min', 'f64'], ['max', 'f64'],
      ['min', 'i64'], ['max', 'u64'], ['argmin', 'f64'], ['argmax', 'i64'], ['any', 'i64'], ['all', 'i64'], ['count_nonzero', 'i64'],
    ];
    const rows = 30, cols = 50; // LEN elements as a 30 x 50 matrix
    for (const [reduce, acc] of kinds) {
      const id = chunkOf(acc, 3);
      for (const reduced of [[1, 1], [1, 0], [0, 1]]) {
        sameAtEveryLevel(`${reduce} ${acc} over ${reduced}`, () => {
          // any/all/count_nonzero take 0/1 values: compare with zero first, as the planner does.
          const truthy = ['any', 'all', 'count_nonzero'].includes(reduce);
          const code: Instruction[] = truthy
            ? [['load', acc, 0, 0, -1, -1, 0], ['const', acc, 1, -1, -1, -1, 0], ['ne', acc, 2, 0, 1, -1, 0]]
            : [['load', acc, 0, 0, -1, -1, 0]];
          const program = n.registerProgram({ nregs: 3, result: truthy ? 2 : 0, resultType: acc, code });
          const r = run({
            kind: 'reduce', program, iterShape: [rows, cols], reduced, indexBase: 0, indexStrides: reduced[0] && reduced[1] ? [cols, 1] : reduced[0] ? [1, 0] : [0, 1],
            accesses: [{ kind: 'chunk', dtype: DTYPE_OF[acc], dep: 0, base: 0, strides: [cols, 1] }],
            reduce: reduce as 'sum', acc, ddof: 0, sqrt: false, outDtype: DTYPE_OF[acc], finalize: false,
          }, [id]);
          const out = new Uint8Array(n.readChunk(r.chunk).data);
          n.release(r.chunk);
          n.dropProgram(program);
          return out;
        });
      }
      n.release(id);
    }
  });

  it('variance over many 16 KB pieces (and a short rest) is bit-identical at every level and right', () => {
    // Longer than a block of the zero-copy path, with a mean far from zero (the case a one-pass
    // formula gets wrong): pieces, their overlapped second pass and Chan's merges all count.
    const len = 5 * 16 * 1024 + 2048 * 3 + 77;
    let s = 7;
    const data = new Float64Array(len);
    for (let i = 0; i < len; i++) { s = (s * 1103515245 + 12345) % 2147483648; data[i] = 1e6 + s / 2147483648; }
    const id = n.putChunk({ dtype: 'float64', shape: [len], data });
    const program = n.registerProgram({ nregs: 1, result: 0, resultType: 'f64', code: [['load', 'f64', 0, 0, -1, -1, 0]] });
    const variance = () => {
      const r = run({
        kind: 'reduce', program, iterShape: [len], reduced: [1], indexBase: 0, indexStrides: [0],
        accesses: [{ kind: 'chunk', dtype: 'float64', dep: 0, base: 0, strides: [1] }],
        reduce: 'var', acc: 'f64', ddof: 0, sqrt: false, outDtype: 'float64', finalize: true, outShape: [],
      }, [id]);
      const out = new Uint8Array(n.readChunk(r.chunk).data);
      n.release(r.chunk);
      return out;
    };
    sameAtEveryLevel('var over pieces', variance);
    const got = new Float64Array(variance().buffer)[0];
    let mean = 0;
    for (let i = 0; i < len; i++) mean += data[i];
    mean /= len;
    let m2 = 0;
    for (let i = 0; i < len; i++) m2 += (data[i] - mean) ** 2;
    expect(Math.abs(got - m2 / len) / (m2 / len)).toBeLessThan(1e-12);
    n.dropProgram(program);
    n.release(id);
  });

  it('matmul blocks at every level', () => {
    for (const ct of ['f64', 'f32', 'i64'] as CTypeName[]) {
      const a = chunkOf(ct, 11), b = chunkOf(ct, 12);
      sameAtEveryLevel(`matmul ${ct}`, () => {
        const r = run({
          kind: 'matmul', type: ct, m: 30, n: 30, k: [50], outDtype: DTYPE_OF[ct],
          a: [{ kind: 'chunk', dtype: DTYPE_OF[ct], dep: 0, base: 0, strides: [50, 1] }],
          b: [{ kind: 'chunk', dtype: DTYPE_OF[ct], dep: 1, base: 0, strides: [30, 1] }],
        }, [a, b]);
        const out = new Uint8Array(n.readChunk(r.chunk).data);
        n.release(r.chunk);
        return out;
      });
    }
  });

  it('the FFT stages (every radix, forward and backward, real and complex lines) give the same bits at every level, and a line the same bits whichever lines it is batched with', () => {
    // Lengths of every radix (4, 2, 3, 5, 7) and a mix; 11 lines: a batch of 8 and one of 3.
    for (const len of [64, 8, 27, 125, 49, 4 * 3 * 5 * 7 * 2]) {
      const lines = 11;
      const xs = Float64Array.from({ length: 2 * len * lines }, (_, i) => Math.sin(i * 0.61) * 3 + (i % 5) - 2);
      const id = n.putChunk({ dtype: 'float64', shape: [lines, len, 2], data: xs });
      const real = n.putChunk({ dtype: 'float64', shape: [lines, len], data: xs.subarray(0, len * lines) });
      const fft = (fn: 'c2c' | 'c2c_inverse' | 'r2c_full', count = lines, input = fn === 'r2c_full' ? real : id): Uint8Array => {
        const r = run({ kind: 'fft', fn, n: len, scale: 1, outDtype: 'float64', lines: count, nIn: len, shape: [count, len, 2] } as TaskSpec, [input]);
        const out = new Uint8Array(n.readChunk(r.chunk).data);
        n.release(r.chunk);
        return out;
      };
      for (const fn of ['c2c', 'c2c_inverse', 'r2c_full'] as const) {
        sameAtEveryLevel(`fft ${fn} of ${lines} lines of ${len}`, () => fft(fn));
        // The first line alone (a batch of one) is the first line of the eleven.
        const alone = n.putChunk({ dtype: 'float64', shape: fn === 'r2c_full' ? [1, len] : [1, len, 2], data: fn === 'r2c_full' ? xs.subarray(0, len) : xs.subarray(0, 2 * len) });
        const one = Buffer.from(fft(fn, 1, alone));
        expect(one.equals(Buffer.from(fft(fn)).subarray(0, one.length)), `fft ${fn} of one line of ${len}`).toBe(true);
        n.release(alone);
      }
      n.release(id);
      n.release(real);
    }
    n.setSimdLevel(initial);
  });
});
