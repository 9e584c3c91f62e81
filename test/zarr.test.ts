/**
 * Zarr v2 in and out (issue #19, ADR 0035). Debian's python3-zarr writes a group with an array per
 * compressor Tessera reads (blosc, zlib, gzip, zstd, none), big-endian, chunks never written (the
 * fill value), nested chunk keys; Tessera reads each under several chunkings and writes them back
 * with `--out x.zarr`, which zarr reads; numpy over zarr's arrays is the oracle, compared exactly.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tessera } from './helpers/cli.js';
import { pythonWith } from './helpers/python.js';

const dir = mkdtempSync(join(tmpdir(), 'tessera-zarr-'));
const store = join(dir, 'in.zarr');
const single = join(dir, 'single.zarr');

/** Runs Python with numpy and zarr; returns what it prints, parsed as JSON. */
function zarrPy<T>(code: string): T {
  const python = pythonWith('zarr', 'python3-zarr');
  return JSON.parse(execFileSync(python, ['-c', `import json, numpy as np, zarr, numcodecs\n${code}`], { encoding: 'utf8', maxBuffer: 64 * 2 ** 20 })) as T;
}

type RunResult = { outputs?: Record<string, { value?: unknown; values?: unknown; dtype?: string; shape?: number[]; path?: string; dataset?: string }>; error?: { code: string; message: string; hint: string }; stats?: { tasks: number } };

