/**
 * Filter terms pushed into the CSV reader (read-terms.ts): a row failing a term is parsed and
 * checked whole, then not kept, so a read_csv partition holds about the rows the filter keeps
 * (the filter runs after, and decides; dataframe-random.test.ts checks the results against
 * pandas). A bad value in a row the filter drops still fails the read, as it does without the filter.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runSpec, tempDir, useEngine } from './helpers/engine.js';

describe('filters pushed into the CSV reader', () => {
  const engine = useEngine();
  const dir = tempDir();
  const lines = ['id,k,x,ts'];
  for (let i = 0; i < 5000; i++) lines.push(`${i},${['a', 'b', '', 'é'][i % 4]},${i % 9 === 0 ? '' : ((i % 50) - 20) / 4},2024-01-${String(1 + (i % 28)).padStart(2, '0')} 10:00:00`);
  writeFileSync(join(dir, 't.csv'), `${lines.join('\n')}\n`);
  const datasets = { t: { csv: 't.csv', parse_dates: ['ts'], blocksize: 16384 } };
  const job = async (outputs: Record<string, string>) => {
    const r = await runSpec(engine(), { datasets, outputs }, dir);
    const v = Object.fromEntries(r.outputs.map((o) => [o.name, o.kind === 'scalar' ? o.value : undefined]));
    return { v, readBytes: r.records.filter((x) => x.kind === 'read_csv').reduce((s, x) => s + x.bytesOut, 0) };
  };

  it('keeps the rows the filter keeps and reads fewer when a term can be pushed', async () => {
    const filters = ["(t.x > 4) & (t.k == 'é')", 't.x.notna() & (t.x <= -2.5)', "(t.ts < '2024-01-03') & (t.k >= 'b')", 't.x == 0', 't.x == -0.0'];
    // One filter per job: outputs asking one source for different rows share a read without terms.
    for (const f of filters) {
      const pushed = (await job({ n: `len(t[${f}])`, s: `t[${f}].id.sum()` })).v;
      const unpushed = (await job({ n: `len(t[(${f}) | (t.id < 0)])`, s: `t[(${f}) | (t.id < 0)].id.sum()` })).v;
      expect([pushed.n, pushed.s], f).toEqual([unpushed.n, unpushed.s]);
      expect(pushed.n, f).toBeGreaterThan(0);
    }
    const pushed = await job({ n: "len(t[(t.x > 4) & (t.k == 'é')])" });
    const all = await job({ n: "len(t[((t.x > 4) & (t.k == 'é')) | (t.id < 0)])" });
    expect(pushed.v.n).toBe(all.v.n);
    expect(pushed.readBytes).toBeLessThan(all.readBytes / 4);
  });

  it('reads once, without terms, for outputs that filter the same rows differently', async () => {
    const both = await job({ a: 'len(t[t.x > 4])', b: 'len(t[t.x < -4])' });
    const none = await job({ n: 'len(t[(t.x > 4) | (t.x < -100)])' });
    expect(both.readBytes).toBe(none.readBytes);
    expect(both.v.a).toBe((await job({ a: 'len(t[t.x > 4])' })).v.a);
  });

  it('still fails on a bad value in a row the filter drops', async () => {
    writeFileSync(join(dir, 'bad.csv'), 'id,x\n1,5\n2,oops\n3,7\n');
    const r = runSpec(engine(), { datasets: { b: { csv: 'bad.csv', dtype: { x: 'float64' } } }, outputs: { s: 'b[b.id > 2].x.sum()' } }, dir);
    await expect(r).rejects.toMatchObject({ code: 'CSV_BAD_VALUE' });
  });
});
