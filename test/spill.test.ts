/**
 * Out of core (issue #18): a job whose live intermediates are several times its memory limit
 * spills chunks to disk and reads them back, finishing with numpy's results and the store's peak
 * under the limit; the spill folder is gone after, also when the job is cancelled or a spill
 * cannot be written. The job: exp(x) + 1 over a .npy matrix that numpy wrote, read by two outputs
 * through different rechunkings (columns and rows), so the whole intermediate is live at once
 * (3x the limit; the largest task, 24 input chunks and its output, is 17 MB, under it).
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { tessera } from './helpers/cli.js';
import { expectClose } from './helpers/compare.js';
import { tempDir } from './helpers/engine.js';
import { numpy } from './helpers/numpy.js';

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
});