function run(datasets: object, outputs: Record<string, string>, out?: string): RunResult {
  const path = join(dir, `job-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(path, JSON.stringify({ tessera: 1, datasets, outputs }));
  return JSON.parse(tessera(['run', path, '--json', ...(out ? ['--out', out] : [])]).stdout) as RunResult;
}

const ARRAYS = ['blosc', 'zlib_be', 'gzip_bool', 'zstd_sparse', 'raw_nested', 'cube'];

beforeAll(() => {
  zarrPy(`
rng = np.random.default_rng(35)
g = zarr.open_group(${JSON.stringify(store)}, mode='w')
g.create_dataset('blosc', data=rng.standard_normal((1000, 37)), chunks=(128, 10))
g.create_dataset('zlib_be', data=rng.integers(-2**40, 2**40, 700).astype('>i8'), chunks=(64,), compressor=numcodecs.Zlib(level=6))
g.create_dataset('gzip_bool', data=rng.random(300) < 0.4, chunks=(7,), compressor=numcodecs.GZip())
s = g.create_dataset('zstd_sparse', shape=(1000,), chunks=(100,), dtype='f4', fill_value=-1.5, compressor=numcodecs.Zstd(level=3))
s[250:420] = np.arange(170, dtype='f4')
g.create_dataset('raw_nested', data=np.arange(24 * 10, dtype='u2').reshape(24, 10), chunks=(5, 4), compressor=None, dimension_separator='/')
g.create_dataset('sub/cube', data=rng.integers(0, 255, (9, 20, 31)).astype(np.uint8), chunks=(4, 7, 8))
g.create_dataset('half', data=np.ones(4, dtype='f2'))
zarr.save_array(${JSON.stringify(single)}, np.linspace(0, 1, 1001))
print(0)`);
});

describe('Zarr stores', () => {
  it('reads every compressor and dtype as zarr does, under any chunking, and writes a store zarr reads back exactly', () => {
    const datasets: Record<string, object> = {};
    const outputs: Record<string, string> = {};
    for (const name of ARRAYS) {
      const member = name === 'cube' ? 'sub/cube' : name;
      for (const [tag, chunks] of Object.entries({ d: undefined, odd: name === 'cube' ? [3, 7, 7] : 7, kb: '1KB' } as Record<string, unknown>)) {
        datasets[`${name}_${tag}`] = { zarr: store, dataset: member, ...(chunks === undefined ? {} : { chunks }) };
        outputs[`${name}_${tag}`] = `${name}_${tag}`;
      }
    }
    datasets.single = { zarr: single };
    outputs.single = 'single';
    outputs.strided = 'cube_kb[::3, 1:, -5:]';
    outputs.flagged = 'zlib_be_odd[:300][gzip_bool_d]';
    const out = join(dir, 'read-all.zarr');
    const got = run(datasets, outputs, out);
    expect(got.error).toBeUndefined();
    expect(got.outputs!.blosc_d).toMatchObject({ path: out, dataset: 'blosc_d', dtype: 'float64', shape: [1000, 37] });
    expect(readdirSync(dir).filter((f) => f.includes('.tmp-'))).toEqual([]);
    const bad = zarrPy<Record<string, string>>(`
src = zarr.open_group(${JSON.stringify(store)}, mode='r')
out = zarr.open_group(${JSON.stringify(out)}, mode='r')
bad = {}
def same(name, want):
    got = out[name][...]
    want = np.asarray(want)
    want = want.astype(want.dtype.newbyteorder('='))
    if got.dtype != want.dtype or got.shape != want.shape or not np.array_equal(got, want):
        bad[name] = f'{got.dtype}{got.shape} vs {want.dtype}{want.shape}'
for name in ${JSON.stringify(ARRAYS)}:
    want = src['sub/cube' if name == 'cube' else name][...]
    for tag in ('d', 'odd', 'kb'):
        same(f'{name}_{tag}', want)
same('single', zarr.open_array(${JSON.stringify(single)}, mode='r')[...])
same('strided', src['sub/cube'][...][::3, 1:, -5:])
same('flagged', src['zlib_be'][...][:300][src['gzip_bool'][...]])
print(json.dumps(bad))`);
    expect(bad).toEqual({});
  });

  it('uses the store\'s chunks as the default chunking, grouped whole up to the auto size', () => {
    const one = run({ a: { zarr: store, dataset: 'raw_nested' } }, { s: 'a.astype("int64").sum()' });
    const small = run({ a: { zarr: store, dataset: 'raw_nested', chunks: '40B' } }, { s: 'a.astype("int64").sum()' });
    expect(one.outputs!.s.value).toBe(small.outputs!.s.value);
    expect(one.outputs!.s.value).toBe((239 * 240) / 2);
    expect(small.stats!.tasks - one.stats!.tasks).toBeGreaterThanOrEqual(10); // 15 stored chunks of 40 bytes: a task each
  });

  it('writes an uneven grid as regular zarr chunks, and nothing when the job fails', () => {
    const out = join(dir, 'uneven.zarr');
    const got = run({ x: { arange: [0, 1000], chunks: [300] } }, { c: 'concatenate([x[:10], x[500:]])', t: 'x[x % 7 == 0]' }, out);
    expect(got.error).toBeUndefined();
    const seen = zarrPy<Record<string, [number[], number[], number]>>(`
g = zarr.open_group(${JSON.stringify(out)}, mode='r')
print(json.dumps({k: [list(g[k].shape), list(g[k].chunks), int(g[k][...].sum())] for k in g}))`);
    expect(seen.c[0]).toEqual([510]);
    expect(seen.c[2]).toBe(45 + (500 + 999) * 250);
    expect(seen.t[2]).toBe([...Array(1000).keys()].filter((i) => i % 7 === 0).reduce((a, b) => a + b, 0));
    // A failing job (a chunk file damaged) leaves neither the store nor its temporary folder.
    const damaged = join(dir, 'damaged.zarr');
    zarrPy(`
import shutil; shutil.copytree(${JSON.stringify(store)}, ${JSON.stringify(damaged)})
p = ${JSON.stringify(join(dir, 'damaged.zarr', 'blosc', '2.1'))}
b = bytearray(open(p, 'rb').read()); b[20:60] = bytes(40); open(p, 'wb').write(bytes(b[:len(b) // 2]))
print(0)`);
    const failed = join(dir, 'failed.zarr');
    const r = run({ x: { arange: [0, 1000], chunks: [300] }, a: { zarr: damaged, dataset: 'blosc' } }, { y: 'x * 2', z: 'a * 2' }, failed);
    expect(r.error).toMatchObject({ code: 'ZARR_CORRUPT', message: expect.stringContaining('2.1') });
    expect(existsSync(failed)).toBe(false);
    expect(readdirSync(dir).filter((f) => f.startsWith('failed.zarr'))).toEqual([]);
  });

  it('reshapes a store\'s array, keeps 64-bit fill values exact, and writes an output\'s largest chunk, not its first', () => {
    const big = join(dir, 'big.zarr');
    zarrPy(`
z = zarr.open_array(${JSON.stringify(big)}, mode='w', shape=(30,), chunks=(10,), dtype='i8', fill_value=2**62 + 1)
z[:10] = 7
print(0)`);
    const got = run({ a: { zarr: store, dataset: 'raw_nested' }, b: { zarr: big } }, { r: 'a.reshape(10, 24)[3, :6]', f: 'a.ravel()[50:54]', b: 'b[8:12]' });
    expect(got.error).toBeUndefined();
    const want = zarrPy<{ r: number[]; f: number[] }>(`a = zarr.open_group(${JSON.stringify(store)}, mode='r')['raw_nested'][...]
print(json.dumps({'r': a.reshape(10, 24)[3, :6].tolist(), 'f': a.ravel()[50:54].tolist()}))`);
    expect(got.outputs!.r.values).toEqual(want.r);
    expect(got.outputs!.f.values).toEqual(want.f);
    expect((got.outputs!.b.values as unknown[]).map(String)).toEqual(['7', '7', '4611686018427387905', '4611686018427387905']);
    // A mask's first chunk holds one element: the store's chunks are the largest, not one element each.
    const out = join(dir, 'masked.zarr');
    expect(run({ x: { arange: [0, 200000], chunks: [20000] } }, { f: 'x[(x == 0) | (x >= 20000)]' }, out).error).toBeUndefined();
    expect(zarrPy<number[]>(`print(json.dumps(list(zarr.open_group(${JSON.stringify(out)}, mode='r')['f'].chunks)))`)).toEqual([20000]);
  });

  it('refuses what it cannot read with typed errors that say what to do', () => {
    expect(run({ a: { zarr: store, dataset: '../single.zarr' } }, { s: 'a.sum()' }).error).toMatchObject({ code: 'BAD_SPEC', message: expect.stringContaining('not inside the store') });
    const notZarr = join(dir, 'photos.zarr');
    mkdirSync(notZarr);
    writeFileSync(join(notZarr, 'keep.txt'), 'precious');
    expect(run({ x: { arange: [0, 10] } }, { y: 'x' }, notZarr).error).toMatchObject({ code: 'BAD_OPTION', message: expect.stringContaining('not a Zarr store') });
    expect(readFileSync(join(notZarr, 'keep.txt'), 'utf8')).toBe('precious');
    const typo = run({ a: { zarr: store, dataset: 'blocs' } }, { s: 'a.sum()' });
    expect(typo.error).toMatchObject({ code: 'ZARR_NO_ARRAY' });
    expect(typo.error!.message).toContain("Did you mean: 'blosc'?");
    expect(run({ a: { zarr: store } }, { s: 'a.sum()' }).error).toMatchObject({ code: 'BAD_SPEC', message: expect.stringContaining('is a Zarr group') });
    expect(run({ a: { zarr: store, dataset: 'half' } }, { s: 'a.sum()' }).error).toMatchObject({ code: 'UNSUPPORTED_DTYPE', message: expect.stringContaining('<f2') });
    expect(run({ a: { zarr: join(dir, 'nope.zarr') } }, { s: 'a.sum()' }).error).toMatchObject({ code: 'FILE_NOT_FOUND' });
  });

  it('tessera inspect lists a store\'s arrays', () => {
    const info = JSON.parse(tessera(['inspect', store, '--json']).stdout) as { kind: string; format: string; datasets: { name: string; dtype: string | null; shape: number[]; chunks: number[]; filters: string[] }[] };
    expect(info).toMatchObject({ kind: 'store', format: 'zarr' });
    expect(info.datasets.map((d) => d.name)).toEqual(['blosc', 'gzip_bool', 'half', 'raw_nested', 'sub/cube', 'zlib_be', 'zstd_sparse']);
    expect(info.datasets[0]).toMatchObject({ dtype: 'float64', shape: [1000, 37], chunks: [128, 10], filters: ['blosc'] });
    expect(info.datasets.find((d) => d.name === 'half')).toMatchObject({ dtype: null });
    expect(tessera(['inspect', store]).stdout).toMatch(/raw_nested\s+uint16\s+\(24, 10\)\s+chunks \(5, 4\)\n/);
  });
});
