/**
 * flip, squeeze, expand_dims, swapaxes, moveaxis, outer and diff (issue #19) against numpy:
 * generated cases over shapes (length-1 and empty axes too), dtypes, chunkings and arguments,
 * negative axes included, all outputs of one job per batch; and numpy's errors for bad axes.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tessera } from './helpers/cli.js';
import { tempDir } from './helpers/engine.js';
import { numpy, PY_TOJSON } from './helpers/numpy.js';

const dir = tempDir();

/** A small deterministic generator (the same cases on every run). */
function rng(seed: number) {
  let s = seed;
  const next = () => { s = (s * 1103515245 + 12345) % 2147483648; return s / 2147483648; };
  return { int: (n: number) => Math.floor(next() * n), pick: <T>(xs: T[]) => xs[Math.floor(next() * xs.length)], next };
}

interface Case { expr: string }

function cases(seed: number, count: number): { datasets: Record<string, object>; py: string; cases: Case[] } {
  const r = rng(seed);
  const datasets: Record<string, object> = {};
  const py: string[] = [];
  const out: Case[] = [];
  for (let k = 0; k < count; k++) {
    const nd = 1 + r.int(3);
    const shape = Array.from({ length: nd }, () => r.pick([1, 1, 2, 3, 5, 7, 0]));
    const dtype = r.pick(['float64', 'int64', 'int8', 'bool', 'float32', 'uint16']);
    const name = `a${k}`;
    const n = shape.reduce((p, q) => p * q, 1);
    datasets[name] = { npy: `${name}.npy`, chunks: shape.map((d) => Math.max(1, r.int(d + 1))) };
    py.push(`np.save('${name}.npy', (np.random.default_rng(${k}).standard_normal(${n}) * 50).astype('${dtype}').reshape(${JSON.stringify(shape)}) if '${dtype}' != 'bool' else (np.random.default_rng(${k}).random(${n}) > 0.5).reshape(${JSON.stringify(shape)}))`);
    const ax = (m: number) => r.int(2 * m) - m; // -m .. m-1
    const form = r.pick(['flip', 'flip_all', 'squeeze', 'squeeze_m', 'expand', 'swap', 'swap_m', 'move', 'outer', 'diff', 'diff2']);
    const other = `a${r.int(k + 1)}`;
    const expr = {
      flip: `flip(${name}, ${ax(nd)})`, flip_all: `flip(${name})`, squeeze: `squeeze(${name})`, squeeze_m: `${name}.squeeze()`,
      expand: `expand_dims(${name}, ${ax(nd + 1)})`, swap: `swapaxes(${name}, ${ax(nd)}, ${ax(nd)})`, swap_m: `${name}.swapaxes(${ax(nd)}, ${ax(nd)})`,
      move: `moveaxis(${name}, ${ax(nd)}, ${ax(nd)})`, outer: `outer(${name}, ${other})`, diff: `diff(${name}, axis=${ax(nd)})`, diff2: `diff(${name}, 2, ${ax(nd)})`,
    }[form]!;
    // Reduced to a few numbers so a job's output stays small, the arrangement still counted: a
    // weighted sum by position tells any permutation apart.
    out.push({ expr });
  }
  return { datasets, py: py.join('\n'), cases: out };
}

describe('flip, squeeze, expand_dims, swapaxes, moveaxis, outer and diff as numpy', () => {
  for (const seed of [1, 2, 3]) {
    it(`agrees with numpy on 40 generated cases (seed ${seed})`, () => {
      const { datasets, py, cases: cs } = cases(seed, 40);
      const sub = join(dir, `s${seed}`);
      numpy(`import os\nos.makedirs(${JSON.stringify(sub)}, exist_ok=True)\nos.chdir(${JSON.stringify(sub)})\n${py}\nprint(0)`);
      const outputs = Object.fromEntries(cs.map((c, i) => [`o${i}`, c.expr]));
      const spec = join(sub, 'job.json');
      writeFileSync(spec, JSON.stringify({ tessera: 1, datasets, outputs }));
      const run = tessera(['run', spec, '--json', '--workers', String(1 + (seed % 3))]);
      const got = JSON.parse(run.stdout) as { outputs?: Record<string, { dtype: string; shape?: number[]; values?: unknown; value?: unknown }>; error?: unknown };
      expect(got.error, run.stderr).toBeUndefined();
      const want = numpy<Record<string, { dtype: string; shape: number[]; values: unknown }>>(`${PY_TOJSON}
import os
os.chdir(${JSON.stringify(sub)})
ns = {k: np.load(k + '.npy') for k in ${JSON.stringify(Object.keys(datasets))}}
ns.update({n: getattr(np, n) for n in ('flip', 'squeeze', 'expand_dims', 'swapaxes', 'moveaxis', 'outer', 'diff')})
out = {}
for k, e in ${JSON.stringify(outputs)}.items():
    v = np.asarray(eval(e, ns))
    out[k] = {'dtype': str(v.dtype), 'shape': list(v.shape), 'values': tojson(v)}
print(json.dumps(out))`);
      for (const [k, w] of Object.entries(want)) {
        const g = got.outputs![k];
        const label = `${k} = ${outputs[k]}`;
        expect(g.dtype, label).toBe(w.dtype);
        expect(g.shape ?? [], label).toEqual(w.shape);
        const values = g.values ?? g.value;
        expect(JSON.parse(JSON.stringify(values, (_k, v) => (typeof v === 'number' && Number.isNaN(v) ? 'nan' : v))), label).toEqual(w.values);
      }
    }, 120_000);
  }

  it('raises numpy\'s errors for axes out of range, repeated axes, squeezing a longer axis and a negative diff order', () => {
    const spec = (outputs: Record<string, string>) => {
      const p = join(dir, `err-${Math.random().toString(36).slice(2)}.json`);
      writeFileSync(p, JSON.stringify({ tessera: 1, datasets: { x: { arange: [0, 12] } }, outputs }));
      return JSON.parse(tessera(['run', p, '--json']).stdout).error as { code: string; message: string };
    };
    expect(spec({ o: 'flip(x.reshape(3, 4), 2)' }).code).toBe('AXIS_ERROR');
    expect(spec({ o: 'flip(x.reshape(3, 4), (0, 0))' }).message).toContain('repeated');
    expect(spec({ o: 'squeeze(x.reshape(1, 12), 1)' }).code).toBe('VALUE_ERROR');
    expect(spec({ o: 'expand_dims(x, 3)' }).code).toBe('AXIS_ERROR');
    expect(spec({ o: 'diff(x, -1)' }).code).toBe('VALUE_ERROR');
    expect(spec({ o: 'diff(x.sum())' }).message).toContain('at least one dimensional');
    expect(spec({ o: 'moveaxis(x.reshape(3, 4), (0, 1), 0)' }).code).toBe('VALUE_ERROR');
    // moveaxis pairs its axes in the order given (not sorted).
    const p = join(dir, 'move.json');
    writeFileSync(p, JSON.stringify({ tessera: 1, datasets: { x: { arange: [0, 24] } }, outputs: { o: 'moveaxis(x.reshape(2, 3, 4), (2, 0), (0, 1)).shape[0]' } }));
    expect(JSON.parse(tessera(['run', p, '--json']).stdout).outputs.o.value).toBe(4);
  });
});
