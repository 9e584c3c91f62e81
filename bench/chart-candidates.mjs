#!/usr/bin/env node
/**
 * Which charting library draws the window's line and bar charts (ADR 0028): uPlot, ECharts (full
 * and its "simple" build) and Chart.js, each in Debian's Chromium, on the window's hardest case:
 * the memory chart while a job runs (4 lines over N samples, one sample appended per frame, as the
 * host streams one every 50 ms). Per library: the bytes the page must load (minified, gzipped),
 * the main-thread time to load the script and to draw the first chart, and the main-thread time
 * per appended sample (Chromium's own TaskDuration metric over 120 frames, so layout, paint and
 * deferred work count, not only the call) at N = 1,200 (a minute of samples) and N = 12,000 (ten
 * minutes). uPlot is the window's own dependency; the others come from bench/peers (`npm ci --prefix
 * bench/peers --ignore-scripts`).
 *
 *   node bench/chart-candidates.mjs
 */
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';

const inRepo = (path) => new URL(`../${path}`, import.meta.url);
const CANDIDATES = [
  { name: 'none', pkg: null, file: null }, // the harness alone: data pushed, nothing drawn
  { name: 'uPlot', pkg: 'node_modules/uplot', file: 'dist/uPlot.iife.min.js' },
  { name: 'ECharts (full)', pkg: 'bench/peers/node_modules/echarts', file: 'dist/echarts.min.js' },
  { name: 'ECharts (simple)', pkg: 'bench/peers/node_modules/echarts', file: 'dist/echarts.simple.min.js' },
  { name: 'Chart.js', pkg: 'bench/peers/node_modules/chart.js', file: 'dist/chart.umd.min.js' },
];
const SIZES = [1_200, 12_000];
const FRAMES = 120;

/** In the page: make a chart of `n` samples with the named library; returns an append(sample) that redraws. */
function makeChart(lib, n) {
  const el = document.createElement('div');
  el.style.cssText = 'width: 900px; height: 220px';
  document.body.replaceChildren(el);
  const t = [], lines = [[], [], [], []];
  for (let i = 0; i < n; i++) {
    t.push(i * 0.05);
    lines[0].push(1e8 * (1 + Math.sin(i / 50)));
    lines[1].push(5e8);
    lines[2].push(2e7 * (1 + Math.cos(i / 70)));
    lines[3].push(3e8);
  }
  const push = (i) => { t.push(i * 0.05); lines[0].push(1e8 * (1 + Math.sin(i / 50))); lines[1].push(5e8); lines[2].push(2e7); lines[3].push(3e8); };
  if (lib === 'none') return push;
  if (lib === 'uPlot') {
    const u = new window.uPlot({ width: 900, height: 220, animation: false, scales: { x: { time: false } },
      series: [{}, { label: 'managed', stroke: '#4e79a7' }, { label: 'mapped', stroke: '#59a14f' }, { label: 'unmanaged', stroke: '#f28e2b' }, { label: 'limit', stroke: '#555', dash: [6, 3] }] },
    [t, ...lines], el);
    return (i) => { push(i); u.setData([t, ...lines]); };
  }
  if (lib.startsWith('ECharts')) {
    const c = window.echarts.init(el, null, { renderer: 'canvas' });
    const option = () => ({ animation: false, tooltip: { trigger: 'axis' }, xAxis: { type: 'value' }, yAxis: { type: 'value' },
      series: lines.map((l, k) => ({ type: 'line', showSymbol: false, data: t.map((x, j) => [x, l[j]]), name: String(k) })) });
    c.setOption(option());
    return (i) => { push(i); c.setOption(option()); };
  }
  const Chart = window.Chart;
  const canvas = document.createElement('canvas');
  el.append(canvas);
  const chart = new Chart(canvas, { type: 'line', options: { animation: false, responsive: false, parsing: false, normalized: true, scales: { x: { type: 'linear' } }, elements: { point: { radius: 0 } } },
    data: { datasets: lines.map((l, k) => ({ label: String(k), data: t.map((x, j) => ({ x, y: l[j] })), borderWidth: 1.5 })) } });
  return (i) => { push(i); chart.data.datasets.forEach((d, k) => d.data.push({ x: t[t.length - 1], y: lines[k][lines[k].length - 1] })); chart.update('none'); };
}

const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'] });
const rows = [];
// The first page of a browser pays for its start; a pass over the baseline, not reported, takes that.
for (const c of [CANDIDATES[0], ...CANDIDATES]) {
  const source = c.file ? readFileSync(inRepo(`${c.pkg}/${c.file}`), 'utf8') : '';
  const version = c.pkg ? JSON.parse(readFileSync(inRepo(`${c.pkg}/package.json`), 'utf8')).version : '';
  const page = await (await browser.newContext({ viewport: { width: 1000, height: 400 } })).newPage();
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  const busy = async () => (await cdp.send('Performance.getMetrics')).metrics.find((m) => m.name === 'TaskDuration').value * 1000;
  await page.goto('about:blank');
  let before = await busy();
  if (source) await page.addScriptTag({ content: source });
  const loadMs = (await busy()) - before;
  const perSample = [];
  let firstMs = 0;
  for (const n of SIZES) {
    before = await busy();
    await page.evaluate(`(${makeChart})(${JSON.stringify(c.name)}, ${n}); window.__append = null;`);
    await page.evaluate(`window.__append = (${makeChart})(${JSON.stringify(c.name)}, ${n}); new Promise(requestAnimationFrame)`);
    if (n === SIZES[0]) firstMs = ((await busy()) - before) / 2;
    before = await busy();
    await page.evaluate(`new Promise((done) => { let i = ${n}; const step = () => { window.__append(i++); if (i < ${n + FRAMES}) requestAnimationFrame(step); else requestAnimationFrame(() => done()); }; requestAnimationFrame(step); })`);
    perSample.push(((await busy()) - before) / FRAMES);
  }
  if (rows.length === 0 && !rows.warm) { rows.warm = true; await page.close(); continue; }
  rows.push([`${c.name} ${version}`.trim(), `${(source.length / 1024).toFixed(0)} KiB`, `${(gzipSync(source).length / 1024).toFixed(0)} KiB`, `${loadMs.toFixed(1)} ms`, `${firstMs.toFixed(1)} ms`, ...perSample.map((x) => `${x.toFixed(2)} ms`)]);
  await page.close();
}
await browser.close();
const header = ['library', 'minified', 'gzipped', 'load (main thread)', 'first chart, 1,200 samples', ...SIZES.map((n) => `per appended sample at ${n.toLocaleString('en')}`)];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
const line = (cells) => `| ${cells.map((x, i) => x.padEnd(widths[i])).join(' | ')} |`;
console.log([line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n'));
