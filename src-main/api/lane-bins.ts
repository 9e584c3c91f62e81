/**
 * The timeline's aggregate view as numbers: per worker lane and pixel column of a time window, how
 * long tasks ran in that column (`busy`, ms) and the layer that ran longest there (`topLayer`).
 * The window's canvas (src-renderer/timeline-draw.ts) and the reports' SVG timeline
 * (report/svg.ts) both draw from it. Cost is linear in tasks plus covered columns, whatever the
 * zoom. A task of zero length still marks its column; a task that only touches a column's edge
 * does not.
 */

/** Tasks as columns (the window's task store, or a report's records). */
export interface LaneTasks {
  count: number;
  start: Float64Array;
  stop: Float64Array;
  worker: Int32Array;
  /** A layer number per task (the colour). */
  layer: Int32Array;
}

/** The time span of all tasks and the number of worker lanes. */
export function extent(tasks: LaneTasks): { lo: number; hi: number; lanes: number } {
  let lo = Infinity, hi = -Infinity, lanes = 1;
  for (let i = 0; i < tasks.count; i++) {
    if (tasks.start[i] < lo) lo = tasks.start[i];
    if (tasks.stop[i] > hi) hi = tasks.stop[i];
    if (tasks.worker[i] + 1 > lanes) lanes = tasks.worker[i] + 1;
  }
  return { lo, hi, lanes };
}

/** Per lane and column (`lane * columns + column`), cleared by the caller. */
export interface LaneBins {
  busy: Float32Array;
  topTime: Float32Array;
  topLayer: Int32Array;
}

/**
 * Bins the tasks that overlap `win` into `columns` columns over `width` pixels (a canvas may be a
 * fractional number of pixels wide; columns = ceil(width)).
 */
export function binLanes(tasks: LaneTasks, win: { lo: number; hi: number }, width: number, columns: number, bins: LaneBins): void {
  const lo = win.lo, hi = win.hi; // locals: the loop runs per task
  const span = Math.max(hi - lo, 1e-6);
  const scale = width / span, pxMs = span / width;
  const { busy, topTime, topLayer } = bins;
  for (let i = 0; i < tasks.count; i++) {
    const s = Math.max(tasks.start[i], lo), e = Math.min(tasks.stop[i], hi);
    if (e < s) continue;
    const row = tasks.worker[i] * columns;
    const first = Math.min(columns - 1, Math.floor((s - lo) * scale)), last = Math.min(columns - 1, Math.floor((e - lo) * scale));
    for (let p = first; p <= last; p++) {
      const cs = lo + p * pxMs, ce = cs + pxMs;
      const part = Math.max(0, Math.min(e, ce) - Math.max(s, cs)) || (e === s ? 1e-6 : 0);
      busy[row + p] += part;
      if (part > topTime[row + p]) { topTime[row + p] = part; topLayer[row + p] = tasks.layer[i]; }
    }
  }
}
