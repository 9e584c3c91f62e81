/**
 * Finished jobs on disk, one folder per job in the app's data folder: `job.json` holds the spec,
 * the results or the error, the stats and the task stream, written to a temporary name and
 * renamed, so a crash never leaves a half-written record. A job can be reopened after a restart.
 */
import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Result } from '../api/contract.js';
import { TesseraError } from '../engine/errors.js';

export type JobRecord = Result<'getJob'>;

export class JobHistory {
  constructor(private readonly dir: string) {}

  async save(job: JobRecord): Promise<void> {
    const folder = join(this.dir, job.jobId);
    await mkdir(folder, { recursive: true });
    const tmp = join(folder, `job.json.tmp-${process.pid}`);
    await writeFile(tmp, JSON.stringify(job));
    await rename(tmp, join(folder, 'job.json'));
  }

  async get(jobId: string): Promise<JobRecord> {
    try {
      return JSON.parse(await readFile(join(this.dir, jobId, 'job.json'), 'utf8')) as JobRecord;
    } catch {
      throw new TesseraError('JOB_NOT_FOUND', `no finished job ${jobId} in the history`, 'pick a job from the history list');
    }
  }

  async list(): Promise<Result<'listHistory'>> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch {
      return [];
    }
    const out: Result<'listHistory'> = [];
    for (const name of names) {
      try {
        const j = await this.get(name);
        out.push({ jobId: j.jobId, finished: j.finished, state: j.state, outputs: Object.keys(j.spec.outputs), wall_s: j.stats.wall_s });
      } catch {
        // a folder without a finished record (a job still running, or a crash): not history
      }
    }
    return out.sort((a, b) => b.finished - a.finished);
  }
}
