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
import { timeTicks } from '../../src-main/api/time-ticks';
import { binLanes } from '../../src-main/api/lane-bins';
import { timelineSvg } from '../../src-main/report/svg';

function columns(tasks: { start: number; stop: number; worker: number; layer: number }[]): TaskColumns {
  const n = tasks.length;
  const c: TaskColumns = { count: n, start: new Float64Array(n), stop: new Float64Array(n), worker: new Int32Array(n), layer: new Int32Array(n), bytesOut: new Float64Array(n), chunk: new Int32Array(n) };
  tasks.forEach((t, i) => { c.start[i] = t.start; c.stop[i] = t.stop; c.worker[i] = t.worker; c.layer[i] = t.layer; c.chunk[i] = i; });
  return c;
}

function recorder() {
  const rects: { x: number; y: number; w: number; h: number; fill: string; alpha: number }[] = [];
  const images: { data: Uint8ClampedArray; width: number; height: number }[] = [];
  const ctx = {
    fillStyle: '', globalAlpha: 1, clearRect: () => undefined,
    fillRect(x: number, y: number, w: number, h: number) { rects.push({ x, y, w, h, fill: this.fillStyle, alpha: this.globalAlpha }); },
    createImageData: (width: number, height: number) => ({ data: new Uint8ClampedArray(width * height * 4), width, height }),
    putImageData: (img: { data: Uint8ClampedArray; width: number; height: number }) => images.push(img),
  };
  return { ctx: ctx as unknown as CanvasRenderingContext2D, rects, images };
}

const palette = { css: (l: number) => `c${l}`, rgb: (l: number) => [l, 10 * l, 100] as const };

describe('timeline drawing', () => {
  it('draws one bar per task, in its lane and layer colour, with the idle gap between them empty', () => {
    const cols = columns([{ start: 0, stop: 10, worker: 0, layer: 0 }, { start: 20, stop: 30, worker: 0, layer: 1 }, { start: 0, stop: 30, worker: 1, layer: 0 }]);
    const { ctx, rects } = recorder();
    const r = drawTimeline(ctx, 300, 100, cols, { lo: 0, hi: 30 }, 2, palette);
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
    const { ctx, rects, images } = recorder();
    const r = drawTimeline(ctx, 1000, 100, cols, { lo, hi }, lanes, palette);
    expect(r.mode).toBe('aggregate');
    expect(r.visible).toBe(100_000);
    expect(rects).toEqual([]);
    const img = images[0];
    expect([img.width, img.height]).toEqual([1000, 100]);
    // One pixel row in the middle of each lane: [red (= layer), alpha] per column.
    const row = (y: number) => Array.from({ length: 1000 }, (_, x) => [img.data[(y * 1000 + x) * 4], img.data[(y * 1000 + x) * 4 + 3]]);
    const lane0 = row(25), lane1 = row(75);
    const busy0 = lane0.filter(([, a]) => a > 0).length;
    expect(busy0).toBeGreaterThanOrEqual(499);
    expect(busy0).toBeLessThanOrEqual(501);
    expect(lane0.slice(502).every(([, a]) => a === 0)).toBe(true); // idle: nothing drawn
    expect(lane1.every(([, a]) => a === 255)).toBe(true);
    expect(lane1.filter(([l]) => l === 1).length).toBeGreaterThanOrEqual(499);
    expect(lane1.filter(([l]) => l === 2).length).toBeGreaterThanOrEqual(499);
    // The 2-pixel gap between lanes stays empty.
    expect(row(50).every(([, a]) => a === 0)).toBe(true);
  });

  it('labels the time axis with distinct ticks at any zoom, each with the decimals its step needs', () => {
    const origin = 1_000_000;
    const labels = (lo: number, hi: number) => timeTicks(origin + lo, origin + hi, origin, 600).map((t) => t.label);
    expect(labels(0, 9300)).toEqual(['0 s', '2 s', '4 s', '6 s', '8 s']);
    expect(labels(1600, 1650)).toEqual(['1.60 s', '1.61 s', '1.62 s', '1.63 s', '1.64 s', '1.65 s']);
    expect(labels(0, 40)).toEqual(['0 ms', '10 ms', '20 ms', '30 ms', '40 ms']);
    expect(labels(10, 10.3)).toEqual(['10.0 ms', '10.1 ms', '10.2 ms', '10.3 ms']);
    // Generated windows: labels never repeat, ticks stay inside and in order.
    for (let k = 0; k < 500; k++) {
      const lo = Math.random() * 20_000, span = 10 ** (Math.random() * 6 - 2);
      const t = timeTicks(origin + lo, origin + lo + span, origin, 800);
      expect(new Set(t.map((x) => x.label)).size, `${lo} + ${span}`).toBe(t.length);
      expect(t.every((x, i) => x.x >= -1e-6 && x.x <= 800 + 1e-6 && (i === 0 || x.x > t[i - 1].x))).toBe(true);
    }
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

  it('bins lanes once for the window and the reports: busy time per column, the longest layer, edges and zero-length tasks', () => {
    // Window 0..10 ms over 10 columns. Lane 0: a task over columns 0-1 that ends on the edge of
    // column 2, then a zero-length task in column 5; lane 1: two layers sharing column 7.
    const cols = columns([
      { start: 0, stop: 2, worker: 0, layer: 3 }, { start: 5.5, stop: 5.5, worker: 0, layer: 4 },
      { start: 7, stop: 7.25, worker: 1, layer: 1 }, { start: 7.25, stop: 8, worker: 1, layer: 2 },
    ]);
    const bins = { busy: new Float32Array(20), topTime: new Float32Array(20), topLayer: new Int32Array(20) };
    binLanes(cols, { lo: 0, hi: 10 }, 10, 10, bins);
    expect([...bins.busy.slice(0, 10)].map((b) => Number(b.toFixed(6)))).toEqual([1, 1, 0, 0, 0, 0.000001, 0, 0, 0, 0]);
    expect([...bins.topLayer.slice(0, 10)]).toEqual([3, 3, 0, 0, 0, 4, 0, 0, 0, 0]);
    expect(bins.busy[10 + 7]).toBeCloseTo(1, 6);
    expect(bins.topLayer[10 + 7]).toBe(2); // 0.75 ms of layer 2 against 0.25 of layer 1
    // The report's SVG draws the same columns: none past the edge of the first task.
    const svg = timelineSvg([
      { key: 'a:0', layer: 'a', kind: 'map', worker: 0, start: 0, stop: 2, bytesIn: 0, bytesOut: 0 },
      { key: 'b:0', layer: 'b', kind: 'map', worker: 0, start: 9, stop: 10, bytesIn: 0, bytesOut: 0 },
    ] as never, ['a', 'b'], 58 + 10); // 58 px of lane labels, then 10 px of plot
    expect([...svg.matchAll(/<rect x="(\d+)" y="1"/g)].map((m) => Number(m[1]) - 58)).toEqual([0, 1, 9]);
    expect(svg).toContain('>worker 0</text>');
    expect(svg).toMatch(/>0 ms<\/text>.*>10 ms<\/text>/); // a time axis
  });
});
