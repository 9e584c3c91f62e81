/**
 * The HTML reports of the window's chunk-size profiles, one file each in `profile-reports/`
 * (written to a temporary name and renamed). A profile is not a job of the history (it has no
 * outputs to reopen), so the history's retention does not reach it: the newest KEEP reports are
 * kept here and older ones removed when one more is saved. (Before this, reports went into
 * `jobs/<id>-profile/` folders that nothing ever removed; JobHistory removes those.)
 */
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { writeAtomically } from '../run/write-atomically.js';

/** Profile reports kept (each a few hundred KB). */
export const PROFILE_REPORTS_KEEP = 20;

export class ProfileReports {
  constructor(private readonly dir: string, private readonly keep = PROFILE_REPORTS_KEEP) {}

  path(jobId: string): string {
    return join(this.dir, `${jobId}.html`);
  }

  async save(jobId: string, html: string): Promise<string> {
    await mkdir(this.dir, { recursive: true });
    const path = this.path(jobId);
    await writeAtomically(path, html);
    await this.prune();
    return path;
  }

  /** Removes the reports beyond the newest `keep` (by modification time). */
  private async prune(): Promise<void> {
    const names = (await readdir(this.dir)).filter((n) => n.endsWith('.html'));
    if (names.length <= this.keep) return;
    const dated = await Promise.all(names.map(async (n) => ({ n, t: (await stat(join(this.dir, n)).catch(() => null))?.mtimeMs ?? 0 })));
    dated.sort((a, b) => b.t - a.t);
    for (const { n } of dated.slice(this.keep)) await rm(join(this.dir, n), { force: true });
  }
}
