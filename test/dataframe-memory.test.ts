/**
 * A CSV several times bigger than --memory-limit is filtered, grouped and aggregated with the
 * chunk store's peak under the limit: each partition is parsed, reduced to its partial result and
 * released before the gate lets more partitions in. Checked against counts and sums kept while
 * the file was written.
 */
import { openSync, writeSync, closeSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from './helpers/engine.js';
import { tessera } from './helpers/cli.js';
import { rng } from './helpers/rng.js';

describe('group-by over a CSV bigger than the memory limit', () => {
  const dir = tempDir();
  const path = join(dir, 'big.csv');
  const counts = new Map<number, { n: number; sum: number }>();
  const fd = openSync(path, 'w');
  writeSync(fd, 'key,value,label\n');
  const rnd = rng(18);
  for (let block = 0; block < 60; block++) {
    let text = '';
    for (let i = 0; i < 20_000; i++) {
      const key = Math.floor(rnd() * 500);
      const value = Math.round(rnd() * 1e6) / 1000;
      const c = counts.get(key) ?? { n: 0, sum: 0 };
      if (value > 100) { c.n++; c.sum += value; }
      counts.set(key, c);
      text += `${key},${value},label-${Math.floor(rnd() * 40)}\n`;
    }
    writeSync(fd, text);
  }
  closeSync(fd);

  it('keeps the store under 8 MB for a 40 MB file and gets the same result as without a limit', () => {
    writeFileSync(join(dir, 'job.json'), JSON.stringify({
      tessera: 1, datasets: { b: { csv: 'big.csv', blocksize: '2MB' } },
      outputs: { g: "b[b.value > 100].groupby('key').agg(n=('value', 'count'), s=('value', 'sum'), l=('label', 'max'))" },
    }));
    const limited = tessera(['run', 'job.json', '--json', '--memory-limit', '8MB'], dir);
    expect(limited.status, limited.stderr).toBe(0);
    const free = tessera(['run', 'job.json', '--json'], dir);
    expect(free.status, free.stderr).toBe(0);
    const a = JSON.parse(limited.stdout), b = JSON.parse(free.stdout);
    expect(a.stats.peak_store_bytes).toBeLessThanOrEqual(8 * 2 ** 20);
    // Without a limit the gate lets more partitions be in memory at once: the limit did something.
    expect(b.stats.peak_store_bytes).toBeGreaterThan(a.stats.peak_store_bytes);
    expect(a.outputs.g.rows).toEqual(b.outputs.g.rows);
    const want = [...counts.entries()].filter(([, c]) => c.n > 0).sort((x, y) => x[0] - y[0]);
    expect(a.outputs.g.rows.map((r: number[]) => r[0])).toEqual(want.map(([k]) => k));
    a.outputs.g.rows.forEach((r: number[], i: number) => {
      expect(r[1]).toBe(want[i][1].n);
      expect(Math.abs(r[2] - want[i][1].sum)).toBeLessThanOrEqual(1e-9 * want[i][1].sum);
    });
  });
});
