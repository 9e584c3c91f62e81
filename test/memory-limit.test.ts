/**
 * A job over a memory-mapped file three times larger than --memory-limit: the chunk store stays
 * under the limit and the resident set stays bounded, because file pages are read in place and
 * given back after each task (the peaks are printed for the record).
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { numpy } from './helpers/numpy.js';
import { tempDir } from './helpers/engine.js';
import { tessera } from './helpers/cli.js';
import { writeFileSync } from 'node:fs';

describe('memory limit', () => {
  it('mean over a .npy three times larger than --memory-limit', () => {
    const dir = tempDir();
    const n = 30_000_000; // 240 MB of float64
    const want = numpy<number>(`a = np.arange(${n}, dtype=np.float64) % 1000 / 7
np.save(${JSON.stringify(join(dir, 'big.npy'))}, a)
print(json.dumps(float(a.mean())))`);
    const limit = 80_000_000;
    writeFileSync(join(dir, 'job.json'), JSON.stringify({
      tessera: 1, datasets: { a: { npy: 'big.npy', chunks: 'auto' } }, outputs: { m: 'a.mean()', s: '(a * 2 - 1).std()' },
    }));
    const r = tessera(['run', 'job.json', '--json', '--memory-limit', '80MB'], dir);
    expect(r.status, r.stderr).toBe(0);
    const { outputs, stats } = JSON.parse(r.stdout);
    expect(Math.abs(outputs.m.value - want) / want).toBeLessThan(1e-12);
    expect(stats.peak_store_bytes).toBeLessThanOrEqual(limit);
    expect(stats.peak_rss_bytes).toBeLessThan(n * 8);
    console.log(`file ${n * 8 / 1e6} MB, limit ${limit / 1e6} MB: peak store ${stats.peak_store_bytes} B, peak RSS ${(stats.peak_rss_bytes / 1e6).toFixed(1)} MB`);
  });

  it('says before the job when a chunk of a mapped file alone exceeds the limit, and counts mapped pages apart', () => {
    const dir = tempDir();
    numpy(`np.save(${JSON.stringify(join(dir, 'one.npy'))}, np.ones(12_500_000))\nprint(1)`);  // 100 MB, one chunk
    writeFileSync(join(dir, 'job.json'), JSON.stringify({ tessera: 1, datasets: { a: { npy: 'one.npy', chunks: [-1] } }, outputs: { s: 'a.sum()' } }));
    const text = tessera(['run', 'job.json', '--memory-limit', '20MB'], dir);
    expect(text.status, text.stderr).toBe(0);
    expect(text.stderr).toMatch(/warning: a chunk of 'a' is 95\.4 MiB, over the memory limit of 19\.1 MiB/); // 100 MB and 20 MB
    const r = tessera(['run', 'job.json', '--memory-limit', '20MB', '--json'], dir);
    const out = JSON.parse(r.stdout);
    expect(out.outputs.s.value).toBe(12_500_000);
    expect(out.warnings).toHaveLength(1);
    // The file's pages are resident while the task reads them, and counted as mapped, not held.
    expect(out.stats.peak_mapped_bytes).toBeGreaterThan(0);
    expect(out.stats.peak_store_bytes).toBeLessThanOrEqual(20_000_000);
    // Within the limit: no warning.
    const quiet = tessera(['run', 'job.json', '--memory-limit', '200MB', '--json'], dir);
    expect(JSON.parse(quiet.stdout).warnings).toBeUndefined();
  });

  it('a materialising job over the same kind of file keeps the store under the limit', () => {
    const dir = tempDir();
    numpy(`np.save(${JSON.stringify(join(dir, 'big.npy'))}, np.arange(20_000_000, dtype=np.float64).reshape(5000, 4000))\nprint(1)`);
    writeFileSync(join(dir, 'job.json'), JSON.stringify({
      tessera: 1, datasets: { a: { npy: 'big.npy', chunks: [250, 4000] } }, outputs: { c: 'a - a.mean(axis=0)' },
    }));
    const r = tessera(['run', 'job.json', '--json', '--memory-limit', '40MB', '--out', 'OUT'], dir);
    expect(r.status, r.stderr).toBe(0);
    const { stats } = JSON.parse(r.stdout);
    // 8 MB chunks: the output chunks in flight (two per worker) fit in the limit.
    expect(stats.peak_store_bytes).toBeLessThanOrEqual(40_000_000);
    const ok = numpy<boolean>(`a = np.load(${JSON.stringify(join(dir, 'big.npy'))})
c = np.load(${JSON.stringify(join(dir, 'OUT', 'c.npy'))})
print(json.dumps(bool(np.allclose(c, a - a.mean(axis=0), rtol=0, atol=1e-12 * np.abs(a).max()))))`);
    expect(ok).toBe(true);
  });
});
