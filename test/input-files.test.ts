/**
 * Input files that are not what a job needs, or stop being it while the job runs: a folder, a
 * device, a FIFO, an empty file, a file truncated under its mapping, an output disk that fills up.
 * Each gives a typed error (or, for an empty file, an empty array as numpy gives), the process
 * and its workers survive, and the engine runs the next job.
 */
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, statSync, truncateSync, utimesSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TesseraError } from '../dist/src-main/engine/errors.js';
import { EventBus } from '../dist/src-main/engine/events.js';
import { native } from '../dist/src-main/native/addon.js';
import { buildJob, validateSpec } from '../dist/src-main/run/job-spec.js';
import { runBuiltJob } from '../dist/src-main/run/run-job.js';
import { LocalBackend } from '../dist/src-main/run/local-backend.js';
import { BIN, ENV, tessera } from './helpers/cli.js';
import { runSpec, tempDir, useEngine, values } from './helpers/engine.js';

const engine = useEngine();

function spec(datasets: object, outputs: object): object {
  return { tessera: 1, datasets, outputs };
}

/** Runs the CLI with a time limit (a FIFO used to hang it), in `dir`. */
function run(dir: string, s: object, ...args: string[]) {
  writeFileSync(join(dir, 'job.json'), JSON.stringify(s));
  const r = spawnSync(process.execPath, [BIN, 'run', 'job.json', ...args], { cwd: dir, encoding: 'utf8', timeout: 30_000, env: ENV });
  return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

/** n float64 values i % 1000, as raw bytes or as a .npy file; returns their sum. */
function writeValues(path: string, n: number, npy: boolean): number {
  const fd = openSync(path, 'w');
  if (npy) {
    let header = `{'descr': '<f8', 'fortran_order': False, 'shape': (${n},), }`;
    header = header.padEnd(Math.ceil((header.length + 11) / 64) * 64 - 11, ' ') + '\n';
    const pre = Buffer.alloc(10);
    pre.write('\x93NUMPY', 0, 'latin1');
    pre[6] = 1;
    pre.writeUInt16LE(header.length, 8);
    writeSync(fd, pre);
    writeSync(fd, header, null, 'latin1');
  }
  const block = new Float64Array(1_000_000);
  for (let i = 0; i < block.length; i++) block[i] = i % 1000;
  for (let i = 0; i < n; i += block.length) writeSync(fd, block, 0, Math.min(block.length, n - i) * 8);
  closeSync(fd);
  return (n / 1000) * 499_500;
}

describe('inputs that are not regular files', () => {
  it('a folder, /dev/zero, a FIFO (raw or .npy) are NOT_A_FILE with exit 2, naming the path and its kind; nothing hangs', () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'folder'));
    expect(spawnSync('mkfifo', [join(dir, 'pipe.f64'), join(dir, 'pipe.npy')]).status).toBe(0);
    const cases: [object, string, string][] = [
      [{ raw: 'folder', dtype: 'float64', shape: [0] }, join(dir, 'folder'), 'a folder'],
      [{ raw: '/dev/zero', dtype: 'float64', shape: [0] }, '/dev/zero', 'a character device'],
      [{ raw: 'pipe.f64', dtype: 'float64', shape: [0] }, join(dir, 'pipe.f64'), 'a named pipe (FIFO)'],
      [{ npy: 'pipe.npy' }, join(dir, 'pipe.npy'), 'a named pipe (FIFO)'],
      [{ npy: 'folder' }, join(dir, 'folder'), 'a folder'],
    ];
    for (const [d, path, kind] of cases) {
      const r = run(dir, spec({ r: d }, { s: 'r.sum()' }), '--json');
      expect(r.signal).toBe(null);
      expect(r.status).toBe(2);
      expect(r.stderr).toContain(`error[NOT_A_FILE]: dataset 'r': ${path} is ${kind}, not a regular file`);
      expect(r.stderr).toContain('hint: give the path of a regular file');
      expect(r.stderr).not.toContain('WORKER_CRASHED');
    }
    const i = tessera(['inspect', 'pipe.npy'], dir);
    expect(i.status).toBe(2);
    expect(i.stderr).toContain('error[NOT_A_FILE]');
  });

  it('an empty raw file with shape [0] (or (0, 3)) is an empty array, as np.fromfile gives', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'empty.f64'), '');
    const s = spec({ r: { raw: 'empty.f64', dtype: 'float64', shape: [0] }, e: { raw: 'empty.f64', dtype: 'int32', shape: [0, 3] } },
      { s: 'r.sum()', v: 'r * 2', w: 'e.sum(axis=0)', n: 'e + 1' });
    for (const args of [[], ['--scheduler', 'sync']]) {
      const r = run(dir, s, '--json', ...args);
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      expect(JSON.parse(r.stdout).outputs).toEqual({
        s: { kind: 'scalar', dtype: 'float64', value: 0 },
        v: { kind: 'array', dtype: 'float64', shape: [0], values: [] },
        w: { kind: 'array', dtype: 'int64', shape: [3], values: [0, 0, 0] },
        n: { kind: 'array', dtype: 'int32', shape: [0, 3], values: [] },
      });
    }
  });

  it('a file replaced by a folder or a FIFO after planning is a task error in the workers, not a crash or a hang', async () => {
    const dir = tempDir();
    writeValues(join(dir, 'x.f64'), 100_000, false);
    for (const swap of ['folder', 'fifo']) {
      const job = await buildJob(validateSpec(spec({ x: { raw: 'x.f64', dtype: 'float64', shape: [100_000], chunks: [10_000] } }, { s: 'x.sum()' })), dir);
      renameSync(join(dir, 'x.f64'), join(dir, 'x.keep'));
      if (swap === 'folder') mkdirSync(join(dir, 'x.f64'));
      else expect(spawnSync('mkfifo', [join(dir, 'x.f64')]).status).toBe(0);
      const err = await runBuiltJob(new LocalBackend(engine()), job, { outDir: join(dir, 'out') }).then(() => null, (e) => e);
      expect(err).toBeInstanceOf(TesseraError);
      expect(err.code).toBe('NOT_A_FILE');
      expect(err.phase).toBe('run');
      spawnSync('rm', ['-r', join(dir, 'x.f64')]);
      renameSync(join(dir, 'x.keep'), join(dir, 'x.f64'));
    }
    expect(values(await runSpec(engine(), { datasets: { x: { raw: 'x.f64', dtype: 'float64', shape: [100_000] } }, outputs: { s: 'x.sum()' } }, dir)).s).toBe(100 * 499_500);
  });
});

