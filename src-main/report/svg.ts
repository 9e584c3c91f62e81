/**
 * Small SVG drawings for the self-contained HTML reports (no scripts, no external files): a task
 * timeline aggregated per pixel column, a line chart, and a log-x chart for profiles.
 */
import type { MemorySample, TaskRecord } from '../engine/events.js';
import { binLanes, extent } from '../api/lane-bins.js';
import { recordsToColumns } from '../api/task-columns.js';
import { layerColour } from '../api/colours.js';
import { DISK_LANE_LABEL, diskLayerColour } from '../api/disk-layers.js';
import { formatBytes } from '../api/format-bytes.js';
import { timeTicks } from '../api/time-ticks.js';

export const esc = (s: unknown) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);


/** Width of the lane labels left of a timeline or chart, and the height of its time axis below. */
const GUTTER = 58;
const AXIS = 16;

/** Tick marks and labels of a time axis along y = top, over x in [left, left + width]. */
function timeAxis(lo: number, hi: number, left: number, width: number, top: number): string {
  return `<line x1="${left}" x2="${left + width}" y1="${top}" y2="${top}" stroke="#bbb"/>`
    + timeTicks(lo, hi, lo, width).map((t) => `<line x1="${(left + t.x).toFixed(1)}" x2="${(left + t.x).toFixed(1)}" y1="${top}" y2="${top + 3}" stroke="#999"/><text x="${(left + t.x).toFixed(1)}" y="${top + 13}" text-anchor="middle">${esc(t.label)}</text>`).join('');
}

/** One lane per worker, labelled; per pixel column the busy share, coloured by the layer that used most of it; a time axis below. */
export function timelineSvg(records: readonly TaskRecord[], layerOrder: readonly string[], width = 560, laneH = 18): string {
  if (!records.length) return '<p class="note">no tasks</p>';
  // The columns the window draws from: layer numbers in layerOrder, as a reopened job's are.
  const { batch, layers } = recordsToColumns(records, layerOrder.map((name) => ({ name })));
  const tasks = { count: records.length, ...batch };
  const { lo, hi, lanes } = extent(tasks);
  // A spilling job's disk work: its layers in their own colours, on a lane of its own.
  const colours = layers.map((l, i) => diskLayerColour(l) ?? layerColour(i));
  const diskLane = records.find((r) => diskLayerColour({ name: r.layer }))?.worker ?? -1;
  const plot = Math.max(1, width - GUTTER);
  const span = Math.max(hi - lo, 1e-6), px = span / plot;
  const bins = { busy: new Float32Array(lanes * plot), topTime: new Float32Array(lanes * plot), topLayer: new Int32Array(lanes * plot) };
  binLanes(tasks, { lo, hi }, plot, plot, bins);
  const rects: string[] = [];
  for (let w = 0; w < lanes; w++) {
    rects.push(`<text x="${GUTTER - 6}" y="${w * laneH + laneH / 2 + 4}" text-anchor="end">${w === diskLane ? DISK_LANE_LABEL : `worker ${w}`}</text>`);
    for (let p = 0; p < plot; p++) {
      const b = bins.busy[w * plot + p];
      if (b > 0) rects.push(`<rect x="${GUTTER + p}" y="${w * laneH + 1}" width="1" height="${laneH - 2}" fill="${colours[bins.topLayer[w * plot + p]] ?? '#888'}" fill-opacity="${Math.max(0.25, Math.min(1, b / px)).toFixed(2)}"/>`);
    }
  }
  const h = lanes * laneH + AXIS + 4;
  return `<svg class="timeline" width="${width}" height="${h}" viewBox="0 0 ${width} ${h}"><rect class="plot-bg" x="${GUTTER}" width="${plot}" height="${lanes * laneH}" fill="#fafafa"/>${rects.join('')}`
    + `${timeAxis(lo, lo + span, GUTTER, plot, lanes * laneH)}</svg>`;
}

/** Managed, mapped and unmanaged memory over time against the limit, with a byte axis, a time axis and a legend. */
export function memorySvg(samples: readonly MemorySample[], width = 560, height = 120): string {
  if (samples.length < 2) return '<p class="note">too short to sample memory</p>';
  const t0 = samples[0].t, t1 = samples[samples.length - 1].t;
  const plot = Math.max(1, width - GUTTER);
  let topV = 1;
  for (const s of samples) topV = Math.max(topV, s.storeBytes, s.mappedBytes ?? 0, s.rssBytes - s.storeBytes - (s.mappedBytes ?? 0), s.limitBytes ?? 0);
  topV *= 1.08; // headroom: the top line is not drawn on the frame
  const Y = (v: number) => (height - (v / topV) * height).toFixed(1);
  const line = (f: (s: MemorySample) => number, colour: string, dash = '') =>
    `<polyline fill="none" stroke="${colour}" stroke-width="1.5"${dash ? ` stroke-dasharray="${dash}"` : ''} points="${samples.map((s) => `${(GUTTER + ((s.t - t0) / Math.max(1, t1 - t0)) * plot).toFixed(1)},${Y(f(s))}`).join(' ')}"/>`;
  const yTicks = [0, 0.5, 1].map((f) => f * topV / 1.08).map((v) => `<line x1="${GUTTER}" x2="${GUTTER + plot}" y1="${Y(v)}" y2="${Y(v)}" stroke="#eee"/><text x="${GUTTER - 6}" y="${Number(Y(v)) + 4}" text-anchor="end">${esc(formatBytes(v))}</text>`).join('');
  const limit = samples[0].limitBytes;
  return `<svg class="memory" width="${width}" height="${height + AXIS + 18}"><rect x="${GUTTER}" width="${plot}" height="${height}" fill="#fafafa"/>${yTicks}`
    + line((s) => s.storeBytes, '#4e79a7') + line((s) => Math.max(0, s.rssBytes - s.storeBytes - (s.mappedBytes ?? 0)), '#f28e2b')
    + line((s) => s.mappedBytes ?? 0, '#59a14f')
    + (limit ? line((s) => s.limitBytes ?? 0, '#555', '6 3') : '')
    + timeAxis(t0, t1, GUTTER, plot, height)
    + `<text x="${GUTTER}" y="${height + AXIS + 14}">managed: the chunk store (blue) · unmanaged: RSS less store and mapped (orange) · mapped file pages (green)${limit ? ` · limit ${esc(formatBytes(limit))} (dashed)` : ''}</text></svg>`;
}

