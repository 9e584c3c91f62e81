/**
 * A worker thread: loads the addon (the store is shared with every other thread of the process)
 * and runs tasks. A job's encoded tasks arrive once, at its start; after that a run message is a flat
 * list of task indices with the chunk ids each reads, and the reply to it is one flat list of
 * results. Messages carry chunk ids, never bytes.
 */
import { parentPort } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import { closeFiles, type EncodedJob, JobRunner } from './executor.js';
import { native } from '../native/addon.js';

export type WorkerMessage =
  | { type: 'job'; job: number; encoded: EncodedJob }
  /** tasks: [taskIndex, idCount, ...ids] repeated. */
  | { type: 'run'; job: number; tasks: Float64Array }
  | { type: 'end'; job: number }
  | { type: 'simd'; level: string };

/** Fields per result in a 'done' reply: task index, chunk, bytes in, bytes out, start, stop. */
export const RESULT_FIELDS = 6;

export type WorkerReply =
  | { type: 'done'; results: Float64Array }
  | { type: 'error'; task: number; error: { code: string; message: string; hint: string }; start: number; stop: number; results: Float64Array }
  | { type: 'ready'; simd: string };

const now = () => performance.timeOrigin + performance.now();

if (parentPort) {
  const port = parentPort;
  const jobs = new Map<number, JobRunner>();
  port.on('message', (m: WorkerMessage) => {
    switch (m.type) {
      case 'job': jobs.set(m.job, new JobRunner(m.encoded)); return;
      case 'end': jobs.delete(m.job); closeFiles(); return;
      case 'simd': native().setSimdLevel(m.level); return;
      case 'run': break;
    }
    const job = jobs.get(m.job);
    if (!job) return;
    const t = m.tasks;
    const results: number[] = [];
    for (let i = 0; i < t.length;) {
      const index = t[i], count = t[i + 1];
      const ids = t.subarray(i + 2, i + 2 + count);
      i += 2 + count;
      const start = now();
      try {
        const r = job.run(index, ids);
        results.push(index, r[0], r[1], r[2], start, now());
      } catch (e) {
        const err = e as { code?: string; message?: string; hint?: string };
        port.postMessage({
          type: 'error', task: index, start, stop: now(), results: Float64Array.from(results),
          error: { code: err.code ?? 'TASK_FAILED', message: err.message ?? String(e), hint: err.hint ?? '' },
        } satisfies WorkerReply);
        return; // the rest of this batch is dropped: the job is failing
      }
    }
    port.postMessage({ type: 'done', results: Float64Array.from(results) } satisfies WorkerReply);
  });
  port.postMessage({ type: 'ready', simd: native().simdLevel() } satisfies WorkerReply);
}
