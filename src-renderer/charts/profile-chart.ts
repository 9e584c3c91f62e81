/**
 * The profile's chart as uPlot options and data: against chunk size in elements (a log axis ticked
 * at the sizes measured), the median wall time with the spread of the runs as a band (left axis,
 * seconds), the peak memory, managed + unmanaged (right axis, binary bytes, dashed), and the
 * scheduling overhead's share of the time as pale bars; the sizes within 5% of the fastest are
 * shaded and the recommended one marked by a line. Hovering a size shows its numbers.
 */
import uPlot from 'uplot';
import type { EventData } from '../../src-main/api/contract';
import { formatBytes } from '../../src-main/api/format-bytes';
import { formatCount } from '../../src-main/api/format-count';
import { BYTE_STEPS, byteTick, secondTick } from './axis-steps';
import type { ChartTheme } from './chart-theme';

type Point = EventData<'profile.done'>['points'][number];

export const PROFILE_COLOURS = { wall: '#3a7bd5', spread: 'rgba(58, 123, 213, 0.15)', memory: '#8a4fd0', overhead: 'rgba(224, 138, 44, 0.25)', best: 'rgba(42, 168, 118, 0.14)', marker: '#2aa876' };

/** Columns: chunk elements, wall median, min, max (s), peak memory (bytes), overhead share; by chunk size. */
export function profileData(points: readonly Point[]): uPlot.AlignedData {
  const p = [...points].sort((a, b) => a.value - b.value);
  return [p.map((x) => x.value), p.map((x) => x.wall.median), p.map((x) => x.wall.min), p.map((x) => x.wall.max),
    p.map((x) => x.peakManagedBytes + x.peakUnmanagedBytes), p.map((x) => x.overheadShare)];
}

const shown = (v: number | null | undefined, f: (v: number) => string) => (v === null || v === undefined ? '—' : f(v));

export function profileChartOptions(points: readonly Point[], recommended: number): (theme: ChartTheme) => Omit<uPlot.Options, 'width' | 'height'> {
  const sizes = [...points].map((x) => x.value).sort((a, b) => a - b);
  const fastest = Math.min(...points.map((x) => x.wall.median));
  const near = points.filter((x) => x.wall.median <= fastest * 1.05).map((x) => x.value);
  const shape = new Map(points.map((x) => [x.value, x.chunkShape]));
  return (theme) => {
    const frame = { stroke: theme.axis, font: theme.font, grid: { stroke: theme.grid, width: 1 }, ticks: { stroke: theme.grid, width: 1, size: 4 } };
    return {
      scales: { x: { time: false, distr: 3, log: 10 }, s: { range: (_u, _min, max) => [0, Math.max(1e-6, max) * 1.1] }, bytes: { range: (_u, _min, max) => [0, Math.max(1, max) * 1.1] }, share: { range: [0, 1] } },
      axes: [
        // Ticked at the sizes measured, every one labelled (a log axis would label only some).
        { ...frame, splits: () => sizes, filter: (_u, splits) => splits, size: 28, values: (_u, splits) => splits.map((v) => formatCount(v)), label: 'chunk size (elements)', labelFont: theme.font, labelSize: 16 },
        { ...frame, scale: 's', size: 60, values: (_u, splits, _i, _s, step) => splits.map((v) => secondTick(v, step)), label: 'wall time, median', labelFont: theme.font, labelSize: 18 },
        { ...frame, scale: 'bytes', side: 1, size: 64, incrs: BYTE_STEPS, grid: { show: false }, values: (_u, splits) => splits.map(byteTick), label: 'peak memory', labelFont: theme.font, labelSize: 18 },
      ],
      series: [
        { label: 'chunks of', value: (_u, v) => shown(v, (x) => `${formatCount(x)} elements (${shape.get(x)?.join(' × ') ?? '?'})`) },
        { label: 'wall (median)', scale: 's', stroke: PROFILE_COLOURS.wall, width: 2, points: { show: true, size: 7, fill: PROFILE_COLOURS.wall }, value: (_u, v) => shown(v, (x) => `${x.toFixed(3)} s`) },
        { label: 'fastest run', scale: 's', stroke: 'transparent', width: 0, points: { show: false }, value: (_u, v) => shown(v, (x) => `${x.toFixed(3)} s`) },
        { label: 'slowest run', scale: 's', stroke: 'transparent', width: 0, points: { show: false }, value: (_u, v) => shown(v, (x) => `${x.toFixed(3)} s`) },
        { label: 'peak memory', scale: 'bytes', stroke: PROFILE_COLOURS.memory, width: 2, dash: [5, 3], points: { show: true, size: 7, fill: PROFILE_COLOURS.memory }, value: (_u, v) => shown(v, formatBytes) },
        { label: 'scheduling overhead', scale: 'share', fill: PROFILE_COLOURS.overhead, stroke: PROFILE_COLOURS.overhead, width: 0, points: { show: false },
          paths: uPlot.paths.bars!({ size: [0.25, 40] }), value: (_u, v) => shown(v, (x) => `${Math.round(x * 100)}% of the time`) },
      ],
      bands: [{ series: [3, 2], fill: PROFILE_COLOURS.spread }],
      cursor: { drag: { x: false, y: false } },
      hooks: {
        // Under the series: the sizes within 5% of the fastest, and a line at the recommended one.
        drawClear: [(u) => {
          const ctx = u.ctx, top = u.bbox.top, h = u.bbox.height, dpr = devicePixelRatio;
          const lo = u.valToPos(Math.min(...near), 'x', true) - 8 * dpr, hi = u.valToPos(Math.max(...near), 'x', true) + 8 * dpr;
          ctx.save();
          ctx.fillStyle = PROFILE_COLOURS.best;
          ctx.fillRect(lo, top, hi - lo, h);
          const x = u.valToPos(recommended, 'x', true);
          ctx.strokeStyle = PROFILE_COLOURS.marker;
          ctx.lineWidth = 2 * dpr;
          ctx.beginPath(); ctx.moveTo(x, top); ctx.lineTo(x, top + h); ctx.stroke();
          ctx.restore();
        }],
      },
    };
  };
}
