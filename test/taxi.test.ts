/**
 * The seed's taxi question (issue #14): the fraction of trips longer than 20 minutes, over twelve
 * monthly CSV files with pickup and dropoff timestamps, generated here (a few thousand trips a
 * month; some timestamps missing, some trips ending before they start, some crossing midnight and
 * the month's end), and the same per month. pandas on the same files is the oracle; Tessera runs
 * at two blocksizes on 1 and 2 workers. Floats within 1e-12 relative.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from './helpers/engine.js';
import { tessera } from './helpers/cli.js';
import { expectSameOutput, pandasResults } from './helpers/frames.js';
import { rng } from './helpers/rng.js';

const LONG = '(t.dropoff - t.pickup).dt.total_seconds() > 1200';

const OUTPUTS: Record<string, string> = {
  longShare: `(${LONG}).mean()`,
  longTrips: `(${LONG}).sum()`,
  trips: 'len(t)',
  byMonth: `t.assign(month=t.pickup.dt.month, long=${LONG}).groupby('month').long.mean()`,
  byMonthAggs: `t.assign(month=t.pickup.dt.month, long=${LONG}, secs=(t.dropoff - t.pickup).dt.total_seconds())`
    + ".groupby('month').agg(share=('long', 'mean'), n=('long', 'size'), long=('long', 'sum'), secs=('secs', 'mean'), sd=('secs', 'std'), fare=('fare', 'sum'))",
  meanSeconds: '(t.dropoff - t.pickup).dt.total_seconds().mean()',
  longByPax: `t[${LONG}].groupby('passengers').fare.mean()`,
  missing: 'len(t[t.pickup.isna() | t.dropoff.isna()])',
};

/** One month of trips as CSV: NYC taxi style timestamps ("2024-03-05 14:22:01"), some missing. */
function month(m: number, n: number, rnd: () => number): string {
  const pad = (x: number) => String(x).padStart(2, '0');
  const stamp = (ms: number) => {
    const d = new Date(ms);
    return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  };
  const start = Date.UTC(2024, m - 1, 1), end = Date.UTC(2024, m, 1);
  const lines = ['trip_id,passengers,pickup,dropoff,fare'];
  for (let i = 0; i < n; i++) {
    const pickup = start + Math.floor(rnd() * (end - start) / 1000) * 1000;
    // mostly 2-40 minutes, a long tail of a few hours, and a few that end before they start
    const u = rnd();
    const secs = u < 0.01 ? -Math.floor(rnd() * 600) : u < 0.05 ? 3600 + Math.floor(rnd() * 4 * 3600) : 120 + Math.floor(rnd() * 2280);
    const p = rnd() < 0.02 ? '' : stamp(pickup);
    const d = rnd() < 0.03 ? '' : stamp(pickup + secs * 1000);
    const fare = (2.5 + Math.max(secs, 0) / 60 * (0.5 + rnd())).toFixed(2);
    lines.push(`${m * 100000 + i},${1 + Math.floor(rnd() * 4)},${p},${d},${fare}`);
  }
  return `${lines.join('\n')}\n`;
}

describe('the taxi question over twelve monthly CSV files against pandas', () => {
  const dir = tempDir();
  mkdirSync(join(dir, 'taxi'));
  const rnd = rng(2024);
  for (let m = 1; m <= 12; m++) writeFileSync(join(dir, 'taxi', `trips-2024-${String(m).padStart(2, '0')}.csv`), month(m, 2000 + Math.floor(rnd() * 3000), rnd));
  const setup = String.raw`
import glob
t = pd.concat([pd.read_csv(p, parse_dates=['pickup', 'dropoff'], float_precision='round_trip') for p in sorted(glob.glob('taxi/*.csv'))], ignore_index=True)
assert str(t.pickup.dtype).startswith('datetime64') and str(t.dropoff.dtype).startswith('datetime64')
`;
  const expected = pandasResults(dir, setup, ['t'], OUTPUTS);

  it('the fraction is a real fraction (the data has long trips, short trips and missing timestamps)', () => {
    const share = expected.longShare.value as number;
    expect(share).toBeGreaterThan(0.2);
    expect(share).toBeLessThan(0.6);
    expect(expected.missing.value).toBeGreaterThan(1000);
    expect(expected.byMonth.rows).toHaveLength(12);
  });

  it.each([[undefined, 2], [8192, 1], [8192, 2]])('every output equals pandas at blocksize %s on %s worker(s)', (blocksize, workers) => {
    writeFileSync(join(dir, 'job.json'), JSON.stringify({
      tessera: 1, datasets: { t: { csv: 'taxi/*.csv', parse_dates: ['pickup', 'dropoff'], ...(blocksize ? { blocksize } : {}) } }, outputs: OUTPUTS,
    }));
    const r = tessera(['run', 'job.json', '--json', '--workers', String(workers)], dir);
    expect(r.status, r.stderr || r.stdout.slice(0, 2000)).toBe(0);
    const { outputs } = JSON.parse(r.stdout);
    for (const name of Object.keys(OUTPUTS)) expectSameOutput(name, outputs[name], expected[name]);
  });
});
