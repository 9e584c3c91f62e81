/**
 * The timeline's drawing: bars when few tasks share a pixel, per-pixel aggregation when many do
 * (the busy share per lane and pixel, in the colour of the layer that used most of it), idle gaps
 * left empty; zoom keeps the time under the pointer fixed and pan stays inside the data. The
 * canvas is a recording stand-in (happy-dom has no 2-D canvas); Chromium draws the real one in
 * the end-to-end test.
 */
import { describe, expect, it } from 'vitest';
import type { TaskColumns } from '../../src-renderer/job-store';
import { drawTimeline, extent, panWindow, zoomWindow } from '../../src-renderer/timeline-draw';

function columns(tasks: { start: number; stop: number; worker: number; layer: number }[]): TaskColumns {
  const n = tasks.length;
  const c: TaskColumns = { count: n, start: new Float64Array(n), stop: new Float64Array(n), worker: new Int32Array(n), layer: new Int32Array(n), bytesOut: new Float64Array(n), keys: [] };
  tasks.forEach((t, i) => { c.start[i] = t.start; c.stop[i] = t.stop; c.worker[i] = t.worker; c.layer[i] = t.layer; c.keys.push(`l:${i}`); });
  return c;
}

function recorder() {
  const rects: { x: number; y: number; w: number; h: number; fill: string; alpha: number }[] = [];
  const ctx = { fillStyle: '', globalAlpha: 1, clearRect: () => undefined, fillRect(x: number, y: number, w: number, h: number) { rects.push({ x, y, w, h, fill: this.fillStyle, alpha: this.globalAlpha }); } };
  return { ctx: ctx as unknown as CanvasRenderingContext2D, rects };
}

describe('timeline drawing', () => {
  it('draws one bar per task, in its lane and layer colour, with the idle gap between them empty', () => {
    const cols = columns([{ start: 0, stop: 10, worker: 0, layer: 0 }, { start: 20, stop: 30, worker: 0, layer: 1 }, { start: 0, stop: 30, worker: 1, layer: 0 }]);
    const { ctx, rects } = recorder();
    const r = drawTimeline(ctx, 300, 100, cols, { lo: 0, hi: 30 }, 2, (l) => `c${l}`);
    expect(r.mode).toBe('bars');
    expect(rects).toEqual([
      { x: 0, y: 2, w: 100, h: 46, fill: 'c0', alpha: 1 },
      { x: 200, y: 2, w: 100, h: 46, fill: 'c1', alpha: 1 },
      { x: 0, y: 52, w: 300, h: 46, fill: 'c0', alpha: 1 },
    ]);
  });

  it('aggregates 100,000 tasks per pixel: full columns where a lane was busy, nothing where it idled', () => {
    // Lane 0 busy the first half (layer 0), lane 1 busy the whole time (layer 1 then 2).
    const tasks = [];
    for (let i = 0; i < 50_000; i++) tasks.push({ start: i * 0.01, stop: (i + 1) * 0.01, worker: 0, layer: 0 });
    for (let i = 0; i < 50_000; i++) tasks.push({ start: i * 0.02, stop: (i + 1) * 0.02, worker: 1, layer: i < 25_000 ? 1 : 2 });
    const cols = columns(tasks);
    const { lo, hi, lanes } = extent(cols);
    const { ctx, rects } = recorder();
    const r = drawTimeline(ctx, 1000, 100, cols, { lo, hi }, lanes, (l) => `c${l}`);
    expect(r.mode).toBe('aggregate');
    expect(r.visible).toBe(100_000);
    const lane0 = rects.filter((x) => x.y < 50), lane1 = rects.filter((x) => x.y >= 50);
    expect(lane0.length).toBeGreaterThanOrEqual(499);
    expect(lane0.length).toBeLessThanOrEqual(501);
    expect(Math.max(...lane0.map((x) => x.x))).toBeLessThanOrEqual(500);
    expect(lane1.length).toBe(1000);
    expect(lane1.every((x) => x.alpha > 0.99)).toBe(true);
    expect(lane1.filter((x) => x.fill === 'c1').length).toBeGreaterThanOrEqual(499);
    expect(lane1.filter((x) => x.fill === 'c2').length).toBeGreaterThanOrEqual(499);
  });

  it('zooms around the pointer and pans within the data', () => {
    const bounds = { lo: 0, hi: 100 };
    const z = zoomWindow(bounds, 0.25, 0.5, bounds);
    expect(z).toEqual({ lo: 12.5, hi: 62.5 }); // the time at 25% of the width stays at 25%
    expect(panWindow(z, 10, bounds)).toEqual({ lo: 22.5, hi: 72.5 });
    expect(panWindow(z, 1000, bounds)).toEqual({ lo: 50, hi: 100 });
    expect(panWindow(z, -1000, bounds)).toEqual({ lo: 0, hi: 50 });
    expect(zoomWindow(z, 0.5, 10, bounds)).toEqual(bounds); // never wider than the data
  });
});
