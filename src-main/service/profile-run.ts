/**
 * One chunk-size profile of the window (profile/sweep.ts, whose runs go through the run path) on
 * the backend its options ask for: progress events while it sweeps, then the recommendation is
 * remembered for "auto" chunks, its HTML report saved (profile-reports.ts), and profile.done
 * carries the numbers and the charts; a failure is job.failed.
 */
import type { JobSpecInput, RunOptions } from '../api/contract.js';
import { parseBytes } from '../engine/units.js';
import type { ProfileStore } from '../profile/profile-store.js';
import { profileJob, rememberProfile } from '../profile/sweep.js';
import { profileTimelineSvg, renderProfileReport } from '../report/html-report.js';
import type { ReadableCheck } from '../run/job-spec.js';
import { DaskBackend } from '../cluster/dask-backend.js';
import type { Backends } from './backends.js';
import type { Emit } from './event-batches.js';
import type { ProfileReports } from './profile-reports.js';

export interface ProfileRunContext {
  backends: Backends;
  profiles: ProfileStore;
  profileReports: ProfileReports;
  baseDir: string;
  readable?: ReadableCheck;
  /** The modules of user functions this window may run (those chosen in the desktop app's dialog). */
  userCode?: (modulePath: string) => boolean;
}

export interface SweepRequest {
  /** The dataset whose chunks vary (null: the largest). */
  dataset: string | null;
  /** Elements per chunk to try (null: a log-spaced sweep). */
  chunks: number[] | null;
  repeat: number;
}

export async function profileJobForWindow(ctx: ProfileRunContext, jobId: string, spec: JobSpecInput, options: RunOptions, sweep: SweepRequest, signal: AbortSignal, emit: Emit): Promise<void> {
  try {
    const backend = await ctx.backends.forJob(options);
    const report = await profileJob(backend, spec, ctx.baseDir, {
      dataset: sweep.dataset ?? undefined, values: sweep.chunks ?? undefined, repeat: sweep.repeat, signal, readable: ctx.readable, userCode: ctx.userCode,
      memoryLimit: options.memoryLimit ? parseBytes(options.memoryLimit) : null,
      onProgress: (done, total, value) => emit({ event: 'profile.progress', data: { jobId, done, total, value } }),
    });
    await rememberProfile(ctx.profiles, report);
    await ctx.profileReports.save(jobId, renderProfileReport(report));
    emit({
      event: 'profile.done',
      data: {
        jobId, dataset: report.parameter.dataset, workers: report.workers, recommended: report.recommended, best: report.best, recommendedChunks: report.recommendedChunks,
        recommendation: report.recommendation, explanations: report.explanations, warnings: report.warnings,
        points: report.points.map((x) => ({ value: x.value, chunkShape: x.chunkShape, chunkBytes: x.chunkBytes, chunks: x.chunks, wall: x.wall, ...x.median })),
        bestSvg: profileTimelineSvg(report, 'best', 420), worstSvg: profileTimelineSvg(report, 'worst', 420),
        ...(backend instanceof DaskBackend ? { cluster: backend.info } : {}),
      },
    });
  } catch (e) {
    emit({ event: 'job.failed', data: { jobId, error: (await ctx.backends.errorOf(e)) as never } });
  }
}
