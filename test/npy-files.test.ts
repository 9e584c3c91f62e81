/**
 * A folder or glob of .npy files as one array (issue #19): stacked along a new axis or
 * concatenated along an existing one, in name order, a chunk per file unless "chunks" says
 * otherwise; numpy's np.stack / np.concatenate over the same files is the oracle. Files that do
 * not fit together are refused naming the odd file.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tessera } from './helpers/cli.js';
import { expectClose } from './helpers/compare.js';
import { numpy, PY_TOJSON } from './helpers/numpy.js';

const dir = mkdtempSync(join(tmpdir(), 'tessera-npy-files-'));
const frames = join(dir, 'frames');

beforeAll(() => {
  mkdirSync(frames);
  // 12 frames of (30, 20) float32, named so that name order is the frames' order; one .txt beside them.
  numpy(`rng = np.random.default_rng(7)
for i in range(12): np.save(${JSON.stringify(frames)} + f'/f{i:02d}.npy', rng.standard_normal((30, 20)).astype(np.float32) * (i + 1))
print(0)`);
  writeFileSync(join(frames, 'notes.txt'), 'not an array');
});

function run(datasets: object, outputs: Record<string, string>): { outputs?: Record<string, { value?: unknown; values?: unknown; shape?: number[]; dtype?: string }>; stats?: { tasks: number }; error?: { code: string; message: string; hint: string } } {
  const path = join(dir, `job-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(path, JSON.stringify({ tessera: 1, datasets, outputs }));
  return JSON.parse(tessera(['run', path, '--json']).stdout);
}

const ORACLE = `${PY_TOJSON}
import glob
xs = [np.load(f) for f in sorted(glob.glob(${JSON.stringify(join(frames, '*.npy'))}))]
s = np.stack(xs)
c = np.concatenate(xs, axis=1)
print(json.dumps({'total': float(s.astype(np.float64).sum()), 'frame_std': tojson(s.std(axis=(1, 2))), 'pixel_max': tojson(s.max(axis=0)[0]),
  'c_shape': list(c.shape), 'c_rows': tojson(c.astype(np.float64).sum(axis=1)), 's3': tojson(np.stack(xs, axis=-1)[2, 3])}))`;

describe('a folder or glob of .npy files as one array', () => {
  it('stacks and concatenates the files in name order as numpy does, a chunk per file unless chunks say otherwise', () => {
    const want = numpy<{ total: number; frame_std: number[]; pixel_max: number[]; c_shape: number[]; c_rows: number[]; s3: number[] }>(ORACLE);
    const got = run(
      { s: { npy: join(frames, '*.npy'), stack: 0 }, c: { npy: frames, concatenate: 1 }, last: { npy: 'frames', stack: -1, chunks: [10, 20, 6] } },
      { total: "s.astype('float64').sum()", frame_std: 's.std(axis=(1, 2))', pixel_max: 's.max(axis=0)[0]', c_shape: 'c.shape[1]', c_rows: "c.astype('float64').sum(axis=1)", s3: 'last[2, 3]' },
    );
    expect(got.error).toBeUndefined();
    const o = got.outputs!;
    expectClose(o.total.value as number, want.total, 1e-12);
    expectClose(o.frame_std.values, want.frame_std, 1e-6);
    expect(o.pixel_max.values).toEqual(want.pixel_max);
    expect(o.c_shape.value).toBe(want.c_shape[1]);
    expectClose(o.c_rows.values, want.c_rows, 1e-12);
    expect(o.s3.values).toEqual(want.s3);
    expect(o.frame_std.dtype).toBe('float32');
  });

  it('makes one chunk per file by default', () => {
    const r = run({ s: { npy: join(frames, 'f0*.npy'), stack: 0 } }, { n: 's.sum()' });
    // f00..f09: ten files, ten reading tasks, then the sum's combine.
    expect(r.stats!.tasks).toBeGreaterThanOrEqual(10);
    expect(r.stats!.tasks).toBeLessThan(20);
    const one = run({ s: { npy: join(frames, 'f0*.npy'), stack: 0, chunks: [-1, -1, -1] } }, { n: 's.sum()' });
    expectClose(one.outputs!.n.value as number, r.outputs!.n.value as number, 1e-6);
    expect(one.stats!.tasks).toBeLessThan(r.stats!.tasks);
  });

  it('refuses files that do not fit together, naming the odd one, and a spec that does not say how to join', () => {
    const odd = join(dir, 'odd');
    mkdirSync(odd);
    numpy(`np.save(${JSON.stringify(join(odd, 'a.npy'))}, np.zeros((4, 5))); np.save(${JSON.stringify(join(odd, 'b.npy'))}, np.zeros((4, 6))); np.save(${JSON.stringify(join(odd, 'c.npy'))}, np.zeros((4, 5), dtype=np.int32)); print(0)`);
    const mismatch = run({ s: { npy: join(odd, '*.npy'), stack: 0 } }, { n: 's.sum()' });
    expect(mismatch.error?.code).toMatch(/SHAPE_MISMATCH|BAD_DATASET/);
    expect(mismatch.error?.message).toMatch(/[bc]\.npy/);
    const concat = run({ s: { npy: join(odd, '*.npy'), concatenate: 1 } }, { n: 's.sum()' });
    expect(concat.error).toMatchObject({ code: 'BAD_DATASET' });
    expect(concat.error?.message).toContain('c.npy holds int32');
    expect(run({ s: { npy: frames, stack: 0, concatenate: 0 } }, { n: 's.sum()' }).error).toMatchObject({ code: 'BAD_SPEC' });
    expect(run({ s: { npy: frames, stack: 'first' } }, { n: 's.sum()' }).error).toMatchObject({ code: 'BAD_SPEC' });
    expect(run({ s: { npy: join(dir, 'nowhere', '*.npy'), stack: 0 } }, { n: 's.sum()' }).error).toMatchObject({ code: 'FILE_NOT_FOUND' });
    expect(run({ s: { npy: join(frames, '*.npz'), stack: 0 } }, { n: 's.sum()' }).error).toMatchObject({ code: 'FILE_NOT_FOUND' });
    expect(run({ s: { npy: frames, stack: 4 } }, { n: 's.sum()' }).error?.message).toMatch(/axis 4/);
    // A pattern or a folder without "stack" or "concatenate": the error says to add one.
    for (const [npy, code] of [[join(frames, '*.npy'), 'BAD_SPEC'], [frames, 'NOT_A_FILE']]) {
      const e = run({ s: { npy } }, { n: 's.sum()' }).error;
      expect(e).toMatchObject({ code });
      expect(e?.hint).toContain('"stack": 0');
    }
  });
});
