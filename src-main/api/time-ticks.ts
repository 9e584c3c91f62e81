/** Time axis ticks, shared by the window's timeline and the HTML reports. Pure. */
/**
 * The time axis' ticks over the window [lo, hi] (epoch ms), labelled from `origin` (the job's
 * start): about six at a 1-2-5 step, each label with as many decimals as the step needs, so
 * zoomed-in ticks never print alike ("1.61 s 1.62 s", not "1.6 s 1.6 s").
 */
export function timeTicks(lo: number, hi: number, origin: number, width: number): { x: number; label: string }[] {
  const span = hi - lo;
  if (!(span > 0)) return [];
  const raw = span / 6;
  const p = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * p).find((s) => s >= raw) ?? raw;
  const seconds = hi - origin >= 1000;
  const out: { x: number; label: string }[] = [];
  for (let k = Math.ceil((lo - origin) / step); k * step <= hi - origin; k++) {
    const t = k * step; // from the origin, not accumulated: no drift in the labels
    out.push({ x: ((t + origin - lo) / span) * width, label: timeLabel(t, step, seconds) });
  }
  return out;
}

/** 1 ms to 10^7 ms (about three hours) in 1-2-5 steps: the steps a time axis in ms may take. */
export const TIME_STEPS_MS: number[] = [0, 1, 2, 3, 4, 5, 6].flatMap((e) => [1, 2, 5].map((m) => m * 10 ** e));

/** The label of a tick `t` ms after the origin, with as many decimals as a step of `step` ms needs: in seconds once the axis reaches a second, else in ms. */
export function timeLabel(t: number, step: number, seconds: boolean): string {
  const unit = seconds ? step / 1000 : step;
  const decimals = Math.max(0, -Math.floor(Math.log10(unit) + 1e-9));
  return seconds ? `${(t / 1000).toFixed(decimals)} s` : `${t.toFixed(decimals)} ms`;
}
