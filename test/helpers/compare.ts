/**
 * Runs the same numpy expressions in Tessera and in numpy (on the same .npy inputs, made by
 * numpy) and compares dtype, shape and values.
 */
import { join } from 'node:path';
import { expect } from 'vitest';
import type { Engine } from '../../dist/src-main/engine/engine.js';
import { numpy, PY_TOJSON } from './numpy.js';
import { runSpec, tempDir } from './engine.js';

export interface OracleResult {
  dtype: string;
  shape: number[];
  values: unknown;
}

function flatten(v: unknown, out: unknown[] = []): unknown[] {
  if (Array.isArray(v)) for (const x of v) flatten(x, out);
  else out.push(v);
  return out;
}

/**
 * Closeness for floats, normwise for arrays: every element within rtol * max|expected| (the
 * error of x - mean(x) scales with |x|, not with the difference); exact for everything else.
 */
export function expectClose(actual: unknown, expected: unknown, rtol: number, path = ''): void {
  if (Array.isArray(expected)) expect(JSON.stringify(shapeOf(actual)), `${path}: nested shape`).toBe(JSON.stringify(shapeOf(expected)));
  const a = flatten(actual), e = flatten(expected);
  expect(a.length, `${path}: element count`).toBe(e.length);
  const scale = Math.max(1e-300, ...e.map((x) => (typeof x === 'number' ? Math.abs(x) : 0)));
  e.forEach((x, i) => {
    const y = a[i];
    if (typeof x === 'number' && typeof y === 'number' && rtol > 0) {
      const tol = rtol * (Array.isArray(expected) ? scale : Math.max(Math.abs(x), 1e-300));
      if (!(Math.abs(y - x) <= tol)) expect(y, `${path}[${i}]: |${y} - ${x}| > ${tol}`).toBe(x);
    } else if (y !== x) {
      expect(y, `${path}[${i}]`).toEqual(x);
    }
  });
}

function shapeOf(v: unknown): number[] {
  const s: number[] = [];
  while (Array.isArray(v)) { s.push(v.length); v = v[0]; }
  return s;
}

export interface CompareCase {
  /** Python code that defines the input arrays (numpy as np), e.g. "a = np.arange(12.).reshape(3, 4)". */
  setup: string;
  /** Input names and their Tessera chunks. */
  inputs: Record<string, unknown>;
  exprs: Record<string, string>;
  rtol?: number;
}

export async function compareWithNumpy(engine: Engine, c: CompareCase): Promise<void> {
  const dir = tempDir();
  const names = Object.keys(c.inputs);
  numpy(`${c.setup}\n${names.map((n) => `np.save(${JSON.stringify(join(dir, `${n}.npy`))}, ${n})`).join('\n')}\nprint(1)`);
  const datasets = Object.fromEntries(names.map((n) => [n, { npy: `${n}.npy`, chunks: c.inputs[n] }]));
  const result = await runSpec(engine, { datasets, outputs: c.exprs }, dir);
  const expected = numpy<Record<string, OracleResult>>(`${PY_TOJSON}
from numpy import *
round = np.round
rechunk = lambda x, chunks: x
env = {k: np.load(${JSON.stringify(dir)} + '/' + k + '.npy') for k in ${JSON.stringify(names)}}
exprs = ${JSON.stringify(c.exprs)}
out = {}
for name, src in exprs.items():
    if name in ${JSON.stringify(result.outputs.filter((o) => o.kind === 'array' && o.path).map((o) => o.name))}: continue
    with np.errstate(all='ignore'):
        v = np.asarray(eval(src, globals(), env))
    out[name] = {"dtype": str(v.dtype), "shape": list(v.shape), "values": tojson(v)}
print(json.dumps(out))
`);
  // Every expected output, in the order the case gives them: one Tessera left out is a failure.
  expect(result.outputs.map((o) => o.name).sort(), 'Tessera returns every output').toEqual(Object.keys(c.exprs).sort());
  for (const o of result.outputs) {
    if (o.kind === 'array' && o.path) {
      // Written to a .npy file: numpy loads it and compares it with its own result.
      const check = numpy<{ ok: boolean; detail: string }>(`
from numpy import *
rechunk = lambda x, chunks: x
env = {k: np.load(${JSON.stringify(dir)} + '/' + k + '.npy') for k in ${JSON.stringify(names)}}
want = np.asarray(eval(${JSON.stringify(c.exprs[o.name])}, globals(), env))
got = np.load(${JSON.stringify(o.path)})
ok = got.dtype == want.dtype and got.shape == want.shape and (np.allclose(got, want, rtol=0, atol=${c.rtol ?? 1e-12} * np.nanmax(np.abs(want)), equal_nan=True) if got.dtype.kind == 'f' else np.array_equal(got, want))
print(json.dumps({"ok": bool(ok), "detail": f"{got.dtype} {got.shape} vs {want.dtype} {want.shape}"}))
`);
      expect(check.ok, `${o.name} = ${c.exprs[o.name]} (file ${o.path}): ${check.detail}`).toBe(true);
      continue;
    }
    const e = expected[o.name];
    const label = `${o.name} = ${c.exprs[o.name]}`;
    expect(e, `${label}: numpy has no result for it`).toBeDefined();
    expect(o.dtype, `${label}: dtype`).toBe(e.dtype);
    const shape = o.kind === 'scalar' ? [] : o.shape;
    expect(shape, `${label}: shape`).toEqual(e.shape);
    const actual = o.kind === 'scalar' ? o.value : o.values;
    const rtol = c.rtol ?? (o.dtype.startsWith('float') ? (o.dtype === 'float32' ? 1e-6 : 1e-12) : 0);
    expectClose(actual, e.values, rtol, label);
  }
}