describe('a raw file whose data starts at an odd byte', () => {
  it('is read right in chunks longer than a block and multiplied through a packed copy: its values are gathered, never read misaligned', async () => {
    const dir = tempDir();
    const n = 6000;
    const data = new Float64Array(n).map((_, i) => (i % 1000) - 300);
    writeFileSync(join(dir, 'odd.f64'), Buffer.concat([Buffer.from([0x55]), Buffer.from(data.buffer)]));
    const r = await runSpec(engine(), {
      datasets: {
        x: { raw: 'odd.f64', dtype: 'float64', shape: [n], offset: 1, chunks: [n] },
        m: { raw: 'odd.f64', dtype: 'float64', shape: [120, 50], offset: 1, chunks: [-1, -1] },
      },
      outputs: { s: 'x.sum()', top: 'x.max()', mm: '(m @ m.T).sum()', mv: '(m.T @ m)[3, 4]' },
    }, dir);
    const row = (i: number) => Array.from({ length: 50 }, (_, j) => data[i * 50 + j]);
    let mm = 0;
    const colSums = Array.from({ length: 50 }, (_, j) => Array.from({ length: 120 }, (_, i) => data[i * 50 + j]).reduce((a, b) => a + b, 0));
    for (let j = 0; j < 50; j++) mm += colSums[j] * colSums[j];
    const mv = Array.from({ length: 120 }, (_, i) => row(i)[3] * row(i)[4]).reduce((a, b) => a + b, 0);
    expect(values(r)).toEqual({ s: data.reduce((a, b) => a + b, 0), top: 699, mm, mv });
  });
});

