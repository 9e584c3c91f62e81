/**
 * A worker thread: loads the addon (the store is shared with every other thread of the process),
 * runs the tasks it is sent in order, and reports each one as soon as it finishes. Messages carry
 * chunk ids, never bytes.
 */
import { parentPort } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import { executeTask, closeFiles } from './executor.js';
import type { TaskSpec } from './graph.js';
import { native } from '../native/addon.js';

export interface RunMessage {
  type: 'run';
  owner: number;
  tasks: { n: number; spec: TaskSpec; ids: number[] }[];
}

export type WorkerReply =
  | { type: 'done'; n: number; chunk: number; bytesIn: number; bytesOut: number; start: number; stop: number }
  | { type: 'error'; n: number; error: { code: string; message: string; hint: string }; start: number; stop: number }
  | { type: 'ready'; simd: string };

const now = () => performance.timeOrigin + performance.now();

if (parentPort) {
  const port = parentPort;
  port.on('message', (m: RunMessage | { type: 'close-files' } | { type: 'simd'; level: string }) => {
    if (m.type === 'close-files') { closeFiles(); return; }
    if (m.type === 'simd') { native().setSimdLevel(m.level); return; }
    for (const t of m.tasks) {
      const start = now();
      try {
        const r = executeTask(t.spec, t.ids, m.owner);
        port.postMessage({ type: 'done', n: t.n, chunk: r.chunk, bytesIn: r.bytesIn, bytesOut: r.bytesOut, start, stop: now() } satisfies WorkerReply);
      } catch (e) {
        const err = e as { code?: string; message?: string; hint?: string };
        port.postMessage({
          type: 'error', n: t.n, start, stop: now(),
          error: { code: err.code ?? 'TASK_FAILED', message: err.message ?? String(e), hint: err.hint ?? '' },
        } satisfies WorkerReply);
      }
    }
  });
  port.postMessage({ type: 'ready', simd: native().simdLevel() } satisfies WorkerReply);
}
