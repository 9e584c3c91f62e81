/**
 * The window as a dashboard (issue #16), end to end in Debian's Chromium against the real web
 * host and engine: the favicon (no request of the page fails), the keyboard (Ctrl+Enter runs,
 * Esc cancels), progress that tells running from queued tasks and estimates the time left only
 * while a job runs, and panels the user rearranges (dragged by their titles or moved by their
 * buttons), kept over a reload; both colour schemes readable throughout (no light box in the
 * dark one, text that stands out from its background).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { Engine } from '../dist/src-main/engine/engine.js';
import { JobService } from '../dist/src-main/service/job-service.js';
import { startWebHost, type WebHost } from '../dist/src-main/hosts/web/server.js';
import { hasChromium, launchChromium } from './helpers/browser.js';
import { auditColours } from './helpers/colours.js';
import { tempDir } from './helpers/engine.js';
import { numpy } from './helpers/numpy.js';
import { pythonWith } from './helpers/python.js';

const SHOTS = 'test-output/screenshots';
let engine: Engine;
let host: WebHost;
let browser: Browser;
let page: Page;
const failed: string[] = [];

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  engine = await Engine.start({ workers: 2 });
  host = await startWebHost(new JobService(engine, { host: 'web', dataDir: tempDir(), baseDir: tempDir(), startEngine: (o) => Engine.start(o) }), { rendererDir: 'out/renderer' });
  if (hasChromium()) {
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.on('response', (r) => { if (r.status() >= 400) failed.push(`${r.status()} ${r.url()}`); });
    await page.goto(host.url);
    await page.getByTestId('host').waitFor();
  }
});
afterAll(async () => {
  await browser?.close();
  await host?.close();
  await engine?.close();
});

/** The stats sample with an output that runs for minutes unless cancelled (many chunks, each a few ms); its other outputs still read z. */
const LONG = {
  datasets: { z: { random: 'normal', shape: [5_000_000], seed: 3, chunks: [100_000] }, x: { random: 'normal', shape: [2_000_000_000], chunks: [1_000_000] } },
  outputs: [['slow', 'exp(x).sum()']],
} as const;

async function fillJob(p: Page, job: { datasets: object; outputs: readonly (readonly [string, string])[] }): Promise<void> {
  await p.getByTestId('datasets').fill(JSON.stringify(job.datasets));
  for (const [i, [name, expr]] of job.outputs.entries()) {
    await p.getByTestId(`output-name-${i}`).fill(name);
    await p.getByTestId(`output-expr-${i}`).fill(expr);
  }
}

/** The panels' order, column by column, as the page shows them. */
function panelOrder(p: Page): Promise<Record<string, string[]>> {
  return p.evaluate(() => Object.fromEntries([...document.querySelectorAll<HTMLElement>('[data-column]')]
    .map((c) => [c.dataset.column, [...c.querySelectorAll<HTMLElement>(':scope > [data-panel]')].map((x) => x.dataset.panel)])));
}

const DEFAULT_ORDER = { edit: ['datasets', 'job', 'progress', 'results', 'profile'], watch: ['timeline', 'memory', 'chunks', 'graph'] };

/** Drags panel `id` by its title onto the upper part of panel `onto`'s place, checking the drop indicator shows on the way. */
async function dragPanel(p: Page, id: string, onto: string): Promise<void> {
  const title = p.locator(`[data-panel="${id}"] > .panel > h2`).first();
  await title.scrollIntoViewIfNeeded();
  const from = (await title.boundingBox())!;
  await p.mouse.move(from.x + 30, from.y + from.height / 2);
  await p.mouse.down();
  await p.mouse.move(from.x + 40, from.y + from.height / 2 + 10, { steps: 3 });
  const to = (await p.locator(`[data-panel="${onto}"]`).boundingBox())!;
  await p.mouse.move(to.x + to.width / 2, to.y + Math.min(20, to.height / 4), { steps: 8 });
  await expect.poll(async () => p.getByTestId('drop-indicator').count()).toBe(1);
  await p.mouse.up();
  expect(await p.getByTestId('drop-indicator').count()).toBe(0);
}