describe('an input file that shrinks under a job', () => {
  const N = 32_000_000; // 256 MB of float64

  it('truncated while the job runs (at its first finished task): INPUT_CHANGED, and the engine runs the next job', async () => {
    const dir = tempDir();
    for (const npy of [false, true]) {
      const name = npy ? 'big.npy' : 'big.f64';
      const path = join(dir, name);
      const sum = writeValues(path, N, npy);
      const d = npy ? { npy: name, chunks: [16_384] } : { raw: name, dtype: 'float64', shape: [N], chunks: [16_384] };
      const job = await buildJob(validateSpec(spec({ x: d }, { s: 'x.sum()' })), dir);
      const bus = new EventBus();
      let cut = false;
      bus.on((e) => {
        if (e.type === 'progress' && !cut) { cut = true; truncateSync(path, 10_000); }
      });
      const err = await runBuiltJob(new LocalBackend(engine()), job, { outDir: join(dir, 'out'), bus }).then(() => null, (e) => e);
      expect(cut).toBe(true);
      expect(err).toBeInstanceOf(TesseraError);
      expect(err.code).toBe('INPUT_CHANGED');
      expect(err.message).toContain(`the input file ${path} changed while the job was using it`);
      expect(err.hint).toMatch(/run the job again/);
      expect(err.phase).toBe('run');
      expect(err.task).toMatch(/^reduce/);
      // The same engine, its workers alive: the file written again, the next job's numbers right.
      writeValues(path, N, npy);
      const again = await buildJob(validateSpec(spec({ x: d }, { s: 'x.sum()' })), dir);
      expect(values(await runBuiltJob(new LocalBackend(engine()), again, { outDir: join(dir, 'out') })).s).toBe(sum);
    }
  });

  it('truncated after planning, before the job starts: INPUT_CHANGED, not a planner bug', async () => {
    const dir = tempDir();
    const path = join(dir, 'big.npy');
    writeValues(path, N / 8, true);
    const job = await buildJob(validateSpec(spec({ x: { npy: 'big.npy', chunks: [100_000] } }, { s: 'x.sum()', m: '(x * 2).max()' })), dir);
    truncateSync(path, 1_000_000);
    const err = await runBuiltJob(new LocalBackend(engine()), job, { outDir: join(dir, 'out') }).then(() => null, (e) => e);
    expect(err).toBeInstanceOf(TesseraError);
    expect(err.code).toBe('INPUT_CHANGED');
    expect(err.message).toContain(`its size went from ${128 + N} to 1000000 bytes between planning the job and reading it`);
    expect(values(await runSpec(engine(), { outputs: { s: 'arange(10).sum()' } })).s).toBe(45);
  });

  it('modified in place while the job runs (same size): INPUT_CHANGED, and no output computed from it is left', async () => {
    const dir = tempDir();
    const path = join(dir, 'x.f64');
    writeValues(path, 2_000_000, false);
    utimesSync(path, new Date('2020-01-01'), new Date('2020-01-01')); // so that any write changes the mtime
    const job = await buildJob(validateSpec(spec({ x: { raw: 'x.f64', dtype: 'float64', shape: [2_000_000], chunks: [100_000] } }, { y: 'x * 2', s: 'x.sum()' })), dir);
    const bus = new EventBus();
    let cut = false;
    bus.on((e) => {
      if (e.type === 'progress' && !cut) {
        cut = true;
        const fd = openSync(path, 'r+');
        writeSync(fd, new Float64Array([-1]), 0, 8, 0);
        closeSync(fd);
      }
    });
    const err = await runBuiltJob(new LocalBackend(engine()), job, { outDir: join(dir, 'out'), bus }).then(() => null, (e) => e);
    expect(cut).toBe(true);
    expect(err).toBeInstanceOf(TesseraError);
    expect(err.code).toBe('INPUT_CHANGED');
    expect(err.message).toContain(`the input file ${path} changed while the job was using it: it was modified`);
    expect(readdirSync(join(dir, 'out'))).toEqual([]);
  });

  it('a read of a mapped page past the new end of the file is caught (SIGBUS) on the thread that faults', () => {
    const dir = tempDir();
    const path = join(dir, 'f.bin');
    writeFileSync(path, Buffer.alloc(1 << 20, 7));
    const { id } = native().openFile(path);
    try {
      expect(native().readFileByte(id, 500_000)).toBe(7);
      truncateSync(path, 4096);
      for (let k = 0; k < 3; k++) { // again and again: the thread's signal mask is restored each time
        expect(() => native().readFileByte(id, 500_000 + k * 4096)).toThrow(/changed while the job was using it: it shrank while it was being read/);
      }
      expect(native().readFileByte(id, 100)).toBe(7);
    } finally {
      native().closeFile(id);
    }
  });

  // The evaluator reads the file, or the BLAS reads a matmul's blocks where they lie in it.
  it.each([
    ['sin(x).sum()', [N], [8192]],
    ['(x @ x.T).sum()', [1500, 1500], [-1, -1]],
  ])('through the CLI: truncated while `tessera run` maps it for %s, exit 1 with error[INPUT_CHANGED], no signal, no core file', async (expr, shape, chunks) => {
    const dir = tempDir();
    const path = join(dir, 'big.f64');
    writeValues(path, (shape as number[]).reduce((p, d) => p * d, 1), false);
    writeFileSync(join(dir, 'job.json'), JSON.stringify(spec({ x: { raw: 'big.f64', dtype: 'float64', shape, chunks } }, { s: expr })));
    const child = spawn(process.execPath, [BIN, 'run', 'job.json', '--workers', '1'], { cwd: dir, env: ENV });
    let stderr = '';
    child.stderr.on('data', (d) => { stderr += d; });
    // Truncate as soon as the file is mapped (the job has started): deterministic, no timer.
    let cut = false;
    const poll = setInterval(() => {
      if (cut) return;
      let maps = '';
      try { maps = readFileSync(`/proc/${child.pid}/maps`, 'utf8'); } catch { return; }
      if (maps.includes(path)) { cut = true; truncateSync(path, 10_000); }
    }, 1);
    const [status, signal] = await new Promise<[number | null, string | null]>((resolve) => child.on('close', (c, s) => resolve([c, s])));
    clearInterval(poll);
    expect(cut).toBe(true);
    expect(signal).toBe(null);
    expect(status).toBe(1);
    expect(stderr).toContain(`error[INPUT_CHANGED]: the input file ${path} changed while the job was using it`);
    expect(stderr).toContain('hint: something wrote to, truncated or replaced the file during the job');
    expect(readdirSync(dir).filter((f) => f.startsWith('core'))).toEqual([]);
  });
});