export interface LogXSeries { name: string; colour: string; points: { x: number; y: number }[]; dashed?: boolean }

/**
 * A chart with a log-scaled x axis and one y axis per series group (left: first series' unit,
 * right: the second's), optional shaded bands per point (fractions 0..1 from the bottom) and a
 * highlighted x range.
 */
export function logXChart(o: {
  width?: number; height?: number; left: LogXSeries[]; right?: LogXSeries[]; leftLabel: string; rightLabel?: string;
  bands?: { x: number; share: number }[]; highlight?: { lo: number; hi: number }; marker?: number; xLabel: (x: number) => string;
}): string {
  const W = o.width ?? 560, H = o.height ?? 220, pad = { l: 52, r: 52, t: 10, b: 34 };
  const xs = [...o.left, ...(o.right ?? [])].flatMap((s) => s.points.map((p) => p.x));
  const x0 = Math.log10(Math.min(...xs)), x1 = Math.log10(Math.max(...xs));
  const X = (x: number) => pad.l + ((Math.log10(x) - x0) / Math.max(1e-9, x1 - x0)) * (W - pad.l - pad.r);
  const scale = (series: LogXSeries[]) => { const m = Math.max(1e-12, ...series.flatMap((s) => s.points.map((p) => p.y))); return (y: number) => H - pad.b - (y / m) * (H - pad.t - pad.b); };
  const YL = scale(o.left), YR = o.right ? scale(o.right) : YL;
  const path = (s: LogXSeries, Y: (y: number) => number) => `<polyline fill="none" stroke="${s.colour}" stroke-width="2"${s.dashed ? ' stroke-dasharray="5 3"' : ''} points="${s.points.map((p) => `${X(p.x).toFixed(1)},${Y(p.y).toFixed(1)}`).join(' ')}"/>`
    + s.points.map((p) => `<circle cx="${X(p.x).toFixed(1)}" cy="${Y(p.y).toFixed(1)}" r="3" fill="${s.colour}"><title>${esc(`${s.name} at ${o.xLabel(p.x)}: ${p.y.toPrecision(3)}`)}</title></circle>`).join('');
  const bandW = (W - pad.l - pad.r) / Math.max(1, xs.length) * 0.6;
  const bands = (o.bands ?? []).map((b) => `<rect class="overhead" x="${(X(b.x) - bandW / 2).toFixed(1)}" y="${(H - pad.b - b.share * (H - pad.t - pad.b)).toFixed(1)}" width="${bandW.toFixed(1)}" height="${(b.share * (H - pad.t - pad.b)).toFixed(1)}" fill="#e08a2c" fill-opacity="0.18"><title>${esc(`scheduling overhead ${Math.round(b.share * 100)}% at ${o.xLabel(b.x)}`)}</title></rect>`).join('');
  const hl = o.highlight ? `<rect class="best-region" x="${(X(o.highlight.lo) - 6).toFixed(1)}" y="${pad.t}" width="${(X(o.highlight.hi) - X(o.highlight.lo) + 12).toFixed(1)}" height="${H - pad.t - pad.b}" fill="#2aa876" fill-opacity="0.12"/>` : '';
  const marker = o.marker !== undefined ? `<line x1="${X(o.marker).toFixed(1)}" x2="${X(o.marker).toFixed(1)}" y1="${pad.t}" y2="${H - pad.b}" stroke="#2aa876" stroke-width="2"/>` : '';
  const ticks = [...new Set(xs)].map((x) => `<text x="${X(x).toFixed(1)}" y="${H - pad.b + 14}" text-anchor="middle">${esc(o.xLabel(x))}</text>`).join('');
  return `<svg class="chart" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}">${hl}${bands}${marker}`
    + `<line x1="${pad.l}" x2="${W - pad.r}" y1="${H - pad.b}" y2="${H - pad.b}" stroke="#999"/>${ticks}`
    + `<text x="4" y="${pad.t + 8}">${esc(o.leftLabel)}</text>${o.rightLabel ? `<text x="${W - 4}" y="${pad.t + 8}" text-anchor="end">${esc(o.rightLabel)}</text>` : ''}`
    + o.left.map((s) => path(s, YL)).join('') + (o.right ?? []).map((s) => path(s, YR)).join('') + `</svg>`;
}
