/**
 * The job history on disk: finished jobs are listed newest first from their summaries, reopened
 * whole, and only the newest `keep` are kept (a running job's folder is never touched).
 */
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { JobHistory } from '../dist/src-main/service/job-history.js';
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
});