describe('an output disk that fills up', () => {
  const unshare = spawnSync('unshare', ['-r', '-m', 'true']).status === 0;

  it.skipIf(!unshare)('DISK_FULL (exit 1), the temporary file removed, nothing under the output name', () => {
    const dir = tempDir();
    const out = join(dir, 'small');
    mkdirSync(out);
    writeFileSync(join(dir, 'job.json'), JSON.stringify(spec({ x: { random: 'uniform', shape: [1_000_000], seed: 1, chunks: [100_000] } }, { y: 'x * 2', z: 'x + 1' })));
    // A 2 MB file system (tmpfs, in a mount namespace of its own) for 8 MB of output.
    // --no-space-check: past the up-front refusal, to the writer's own error path.
    const script = `mount -t tmpfs -o size=2m tmpfs "${out}" && "${process.execPath}" "${BIN}" run job.json --out "${out}" --json --no-space-check; echo "status=$?"; ls -A "${out}"`;
    const r = spawnSync('unshare', ['-r', '-m', 'sh', '-c', script], { cwd: dir, encoding: 'utf8', timeout: 60_000, env: ENV });
    const lines = r.stdout.trim().split('\n');
    const error = JSON.parse(lines[0]).error;
    expect(error.code).toBe('DISK_FULL');
    expect(error.message).toMatch(/No space left on device/);
    expect(error.message).toMatch(new RegExp(`${out}/[yz]\\.npy: No space left on device`));
    expect(error.hint).toMatch(/free space/);
    expect(lines[1]).toBe('status=1');
    expect(lines.slice(2)).toEqual([]); // neither a temporary file nor a partial y.npy / z.npy
    expect(existsSync(join(out, 'y.npy'))).toBe(false);
  });
});

