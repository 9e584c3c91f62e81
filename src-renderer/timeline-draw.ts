/**
 * Drawing the task stream on a 2-D canvas, apart from Vue so it can be measured and tested alone.
 * Two modes, picked per draw from how many tasks the visible window holds:
 * - bars: one rectangle per visible task (few tasks per pixel);
 * - aggregate: per worker lane and pixel column, the busy share of that column's time, drawn with
 *   that opacity in the colour of the layer that used most of it, written straight into an
 *   ImageData (one putImageData, not thousands of fillRects and colour parses). Cost is linear in
 *   tasks plus pixels, whatever the zoom, so 10^5 tasks draw in a few ms.
 * Idle gaps stay visible in both: nothing is drawn where no task ran.
 */
import { binLanes } from '../src-main/api/lane-bins';
import type { TaskColumns } from './job-store';

export interface TimeWindow { lo: number; hi: number }

export interface DrawResult { mode: 'bars' | 'aggregate'; lanes: number; visible: number; window: TimeWindow }

export { extent } from '../src-main/api/lane-bins';

/** Colours per layer index: a CSS string for fillRect and RGB bytes for ImageData. */
export interface Palette { css(layer: number): string; rgb(layer: number): readonly [number, number, number] }

export function drawTimeline(ctx: CanvasRenderingContext2D, w: number, h: number, cols: TaskColumns, win: TimeWindow, lanes: number, palette: Palette): DrawResult {
  ctx.clearRect(0, 0, w, h);
  const lo = win.lo, hi = win.hi; // locals: the loops below run per task
  const span = Math.max(hi - lo, 1e-6);
  const scale = w / span;
  const laneH = h / lanes;
  let visible = 0;
  for (let i = 0; i < cols.count; i++) if (cols.stop[i] >= lo && cols.start[i] <= hi) visible++;
  const mode = visible > 2 * w ? 'aggregate' : 'bars';
  if (mode === 'bars') {
    for (let i = 0; i < cols.count; i++) {
      if (cols.stop[i] < lo || cols.start[i] > hi) continue;
      ctx.fillStyle = palette.css(cols.layer[i]);
      ctx.fillRect((cols.start[i] - lo) * scale, cols.worker[i] * laneH + 2, Math.max(1, (cols.stop[i] - cols.start[i]) * scale), laneH - 4);
    }
    return { mode, lanes, visible, window: { lo, hi } };
  }
  const px = Math.ceil(w);
  const H = Math.floor(h);
  const { busy, topTime, topLayer, image } = scratchFor(ctx, lanes * px, px, H);
  const data = image.data;
  const pxMs = span / w;
  binLanes(cols, { lo, hi }, w, px, { busy, topTime, topLayer });
  for (let lane = 0; lane < lanes; lane++) {
    const y0 = Math.floor(lane * laneH + 2), y1 = Math.min(H, Math.floor((lane + 1) * laneH - 2));
    for (let p = 0; p < px; p++) {
      const b = busy[lane * px + p];
      if (b <= 0) continue;
      const [r, g, bl] = palette.rgb(topLayer[lane * px + p]);
      const a = Math.round(255 * Math.max(0.25, Math.min(1, b / pxMs)));
      for (let y = y0; y < y1; y++) {
        const o = (y * px + p) * 4;
        data[o] = r; data[o + 1] = g; data[o + 2] = bl; data[o + 3] = a;
      }
    }
  }
  ctx.putImageData(image, 0, 0);
  return { mode, lanes, visible, window: { lo, hi } };
}

/**
 * Per-draw buffers, kept between draws of the same size and cleared: a redraw while zooming or
 * while a job streams in then allocates nothing (fresh buffers showed up as GC pauses).
 */
let scratch: { cells: number; w: number; h: number; busy: Float32Array; topTime: Float32Array; topLayer: Int32Array; image: ImageData } | null = null;

function scratchFor(ctx: CanvasRenderingContext2D, cells: number, w: number, h: number) {
  if (!scratch || scratch.cells !== cells || scratch.w !== w || scratch.h !== h) {
    scratch = { cells, w, h, busy: new Float32Array(cells), topTime: new Float32Array(cells), topLayer: new Int32Array(cells), image: ctx.createImageData(w, h) };
  } else {
    scratch.busy.fill(0);
    scratch.topTime.fill(0);
    scratch.topLayer.fill(0);
    scratch.image.data.fill(0);
  }
  return scratch;
}

/** Zooms a window by `factor` (<1 zooms in) keeping the time under the pointer (at fraction f) fixed. */
export function zoomWindow(win: TimeWindow, f: number, factor: number, bounds: TimeWindow): TimeWindow {
  const at = win.lo + f * (win.hi - win.lo);
  const span = Math.min(bounds.hi - bounds.lo, Math.max(1e-3, (win.hi - win.lo) * factor));
  return clampWindow({ lo: at - f * span, hi: at - f * span + span }, bounds);
}

/** Moves a window by `dt` milliseconds, kept inside the data. */
export function panWindow(win: TimeWindow, dt: number, bounds: TimeWindow): TimeWindow {
  return clampWindow({ lo: win.lo + dt, hi: win.hi + dt }, bounds);
}

function clampWindow(win: TimeWindow, bounds: TimeWindow): TimeWindow {
  const span = win.hi - win.lo;
  if (win.lo < bounds.lo) return { lo: bounds.lo, hi: bounds.lo + span };
  if (win.hi > bounds.hi) return { lo: bounds.hi - span, hi: bounds.hi };
  return win;
}

