/**
 * The Memory panel's two charts, as uPlot options and data: memory over time (managed = the chunk
 * store, mapped file pages, unmanaged = the rest of the RSS, the limit on managed memory, and the
 * chunks spilled to disk when a job spills) on a
 * seconds axis and a binary-bytes axis; and one horizontal bar per worker (Dask's per-worker bars),
 * its managed bytes, coloured by its share of the limit and labelled with its value.
 */
import uPlot from 'uplot';
import { formatBytes } from '../../src-main/api/format-bytes';
import { timeLabel, TIME_STEPS_MS } from '../../src-main/api/time-ticks';
import { BYTE_STEPS, byteTick } from './axis-steps';
import type { ChartTheme } from './chart-theme';

export interface MemorySample { t: number; storeBytes: number; rssBytes: number; mappedBytes?: number; perWorker: number[]; limitBytes: number | null; spilledBytes?: number }

export const MEMORY_COLOURS = { managed: '#4e79a7', mapped: '#59a14f', unmanaged: '#f28e2b', high: '#f28e2b', over: '#b5651d', spilled: '#b07aa1' };

const bytesValue = (_u: uPlot, v: number | null) => (v === null || v === undefined ? '—' : formatBytes(v));

/** The frame both charts share: axis colours, grid and font from the theme. */
function axis(theme: ChartTheme, more: uPlot.Axis): uPlot.Axis {
  return { stroke: theme.axis, font: theme.font, grid: { stroke: theme.grid, width: 1 }, ticks: { stroke: theme.grid, width: 1, size: 4 }, ...more };
}

/** Samples as columns: ms since the first sample, managed, mapped, unmanaged, the limit when there is one, and the spilled bytes when the job spilled. */
export function memoryData(samples: readonly MemorySample[], withLimit: boolean, withSpill = false): uPlot.AlignedData {
  const t0 = samples[0]?.t ?? 0;
  const cols: number[][] = [[], [], [], [], [], []];
  for (const s of samples) {
    const mapped = s.mappedBytes ?? 0;
    cols[0].push(s.t - t0); // the samples' t are epoch ms
    cols[1].push(s.storeBytes);
    cols[2].push(mapped);
    cols[3].push(Math.max(0, s.rssBytes - s.storeBytes - mapped));
    cols[4].push(s.limitBytes ?? 0);
    cols[5].push(s.spilledBytes ?? 0);
  }
  return [cols[0], ...cols.slice(1, withLimit ? 5 : 4), ...(withSpill ? [cols[5]] : [])];
}

export function memoryChartOptions(withLimit: boolean, withSpill = false): (theme: ChartTheme) => Omit<uPlot.Options, 'width' | 'height'> {
  return (theme) => ({
    scales: { x: { time: false }, y: { range: (_u, _min, max) => [0, Math.max(1, max) * 1.08] } },
    axes: [
      axis(theme, { incrs: TIME_STEPS_MS, space: 60, values: (u, splits, _i, _s, step) => splits.map((v) => timeLabel(v, step, (u.scales.x.max ?? 0) >= 1000)) }),
      axis(theme, { incrs: BYTE_STEPS, space: 24, size: 64, values: (_u, splits) => splits.map(byteTick) }),
    ],
    series: [
      { label: 'time', value: (_u, v) => (v === null || v === undefined ? '—' : `${(v / 1000).toFixed(2)} s`) },
      { label: 'managed (chunk store)', stroke: MEMORY_COLOURS.managed, width: 2, points: { show: false }, value: bytesValue },
      { label: 'mapped file pages', stroke: MEMORY_COLOURS.mapped, width: 1.5, points: { show: false }, value: bytesValue },
      { label: 'unmanaged (RSS − store − mapped)', stroke: MEMORY_COLOURS.unmanaged, width: 1.5, points: { show: false }, value: bytesValue },
      ...(withLimit ? [{ label: 'limit on managed', stroke: theme.muted, width: 1.5, dash: [6, 3], points: { show: false }, value: bytesValue }] : []),
      ...(withSpill ? [{ label: 'spilled to disk', stroke: MEMORY_COLOURS.spilled, width: 1.5, dash: [2, 2], points: { show: false }, value: bytesValue }] : []),
    ],
    cursor: { drag: { x: true, y: false } },
  });
}

/** A bar's colour: its share of the limit under a half, under four fifths, or more (without a limit, all one colour). */
export function barColour(bytes: number, limit: number | null): string {
  if (limit === null) return MEMORY_COLOURS.managed;
  const share = bytes / limit;
  return share < 0.5 ? MEMORY_COLOURS.managed : share < 0.8 ? MEMORY_COLOURS.high : MEMORY_COLOURS.over;
}

/** Per worker: [worker indices, managed bytes]. */
export function workerData(perWorker: readonly number[]): uPlot.AlignedData {
  return [perWorker.map((_, w) => w), [...perWorker]];
}

/** Bars on a horizontal byte axis up to the limit (or the largest any worker reached), a worker per row. */
export function workerBarsOptions(workers: number, limit: number | null, most: () => number): (theme: ChartTheme) => Omit<uPlot.Options, 'width' | 'height'> {
  return (theme) => ({
    scales: { x: { time: false, ori: 1, dir: -1, range: [-0.5, workers - 0.5] }, y: { ori: 0, range: () => [0, limit ?? Math.max(1, most()) * 1.08] } },
    axes: [
      axis(theme, { side: 3, incrs: [1], space: 10, size: 70, gap: 8, grid: { show: false }, values: (_u, splits) => splits.map((i) => (Number.isInteger(i) && i >= 0 ? `worker ${i}` : '')) }),
      axis(theme, { side: 2, incrs: BYTE_STEPS, space: 60, size: 28, values: (_u, splits) => splits.map(byteTick) }),
    ],
    series: [
      { label: 'worker', value: (_u, v) => (v === null || v === undefined ? '—' : `worker ${v}`) },
      {
        label: 'managed', fill: MEMORY_COLOURS.managed, stroke: MEMORY_COLOURS.managed, width: 0, points: { show: false }, value: bytesValue,
        paths: uPlot.paths.bars!({ size: [0.7, 16], disp: { fill: { unit: 3, values: (u) => (u.data[1] as number[]).map((b) => barColour(b, limit)) } } }),
      },
    ],
    legend: { show: false },
    cursor: { drag: { x: false, y: false }, points: { show: false } },
    hooks: {
      // Each bar's value at its end, so the bars read without hovering.
      draw: [(u) => {
        const ctx = u.ctx;
        ctx.save();
        ctx.font = theme.font.replace(/^(\d+)px/, (_m, px) => `${Number(px) * devicePixelRatio}px`);
        ctx.fillStyle = theme.text;
        ctx.textBaseline = 'middle';
        (u.data[1] as number[]).forEach((b, w) => {
          const x = u.valToPos(b, 'y', true), y = u.valToPos(w, 'x', true);
          const text = formatBytes(b), width = ctx.measureText(text).width;
          const right = u.bbox.left + u.bbox.width;
          ctx.fillText(text, x + 6 * devicePixelRatio + width > right ? Math.max(u.bbox.left + 2, x - width - 6 * devicePixelRatio) : x + 6 * devicePixelRatio, y);
        });
        ctx.restore();
      }],
    },
  });
}
