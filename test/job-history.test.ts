/**
 * The job history on disk: finished jobs are listed newest first from their summaries, reopened
 * whole, and only the newest `keep` are kept (a running job's folder is never touched); each lists
 * the files it reads. Profile reports are kept apart, the newest few.
 */
import { existsSync, mkdirSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { JobHistory } from '../dist/src-main/service/job-history.js';
import { ProfileReports } from '../dist/src-main/service/profile-reports.js';
import { tempDir } from './helpers/engine.js';

const record = (jobId: string, finished: number) => ({
  jobId, finished, spec: { tessera: 1, datasets: {}, outputs: { s: 'arange(3).sum()' } }, state: 'done', outputs: [], error: null,
  stats: { wall_s: 0.01 }, records: [{ key: 'sum-1:', layer: 'sum-1', kind: 'reduce', worker: 0, start: 1, stop: 2, bytesIn: 24, bytesOut: 8 }], layers: [],
}) as never;

describe('job history', () => {
  it('keeps the newest jobs only, with their folders, and never a running job\'s folder', async () => {
    const dir = tempDir();
    const history = new JobHistory(dir, 3);
    mkdirSync(join(dir, 'job-running'));
    writeFileSync(join(dir, 'job-running', 'out.npy.part'), 'x');
    for (let k = 1; k <= 5; k++) {
      mkdirSync(join(dir, `job-${k}`), { recursive: true });
      writeFileSync(join(dir, `job-${k}`, 'y.npy'), 'output');
      await history.save(record(`job-${k}`, 1000 + k));
    }
    expect((await history.list()).map((j) => j.jobId)).toEqual(['job-5', 'job-4', 'job-3']);
    expect(readdirSync(dir).sort()).toEqual(['job-3', 'job-4', 'job-5', 'job-running']);
    expect(existsSync(join(dir, 'job-running', 'out.npy.part'))).toBe(true);
    const back = await history.get('job-4');
    expect(back.records).toHaveLength(1);
    expect(back.stats.wall_s).toBe(0.01);
    await expect(history.get('job-1')).rejects.toMatchObject({ code: 'JOB_NOT_FOUND' });
  });

  it('lists the files each kept job reads, from inputs.json or (older jobs) the spec', async () => {
    const dir = tempDir();
    const history = new JobHistory(dir, 10);
    const withFiles = (jobId: string, finished: number, datasets: object) => ({ ...(record(jobId, finished) as object), spec: { tessera: 1, datasets, outputs: { s: 'a.sum()' } } }) as never;
    await history.save(withFiles('job-a', 1, { a: { npy: '/data/a.npy', chunks: 'auto' }, r: { raw: 'r.f64', dtype: 'float64', shape: [4] } }));
    await history.save(withFiles('job-b', 2, { a: { random: 'uniform', shape: [3] } }));
    // A job saved before inputs.json existed: read from its spec.
    mkdirSync(join(dir, 'job-old'));
    writeFileSync(join(dir, 'job-old', 'job.json'), JSON.stringify(withFiles('job-old', 3, { o: { npy: '/data/old.npy' } })));
    expect([...await history.inputs()].sort()).toEqual(['/data/a.npy', '/data/old.npy', 'r.f64']);
  });

  it('keeps the newest profile reports, and removes the folders where reports went before', async () => {
    const dir = tempDir();
    const reports = new ProfileReports(join(dir, 'profile-reports'), 2);
    for (let k = 1; k <= 4; k++) {
      const path = await reports.save(`job-${k}-profile`, `<html>${k}</html>`);
      utimesSync(path, 1000 + k, 1000 + k);
    }
    await reports.save('job-5-profile', '<html>5</html>');
    expect(readdirSync(join(dir, 'profile-reports')).sort()).toEqual(['job-4-profile.html', 'job-5-profile.html']);
    const jobs = join(dir, 'jobs');
    mkdirSync(join(jobs, 'job-9-profile'), { recursive: true });
    writeFileSync(join(jobs, 'job-9-profile', 'report.html'), 'old place');
    await new JobHistory(jobs, 3).save(record('job-10', 10));
    expect(readdirSync(jobs)).toEqual(['job-10']);
  });
});
