/**
 * The command line, run as a child process: the JSON result shape, the readable summary, exit
 * codes (0 done, 1 failed while running, 2 bad input, 130 cancelled), errors with their position
 * or task, the trace file, and Ctrl-C leaving no partial output.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { numpy } from './helpers/numpy.js';
import { tempDir } from './helpers/engine.js';
import { tessera, tesseraInterrupted } from './helpers/cli.js';

function writeSpec(dir: string, spec: object, name = 'job.json'): string {
  writeFileSync(join(dir, name), JSON.stringify({ tessera: 1, ...spec }));
  return name;
}

describe('tessera run', () => {
  it('prints one JSON object with outputs and stats (the issue\'s example spec)', () => {
    const dir = tempDir();
    numpy(`np.save(${JSON.stringify(join(dir, 'a.npy'))}, np.arange(1_000_000.0).reshape(1000, 1000) / 1e5)
np.arange(1_000_000.0).reshape(4000, 250).tofile(${JSON.stringify(join(dir, 'r.f64'))})
print(1)`);
    writeSpec(dir, {
      datasets: {
        x: { random: 'uniform', shape: [10_000_000], seed: 42, chunks: [1_000_000] },
        a: { npy: 'a.npy', chunks: [1000, 1000] },
        r: { raw: 'r.f64', dtype: 'float64', shape: [4000, 250], chunks: 'auto' },
      },
      outputs: { m: 'sqrt(x ** 2).mean()', centered: 'a - a.mean(axis=1, keepdims=True)', s: 'r[:, 5].std(ddof=1)', small: 'a[:2, :3]' },
    });
    const r = tessera(['run', 'job.json', '--json', '--out', 'OUT'], dir);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.outputs.m).toMatchObject({ kind: 'scalar', dtype: 'float64' });
    expect(Math.abs(j.outputs.m.value - 0.5)).toBeLessThan(1e-3);
    expect(j.outputs.centered).toEqual({ kind: 'array', dtype: 'float64', shape: [1000, 1000], path: join(dir, 'OUT', 'centered.npy') });
    expect(j.outputs.small).toEqual({ kind: 'array', dtype: 'float64', shape: [2, 3], values: [[0, 1e-5, 2e-5], [0.01, 0.01001, 0.01002]] });
    const want = numpy<number>(`r = np.arange(1_000_000.0).reshape(4000, 250)\nprint(json.dumps(float(r[:, 5].std(ddof=1))))`);
    expect(Math.abs(j.outputs.s.value - want) / want).toBeLessThan(1e-12);
    for (const k of ['tasks', 'wall_s', 'startup_s', 'peak_store_bytes', 'peak_rss_bytes']) expect(typeof j.stats[k]).toBe('number');
    expect(j.stats.tasks).toBeGreaterThan(10);
    const ok = numpy<boolean>(`a = np.load(${JSON.stringify(join(dir, 'a.npy'))})
c = np.load(${JSON.stringify(join(dir, 'OUT', 'centered.npy'))})
print(json.dumps(bool(np.allclose(c, a - a.mean(axis=1, keepdims=True), rtol=0, atol=1e-12 * np.abs(a).max()))))`);
    expect(ok).toBe(true);
  });

  it('prints a readable summary without --json, with the sync scheduler and one worker', () => {
    const dir = tempDir();
    writeSpec(dir, { outputs: { total: 'arange(100).sum()', v: 'arange(4) * 2.5' } });
    // A job this small runs on the main thread without starting the one worker asked for (engine.ts: lazyWorkers).
    for (const [extra, where] of [[['--scheduler', 'sync'], /tasks on 1 worker/], [['--workers', '1'], /tasks on this thread, one at a time \(a small job: no workers started\)/]] as const) {
      const r = tessera(['run', 'job.json', ...extra], dir);
      expect(r.status).toBe(0);
      expect(r.stdout).toContain('total  int64  4950');
      expect(r.stdout).toContain('v  float64  (4)\n[0.  2.5 5.  7.5]\n');
      expect(r.stderr).toMatch(where);
    }
  });

  it('prints arrays as numpy does: edge items around ... beyond 1,000 elements, aligned, wrapped; all values in --json', () => {
    const dir = tempDir();
    writeSpec(dir, { outputs: { big: 'arange(10000) / 3', grid: 'arange(6000).reshape(2000, 3)' } });
    const r = tessera(['run', 'job.json'], dir);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('big  float64  (10000)\n[0.00000000e+00 3.33333333e-01 6.66666667e-01 ... 3.33233333e+03\n 3.33266667e+03 3.33300000e+03]\n');
    expect(r.stdout).toContain('grid  int64  (2000, 3)\n[[   0    1    2]\n [   3    4    5]\n [   6    7    8]\n ...\n [5991 5992 5993]\n');
    expect(r.stdout.length).toBeLessThan(2000);
    const j = JSON.parse(tessera(['run', 'job.json', '--json'], dir).stdout);
    expect(j.outputs.big.values).toHaveLength(10000);
    // Edge cases numpy prints its own way: infinities, negative zeros, wide exponents, all-True bools, float32's shortest digits, empty arrays.
    writeSpec(dir, { outputs: { inf: '1 / (arange(3) - 1.0)', neg: '-(arange(3) * 1.0)', wide: 'arange(2) * 1e200 + 1e-5', yes: 'arange(3) >= 0', f32: '(arange(4) * 0.1).astype("float32")', empty: 'zeros((3, 0))' } }, 'edges.json');
    const edges = tessera(['run', 'edges.json'], dir).stdout;
    for (const [name, dtype, shape, text] of [['inf', 'float64', '(3)', '[-1. inf  1.]'], ['neg', 'float64', '(3)', '[-0. -1. -2.]'], ['wide', 'float64', '(2)', '[1.e-005 1.e+200]'],
      ['yes', 'bool', '(3)', '[ True  True  True]'], ['f32', 'float32', '(4)', '[0.  0.1 0.2 0.3]'], ['empty', 'float64', '(3, 0)', '[]']]) expect(edges).toContain(`${name}  ${dtype}  ${shape}\n${text}\n`);
  });

  it('prints generated arrays of every dtype, shape and magnitude exactly as numpy prints them', async () => {
    const { arrayText } = await import('../dist/src-main/hosts/cli/array-text.js');
    const cases = fc.sample(fc.record({
      dtype: fc.constantFrom('int64', 'float64', 'float32', 'bool'),
      shape: fc.oneof(fc.tuple(fc.integer({ min: 1, max: 1500 })), fc.tuple(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 40 })), fc.tuple(fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 14 }))),
      scale: fc.constantFrom(1, 1e-6, 1e-3, 0.5, 1e3, 1e7, 1e9),
      decimals: fc.constantFrom(0, 1, 2, 5, 12),
      seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
    }), { numRuns: 60, seed: 20261128 });
    const arrays = cases.map((c) => {
      let x = c.seed;
      const next = () => ((x = (x * 1103515245 + 12345) % 2147483648) / 2147483648);
      const n = c.shape.reduce((a, b) => a * b, 1);
      // (+ 0: JSON, which takes the values to numpy, writes -0 as 0.)
      const float = () => Number(((next() - 0.3) * c.scale).toFixed(c.decimals)) + 0;
      const flat = Array.from({ length: n }, () => (c.dtype === 'bool' ? next() < 0.5 : c.dtype === 'int64' ? Math.round((next() - 0.3) * c.scale * 1000) + 0 : c.dtype === 'float32' ? Math.fround(float()) : float()));
      return { ...c, flat };
    });
    const file = join(tempDir(), 'cases.json');
    writeFileSync(file, JSON.stringify(arrays.map(({ dtype, shape, flat }) => ({ dtype, shape, flat }))));
    const want = numpy<string[]>(`cases = json.load(open(${JSON.stringify(file)}))
print(json.dumps([str(np.array(c['flat'], dtype={'int64': np.int64, 'float64': np.float64, 'float32': np.float32, 'bool': np.bool_}[c['dtype']]).reshape(c['shape'])) for c in cases]))`);
    const nest = (flat: unknown[], shape: number[]): unknown => (shape.length === 1 ? flat : Array.from({ length: shape[0] }, (_, i) => nest(flat.slice(i * (flat.length / shape[0]), (i + 1) * (flat.length / shape[0])), shape.slice(1))));
    arrays.forEach((a, i) => expect(arrayText(nest(a.flat, a.shape) as unknown[], a.shape, a.dtype), `${a.dtype} ${JSON.stringify(a.shape)} scale ${a.scale}`).toBe(want[i]));
  });

  it('writes the task stream as a Chrome trace, one complete event per task', () => {
    const dir = tempDir();
    writeSpec(dir, { datasets: { x: { random: 'normal', shape: [200_000], chunks: [10_000] } }, outputs: { m: 'x.std()' } });
    const r = tessera(['run', 'job.json', '--json', '--trace', 'trace.json'], dir);
    expect(r.status).toBe(0);
    const trace = JSON.parse(readFileSync(join(dir, 'trace.json'), 'utf8'));
    const events = trace.traceEvents.filter((e: { ph: string }) => e.ph === 'X');
    expect(events.length).toBe(JSON.parse(r.stdout).stats.tasks);
    for (const e of events) {
      expect(e.dur).toBeGreaterThanOrEqual(0);
      expect(e.args).toHaveProperty('bytes_out');
      expect(typeof e.tid).toBe('number');
    }
  });

  it('a syntax error exits 2 and points at its position', () => {
    const dir = tempDir();
    writeSpec(dir, { datasets: { x: { random: 'uniform', shape: [10] } }, outputs: { bad: 'sqrt(x ** ) + 1' } });
    const r = tessera(['run', 'job.json'], dir);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("error[SYNTAX_ERROR]: unexpected ')'");
    expect(r.stderr).toContain('  sqrt(x ** ) + 1\n            ^\n');
    expect(r.stderr).toMatch(/hint: /);
    const j = tessera(['run', 'job.json', '--json'], dir);
    expect(j.status).toBe(2);
    expect(JSON.parse(j.stdout).error).toMatchObject({ code: 'SYNTAX_ERROR', position: { output: 'bad', start: 10, end: 11 } });
  });

  it('bad names, broadcasting mismatches and dtype errors exit 2 with what to do', () => {
    const dir = tempDir();
    writeSpec(dir, { datasets: { x: { random: 'uniform', shape: [10, 3] }, y: { random: 'uniform', shape: [4] } }, outputs: { bad: 'x + zz' } }, 'a.json');
    const a = tessera(['run', 'a.json', '--json'], dir);
    expect(a.status).toBe(2);
    expect(JSON.parse(a.stdout).error).toMatchObject({ code: 'UNKNOWN_NAME', hint: 'datasets in this job: x, y', position: { start: 4, end: 6 } });
    writeSpec(dir, { datasets: { x: { random: 'uniform', shape: [10, 3] }, y: { random: 'uniform', shape: [4] } }, outputs: { bad: '(x * 2) - y' } }, 'b.json');
    const b = tessera(['run', 'b.json'], dir);
    expect(b.status).toBe(2);
    expect(b.stderr).toContain('error[BROADCAST_MISMATCH]: operands could not be broadcast together with shapes (10, 3) (4,)');
    writeSpec(dir, { datasets: { x: { random: 'uniform', shape: [10] } }, outputs: { bad: 'x & 1' } }, 'c.json');
    expect(tessera(['run', 'c.json'], dir).stderr).toContain('error[DTYPE_ERROR]');
  });

  it('bad specs, missing files, truncated files and bad options exit 2', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'broken.json'), '{"tessera": 1, "outputs": ');
    expect(tessera(['run', 'broken.json'], dir)).toMatchObject({ status: 2, stderr: expect.stringContaining('error[BAD_SPEC]') });
    expect(tessera(['run', 'missing.json'], dir)).toMatchObject({ status: 2, stderr: expect.stringContaining('error[FILE_NOT_FOUND]') });
    numpy(`np.save(${JSON.stringify(join(dir, 't.npy'))}, np.zeros(1000))\nprint(1)`);
    writeFileSync(join(dir, 't.npy'), readFileSync(join(dir, 't.npy')).subarray(0, 3000));
    writeSpec(dir, { datasets: { t: { npy: 't.npy' } }, outputs: { s: 't.sum()' } }, 't.json');
    const t = tessera(['run', 't.json'], dir);
    expect(t.status).toBe(2);
    expect(t.stderr).toMatch(/error\[NPY_TRUNCATED\].*8128.*3000/);
    expect(tessera(['run', 't.json', '--memory-limit', 'lots'], dir)).toMatchObject({ status: 2, stderr: expect.stringContaining('error[BAD_OPTION]') });
    // 1e400GB reads as infinity: not a size.
    expect(tessera(['run', 't.json', '--memory-limit', '1e400GB'], dir)).toMatchObject({ status: 2, stderr: expect.stringContaining('error[BAD_OPTION]') });
    writeSpec(dir, { datasets: { z: { zeros: [100], chunks: '1e400GB' } }, outputs: { s: 'z.sum()' } }, 'inf.json');
    expect(tessera(['run', 'inf.json'], dir)).toMatchObject({ status: 2, stderr: expect.stringContaining('error[BAD_CHUNKS]') });
    expect(tessera(['run', 't.json', '--workers', '0'], dir)).toMatchObject({ status: 2, stderr: expect.stringContaining('--workers') });
    expect(tessera(['frobnicate'], dir).status).toBe(2);
  });

  it('prints the usage for --help, on its own or after a command, and exits 0; without a command it exits 2', () => {
    for (const args of [['--help'], ['-h'], ['run', '--help'], ['inspect', '-h'], ['profile', 'job.json', '--help'], ['serve', '--help']]) {
      const r = tessera(args);
      expect(r.status, args.join(' ')).toBe(0);
      expect(r.stdout).toMatch(/^usage:\n {2}tessera run JOB\.json/);
    }
    expect(tessera([]).status).toBe(2);
  });

  it('a failure while running exits 1 and names the task', () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'OUT', 'y.npy'), { recursive: true });
    writeSpec(dir, { datasets: { x: { random: 'uniform', shape: [20_000] } }, outputs: { y: 'x * 2' } });
    const r = tessera(['run', 'job.json', '--out', 'OUT', '--json'], dir);
    expect(r.status).toBe(1);
    expect(JSON.parse(r.stdout).error).toMatchObject({ code: 'WRITE_FAILED', task: 'commit-y:' });
    expect(r.stderr).toContain('in task commit-y:');
  });

  it('Ctrl-C cancels cleanly: exit 130 and no partial output file', async () => {
    const dir = tempDir();
    writeSpec(dir, { datasets: { x: { random: 'normal', shape: [400_000_000], chunks: [200_000] } }, outputs: { y: 'exp(x) + 1' } });
    const r = await tesseraInterrupted(['run', 'job.json', '--out', 'OUT'], dir, 1500);
    expect(r.status).toBe(130);
    expect(r.stderr).toContain('error[CANCELLED]');
    expect(existsSync(join(dir, 'OUT', 'y.npy'))).toBe(false);
    expect(readdirSync(join(dir, 'OUT'))).toEqual([]);
  });

  for (const [signal, status] of [['SIGTERM', 143], ['SIGHUP', 129]] as const) {
    it(`${signal} cancels as Ctrl-C does: exit ${status} and no temp file left`, async () => {
      const dir = tempDir();
      writeSpec(dir, { datasets: { x: { random: 'normal', shape: [400_000_000], chunks: [200_000] } }, outputs: { y: 'exp(x) + 1' } });
      const r = await tesseraInterrupted(['run', 'job.json', '--out', 'OUT'], dir, 1500, signal);
      expect(r.status).toBe(status);
      expect(r.stderr).toContain('error[CANCELLED]');
      // A signal that comes while the job is still planned ends it before the folder is made.
      expect(existsSync(join(dir, 'OUT')) ? readdirSync(join(dir, 'OUT')) : []).toEqual([]);
    });
  }

  it('removes temp files that dead processes left in the output folder, and keeps live ones and other files', () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'OUT'));
    // A pid that cannot be running: above the kernel's pid_max.
    const dead = 4_194_304 + 17;
    for (const name of [`y.npy.tmp-${dead}-123`, `trace.json.tmp-${dead}`, `z.npy.tmp-${process.pid}-5`, 'keep.npy']) writeFileSync(join(dir, 'OUT', name), 'x');
    writeSpec(dir, { datasets: { x: { arange: [0, 20000] } }, outputs: { y: 'x * 2' } });
    const r = tessera(['run', 'job.json', '--out', 'OUT'], dir);
    expect(r.status, r.stderr).toBe(0);
    expect(readdirSync(join(dir, 'OUT')).sort()).toEqual(['keep.npy', 'y.npy', `z.npy.tmp-${process.pid}-5`]);
  });

  it('refuses outputs that do not fit on the disk before writing anything (DISK_FULL, exit 2)', () => {
    const dir = tempDir();
    // 2^42 float64 elements: 32 TiB, more than any disk here has free.
    writeSpec(dir, { datasets: { z: { zeros: [2 ** 42], chunks: 2 ** 30 } }, outputs: { y: 'z + 1' } });
    const r = tessera(['run', 'job.json', '--out', 'OUT', '--json'], dir);
    expect(r.status).toBe(2);
    expect(JSON.parse(r.stdout).error).toMatchObject({ code: 'DISK_FULL' });
    expect(readdirSync(join(dir, 'OUT'))).toEqual([]);
  });
});

describe('tessera inspect', () => {
  it('shows what a drop would show', () => {
    const dir = tempDir();
    numpy(`np.save(${JSON.stringify(join(dir, 'm.npy'))}, np.zeros((5000, 400), dtype=np.int16))\nprint(1)`);
    const r = tessera(['inspect', 'm.npy', '--json'], dir);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ kind: 'array', dtype: 'int16', shape: [5000, 400], dataBytes: 4_000_000, order: 'C' });
    const text = tessera(['inspect', 'm.npy'], dir);
    expect(text.stdout).toMatch(/dtype\s+int16/);
    expect(text.stdout).toMatch(/shape\s+\(5000, 400\)/);
    expect(tessera(['inspect', 'nope.npy'], dir).status).toBe(2);
  });

  it('takes a folder of text files (no extensions, as the Brown corpus) as a bag of lines, and a folder of JSON lines as records', () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'corpus'));
    writeFileSync(join(dir, 'corpus', 'ca01'), 'The/at Fulton/np-tl\nsaid/vbd Friday/nr\n');
    writeFileSync(join(dir, 'corpus', 'ca02'), 'an/at investigation/nn\n');
    writeFileSync(join(dir, 'corpus', '.hidden'), 'not read\n');
    const corpus = JSON.parse(tessera(['inspect', 'corpus', '--json'], dir).stdout);
    expect(corpus).toMatchObject({ kind: 'bag', format: 'text', partitions: 2, bytes: 62, firstLines: ['The/at Fulton/np-tl', 'said/vbd Friday/nr'] });
    expect(corpus.files.map((f: string) => basename(f))).toEqual(['ca01', 'ca02']);
    mkdirSync(join(dir, 'events'));
    writeFileSync(join(dir, 'events', 'a.jsonl'), '{"u": 1}\n');
    expect(JSON.parse(tessera(['inspect', 'events', '--json'], dir).stdout)).toMatchObject({ kind: 'bag', format: 'jsonl' });
    // A folder of tables stays a table.
    mkdirSync(join(dir, 'tables'));
    writeFileSync(join(dir, 'tables', 'a.csv'), 'x,y\n1,2\n');
    writeFileSync(join(dir, 'tables', 'README.txt'), 'about the tables\n');
    expect(tessera(['inspect', join(dir, 'tables', '*.csv'), '--json'], dir).status).toBe(0);
    expect(tessera(['inspect', 'tables', '--json'], dir).stdout).not.toContain('"kind":"bag"');
  });
});
