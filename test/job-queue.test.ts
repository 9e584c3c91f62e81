/** The window's job queue: one job at a time, in order; a job that throws does not stop the ones after it. */
import { describe, expect, it, vi } from 'vitest';
import { JobQueue } from '../dist/src-main/service/job-queue.js';

describe('job queue', () => {
  it('runs jobs one at a time in order, and goes on after one that throws', async () => {
    const q = new JobQueue();
    const ran: string[] = [];
    const quiet = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    q.add(async () => { ran.push('a'); await new Promise((r) => setTimeout(r, 5)); ran.push('a-end'); });
    q.add(async () => { ran.push('b'); throw new Error('a bug in the runner'); });
    const c = q.add(async (_id, signal) => { ran.push(signal.aborted ? 'c-cancelled' : 'c'); });
    expect(q.cancel(c)).toBe(true);
    await q.idle();
    quiet.mockRestore();
    expect(ran).toEqual(['a', 'a-end', 'b', 'c-cancelled']);
    expect(q.cancel(c)).toBe(false); // finished jobs are forgotten
  });
});
