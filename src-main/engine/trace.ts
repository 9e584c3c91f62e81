/**
 * The task stream as a Chrome / Perfetto trace (the JSON Trace Event Format): one complete event
 * ("ph": "X") per task on its worker's lane, with bytes in and out as arguments.
 */
import type { TaskRecord } from './events.js';

export function chromeTrace(records: readonly TaskRecord[], meta: Record<string, unknown> = {}): Record<string, unknown> {
  let t0 = Infinity;
  for (const r of records) if (r.start < t0) t0 = r.start; // no spread: 10^5 arguments overflow the stack
  if (!records.length) t0 = 0;
  const lanes = [...new Set(records.map((r) => r.worker))].sort((a, b) => a - b);
  return {
    displayTimeUnit: 'ms',
    otherData: meta,
    traceEvents: [
      { name: 'process_name', ph: 'M', pid: 1, tid: 0, args: { name: 'tessera' } },
      ...lanes.map((w) => ({ name: 'thread_name', ph: 'M', pid: 1, tid: w, args: { name: `worker ${w}` } })),
      ...records.map((r) => ({
        name: r.key, cat: r.layer, ph: 'X', pid: 1, tid: r.worker,
        ts: Math.round((r.start - t0) * 1000 * 1000) / 1000, dur: Math.round((r.stop - r.start) * 1000 * 1000) / 1000,
        args: { kind: r.kind, layer: r.layer, bytes_in: r.bytesIn, bytes_out: r.bytesOut },
      })),
    ],
  };
}
