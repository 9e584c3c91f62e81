/**
 * HDF5 in and out (issue #19, ADR 0034). h5py (Debian's python3-h5py) writes the input file in
 * every storage Tessera reads differently (contiguous and mapped, chunked and decoded by the
 * read tasks with deflate and shuffle, big-endian, chunks never written, a filter pipeline left
 * to the library) and reads back what `tessera run --out x.h5` writes; numpy over h5py's arrays
 * is the oracle, compared exactly (values and dtype).
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tessera } from './helpers/cli.js';
import { pythonWith } from './helpers/python.js';

const dir = mkdtempSync(join(tmpdir(), 'tessera-hdf5-'));
const input = join(dir, 'in.h5');

/** Runs Python with numpy and h5py; returns what it prints, parsed as JSON. */
function h5py<T>(code: string): T {
  const python = pythonWith('h5py', 'python3-h5py');
  return JSON.parse(execFileSync(python, ['-c', `import json, numpy as np, h5py\n${code}`], { encoding: 'utf8', maxBuffer: 64 * 2 ** 20 })) as T;
}

type RunResult = { outputs?: Record<string, { value?: unknown; values?: unknown; dtype?: string; shape?: number[]; path?: string; dataset?: string }>; error?: { code: string; message: string; hint: string }; stats?: { tasks: number } };

