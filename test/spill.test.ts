/**
 * Out of core (issue #18): a job whose live intermediates are several times its memory limit
 * spills chunks to disk and reads them back, finishing with numpy's results and the store's peak
 * under the limit; the spill folder is gone after, also when the job is cancelled or a spill
 * cannot be written. The job: exp(x) + 1 over a .npy matrix that numpy wrote, read by two outputs
 * through different rechunkings (columns and rows), so the whole intermediate is live at once
 * (3x the limit; the largest task, 24 input chunks and its output, is 17 MB, under it). And the
 * spill file itself: chunks appended and read back by offset, their disk space given back.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { tessera } from './helpers/cli.js';
import { native } from '../dist/src-main/native/addon.js';
import { expectClose } from './helpers/compare.js';
import { tempDir } from './helpers/engine.js';
import { numpy } from './helpers/numpy.js';

/** Whether the file system under `folder` gives a file's blocks back on request (util-linux's fallocate -p). */
function punchesHoles(folder: string): boolean {
  const probe = join(folder, 'punch-probe');
  writeFileSync(probe, Buffer.alloc(2 ** 20, 1));
  const r = spawnSync('fallocate', ['--punch-hole', '--offset', '0', '--length', String(2 ** 20), probe]);
  const freed = r.status === 0 && statSync(probe).blocks * 512 < 2 ** 19;
  rmSync(probe);
  return freed;
}

const BIN = fileURLToPath(new URL('../bin/tessera.mjs', import.meta.url));
const N = 3000; // 3000 x 3000 float64: a 72 MB intermediate
const LIMIT = 24_000_000;
/**
 * What the process holds besides the store (README, "Spilling to disk"): Node and the V8 heaps of
 * the main thread and two workers (~80 MB: a one-task job's peak RSS), and the allocator's slack
 * between spills (~50 MB measured).
 */
const RSS_OVER_LIMIT = 150_000_000;
const dir = tempDir('tessera-spill-test-');
const spillRoot = join(dir, 'spill');

const OUTPUTS = {
  cols: '(exp(x) + 1).rechunk((3000, 200)).sum(axis=0)',
  rows: '(exp(x) + 1).rechunk((200, 3000)).sum(axis=1)',
};

beforeAll(() => {
  mkdirSync(spillRoot);
  numpy(`np.save(${JSON.stringify(join(dir, 'x.npy'))}, np.random.default_rng(11).random((${N}, ${N})))\nprint(1)`);
  writeFileSync(join(dir, 'job.json'), JSON.stringify({ tessera: 1, datasets: { x: { npy: 'x.npy', chunks: [250, 250] } }, outputs: OUTPUTS }));
}, 60_000);

const env = { TESSERA_SPILL_DIR: spillRoot };

