/**
 * .npy reading: format versions 1.0, 2.0 and 3.0, C and Fortran order, every numeric dtype and
 * bool, both byte orders; raw binary files; and the errors a broken file gets.
 */
import { writeFileSync, readFileSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../dist/src-main/engine/engine.js';
import { inspectFile } from '../dist/src-main/collections/array/files.js';
import { TesseraError } from '../dist/src-main/engine/errors.js';
import { numpy } from './helpers/numpy.js';
import { runSpec, tempDir, values } from './helpers/engine.js';
import { expectClose } from './helpers/compare.js';

let engine: Engine;
beforeAll(async () => { engine = await Engine.start({ workers: 2 }); });
afterAll(async () => { await engine.close(); });

const DTYPES = ['<f8', '>f8', '<f4', '>f4', '<i8', '>i8', '<i4', '>i4', '<i2', '>i2', '|i1', '<u8', '>u8', '<u4', '>u4', '<u2', '>u2', '|u1', '|b1'];

describe('.npy files', () => {
  it('reads every dtype in both byte orders, C and Fortran order, versions 1.0, 2.0 and 3.0', async () => {
    const dir = tempDir();
    const expected = numpy<Record<string, { sum: unknown; row: unknown; dtype: string }>>(`
from numpy.lib import format as fmt
out = {}
for i, code in enumerate(${JSON.stringify(DTYPES)}):
    base = (np.arange(6 * 7).reshape(6, 7) * (3 if code[1] != 'b' else 1) - (20 if code[1] == 'i' or code[1] == 'f' else 0))
    a = (base % 2 == 0) if code[1] == 'b' else base.astype(code)
    for order in ('C', 'F'):
        for version in ((1, 0), (2, 0), (3, 0)):
            name = f"d{i}_{order}_{version[0]}"
            arr = np.asfortranarray(a) if order == 'F' else np.ascontiguousarray(a)
            with open(${JSON.stringify(dir)} + '/' + name + '.npy', 'wb') as f:
                fmt.write_array(f, arr, version=version)
            s = a.sum()
            out[name] = {"sum": int(s) if a.dtype.kind in 'iub' else float(s), "row": a[2, ::-2].tolist(), "dtype": a.dtype.newbyteorder('=').name if a.dtype.kind != 'b' else 'bool'}
print(json.dumps(out))
`);
    const names = Object.keys(expected);
    const datasets = Object.fromEntries(names.map((k) => [k, { npy: `${k}.npy`, chunks: [4, 3] }]));
    const outputs: Record<string, string> = {};
    for (const k of names) { outputs[`${k}_sum`] = `${k}.sum()`; outputs[`${k}_row`] = `${k}[2, ::-2]`; }
    const r = await runSpec(engine, { datasets, outputs }, dir);
    const v = values(r);
    for (const k of names) {
      expectClose(v[`${k}_sum`], expected[k].sum, 1e-12, `${k} sum`);
      expect(v[`${k}_row`], `${k} row`).toEqual(expected[k].row);
      expect(r.outputs.find((o) => o.name === `${k}_row`)!.dtype, `${k} dtype`).toBe(expected[k].dtype);
    }
  });

  it('inspect reports kind, dtype, shape, bytes and suggested chunks aligned to the file order', async () => {
    const dir = tempDir();
    numpy(`np.save(${JSON.stringify(join(dir, 'c.npy'))}, np.zeros((4000, 3000)))
np.save(${JSON.stringify(join(dir, 'f.npy'))}, np.asfortranarray(np.zeros((4000, 3000), dtype=np.float32)))
print(1)`);
    const c = await inspectFile(join(dir, 'c.npy'));
    expect(c).toMatchObject({ kind: 'array', format: 'npy', dtype: 'float64', shape: [4000, 3000], order: 'C', dataBytes: 96_000_000 });
    expect(c.bytes).toBe(96_000_128);
    expect(c.suggestedChunks[1]).toEqual([3000]);      // whole rows: contiguous on disk
    expect(c.suggestedChunks[0].length).toBeGreaterThan(1);
    const f = await inspectFile(join(dir, 'f.npy'));
    expect(f.order).toBe('F');
    expect(f.suggestedChunks[0]).toEqual([4000]);      // whole columns for Fortran order
  });

  async function expectError(spec: Parameters<typeof runSpec>[1], dir: string, code: string, ...parts: RegExp[]): Promise<TesseraError> {
    const err = await runSpec(engine, spec, dir).then(() => null, (e) => e);
    expect(err).toBeInstanceOf(TesseraError);
    expect(err.code).toBe(code);
    for (const p of parts) expect(err.message).toMatch(p);
    expect(err.hint.length).toBeGreaterThan(0);
    return err;
  }

  it('a truncated .npy names the bytes expected and found', async () => {
    const dir = tempDir();
    numpy(`np.save(${JSON.stringify(join(dir, 't.npy'))}, np.arange(1000.0))\nprint(1)`);
    truncateSync(join(dir, 't.npy'), 5000);
    await expectError({ datasets: { t: { npy: 't.npy' } }, outputs: { s: 't.sum()' } }, dir, 'NPY_TRUNCATED', /8128/, /5000/);
    truncateSync(join(dir, 't.npy'), 50);
    await expectError({ datasets: { t: { npy: 't.npy' } }, outputs: { s: 't.sum()' } }, dir, 'NPY_TRUNCATED');
  });

  it('bad magic, unsupported dtypes, empty and missing files get typed errors', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'bad.npy'), 'this is not numpy');
    writeFileSync(join(dir, 'empty.npy'), '');
    numpy(`np.save(${JSON.stringify(join(dir, 'c.npy'))}, np.arange(4) + 1j)
np.save(${JSON.stringify(join(dir, 's.npy'))}, np.array(['a', 'b']))
np.save(${JSON.stringify(join(dir, 'h.npy'))}, np.arange(4, dtype=np.float16))
print(1)`);
    await expectError({ datasets: { x: { npy: 'bad.npy' } }, outputs: { s: 'x.sum()' } }, dir, 'NPY_BAD_MAGIC');
    await expectError({ datasets: { x: { npy: 'c.npy' } }, outputs: { s: 'x.sum()' } }, dir, 'UNSUPPORTED_DTYPE', /c16/);
    await expectError({ datasets: { x: { npy: 's.npy' } }, outputs: { s: 'x.sum()' } }, dir, 'UNSUPPORTED_DTYPE');
    await expectError({ datasets: { x: { npy: 'h.npy' } }, outputs: { s: 'x.sum()' } }, dir, 'UNSUPPORTED_DTYPE', /f2/);
    await expectError({ datasets: { x: { npy: 'empty.npy' } }, outputs: { s: 'x.sum()' } }, dir, 'NPY_TRUNCATED');
    await expectError({ datasets: { x: { npy: 'nope.npy' } }, outputs: { s: 'x.sum()' } }, dir, 'FILE_NOT_FOUND', /nope\.npy/);
  });

  it('raw binary with a given dtype, shape, order and byte order', async () => {
    const dir = tempDir();
    const want = numpy<{ s: number; col: number[]; t: number[] }>(`a = np.arange(40 * 25, dtype=np.float64).reshape(40, 25) / 7
a.tofile(${JSON.stringify(join(dir, 'r.f64'))})
a.astype('>i4').tofile(${JSON.stringify(join(dir, 'r.i4be'))})
np.asfortranarray(a).T.copy().tofile(${JSON.stringify(join(dir, 'f.f64'))})
print(json.dumps({"s": float(a[:, 5].std(ddof=1)), "col": a[::7, 3].tolist(), "t": a.astype('>i4')[3, :6].astype(int).tolist()}))`);
    const r = await runSpec(engine, {
      datasets: {
        r: { raw: 'r.f64', dtype: 'float64', shape: [40, 25], chunks: 'auto' },
        b: { raw: 'r.i4be', dtype: 'int32', shape: [40, 25], byteorder: 'big', chunks: [7, 25] },
        f: { raw: 'f.f64', dtype: 'float64', shape: [40, 25], order: 'F', chunks: [40, 6] },
      },
      outputs: { s: 'r[:, 5].std(ddof=1)', col: 'f[::7, 3]', t: 'b[3, :6]' },
    }, dir);
    const v = values(r);
    expectClose(v.s, want.s, 1e-12);
    expectClose(v.col, want.col, 1e-12);
    expect(v.t).toEqual(want.t);
    await expectError({ datasets: { r: { raw: 'r.f64', dtype: 'float64', shape: [41, 25] } }, outputs: { s: 'r.sum()' } }, dir, 'FILE_TRUNCATED', /8200/, /8000/);
    await expectError({ datasets: { r: { raw: 'r.f64', dtype: 'complex128', shape: [40, 25] } }, outputs: { s: 'r.sum()' } }, dir, 'BAD_DTYPE');
  });

  it('raw binary whose data starts at an odd byte offset (values read unaligned, as np.frombuffer does)', async () => {
    const dir = tempDir();
    const want = numpy<{ s: number; m: number; a: number; p: number[] }>(`x = np.arange(1000, dtype=np.int64) * 3 - 700
y = np.linspace(-2, 5, 999)
open(${JSON.stringify(join(dir, 'odd.bin'))}, 'wb').write(b'\\x07' + x.tobytes() + b'\\x00\\x00' + y.tobytes())
print(json.dumps({"s": int(x.sum()), "m": int(x.argmax()), "a": float(np.abs(y).mean()), "p": (x[::100] * 2).tolist()}))`);
    const r = await runSpec(engine, {
      datasets: {
        x: { raw: 'odd.bin', dtype: 'int64', shape: [1000], offset: 1, chunks: [300] },
        y: { raw: 'odd.bin', dtype: 'float64', shape: [999], offset: 8003, chunks: [250] },
      },
      outputs: { s: 'x.sum()', m: 'x.argmax()', a: 'abs(y).mean()', p: 'x[::100] * 2' },
    }, dir);
    const v = values(r);
    expect(v.s).toBe(want.s);
    expect(v.m).toBe(want.m);
    expectClose(v.a, want.a, 1e-12);
    expect(v.p).toEqual(want.p);
  });

  it('input files are never modified', async () => {
    const dir = tempDir();
    numpy(`np.save(${JSON.stringify(join(dir, 'a.npy'))}, np.arange(50000.0))\nprint(1)`);
    const before = readFileSync(join(dir, 'a.npy'));
    await runSpec(engine, { datasets: { a: { npy: 'a.npy', chunks: [7000] } }, outputs: { b: 'a * 2 + 1', s: 'a.sum()' } }, dir);
    expect(readFileSync(join(dir, 'a.npy')).equals(before)).toBe(true);
  });
});