function run(datasets: object, outputs: Record<string, string>, out?: string): RunResult {
  const path = join(dir, `job-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(path, JSON.stringify({ tessera: 1, datasets, outputs }));
  return JSON.parse(tessera(['run', path, '--json', ...(out ? ['--out', out] : [])]).stdout) as RunResult;
}

/** The datasets of the input file, each written the way h5py users write them. */
const MEMBERS: Record<string, string> = {
  '/f64/gz': 'f64', '/f32/be': 'f32', '/ints/i16_gz': 'i16', '/ints/u64_shuffle': 'u64', '/ints/i64_be_gz': 'i64',
  '/flags': 'flags', '/sparse': 'sparse', '/checked': 'checked', '/scalar': 'scalar', '/cube': 'cube',
};

beforeAll(() => {
  h5py(`
rng = np.random.default_rng(19)
with h5py.File(${JSON.stringify(input)}, 'w') as f:
    f.create_dataset('/f64/gz', data=rng.standard_normal((1000, 37)), chunks=(128, 10), compression='gzip', shuffle=True)
    f.create_dataset('/f32/be', data=rng.standard_normal((300, 50)).astype('>f4'))
    f.create_dataset('/ints/i16_gz', data=rng.integers(-30000, 30000, 5000).astype(np.int16), chunks=(333,), compression='gzip', compression_opts=9)
    f.create_dataset('/ints/u64_shuffle', data=rng.integers(0, 2**64 - 1, (64, 33), dtype=np.uint64, endpoint=True), chunks=(10, 10), shuffle=True)
    f.create_dataset('/ints/i64_be_gz', data=rng.integers(-2**62, 2**62, 700).astype('>i8'), chunks=(64,), compression='gzip')
    f.create_dataset('/flags', data=rng.random(50) < 0.3, chunks=(7,))
    s = f.create_dataset('/sparse', shape=(1000,), chunks=(100,), dtype='f4', fillvalue=-1.5)
    s[250:420] = np.arange(170, dtype='f4')
    f.create_dataset('/checked', data=rng.random(500), chunks=(64,), fletcher32=True, compression='gzip')
    f.create_dataset('/cube', data=rng.integers(0, 255, (9, 20, 31)).astype(np.uint8), chunks=(4, 7, 8), compression='gzip', shuffle=True)
    f['/scalar'] = 3.25
    f['/half'] = np.ones(4, dtype='f2')
    f['/names'] = np.array([b'a', b'bc'])
print(0)`);
});

describe('HDF5 datasets', () => {
  it('reads every storage and dtype as h5py does, under any chunking, and writes outputs h5py reads back exactly', () => {
    const datasets: Record<string, object> = {};
    const outputs: Record<string, string> = {};
    const chunkings: Record<string, unknown> = { d: undefined, odd: 'odd', kb: '1KB' };
    for (const [member, name] of Object.entries(MEMBERS)) {
      for (const [tag, chunks] of Object.entries(chunkings)) {
        if (member === '/scalar' && tag !== 'd') continue;
        const spec: Record<string, unknown> = { hdf5: input, dataset: member };
        // odd: chunk sizes that cut across the file's chunks (7 along every dimension, rows of 3 for the cube)
        if (chunks === 'odd') spec.chunks = member === '/cube' ? [3, 7, 7] : 7;
        else if (chunks) spec.chunks = chunks;
        datasets[`${name}_${tag}`] = spec;
        outputs[`${name}_${tag}`] = `${name}_${tag}`;
      }
    }
    // Computed outputs over decoded chunks (reductions across chunk edges, a strided view, a mix of storages).
    Object.assign(outputs, {
      col_sums: 'f64_odd.sum(axis=0)', every_third: 'cube_kb[::3, 1:, -5:]', mixed: "f32_d[:37, :37].astype('float64') @ f64_d[:37]",
      sparse_total: 'sparse_d.sum()', flagged: 'i16_odd[:50][flags_d]',
    });
    const out = join(dir, 'read-all.h5');
    const got = run(datasets, outputs, out);
    expect(got.error).toBeUndefined();
    expect(got.outputs!.f64_d).toMatchObject({ path: out, dataset: '/f64_d', dtype: 'float64', shape: [1000, 37] });
    expect(readdirSync(dir).filter((f) => f.includes('.tmp-'))).toEqual([]);
    const verdict = h5py<Record<string, string>>(`
src = h5py.File(${JSON.stringify(input)}, 'r')
out = h5py.File(${JSON.stringify(out)}, 'r')
members = ${JSON.stringify(MEMBERS)}
bad = {}
def same(name, want):
    got = out[name][()]
    want = np.asarray(want)
    if got.dtype != want.dtype or got.shape != want.shape or not np.array_equal(got, want, equal_nan=True):
        bad[name] = f'{got.dtype}{got.shape} vs {want.dtype}{want.shape}'
for member, name in members.items():
    want = src[member][()]
    want = np.asarray(want).astype(np.asarray(want).dtype.newbyteorder('='))
    for tag in ('d', 'odd', 'kb'):
        if member == '/scalar' and tag != 'd': continue
        same(f'{name}_{tag}', want)
f64 = src['/f64/gz'][()]
cube = src['/cube'][()]
same('every_third', cube[::3, 1:, -5:])
same('flagged', src['/ints/i16_gz'][()][:50][src['/flags'][()]])
print(json.dumps(bad))`);
    expect(verdict).toEqual({});
    // Sums (compensated in Tessera) and the blocked matmul: within rounding.
    const close = h5py<{ col: number; total: number }>(`
src = h5py.File(${JSON.stringify(input)}, 'r'); out = h5py.File(${JSON.stringify(out)}, 'r')
print(json.dumps({'col': float(np.max(np.abs(out['col_sums'][()] - src['/f64/gz'][()].sum(axis=0)))), 'total': float(abs(out['sparse_total'][()] - src['/sparse'][()].astype(np.float64).sum()))}))`);
    expect(close.col).toBeLessThan(1e-11);
    expect(close.total).toBeLessThan(1e-2);
    const mixed = h5py<number>(`
src = h5py.File(${JSON.stringify(input)}, 'r'); out = h5py.File(${JSON.stringify(out)}, 'r')
want = src['/f32/be'][()][:37, :37].astype('float64') @ src['/f64/gz'][()][:37]
print(json.dumps(float(np.max(np.abs(out['mixed'][()] - want)))))`);
    expect(mixed).toBeLessThan(1e-12);
  });

  it('uses the file\'s chunks as the default chunking, grouped whole up to the auto size', () => {
    // 5000 int16 in chunks of 333: one task reads them all (10 KB); "1KB" groups 1 chunk (666 B) per task.
    const one = run({ a: { hdf5: input, dataset: '/ints/i16_gz' } }, { s: 'a.astype("int64").sum()' });
    const small = run({ a: { hdf5: input, dataset: '/ints/i16_gz', chunks: '1KB' } }, { s: 'a.astype("int64").sum()' });
    expect(one.outputs!.s.value).toBe(small.outputs!.s.value);
    expect(small.stats!.tasks - one.stats!.tasks).toBeGreaterThanOrEqual(14); // 16 read tasks (and their partial sums) instead of 1
    const want = h5py<number>(`print(json.dumps(int(h5py.File(${JSON.stringify(input)}, 'r')['/ints/i16_gz'][()].astype(np.int64).sum())))`);
    expect(one.outputs!.s.value).toBe(want);
  });

  it('refuses what it cannot read with typed errors that say what to do', () => {
    const typo = run({ a: { hdf5: input, dataset: '/f64/gzz' } }, { s: 'a.sum()' });
    expect(typo.error).toMatchObject({ code: 'HDF5_NO_DATASET' });
    expect(typo.error!.message).toContain("Did you mean: '/f64/gz'?");
    expect(run({ a: { hdf5: input, dataset: '/half' } }, { s: 'a.sum()' }).error).toMatchObject({ code: 'UNSUPPORTED_DTYPE', message: expect.stringContaining('float16') });
    expect(run({ a: { hdf5: input, dataset: '/names' } }, { s: 'a.sum()' }).error).toMatchObject({ code: 'UNSUPPORTED_DTYPE', message: expect.stringContaining('string') });
    expect(run({ a: { hdf5: input } }, { s: 'a.sum()' }).error).toMatchObject({ code: 'BAD_SPEC' });
    expect(run({ a: { hdf5: join(dir, 'missing.h5'), dataset: '/x' } }, { s: 'a.sum()' }).error).toMatchObject({ code: 'FILE_NOT_FOUND' });
    const text = join(dir, 'not.h5');
    writeFileSync(text, 'plain text, not HDF5\n'.repeat(100));
    expect(run({ a: { hdf5: text, dataset: '/x' } }, { s: 'a.sum()' }).error).toMatchObject({ code: 'HDF5_NOT_HDF5' });
    // A file cut short: its metadata or its chunks are missing, and the error says so.
    const cut = join(dir, 'cut.h5');
    copyFileSync(input, cut);
    truncateSync(cut, Math.floor(readFileSync(input).length * 0.6));
    const short = run({ a: { hdf5: cut, dataset: '/f64/gz' }, b: { hdf5: cut, dataset: '/cube' } }, { s: 'a.sum() + b.sum()' });
    expect(short.error?.code).toMatch(/^HDF5_(CORRUPT|UNREADABLE|NOT_HDF5|NO_DATASET)$/);
    // Damaged bytes inside a gzip chunk: the decoder says the chunk does not inflate.
    const damaged = join(dir, 'damaged.h5');
    const at = h5py<number>(`
f = h5py.File(${JSON.stringify(input)}, 'r'); d = f['/f64/gz']
print(json.dumps(d.id.get_chunk_info(3).byte_offset + 40))`);
    const bytes = readFileSync(input);
    for (let k = 0; k < 64; k++) bytes[at + k] ^= 0x5a;
    writeFileSync(damaged, bytes);
    expect(run({ a: { hdf5: damaged, dataset: '/f64/gz' } }, { s: 'a.sum()' }).error).toMatchObject({ code: 'HDF5_CORRUPT', hint: expect.stringContaining('damaged') });
  });

  it('writes outputs of every dtype through a temporary file, and writes nothing when the job fails', () => {
    const out = join(dir, 'typed.h5');
    const got = run({ x: { random: 'uniform', shape: [4000, 30], seed: 3, chunks: [1000, 30] } }, {
      f32: "x.astype('float32')", i8: "(x * 200 - 100).astype('int8')", u16: "(x * 60000).astype('uint16')", b: 'x > 0.5', s: 'x.sum()', v: 'x.mean(axis=0)',
    }, out);
    expect(got.error).toBeUndefined();
    const seen = h5py<Record<string, [string, number[], number[] | null]>>(`
f = h5py.File(${JSON.stringify(out)}, 'r')
print(json.dumps({k: [str(f[k].dtype), list(f[k].shape), list(f[k].chunks) if f[k].chunks else None] for k in f}))`);
    expect(seen).toEqual({
      f32: ['float32', [4000, 30], [1000, 30]], i8: ['int8', [4000, 30], [1000, 30]], u16: ['uint16', [4000, 30], [1000, 30]], b: ['bool', [4000, 30], [1000, 30]],
      s: ['float64', [], null], v: ['float64', [30], [30]],
    });
    // The values: the same expressions over Tessera's x read back from a .npy of it.
    const npyDir = join(dir, 'x-npy');
    run({ x: { random: 'uniform', shape: [4000, 30], seed: 3, chunks: [1000, 30] } }, { x: 'x' }, npyDir);
    const agree = h5py<boolean>(`
x = np.load(${JSON.stringify(join(npyDir, 'x.npy'))}); f = h5py.File(${JSON.stringify(out)}, 'r')
ok = np.array_equal(f['f32'][()], x.astype('float32')) and np.array_equal(f['i8'][()], (x * 200 - 100).astype('int8'))
ok = ok and np.array_equal(f['u16'][()], (x * 60000).astype('uint16')) and np.array_equal(f['b'][()], x > 0.5)
print(json.dumps(bool(ok and abs(f['s'][()] - x.sum()) < 1e-8 and np.allclose(f['v'][()], x.mean(axis=0), rtol=1e-14, atol=0))))`);
    expect(agree).toBe(true);
    // Whole chunks go straight to their place in the file; chunks of an uneven grid (across the
    // file's chunks) and datasets of more than 8,192 chunks go through the library: all read back.
    const mixed = join(dir, 'mixed.h5');
    const grids = run({ x: { random: 'uniform', shape: [4000, 30], seed: 3, chunks: [[700, 1300, 2000], 30] }, w: { random: 'uniform', shape: [200, 100], seed: 4, chunks: [1, 2] } },
      { uneven: 'x * 2', many: 'w + 1', whole: 'w[:, :50] * 3' }, mixed);
    expect(grids.error).toBeUndefined();
    run({ w: { random: 'uniform', shape: [200, 100], seed: 4, chunks: [1, 2] } }, { w: 'w' }, npyDir);
    const same = h5py<boolean[]>(`
x = np.load(${JSON.stringify(join(npyDir, 'x.npy'))}); w = np.load(${JSON.stringify(join(npyDir, 'w.npy'))}); f = h5py.File(${JSON.stringify(mixed)}, 'r')
print(json.dumps([bool(np.array_equal(f['uneven'][()], x * 2)), bool(np.array_equal(f['many'][()], w + 1)), bool(np.array_equal(f['whole'][()], w[:, :50] * 3)),
                  list(f['uneven'].chunks) == [2000, 30], f['many'].id.get_num_chunks() == 10000]))`);
    expect(same).toEqual([true, true, true, true, true]);
    // A job that fails after writing began leaves neither the file nor its temporary.
    const failed = join(dir, 'failed.h5');
    const r = run({ x: { random: 'uniform', shape: [4000, 30], seed: 3, chunks: [1000, 30] }, a: { hdf5: join(dir, 'damaged.h5'), dataset: '/f64/gz' } }, { y: 'x * 2', z: 'a * 2' }, failed);
    expect(r.error?.code).toBe('HDF5_CORRUPT');
    expect(existsSync(failed)).toBe(false);
    expect(readdirSync(dir).filter((f) => f.startsWith('failed.h5'))).toEqual([]);
    // Tables and bags need a folder.
    writeFileSync(join(dir, 't.csv'), 'a,b\n1,2\n3,4\n');
    const tables = run({ t: { csv: join(dir, 't.csv') } }, { h: 't.head()' }, join(dir, 't.h5'));
    expect(tables.error).toMatchObject({ code: 'BAD_OPTION', message: expect.stringContaining("'h' is not an array output") });
  });

  it('reads what needs care: reshapes, a userblock, n-bit precision, 64-bit fill values, many chunks; refuses data in other files', () => {
    const f = (name: string) => join(dir, name);
    h5py(`
import numpy as np
with h5py.File(${JSON.stringify(f('ub.h5'))}, 'w', userblock_size=4096) as g:
    g.create_dataset('k', data=np.arange(40.0).reshape(8, 5) * 3, chunks=(3, 2))
    g.create_dataset('z', data=np.arange(40.0).reshape(8, 5), chunks=(3, 2), compression='gzip')
with h5py.File(${JSON.stringify(f('special.h5'))}, 'w') as g:
    t = h5py.h5t.STD_I32LE.copy(); t.set_precision(12)
    sp = h5py.h5s.create_simple((6,))
    d = h5py.h5d.create(g.id, b'prec12', t, sp)
    d.write(h5py.h5s.ALL, h5py.h5s.ALL, np.array([-191, 0, 5, -1, 2047, -2048], dtype=np.int32))
    big = g.create_dataset('big', shape=(30,), chunks=(10,), dtype='i8', fillvalue=2**62 + 1)
    big[:10] = 7
    ubig = g.create_dataset('ubig', shape=(30,), chunks=(10,), dtype='u8', fillvalue=2**64 - 1)
    ubig[10:20] = 3
    g.create_dataset('many', data=np.arange(200000, dtype=np.int32), chunks=(10,))
    g['link'] = h5py.ExternalLink(${JSON.stringify(f('in.h5'))}, '/f64/gz')
    g.create_dataset('ext', shape=(8,), dtype='f8', external=[(${JSON.stringify(f('raw.bin'))}, 0, h5py.h5f.UNLIMITED)])
print(0)`);
    const got = run({
      k: { hdf5: f('ub.h5'), dataset: 'k' }, z: { hdf5: f('ub.h5'), dataset: 'z' }, p: { hdf5: f('special.h5'), dataset: 'prec12' },
      b: { hdf5: f('special.h5'), dataset: 'big' }, u: { hdf5: f('special.h5'), dataset: 'ubig' }, m: { hdf5: f('special.h5'), dataset: 'many' },
      g: { hdf5: input, dataset: '/f64/gz' },
    }, { k: 'k.reshape(5, 8)', z: 'z.ravel()[7:12]', p: 'p', b: 'b[8:12]', u: 'u[8:12]', m: 'm.astype("int64").sum()', g: 'g.reshape(-1, 100)[3, :4]' });
    expect(got.error).toBeUndefined();
    const want = h5py<Record<string, unknown>>(`
g = h5py.File(${JSON.stringify(f('ub.h5'))}, 'r'); s = h5py.File(${JSON.stringify(f('special.h5'))}, 'r'); i = h5py.File(${JSON.stringify(input)}, 'r')
print(json.dumps({'k': g['k'][()].reshape(5, 8).tolist(), 'z': g['z'][()].ravel()[7:12].tolist(), 'p': s['prec12'][()].tolist(),
  'b': [str(v) for v in s['big'][8:12]], 'u': [str(v) for v in s['ubig'][8:12]], 'm': int(s['many'][()].astype(np.int64).sum()),
  'g': i['/f64/gz'][()].reshape(-1, 100)[3, :4].tolist()}))`);
    const o = got.outputs!;
    expect(o.k.values).toEqual(want.k);
    expect(o.z.values).toEqual(want.z);
    expect(o.p.values).toEqual(want.p);
    expect((o.b.values as unknown[]).map(String)).toEqual(want.b);
    expect((o.u.values as unknown[]).map(String)).toEqual(want.u);
    expect(o.m.value).toBe(want.m);
    expect(o.g.values).toEqual(want.g);
    expect(run({ l: { hdf5: f('special.h5'), dataset: 'link' } }, { s: 'l.sum()' }).error).toMatchObject({ code: 'UNSUPPORTED', message: expect.stringContaining('external link into') });
    expect(run({ e: { hdf5: f('special.h5'), dataset: 'ext' } }, { s: 'e.sum()' }).error).toMatchObject({ code: 'UNSUPPORTED', message: expect.stringContaining('other files') });
    // An existing folder is not an HDF5 output: refused before anything runs.
    mkdirSync(f('folder.h5'));
    expect(run({ x: { arange: [0, 10] } }, { y: 'x' }, f('folder.h5')).error).toMatchObject({ code: 'BAD_OPTION', message: expect.stringContaining('is a folder') });
  });

  it('tessera inspect lists a file\'s datasets with dtype, shape, layout and filters', () => {
    const info = JSON.parse(tessera(['inspect', input, '--json']).stdout) as { kind: string; datasets: { name: string; dtype: string | null; type: string; shape: number[]; layout: string; chunks: number[]; filters: string[] }[] };
    expect(info).toMatchObject({ kind: 'store', format: 'hdf5' });
    const byName = Object.fromEntries(info.datasets.map((d) => [d.name, d]));
    expect(Object.keys(byName)).toEqual([...Object.keys(MEMBERS), '/half', '/names'].sort());
    expect(byName['/f64/gz']).toMatchObject({ dtype: 'float64', shape: [1000, 37], layout: 'chunked', chunks: [128, 10], filters: ['shuffle', 'gzip'] });
    expect(byName['/f32/be']).toMatchObject({ dtype: 'float32', layout: 'contiguous' });
    expect(byName['/half']).toMatchObject({ dtype: null, type: 'float16' });
    expect(byName['/flags']).toMatchObject({ dtype: 'bool' });
    const text = tessera(['inspect', input]).stdout;
    expect(text).toMatch(/\/checked\s+float64\s+\(500\)\s+chunks \(64\) (fletcher32\+gzip|gzip\+fletcher32)\n/);
    expect(text).toMatch(/\/f32\/be\s+float32\s+\(300, 50\)\s+contiguous\n/);
  });
});