describe('a job whose live chunks exceed its memory limit', () => {
  it('spills and reads back, with numpy\'s results and the store under the limit; the spill folder is gone after', () => {
    const r = tessera(['run', 'job.json', '--json', '--workers', '2', '--memory-limit', String(LIMIT), '--trace', 'trace.json', '--report', 'report.html'], dir, env);
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    const want = numpy(`x = np.load(${JSON.stringify(join(dir, 'x.npy'))})\ny = np.exp(x) + 1\nprint(json.dumps({"cols": y.sum(axis=0).tolist(), "rows": y.sum(axis=1).tolist()}))`) as Record<string, number[]>;
    for (const name of Object.keys(OUTPUTS)) expectClose(out.outputs[name].values, want[name], 1e-12);
    expect(out.stats.peak_store_bytes).toBeLessThanOrEqual(LIMIT);
    expect(out.stats.peak_rss_bytes).toBeLessThanOrEqual(LIMIT + RSS_OVER_LIMIT);
    expect(out.stats.spilled_bytes).toBeGreaterThan(2 * LIMIT); // the intermediate is 3x the limit
    expect(readdirSync(spillRoot)).toEqual([]);
    // Spills and reads back are in the task stream, on a lane after the workers'.
    const trace = JSON.parse(readFileSync(join(dir, 'trace.json'), 'utf8')) as { traceEvents: { cat?: string }[] };
    const cats = new Set(trace.traceEvents.map((e) => e.cat));
    expect(cats.has('spill') && cats.has('unspill')).toBe(true);
    // The report draws them on a lane labelled as the disk's and times them per kind.
    const report = readFileSync(join(dir, 'report.html'), 'utf8');
    expect(report).toContain('>disk (spill)</text>');
    expect(report).toMatch(/<td><span style="color:#17becf">■<\/span> spill to disk<\/td><td class="n">\d+<\/td>/);
    expect(report).toMatch(/<td><span style="color:#9edae5">■<\/span> read back from disk<\/td><td class="n">\d+<\/td>/);
    // The same job without a limit spills nothing and gives the same numbers to the bit.
    const free = JSON.parse(tessera(['run', 'job.json', '--json'], dir, env).stdout);
    expect(free.stats.spilled_bytes).toBeUndefined();
    expect(free.outputs).toEqual(out.outputs);
  }, 120_000);

  it('removes the spill folder when the job is cancelled (SIGTERM) while it spills', async () => {
    // SIGTERM once the spill folder exists (so the job is running and has spilled), not after a fixed delay.
    const child = spawn(process.execPath, [BIN, 'run', 'job.json', '--json', '--memory-limit', String(LIMIT)], { cwd: dir, env: { ...process.env, ...env } });
    const exited = new Promise<number | null>((resolve) => child.on('close', (status) => resolve(status)));
    const deadline = Date.now() + 30_000;
    while (!readdirSync(spillRoot).length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    expect(readdirSync(spillRoot)).toHaveLength(1);
    child.kill('SIGTERM');
    expect(await exited).toBe(143);
    expect(readdirSync(spillRoot)).toEqual([]);
  }, 60_000);

  it('fails with a typed error naming the spill file when it cannot be written, and leaves nothing', () => {
    // Files over 128-256 KB (dash counts 512-byte blocks, bash 1 KiB) are refused (EFBIG) to this process; SIGXFSZ ignored so the write fails instead.
    const r = spawnSync('sh', ['-c', `trap '' XFSZ; ulimit -f 256; exec "${process.execPath}" "${BIN}" run job.json --json --memory-limit ${LIMIT}`], { cwd: dir, encoding: 'utf8', env: { ...process.env, ...env } });
    expect(r.status, r.stderr).toBe(1);
    const error = JSON.parse(r.stdout).error;
    expect(error.code).toBe('SPILL_FAILED');
    expect(error.message).toContain(spillRoot);
    expect(readdirSync(spillRoot)).toEqual([]);
    expect(existsSync(join(dir, 'tessera-out'))).toBe(false);
  }, 60_000);

  it('appends chunks to one spill file, reads each back by its offset, and gives its disk space back', () => {
    const n = native();
    const path = join(dir, 'unit.spill');
    const file = n.openSpillFile(path);
    try {
      // 1 MiB chunks of known values: each region is whole blocks of the file system.
      const ids = [0, 1, 2].map((k) => n.putChunk({ dtype: 'float64', shape: [256, 512], data: Float64Array.from({ length: 256 * 512 }, (_, i) => i * (k + 1)) }));
      const at = ids.map((id) => n.spillChunk(file, id));
      for (const id of ids) n.release(id);
      expect(at[0]).toBe(0);
      expect(at[1]).toBeGreaterThan(2 ** 20);
      const blocks = () => statSync(path).blocks * 512;
      expect(blocks()).toBeGreaterThanOrEqual(3 * 2 ** 20);
      // Read back out of order, each with its values and shape; its region is given back.
      const back = n.unspillChunk(file, at[2], 1);
      const c = n.readChunk(back);
      expect(c.shape).toEqual([256, 512]);
      expect(new Float64Array(c.data)[1000]).toBe(3000);
      n.release(back);
      n.dropSpilled(file, at[0]);
      if (punchesHoles(dir)) expect(blocks()).toBeLessThan(2 * 2 ** 20);
      const middle = n.unspillChunk(file, at[1], 1);
      expect(new Float64Array(n.readChunk(middle).data)[511]).toBe(1022);
      n.release(middle);
      // A region read back is gone: reading it again is a scheduler bug, said as one.
      expect(() => n.unspillChunk(file, at[1], 1)).toThrow(/no spilled chunk at offset/);
    } finally {
      n.closeSpillFile(file);
    }
    expect(existsSync(path)).toBe(false);
  });
});