describe('mappings kept between jobs', () => {
  it('a mapping that keeps its pages outlives its last close and serves the next open of the unchanged file, never a changed or replaced one', () => {
    const dir = tempDir();
    const path = join(dir, 'f.bin');
    writeFileSync(path, Buffer.alloc(1 << 16, 7));
    const open = (keep: boolean) => native().openFile(path, -1, -1, -1, keep).id;
    const a = open(true);
    native().closeFile(a);
    const b = open(true);
    expect(b).toBe(a); // idle, then reused
    expect(native().readFileByte(b, 100)).toBe(7);
    native().closeFile(b);
    // Rewritten in place with a later mtime: a new mapping, the new bytes.
    writeFileSync(path, Buffer.alloc(1 << 16, 9));
    utimesSync(path, new Date(), new Date(Date.now() + 5_000));
    const c = open(true);
    expect(c).not.toBe(a);
    expect(native().readFileByte(c, 100)).toBe(9);
    native().closeFile(c);
    // Replaced by another file of the same size and mtime (renamed over it): a new mapping too.
    const other = join(dir, 'g.bin');
    writeFileSync(other, Buffer.alloc(1 << 16, 3));
    const { mtime } = statSync(path);
    utimesSync(other, mtime, mtime);
    renameSync(other, path);
    const d = open(true);
    expect(d).not.toBe(c);
    expect(native().readFileByte(d, 100)).toBe(3);
    native().closeFile(d);
    // A mapping that gives its pages back is unmapped at its last close.
    const e = open(false);
    native().closeFile(e);
    const f = open(false);
    expect(f).not.toBe(e);
    native().closeFile(f);
    // More idle mappings than are kept (16): the oldest go, those of replaced versions above
    // included, and each file still maps and reads.
    for (let i = 0; i < 20; i++) {
      const p = join(dir, `many-${i}.bin`);
      writeFileSync(p, Buffer.alloc(4096, i));
      const id = native().openFile(p, -1, -1, -1, true).id;
      expect(native().readFileByte(id, 10)).toBe(i);
      native().closeFile(id);
    }
    const again = native().openFile(join(dir, 'many-19.bin'), -1, -1, -1, true).id;
    expect(native().readFileByte(again, 10)).toBe(19);
    native().closeFile(again);
  });

  it('a job after the input file was rewritten between jobs reads the new values', async () => {
    const dir = tempDir();
    const path = join(dir, 'x.npy');
    const first = writeValues(path, 100_000, true);
    const s = { datasets: { x: { npy: 'x.npy', chunks: [10_000] } }, outputs: { s: 'x.sum()' } };
    expect(values(await runSpec(engine(), s, dir)).s).toBe(first);
    // The same size, new values (each doubled), a later mtime.
    const doubled = Buffer.from(readFileSync(path));
    const header = doubled.indexOf(0x0a) + 1;
    const v = new Float64Array(doubled.buffer, doubled.byteOffset + header, 100_000);
    for (let i = 0; i < v.length; i++) v[i] *= 2;
    writeFileSync(path, doubled);
    utimesSync(path, new Date(), new Date(Date.now() + 5_000));
    expect(values(await runSpec(engine(), s, dir)).s).toBe(2 * first);
  });
});
