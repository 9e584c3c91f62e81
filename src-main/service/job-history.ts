/**
 * Finished jobs on disk, one folder per job in the app's data folder: `job.json` holds the spec,
 * the results or the error, the stats and the task stream, written to a temporary name and
 * renamed, so a crash never leaves a half-written record; `summary.json` (written after it) is
 * what the history list reads, so listing never parses task streams of 10^5 records. A job can be
 * reopened after a restart.
 *
 * Retention: the newest HISTORY_KEEP finished jobs are kept; saving one more removes the oldest
 * folders, with any output files written there. A job of 10^5 tasks keeps ~15 MB of task records,
 * and an unbounded history filled a disk here within a day of benchmarks. `inputs.json` lists the
 * files a job's datasets read, so the web host keeps the uploads a past job needs (uploads.ts)
 * without parsing every record.
 */
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Result } from '../api/contract.js';
import { TesseraError } from '../engine/errors.js';
import { specFiles } from '../run/job-spec.js';
import { writeAtomically } from '../run/write-atomically.js';

export type JobRecord = Result<'getJob'>;
type Summary = Result<'listHistory'>[number];

function summaryOf(j: JobRecord): Summary {
  return { jobId: j.jobId, finished: j.finished, state: j.state, outputs: Object.keys(j.spec.outputs), wall_s: j.stats.wall_s };
}

/** Finished jobs kept in the history (the oldest beyond this are removed when a job is saved). */
export const HISTORY_KEEP = 100;

export class JobHistory {
  constructor(private readonly dir: string, private readonly keep = HISTORY_KEEP) {}

  async save(job: JobRecord): Promise<void> {
    const folder = join(this.dir, job.jobId);
    await mkdir(folder, { recursive: true });
    await writeAtomically(join(folder, 'job.json'), JSON.stringify(job));
    await writeAtomically(join(folder, 'inputs.json'), JSON.stringify(specFiles(job.spec)));
    await writeAtomically(join(folder, 'summary.json'), JSON.stringify(summaryOf(job)));
    await this.prune();
  }

  /**
   * Removes the folders of finished jobs beyond the newest `keep` (running jobs have no summary
   * yet), and the `*-profile` folders where profile reports went before profile-reports.ts.
   */
  private async prune(): Promise<void> {
    const jobs = await this.list();
    for (const old of jobs.slice(this.keep)) await rm(join(this.dir, old.jobId), { recursive: true, force: true });
    for (const name of await readdir(this.dir)) {
      if (name.endsWith('-profile')) await rm(join(this.dir, name), { recursive: true, force: true });
    }
  }

  async get(jobId: string): Promise<JobRecord> {
    try {
      return JSON.parse(await readFile(join(this.dir, jobId, 'job.json'), 'utf8')) as JobRecord;
    } catch {
      throw new TesseraError('JOB_NOT_FOUND', `no finished job ${jobId} in the history`, 'pick a job from the history list');
    }
  }

  /** A job's summary; a job saved before summaries existed is summarised from its record. */
  private async summary(jobId: string): Promise<Summary> {
    try {
      return JSON.parse(await readFile(join(this.dir, jobId, 'summary.json'), 'utf8')) as Summary;
    } catch {
      return summaryOf(await this.get(jobId));
    }
  }

  /** The files the kept jobs read (from each job's spec, for jobs saved before inputs.json). */
  async inputs(): Promise<Set<string>> {
    const files = new Set<string>();
    for (const { jobId } of await this.list()) {
      let paths: string[];
      try {
        paths = JSON.parse(await readFile(join(this.dir, jobId, 'inputs.json'), 'utf8')) as string[];
      } catch {
        paths = specFiles((await this.get(jobId)).spec);
      }
      for (const p of paths) files.add(p);
    }
    return files;
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
        out.push(await this.summary(name));
      } catch {
        // a folder without a finished record (a job still running, or a crash): not history
      }
    }
    return out.sort((a, b) => b.finished - a.finished);
  }
}
