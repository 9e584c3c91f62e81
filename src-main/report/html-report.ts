/**
 * Self-contained HTML performance reports (one file: inline CSS and SVG, no scripts): for a run
 * (`tessera run --report`, Export in the window) and for a profile (`tessera profile --report`).
 */
import type { MemorySample, TaskRecord } from '../engine/events.js';
import type { Layer } from '../engine/graph.js';
import { formatBytes } from '../api/format-bytes.js';
import type { Machine } from '../profile/machine.js';
import { formatCount } from '../profile/recommend.js';
import type { ProfileReport } from '../profile/sweep.js';
import { layerColour } from '../api/colours.js';
import { diskLayerColour, diskLayerEntries } from '../api/disk-layers.js';
import { esc, logXChart, memorySvg, timelineSvg } from './svg.js';

const STYLE = `body{font:14px system-ui,sans-serif;color:#222;max-width:1180px;margin:1.5em auto;padding:0 1em}
h1{font-size:1.4em}h2{font-size:1.1em;margin-top:1.6em;color:#345}table{border-collapse:collapse;font-size:.9em}
td,th{padding:2px 10px 2px 0;text-align:left}td.n{text-align:right;font-variant-numeric:tabular-nums}
.note{color:#777}.advice{background:#eef8f2;border-left:4px solid #2aa876;padding:.6em .9em}.warn{background:#fff6e8;border-left:4px solid #e08a2c;padding:.4em .9em}
svg text{font-size:10px;fill:#555}.side{display:flex;gap:2em;flex-wrap:wrap}code{background:#f3f3f3;padding:0 3px}`;

