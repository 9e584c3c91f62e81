/**
 * The window's jobs and profiles, one at a time in the order they came: each gets an id at once
 * and an abort signal that `cancel` fires, whether it is waiting or running.
 */
export class JobQueue {
  private readonly waiting = new Map<string, AbortController>();
  private tail: Promise<void> = Promise.resolve();
  private nextId = 1;

  /** Queues `run` under a new id (ending in `suffix`, e.g. "-profile") and returns the id. */
  add(run: (jobId: string, signal: AbortSignal) => Promise<void>, suffix = ''): string {
    const jobId = `job-${Date.now().toString(36)}-${this.nextId++}${suffix}`;
    const abort = new AbortController();
    this.waiting.set(jobId, abort);
    // A run reports its own failures as events; one that throws anyway (a bug, or an emit that
    // failed) must not stop every job queued after it.
    this.tail = this.tail.then(() => run(jobId, abort.signal)).catch((e) => { console.error(`job ${jobId} failed outside its events:`, e); })
      .finally(() => this.waiting.delete(jobId));
    return jobId;
  }

  /** Cancels a queued or running job; false if there is none of that id. */
  cancel(jobId: string): boolean {
    const abort = this.waiting.get(jobId);
    if (!abort) return false;
    abort.abort();
    return true;
  }

  /** Resolves once every job queued so far has finished. */
  idle(): Promise<void> {
    return this.tail;
  }
}