describe.skipIf(!hasChromium())('the window as a dashboard', () => {
  it('has an icon: the page asks for its favicon and nothing it loads fails', async () => {
    const icon = await page.locator('link[rel="icon"]').getAttribute('href');
    expect(icon).toBe('./favicon.svg');
    const res = await page.request.get(new URL(icon!, page.url()).href);
    expect(res.status()).toBe(200);
    expect(res.headers()['content-type']).toContain('image/svg+xml');
    expect(await res.text()).toContain('<svg');
    expect(failed).toEqual([]);
  });

  it('keeps the page as wide as the window after a job of many layers in a row: wide panels scroll inside themselves', async () => {
    await page.setViewportSize({ width: 1600, height: 900 });
    await page.getByTestId('sample-stats').click();
    // 10^4 partial sums, four combine levels, then a map over the mean and another reduction: 13 layers in a row.
    await fillJob(page, { datasets: { z: { random: 'normal', shape: [20_000_000], seed: 3, chunks: [2_000] } }, outputs: [['mean', '((z - z.mean()) ** 2).mean()'], ['std', 'z.std()'], ['within_1sd', '(abs(z) < 1).mean()'], ['argmax', 'z.argmax()']] });
    await page.getByTestId('run').click();
    await page.getByTestId('stats').waitFor({ timeout: 120_000 });
    const widths = await page.evaluate(() => ({ page: document.documentElement.scrollWidth, window: window.innerWidth, header: document.querySelector('header')!.getBoundingClientRect().width }));
    expect(Number(await page.getByTestId('graph-layers').getAttribute('width'))).toBeGreaterThan(1600); // the graph itself is wider than the window
    expect(widths.page).toBe(widths.window);
    expect(widths.header).toBe(widths.window);
    await page.screenshot({ path: join(SHOTS, 'dashboard-wide-graph.png'), fullPage: true });
    // The same under a 5 MB memory limit (its warnings and memory chart included).
    await page.getByTestId('memory-limit').fill('5MB');
    await page.getByTestId('run').click();
    await page.getByTestId('stats').waitFor({ timeout: 120_000 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBe(1600);
    // One source of truth for the peak: Results and Memory print the same number; an overshoot of the limit is explained.
    const resultsPeak = (await page.getByTestId('stats').textContent())!.match(/peak store ([\d.]+ [KMG]?i?B)/)![1];
    const memoryPeak = (await page.getByTestId('memory-peak').textContent())!;
    expect(memoryPeak).toContain(`peak managed ${resultsPeak} of 4.8 MiB`); // 5 MB = 4.8 MiB
    const parse = (t: string) => { const [v, u] = t.split(' '); return Number(v) * { B: 1, KiB: 2 ** 10, MiB: 2 ** 20, GiB: 2 ** 30 }[u]!; };
    expect(await page.getByTestId('memory-overshoot').count()).toBe(parse(resultsPeak) > 5e6 ? 1 : 0);
    expect((await page.getByTestId('memory-workers').getAttribute('data-bytes'))!.split(',')).toHaveLength(2); // a bar per worker
    await page.getByTestId('memory').scrollIntoViewIfNeeded();
    // A chart (uPlot) whose hover shows the values under the cursor: a time and bytes in binary units.
    const plot = page.getByTestId('memory').locator('.u-over');
    const box = (await plot.boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.5);
    const legend = page.getByTestId('memory').locator('.u-legend');
    await expect.poll(async () => legend.textContent()).toMatch(/time\s*:?\s*[\d.]+ s/);
    expect(await legend.textContent()).toMatch(/managed \(chunk store\)\s*:?\s*[\d.]+ (B|KiB|MiB)/);
    expect(await legend.textContent()).toMatch(/limit on managed\s*:?\s*4\.8 MiB/);
    await page.locator('section.panel').filter({ has: page.getByTestId('memory') }).screenshot({ path: join(SHOTS, 'panel-memory-5mb.png') });
    await page.getByTestId('memory-limit').fill('');
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it('shows the bytes a job spilled to disk to stay under its memory limit: a line in the chart, the total, and the spills on the timeline', async () => {
    await page.getByTestId('sample-stats').click();
    // exp(z) + 1 is read by two outputs through different rechunkings: all 32 MB of it live at once.
    await fillJob(page, { datasets: { z: { random: 'uniform', shape: [2_000, 2_000], seed: 5, chunks: [250, 250] } }, outputs: [['cols', '(exp(z) + 1).rechunk((2000, 100)).sum(axis=0)'], ['rows', '(exp(z) + 1).rechunk((100, 2000)).sum(axis=1)']] });
    await page.getByTestId('memory-limit').fill('12MB');
    await page.getByTestId('run').click();
    await page.getByTestId('stats').waitFor({ timeout: 120_000 });
    expect(await page.getByTestId('memory-spilled').textContent()).toMatch(/^[\d.]+ MiB spilled to disk$/);
    expect(await page.getByTestId('memory-overshoot').count()).toBe(0); // the store stayed under the limit
    await page.getByTestId('memory').scrollIntoViewIfNeeded();
    expect(await page.getByTestId('memory').locator('.u-legend').textContent()).toContain('spilled to disk');
    // The live timeline draws the spills and reads back as their own layers, on a lane of their own.
    const legend = await page.getByTestId('timeline-legend').textContent();
    expect(legend).toContain('spill to disk');
    expect(legend).toContain('read back from disk');
    expect(await page.getByTestId('timeline-lanes').locator('span').allTextContents()).toEqual(['worker 0', 'worker 1', 'disk (spill)']);
    // They are not layers of the graph: no row of their own under Progress.
    expect(await page.getByTestId('layer-spill').count()).toBe(0);
    // After a job that does not spill, the spilling one opened from the history (the second
    // newest entry) shows them again.
    await page.getByTestId('memory-limit').fill('');
    const entries = await page.locator('[data-testid^="history-"]').count();
    await page.getByTestId('sample-stats').click();
    await page.getByTestId('run').click();
    await expect.poll(async () => page.locator('[data-testid^="history-"]').count(), { timeout: 120_000 }).toBe(entries + 1);
    expect(await page.getByTestId('timeline-legend').textContent()).not.toContain('spill to disk');
    await page.locator('[data-testid^="history-"]').nth(1).click();
    await expect.poll(async () => page.getByTestId('timeline-legend').textContent()).toContain('read back from disk');
    expect(await page.getByTestId('timeline-lanes').locator('span').allTextContents()).toEqual(['worker 0', 'worker 1', 'disk (spill)']);
  });

  it('keeps an output in memory for the next job: marked in Results, listed under Memory, used in one click, released', async () => {
    await page.getByTestId('sample-stats').click();
    await fillJob(page, { datasets: { z: { random: 'normal', shape: [1_000_000], seed: 4, chunks: [250_000] } }, outputs: [['zs', '(z - z.mean()) / z.std()']] });
    while (await page.getByTestId('remove-output-1').count()) await page.getByTestId('remove-output-1').click();
    await page.getByTestId('keep').fill('zs');
    await page.getByTestId('run').click();
    await page.getByTestId('kept-badge-zs').waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('kept-zs').getAttribute('data-bytes')).toBe('8000000');
    await page.getByTestId('keep').fill('');
    await page.getByTestId('kept-use-zs').click();
    expect(JSON.parse(await page.getByTestId('datasets').inputValue()).zs).toEqual({ persisted: 'zs' });
    await page.getByTestId('output-name-0').fill('s');
    await page.getByTestId('output-expr-0').fill('zs.std()');
    await page.getByTestId('run').click();
    await page.getByTestId('result-s').waitFor({ timeout: 60_000 });
    expect(Number(await page.getByTestId('result-s').locator('.value').getAttribute('data-value'))).toBeCloseTo(1, 12);
    expect(await page.getByTestId('memory-kept').textContent()).toBe('7.6 MiB kept by earlier jobs');
    await page.getByTestId('kept-arrays').scrollIntoViewIfNeeded();
    await page.locator('.panel', { has: page.getByTestId('kept-arrays') }).screenshot({ path: join(SHOTS, 'dashboard-kept-arrays.png') });
    await page.getByTestId('kept-release-zs').click();
    await expect.poll(() => page.getByTestId('kept-arrays').getAttribute('data-count')).toBe('0');
    await page.getByTestId('run').click();
    await page.getByTestId('error').waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('error').textContent()).toContain("the persisted array 'zs' was released (released by the user)");
  });

  it('leaves no chunk waiting once a job is done, draws a tall one-column grid as wrapped cells, and counts chunks in words', async () => {
    await page.getByTestId('sample-stats').click();
    await fillJob(page, {
      datasets: { z: { random: 'normal', shape: [2_000, 500], seed: 3, chunks: [40, 500] }, big: { random: 'uniform', shape: [4_000, 2_000], seed: 1, chunks: [80, 400] } },
      outputs: [['mean', 'cos(big).max(axis=1)'], ['std', 'z.std()'], ['within_1sd', 'z[:1, :1].sum()'], ['argmax', 'z.argmax()']],
    });
    await page.getByTestId('run').click();
    await page.getByTestId('stats').waitFor({ timeout: 60_000 });
    // Sized before they are drawn (off screen they are not): no canvas at the default 300 x 150.
    const unsized = await page.getByTestId('chunk-grid').evaluateAll((cs) => cs.filter((c) => (c as HTMLCanvasElement).width === 300 && (c as HTMLCanvasElement).height === 150).length);
    expect(unsized).toBe(0);
    await page.getByTestId('chunk-grid').first().scrollIntoViewIfNeeded();
    const grids = page.getByTestId('chunk-grid');
    await expect.poll(async () => (await grids.evaluateAll((cs) => cs.map((c) => (c as HTMLCanvasElement).dataset.counts ?? ''))).filter((c) => c === '').length).toBe(0);
    const counts = await grids.evaluateAll((cs) => cs.map((c) => ({ layer: (c as HTMLCanvasElement).dataset.layer, counts: (c as HTMLCanvasElement).dataset.counts!.split(',').map(Number) })));
    for (const c of counts) expect(c.counts[0], `${c.layer}: ${c.counts}`).toBe(0); // nothing waiting
    // z's 50 x 1 grid of partial sums wraps into rows of cells rather than one thin column.
    const sizes = await grids.evaluateAll((cs) => cs.map((c) => [(c as HTMLCanvasElement).width, (c as HTMLCanvasElement).height]));
    for (const [w, h] of sizes) expect(Math.min(w, h), `a ${w} x ${h} grid`).toBeGreaterThanOrEqual(12);
    expect(await page.locator('[data-testid^="chunks-layer-"] .title small').allTextContents()).not.toContainEqual(expect.stringMatching(/· 1 chunks$/));
    expect(await page.locator('[data-testid^="chunks-layer-"] .title small').allTextContents()).toContainEqual(expect.stringMatching(/· 1 chunk$/));
    await page.screenshot({ path: join(SHOTS, 'dashboard-chunks.png'), fullPage: true });
  });

  it('profiles chunk sizes and applies the advice with one click, in the unit the Chunks field takes', async () => {
    await page.getByTestId('sample-stats').click();
    await fillJob(page, { datasets: { a: { random: 'uniform', shape: [4_000, 2_000], seed: 1, chunks: [4_000, 2_000] } }, outputs: [['m', '(a - a.mean(axis=0)).std(axis=0).sum()']] });
    while (await page.locator('[data-testid^="output-expr-"]').count() > 1) await page.getByTestId('remove-output-1').click();
    await page.getByTestId('profile-chunks').fill('2e4, 2e5, 2e6');
    await page.getByTestId('profile-repeat').fill('2');
    await page.getByTestId('profile-run').click();
    await expect.poll(async () => page.getByTestId('profile-progress').textContent().catch(() => ''), { timeout: 10_000 }).toMatch(/warming up|run \d+ \/ 6/);
    await page.getByTestId('profile-recommendation').waitFor({ timeout: 120_000 });
    const advice = (await page.getByTestId('profile-recommendation').textContent())!;
    const [, shape, elements] = advice.match(/use chunks of \((\d+, \d+)\) for a \((\S+) elements/)!;
    const chunks = shape.split(', ').map(Number);
    expect(chunks[1]).toBe(2000); // whole rows
    expect(chunks[0] * chunks[1]).toBe(Number(elements));
    // Each sentence once.
    const sentences = (await page.locator('section.panel.profile p').allTextContents()).map((t) => t.replace('use this chunking', '').trim());
    expect(new Set(sentences).size).toBe(sentences.length);
    await page.getByTestId('profile-use').click();
    expect(JSON.parse(await page.getByTestId('datasets').inputValue()).a.chunks).toEqual(chunks);
    expect(await page.getByTestId('chunks-a').inputValue()).toBe(chunks.join(', '));
    await page.getByTestId('run').click();
    await page.getByTestId('stats').waitFor({ timeout: 60_000 });
    // The job now runs with the advised chunk: 4000 / rows chunks of the source layer.
    expect(await page.locator('[data-testid^="chunks-layer-"] .title small').first().textContent()).toContain(`${Math.ceil(4000 / chunks[0])} × 1 chunks`);
  });

  it('has samples that keep the panels busy: 23,000 small chunks, and 1.6 GB streamed under a 200 MB limit', async () => {
    await page.getByTestId('sample-small-chunks').click();
    await page.getByTestId('run').click();
    await page.getByTestId('stats').waitFor({ timeout: 120_000 });
    expect(await page.getByTestId('stats').textContent()).toMatch(/2\d,\d{3} tasks|2\d\d\d\d tasks/);
    expect(Math.abs(Number(await page.getByTestId('result-std').locator('.value').textContent()) - 1)).toBeLessThan(1e-3);
    await page.getByTestId('sample-big-matrix').click();
    expect(await page.getByTestId('memory-limit').inputValue()).toBe('200MB');
    await page.getByTestId('run').click();
    await page.getByTestId('stats').waitFor({ timeout: 120_000 });
    const [, peak, unit] = (await page.getByTestId('stats').textContent())!.match(/peak store ([\d.]+) ([KMG]i?B)/)!;
    expect(Number(peak) * { KB: 1e3, MB: 1e6, GB: 1e9, KiB: 2 ** 10, MiB: 2 ** 20, GiB: 2 ** 30 }[unit]!).toBeLessThan(200e6);
    await page.getByTestId('sample-stats').click();
    expect(await page.getByTestId('memory-limit').inputValue()).toBe(''); // a sample without a limit clears it
  });

  it('shows errors where the job is edited: the output named, did you mean, invalid JSON marked as typed, a dataset error gone once fixed, no history entry for a failed check and no empty trace', async () => {
    await page.getByTestId('sample-stats').click();
    const history = async () => page.locator('[data-testid^="history-"]').count();
    const before = await history();
    await page.getByTestId('output-expr-1').fill('z.stdd(ddof=1)');
    await page.getByTestId('run').click();
    await page.getByTestId('run-error').waitFor();
    expect(await page.getByTestId('run-error').textContent()).toBe("UNKNOWN_NAME in output 'std': array has no attribute 'stdd'. Did you mean: 'std'?");
    expect(await page.getByTestId('export-trace').count()).toBe(0); // nothing ran: no trace to export
    expect(await history()).toBe(before); // a failed check is not a job to come back to
    // Invalid JSON is marked while typing, before any run.
    await page.getByTestId('datasets').fill('{"z": {"random": "normal",, }');
    expect(await page.getByTestId('datasets-json-error').textContent()).toContain('not valid JSON');
    // A dataset's error goes once the datasets are edited.
    await page.getByTestId('datasets').fill(JSON.stringify({ z: { npy: 'no-such-file.npy' } }));
    await page.getByTestId('output-expr-1').fill('z.std(ddof=1)');
    await page.getByTestId('run').click();
    await page.getByTestId('dataset-error-mark').waitFor();
    expect(await page.getByTestId('run-error').textContent()).toContain("in dataset 'z'");
    expect(await page.getByTestId('dataset-error-mark').textContent()).toMatch(/in the window a relative path is relative to \/\S+; drop the file/);
    await page.getByTestId('datasets').fill(JSON.stringify({ z: { random: 'normal', shape: [1000], seed: 3 } }));
    expect(await page.getByTestId('dataset-error-mark').count()).toBe(0);
    expect(await page.getByTestId('datasets-json-error').count()).toBe(0);
    await page.getByTestId('run').click();
    // The job's history entry, not the stats (an earlier job's may still be on screen), says it ran.
    await expect.poll(history, { timeout: 60_000 }).toBe(before + 1);
    await page.getByTestId('stats').waitFor();
    expect(await page.getByTestId('run-error').count()).toBe(0);
  });

  it('keeps the open job and the datasets over a reload, lists a file dropped twice once, and picks a folder in the browser\'s dialog', async () => {
    const dir = tempDir();
    numpy(`np.save(${JSON.stringify(join(dir, 'small.npy'))}, np.arange(1000.0)); print(1)`);
    const bytes = readFileSync(join(dir, 'small.npy')).toString('base64');
    const drop = () => page.getByTestId('drop-zone').evaluate((zone, b64) => {
      const dt = new DataTransfer();
      dt.items.add(new File([Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))], 'small.npy'));
      zone.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    }, bytes);
    await drop();
    await page.getByTestId('dataset-small').waitFor();
    await drop();
    await expect.poll(async () => page.getByTestId('upload-progress').count()).toBe(0);
    expect(await page.getByTestId('dataset-small2').count()).toBe(0); // the same bytes again: the same dataset
    expect(await page.locator('[data-testid^="dataset-small"]').count()).toBe(1);
    await page.getByTestId('use-small').click();
    await page.getByTestId('output-expr-0').fill('small.sum() * 2');
    const job = await page.getByTestId('datasets').inputValue();
    await page.reload();
    await page.getByTestId('host').waitFor();
    await page.getByTestId('dataset-small').waitFor();
    expect(await page.getByTestId('datasets').inputValue()).toBe(job);
    expect(await page.getByTestId('output-expr-0').inputValue()).toBe('small.sum() * 2');
    await page.getByTestId('run').click();
    await page.getByTestId('stats').waitFor();
    expect(Number(await page.locator('[data-testid^="result-"] .value').first().textContent())).toBe(999_000);
    // A folder of CSV files, picked in the dialog, is one table.
    const folder = join(dir, 'trips');
    mkdirSync(folder);
    writeFileSync(join(folder, 'a.csv'), 'x,y\n1,2\n3,4\n');
    writeFileSync(join(folder, 'b.csv'), 'x,y\n5,6\n');
    await page.getByTestId('pick-folder').setInputFiles(folder);
    await page.getByTestId('dataset-trips').waitFor();
    expect(await page.getByTestId('table-meta-trips').textContent()).toMatch(/2 files .* 3 rows/);
    // A Zarr store (a folder of chunk files and dot-named metadata) is one dataset, its arrays listed.
    const store = join(dir, 'grid.zarr');
    execFileSync(pythonWith('zarr', 'python3-zarr'), ['-c', `import zarr, numpy as np
g = zarr.open_group(${JSON.stringify(store)}, mode='w')
g.create_dataset('temps', data=np.arange(60.0).reshape(6, 10), chunks=(4, 4))
print(0)`]);
    await page.getByTestId('pick-folder').setInputFiles(store);
    await page.getByTestId('store-arrays-grid').waitFor();
    expect(await page.getByTestId('store-meta-grid').textContent()).toMatch(/Zarr · 1 array/);
    await page.getByTestId('use-grid-temps').click();
    await page.getByTestId('output-expr-0').fill('temps.sum()');
    await page.getByTestId('run').click();
    // The previous job's stats and result are on the page until this one's replace them.
    await expect.poll(async () => Number(await page.locator('[data-testid^="result-"] .value').first().getAttribute('data-value')), { timeout: 30_000 }).toBe(1770);
  });

  it('runs on Ctrl+Enter, cancels on Esc, and tells running tasks from queued ones while it runs', async () => {
    await page.getByTestId('sample-stats').click();
    await page.getByTestId('output-expr-0').click();
    // (the test before left its job's stats on screen: this job is done when its history entry comes)
    const history = () => page.locator('[data-testid^="history-"]').count();
    const jobs = await history();
    await page.keyboard.press('Control+Enter');
    await expect.poll(history, { timeout: 60_000 }).toBe(jobs + 1);
    await expect.poll(async () => page.getByTestId('progress').textContent(), { timeout: 10_000 }).toMatch(/^\s*done · (\d+) \/ \1 tasks · \d+\.\d\d s\s*$/);
    // The timeline's lanes are labelled, and its ticks read apart.
    expect(await page.getByTestId('timeline-lanes').locator('span').allTextContents()).toEqual(['worker 0', 'worker 1']);
    await page.getByTestId('timeline').scrollIntoViewIfNeeded(); // a canvas off screen is not drawn
    await expect.poll(async () => page.getByTestId('timeline-axis').locator('span').count()).toBeGreaterThan(2);
    const ticks = await page.getByTestId('timeline-axis').locator('span').allTextContents();
    // A double click on a panel's title maximises it, and its canvas is drawn again at the new size; Esc restores it.
    const timelinePanel = page.locator('section.panel').filter({ has: page.getByTestId('timeline') });
    const before = Number(await page.getByTestId('timeline').getAttribute('width'));
    await timelinePanel.locator('h2').dblclick();
    await expect.poll(async () => timelinePanel.evaluate((el) => el.classList.contains('maximised'))).toBe(true);
    expect((await timelinePanel.boundingBox())!.width).toBeGreaterThan(1200);
    await expect.poll(async () => Number(await page.getByTestId('timeline').getAttribute('width'))).toBeGreaterThan(before);
    await page.keyboard.press('Escape');
    expect(await timelinePanel.evaluate((el) => el.classList.contains('maximised'))).toBe(false);
    expect(new Set(ticks).size).toBe(ticks.length);

    await fillJob(page, LONG);
    await page.keyboard.press('Control+Enter');
    await expect.poll(async () => Number(((await page.getByTestId('progress').textContent()) ?? '').match(/(\d+) queued/)?.[1] ?? 0), { timeout: 15_000 }).toBeGreaterThan(0);
    const line = (await page.getByTestId('progress').textContent())!;
    const running = Number(line.match(/(\d+) running/)![1]);
    expect(running).toBeGreaterThan(0);
    expect(running).toBeLessThanOrEqual(2); // never more than the workers
    // The estimate comes from measured task times: about 2,000 tasks of a few ms each, over 2 workers.
    await expect.poll(async () => page.getByTestId('progress-left').count(), { timeout: 10_000 }).toBe(1);
    const left = Number((await page.getByTestId('progress-left').textContent())!.match(/~([\d.]+) s left/)![1]);
    expect(left).toBeGreaterThan(0.2);
    await page.screenshot({ path: join(SHOTS, 'dashboard-progress.png') });
    await page.keyboard.press('Escape');
    await page.getByTestId('error').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('error').textContent()).toContain('CANCELLED');
    const after = (await page.getByTestId('progress').textContent())!;
    expect(after).toContain('cancelled');
    expect(after).not.toMatch(/left|queued|running/);
  });
  for (const scheme of ['dark', 'light'] as const) {
    it(`reads in the ${scheme} scheme: ${scheme === 'dark' ? 'no panel, notice, button or table is light; ' : ''}every text, the error banner's too, at 4.5:1 or more`, async () => {
      const p = await browser.newPage({ colorScheme: scheme, viewport: { width: 1280, height: 800 } });
      try {
        await p.goto(host.url);
        await p.getByTestId('host').waitFor();
        // What each panel shows when in use: dropped datasets (a table's preview, a file refused), a
        // finished job (history, progress, results), a table output sorted by a column.
        await p.getByTestId('drop-zone').evaluate((zone) => {
          const dt = new DataTransfer();
          dt.items.add(new File(['city,n,x\nOslo,1,2.5\nBergen,,3\n'], 'towns.csv'));
          dt.items.add(new File(['not numpy'], 'broken.npy'));
          zone.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
        });
        await p.getByTestId('dataset-towns').waitFor();
        await p.getByTestId('drop-zone').locator('xpath=..').locator('.error').waitFor();
        await p.getByTestId('sample-stats').click();
        await p.getByTestId('run').click();
        await p.getByTestId('stats').waitFor({ timeout: 60_000 });
        await p.getByTestId('sample-timeseries').click();
        await p.getByTestId('run').click();
        await p.getByTestId('stats').waitFor({ timeout: 60_000 });
        await p.locator('.cells th').first().click();
        await p.locator('.cells th.sorted').waitFor();
        await p.getByTestId('drop-zone').dispatchEvent('dragover'); // the drop zone as a file is dragged over it
        const limits = { maxBackground: scheme === 'dark' ? 0.2 : 1, minContrast: 4.5 };
        const done = await auditColours(p, limits);
        await p.screenshot({ path: join(SHOTS, `colours-${scheme}-done.png`), fullPage: true });
        expect(done).toEqual({ lightBackgrounds: [], lowContrast: [] });
        if (scheme === 'dark') {
          expect((await auditColours(p, limits, '.panel')).lightBackgrounds).toEqual([]); // the panels themselves, as the check's own witness
          expect(await p.locator('.panel').count()).toBeGreaterThan(8);
        }

        // Errors: the banner by the Run button and Results' notice, then a dataset's mark in the editor.
        await p.getByTestId('sample-stats').click();
        await p.getByTestId('output-expr-1').fill('z.stdd(ddof=1)');
        await p.getByTestId('run').click();
        await p.getByTestId('run-error').waitFor();
        const banner = await auditColours(p, { maxBackground: limits.maxBackground, minContrast: 7 }, '[data-testid="run-error"]');
        expect(banner, 'the error banner: AAA contrast').toEqual({ lightBackgrounds: [], lowContrast: [] });
        expect(await auditColours(p, limits)).toEqual({ lightBackgrounds: [], lowContrast: [] });
        await p.getByTestId('datasets').fill(JSON.stringify({ z: { npy: 'no-such-file.npy' } }));
        await p.getByTestId('output-expr-1').fill('z.std(ddof=1)');
        await p.getByTestId('run').click();
        await p.getByTestId('dataset-error-mark').waitFor();
        expect(await auditColours(p, limits)).toEqual({ lightBackgrounds: [], lowContrast: [] });
        await p.screenshot({ path: join(SHOTS, `colours-${scheme}-errors.png`), fullPage: true });
      } finally {
        await p.close();
      }
    });
  }

  it('moves panels: dragged by their titles within and across the columns, or by their buttons; the order survives a reload and resets', async () => {
    await page.setViewportSize({ width: 2560, height: 1440 });
    expect(await panelOrder(page)).toEqual(DEFAULT_ORDER);
    expect(await page.getByTestId('reset-layout').isDisabled()).toBe(true);
    // The job's editor folded: a panel that moves keeps its state (it is moved, not built again).
    if (await page.getByTestId('editor-summary').count() === 0) await page.getByTestId('editor-toggle').click();
    // Across: the timeline onto the results' place, in the other column.
    await dragPanel(page, 'timeline', 'results');
    expect(await panelOrder(page)).toEqual({ edit: ['datasets', 'job', 'progress', 'timeline', 'results', 'profile'], watch: ['memory', 'chunks', 'graph'] });
    // Within a column: the graph onto the memory's place.
    await dragPanel(page, 'graph', 'memory');
    expect(await panelOrder(page)).toEqual({ edit: ['datasets', 'job', 'progress', 'timeline', 'results', 'profile'], watch: ['graph', 'memory', 'chunks'] });
    // The job across by its title, folded still.
    await dragPanel(page, 'job', 'chunks');
    expect(await panelOrder(page)).toEqual({ edit: ['datasets', 'progress', 'timeline', 'results', 'profile'], watch: ['graph', 'memory', 'job', 'chunks'] });
    expect(await page.getByTestId('editor-summary').count()).toBe(1);
    // A drag cancelled with Esc moves nothing (and cancels no job).
    const title = (await page.locator('[data-panel="memory"] > .panel > h2').boundingBox())!;
    await page.mouse.move(title.x + 30, title.y + 8);
    await page.mouse.down();
    await page.mouse.move(title.x + 30, title.y + 300, { steps: 5 });
    await page.keyboard.press('Escape');
    await page.mouse.up();
    expect((await panelOrder(page)).watch).toEqual(['graph', 'memory', 'job', 'chunks']);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBe(2560);
    await page.screenshot({ path: join(SHOTS, 'dashboard-moved-2560.png') });

    // Without dragging: the title bar's buttons, which show on focus and keep it on the moved panel.
    const down = page.getByTestId('move-down-datasets');
    await down.focus();
    await expect.poll(async () => Number(await down.evaluate((b) => getComputedStyle(b.parentElement!).opacity))).toBe(1);
    expect(await down.getAttribute('aria-label')).toBe('move Datasets down');
    await page.keyboard.press('Enter');
    expect((await panelOrder(page)).edit).toEqual(['progress', 'datasets', 'timeline', 'results', 'profile']);
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('move-down-datasets');
    await page.getByTestId('move-across-progress').click();
    await page.getByTestId('move-up-chunks').click();
    const moved = { edit: ['datasets', 'timeline', 'results', 'profile'], watch: ['progress', 'graph', 'memory', 'chunks', 'job'] };
    expect(await panelOrder(page)).toEqual(moved);

    // One column at 1280 x 800: the same order, a drag there too, nothing wider than the window.
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.evaluate(() => window.scrollTo(0, 0));
    await dragPanel(page, 'results', 'datasets');
    moved.edit = ['results', 'datasets', 'timeline', 'profile'];
    expect(await panelOrder(page)).toEqual(moved);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBe(1280);

    // Kept over a reload.
    expect(JSON.parse((await page.evaluate(() => localStorage.getItem('tessera.layout.v1')))!)).toEqual(moved);
    await page.reload();
    await page.getByTestId('host').waitFor();
    expect(await panelOrder(page)).toEqual(moved);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBe(1280);

    // Reset: the first order, nothing kept.
    await page.getByTestId('reset-layout').click();
    expect(await panelOrder(page)).toEqual(DEFAULT_ORDER);
    expect(await page.evaluate(() => localStorage.getItem('tessera.layout.v1'))).toBeNull();
    expect(await page.getByTestId('reset-layout').isDisabled()).toBe(true);
    await page.reload();
    await page.getByTestId('host').waitFor();
    expect(await panelOrder(page)).toEqual(DEFAULT_ORDER);
  });
});