function page(title: string, body: string, when = new Date()): string {
  const date = `${when.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
  return `<!doctype html><html><head><meta charset="utf-8"><title>${esc(title)}</title><style>${STYLE}</style></head><body><h1>${esc(title)}</h1><p class="note">${date}</p>${body}</body></html>\n`;
}

/** What a run's stats are called in a report (the JSON keys read as words), in this order. */
const STAT_LABELS: Record<string, string> = {
  wall_s: 'wall time', startup_s: 'start-up', tasks: 'tasks', workers: 'workers', peak_store_bytes: 'peak chunk store (managed)',
  peak_mapped_bytes: 'peak mapped file pages', peak_rss_bytes: 'peak RSS (process)',
};

function statRow(k: string, v: number): string {
  const value = k.endsWith('bytes') ? formatBytes(v) : k.endsWith('_s') ? `${v.toFixed(3)} s` : Number.isInteger(v) ? v.toLocaleString('en-US') : v.toFixed(4);
  return `<tr><th>${esc(STAT_LABELS[k] ?? k.replace(/_/g, ' '))}</th><td class="n">${value}</td></tr>`;
}

function machineTable(m: Machine, workers: number): string {
  return `<table><tr><th>CPU</th><td>${esc(m.cpu)} (${m.cores} cores, SIMD ${esc(m.simd)})</td></tr><tr><th>memory</th><td>${formatBytes(m.memoryBytes)}</td></tr>`
    + `<tr><th>workers</th><td>${workers}</td></tr><tr><th>Node</th><td>${esc(m.node)}</td></tr></table>`;
}

/** Per layer (and a spilling job's disk work, after them): tasks, time inside tasks, mean per task, and share of all task time. */
export function layerTimes(records: readonly TaskRecord[], graphLayers: readonly Layer[]): { name: string; label: string; tasks: number; ms: number; meanMs: number; share: number }[] {
  const layers: readonly Pick<Layer, 'name' | 'label' | 'kind'>[] = [...graphLayers, ...diskLayerEntries(0)];
  const by = new Map<string, { tasks: number; ms: number }>();
  let total = 0;
  for (const r of records) {
    const e = by.get(r.layer) ?? { tasks: 0, ms: 0 };
    e.tasks++;
    e.ms += r.stop - r.start;
    total += r.stop - r.start;
    by.set(r.layer, e);
  }
  return layers.filter((l) => by.has(l.name)).map((l) => {
    const e = by.get(l.name)!;
    return { name: l.name, label: diskLayerColour(l) ? l.label : `${l.label} (${l.kind})`, tasks: e.tasks, ms: e.ms, meanMs: e.ms / e.tasks, share: total ? e.ms / total : 0 };
  });
}

function layerTable(records: readonly TaskRecord[], layers: readonly Layer[]): string {
  const rows = layerTimes(records, layers).map((l, i) => `<tr><td><span style="color:${diskLayerColour(l) ?? layerColour(i)}">■</span> ${esc(l.label)}</td><td class="n">${l.tasks}</td><td class="n">${l.ms.toFixed(1)} ms</td><td class="n">${l.meanMs.toFixed(3)} ms</td><td class="n">${(l.share * 100).toFixed(1)}%</td></tr>`);
  return `<table><tr><th>layer</th><th>tasks</th><th>task time</th><th>per task</th><th>share</th></tr>${rows.join('')}</table>`;
}

export interface RunReportInput {
  title: string;
  spec: unknown;
  machine: Machine;
  workers: number;
  stats: Record<string, number>;
  records: readonly TaskRecord[];
  samples: readonly MemorySample[];
  layers: readonly Layer[];
  chunking: { dataset: string; grid: number[][]; reason?: string }[];
}

export function renderRunReport(r: RunReportInput): string {
  const chunking = r.chunking.map((c) => `<tr><td>${esc(c.dataset)}</td><td>(${c.grid.map((g) => g[0]).join(', ')})</td><td class="n">${c.grid.reduce((a, g) => a * g.length, 1)} chunks</td><td class="note">${esc(c.reason ?? '')}</td></tr>`).join('');
  const order = Object.keys(STAT_LABELS);
  const stats = Object.entries(r.stats).sort(([a], [b]) => (order.indexOf(a) + 1 || 99) - (order.indexOf(b) + 1 || 99)).map(([k, v]) => statRow(k, v)).join('');
  return page(r.title, `<h2>Run</h2><table>${stats}</table>`
    + `<h2>Timeline</h2>${timelineSvg(r.records, r.layers.map((l) => l.name), 1100)}`
    + `<h2>Memory</h2>${memorySvg(r.samples, 1100)}`
    + `<h2>Per layer</h2>${layerTable(r.records, r.layers)}`
    + `<h2>Chunking</h2><table><tr><th>dataset</th><th>chunk shape</th><th></th><th></th></tr>${chunking}</table>`
    + `<h2>Machine</h2>${machineTable(r.machine, r.workers)}`
    + `<h2>Job</h2><pre>${esc(JSON.stringify(r.spec, null, 1))}</pre>`);
}

/** Wall time and peak memory against chunk size (log x), overhead shaded, best region marked. */
export function profileChartSvg(p: ProfileReport, width = 760, height = 260): string {
  const sorted = [...p.points].sort((a, b) => a.value - b.value);
  const fastest = Math.min(...sorted.map((x) => x.wall.median));
  const near = sorted.filter((x) => x.wall.median <= fastest * 1.05);
  return logXChart({
    left: [{ name: 'wall time (s)', colour: '#3a7bd5', points: sorted.map((x) => ({ x: x.value, y: x.wall.median })) }],
    right: [{ name: 'peak memory (bytes)', colour: '#8a4fd0', dashed: true, points: sorted.map((x) => ({ x: x.value, y: x.median.peakManagedBytes + x.median.peakUnmanagedBytes })) }],
    leftLabel: 'wall time (s), median', rightLabel: 'peak memory, managed + unmanaged (dashed)',
    bands: sorted.map((x) => ({ x: x.value, share: x.median.overheadShare })),
    highlight: { lo: near[0].value, hi: near[near.length - 1].value }, marker: p.recommended, xLabel: formatCount, width, height,
  });
}

/** The timeline of one profile run (the fastest or slowest chunking's median run). */
export function profileTimelineSvg(p: ProfileReport, which: 'best' | 'worst', width = 540): string {
  const t = p.timelines[which];
  const what = which === 'best' ? 'fastest' : 'slowest';
  return t
    ? `<div><h3>${what}: ${esc(p.parameter.label)} ${formatCount(t.value)} (${t.wallS.toFixed(3)} s)</h3>${timelineSvg(t.records, t.layers.map((l) => l.name), width)}</div>`
    : `<div><h3>${what}</h3><p class="note">too many tasks to draw here</p></div>`;
}

export function renderProfileReport(p: ProfileReport): string {
  const sorted = [...p.points].sort((a, b) => a.value - b.value);
  const chart = profileChartSvg(p);
  const rows = sorted.map((x) => `<tr${x.value === p.recommended ? ' style="background:#eef8f2"' : ''}><td class="n">${formatCount(x.value)}</td><td class="n">${formatBytes(x.chunkBytes)}</td><td class="n">${x.chunks}</td>`
    + `<td class="n">${x.wall.median.toFixed(3)} s</td><td class="n">${x.wall.min.toFixed(3)}–${x.wall.max.toFixed(3)}</td><td class="n">${x.median.tasks}</td><td class="n">${x.median.taskMs.toFixed(3)} ms</td>`
    + `<td class="n">${(x.median.computeShare * 100).toFixed(0)}%</td><td class="n">${(x.median.overheadShare * 100).toFixed(0)}%</td><td class="n">${(x.median.idleShare * 100).toFixed(0)}%</td>`
    + `<td class="n">${formatBytes(x.median.peakManagedBytes)}</td><td class="n">${formatBytes(x.median.peakUnmanagedBytes)}</td><td class="n">${formatBytes(x.median.bytesRead)}</td></tr>`).join('');
  return page(`Tessera profile: ${p.parameter.label}`,
    `<p class="advice" data-recommendation>${esc(p.recommendation)}</p>`
    + p.explanations.map((e) => `<p>${esc(e)}</p>`).join('')
    + p.warnings.map((w) => `<p class="warn">${esc(w)}</p>`).join('')
    + `<h2>Wall time and memory against chunk size</h2>${chart}<p class="note">Orange bars: scheduling overhead share. Green band: within 5% of the fastest; green line: recommended. ${p.repeat} runs per chunking, round robin, after a warm-up.</p>`
    + `<h2>Per chunking</h2><table><tr><th>elements</th><th>chunk</th><th>chunks</th><th>wall (median)</th><th>spread</th><th>tasks</th><th>per task</th><th>compute</th><th>overhead</th><th>idle</th><th>peak managed</th><th>peak unmanaged</th><th>bytes read</th></tr>${rows}</table>`
    + `<h2>Fastest and slowest runs</h2><div class="side">${profileTimelineSvg(p, 'best')}${profileTimelineSvg(p, 'worst')}</div>`
    + `<h2>Machine</h2>${machineTable(p.machine, p.workers)}`
    + `<h2>Job</h2><pre>${esc(JSON.stringify(p.spec, null, 1))}</pre>`);
}
