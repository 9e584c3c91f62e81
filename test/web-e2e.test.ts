/**
 * End to end, in Debian's Chromium, against the real web host, job service, engine and addon:
 * the host's access checks, running a sample and reading its results, one timeline bar per task,
 * an expression error shown at its position, and cancelling a long job. Screenshots of the window
 * after each job go to test-output/screenshots.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import WebSocket from 'ws';
import { Engine } from '../dist/src-main/engine/engine.js';
import { JobService } from '../dist/src-main/service/job-service.js';
import { startWebHost, type WebHost } from '../dist/src-main/hosts/web/server.js';
import { hasChromium, launchChromium } from './helpers/browser.js';
import { tempDir } from './helpers/engine.js';
import { numpy } from './helpers/numpy.js';
import { pythonWith } from './helpers/python.js';

const SHOTS = 'test-output/screenshots';
let engine: Engine;
let host: WebHost;
const dataDir = tempDir();
let browser: Browser;
let page: Page;

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  engine = await Engine.start({ workers: 2 });
  host = await startWebHost(new JobService(engine, { host: 'web', dataDir, baseDir: tempDir(), startEngine: (o) => Engine.start(o) }), { rendererDir: 'out/renderer' });
  if (hasChromium()) {
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  }
});
afterAll(async () => {
  await browser?.close();
  await host?.close();
  await engine?.close();
});

function get(path: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: host.port, path, headers }, (res) => { res.resume(); resolve(res.statusCode ?? 0); });
    req.on('error', reject);
    req.end();
  });
}

describe('web host security', () => {
  it('accepts uploads only from its own origin with the access cookie, and no paths from the browser', async () => {
    const put = (headers: Record<string, string>) => new Promise<number>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: host.port, path: '/upload?name=x.npy', method: 'PUT', headers }, (res) => { res.resume(); resolve(res.statusCode ?? 0); });
      req.on('error', reject);
      req.end('not numpy');
    });
    expect(await put({ Origin: `http://127.0.0.1:${host.port}` })).toBe(403);
    expect(await put({ Cookie: `tessera_token=${host.token}`, Origin: 'http://evil.example' })).toBe(403);
    expect(await put({ Cookie: `tessera_token=${host.token}`, Origin: `http://127.0.0.1:${host.port}` })).toBe(400); // stored, then refused: not a .npy
  });

  it('needs the launch token, the right Host header, and its own Origin for the WebSocket', async () => {
    expect(await get('/')).toBe(403);
    expect(await get(`/?token=wrong`)).toBe(403);
    expect(await get(`/?token=${host.token}`)).toBe(200);
    expect(await get(`/?token=${host.token}`, { Host: 'evil.example:80' })).toBe(421);
    const cookie = `tessera_token=${host.token}`;
    const tryWs = (headers: Record<string, string>) => new Promise<boolean>((resolve) => {
      const ws = new WebSocket(`ws://127.0.0.1:${host.port}/ws`, { headers });
      ws.on('open', () => { ws.close(); resolve(true); });
      ws.on('error', () => resolve(false));
    });
    expect(await tryWs({ Cookie: cookie, Origin: `http://127.0.0.1:${host.port}` })).toBe(true);
    expect(await tryWs({ Cookie: cookie, Origin: 'http://evil.example' })).toBe(false);
    expect(await tryWs({ Origin: `http://127.0.0.1:${host.port}` })).toBe(false);
  });
});

describe.skipIf(!hasChromium())('the window in Chromium', () => {
  it('runs a sample job and shows its results, with one timeline bar per task', async () => {
    await page.goto(host.url);
    await page.getByTestId('host').waitFor();
    expect(await page.getByTestId('host').textContent()).toContain('2 workers');
    await page.getByTestId('sample-stats').click();
    await runAndWait();
    const mean = Number(await page.getByTestId('result-mean').locator('.value').textContent());
    expect(Math.abs(mean)).toBeLessThan(0.01);
    const within = Number(await page.getByTestId('result-within_1sd').locator('.value').textContent());
    expect(Math.abs(within - 0.6827)).toBeLessThan(0.005);
    const tasks = Number((await page.getByTestId('stats').textContent())!.match(/(\d+) tasks/)![1]);
    await expect.poll(async () => Number(await page.getByTestId('timeline').getAttribute('data-bars'))).toBe(tasks);
    // The legend names layers by their fused operations.
    expect(await page.getByTestId('timeline-legend').textContent()).toContain('normal-mean (reduce)');
    // Per layer: everything done, nothing running or waiting.
    const firstLayer = page.locator('[data-testid^="layer-"]').first();
    expect(await firstLayer.textContent()).toMatch(/\d+ done\s*0 in flight\s*0 waiting/);
    // Hovering a bar names its task and duration.
    await page.getByTestId('timeline').scrollIntoViewIfNeeded();
    const box = (await page.getByTestId('timeline').boundingBox())!;
    // Along each lane, 2 px at a time, until the pointer is on a bar: gaps are idle time, and on a
    // loaded machine one long task can leave the others a few pixels wide.
    let lane = 0;
    scan: for (; lane < 2; lane++) {
      for (let x = 1; x < box.width; x += 2) {
        await page.mouse.move(box.x + x, box.y + (box.height * (lane + 0.5)) / 2);
        if (await page.getByTestId('timeline-tip').count()) break scan;
      }
    }
    expect(await page.getByTestId('timeline-tip').textContent()).toMatch(new RegExp(`:.* · .* · \\d+\\.\\d\\d ms · .* out · worker ${lane}$`));
    await page.screenshot({ path: join(SHOTS, 'window-after-sample-job.png'), fullPage: true });
  });

  /** Drops one file (its bytes in base64) on the datasets panel, as a user's drag and drop does. */
  /**
   * Clicks Run and waits for this job's results: its history entry first, since an earlier job's
   * stats may still be on screen when the new ones are looked for.
   */
  async function runAndWait(): Promise<void> {
    const history = () => page.locator('[data-testid^="history-"]').count();
    const before = await history();
    await page.getByTestId('run').click();
    await expect.poll(history, { timeout: 60_000 }).toBe(before + 1);
    await page.getByTestId('stats').waitFor({ timeout: 60_000 });
  }

  async function dropFile(name: string, base64: string): Promise<void> {
    await page.getByTestId('drop-zone').evaluate((zone, [fileName, b64]) => {
      const dt = new DataTransfer();
      dt.items.add(new File([Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))], fileName));
      zone.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    }, [name, base64] as const);
  }

  it('inspects a dropped .npy, and runs an expression over it that agrees with numpy', async () => {
    const dir = tempDir();
    const want = numpy<{ s: number; m: number }>(`a = np.arange(300 * 40, dtype=np.float32).reshape(300, 40) / 7
np.save(${JSON.stringify(join(dir, 'measurements.npy'))}, a)
print(json.dumps({"s": float(a.astype(np.float64).std()), "m": float(a.mean(axis=0)[3])}))`);
    const bytes = readFileSync(join(dir, 'measurements.npy')).toString('base64');
    await dropFile('measurements.npy', bytes);
    const item = page.getByTestId('dataset-measurements');
    await item.waitFor();
    const text = (await item.textContent())!;
    expect(text).toContain('float32');
    expect(text).toContain('(300, 40)');
    await page.getByTestId('use-measurements').click();
    await page.getByTestId('output-expr-0').fill('measurements.astype("float64").std()');
    await page.getByTestId('output-expr-1').fill('measurements.mean(axis=0)[3]');
    await runAndWait();
    // The cell shows six significant digits, as numpy summarises; its exact value is its data-value.
    expect(await page.getByTestId('result-mean').locator('.value').textContent()).toBe(String(Number(want.s.toPrecision(6))));
    const s = Number(await page.getByTestId('result-mean').locator('.value').getAttribute('data-value'));
    expect(Math.abs(s - want.s) / want.s).toBeLessThan(1e-12);
    const m = Number(await page.getByTestId('result-std').locator('.value').getAttribute('data-value'));
    expect(Math.abs(m - want.m) / want.m).toBeLessThan(1e-6);
    await page.screenshot({ path: join(SHOTS, 'dropped-dataset.png'), fullPage: true });
  });

  it('lists the datasets of a dropped HDF5 file, uses one in a click, and agrees with h5py', async () => {
    const dir = tempDir();
    const file = join(dir, 'station.h5');
    const want = JSON.parse(execFileSync(pythonWith('h5py', 'python3-h5py'), ['-c', `import h5py, json, numpy as np
t = np.linspace(-5, 30, 6000).reshape(200, 30) + np.arange(30)
with h5py.File(${JSON.stringify(file)}, 'w') as f:
    f.create_dataset('/grid/temps', data=t, chunks=(50, 30), compression='gzip', shuffle=True)
    f['/label'] = np.array([b'north'])
print(json.dumps(float(t.mean(axis=0)[7])))`], { encoding: 'utf8' })) as number;
    const bytes = readFileSync(file).toString('base64');
    await dropFile('station.h5', bytes);
    const table = page.getByTestId('store-arrays-station');
    await table.waitFor();
    const text = (await table.textContent())!;
    expect(text).toContain('/grid/temps');
    expect(text).toContain('(200, 30)');
    expect(text).toContain('shuffle+gzip');
    expect(text).toMatch(/\/label.*string \(not an array dtype\)/);
    expect(await page.getByTestId('use-station-/label').count()).toBe(0); // strings have no array dtype: no use button
    await page.getByTestId('use-station-/grid/temps').click();
    expect(JSON.parse(await page.getByTestId('datasets').inputValue()).temps).toMatchObject({ dataset: '/grid/temps' });
    await page.getByTestId('output-expr-0').fill('temps.mean(axis=0)[7]');
    await page.getByTestId('output-expr-1').fill('temps.shape[0]');
    await runAndWait();
    const m = Number(await page.getByTestId('result-mean').locator('.value').getAttribute('data-value'));
    expect(Math.abs(m - want)).toBeLessThan(1e-12 * Math.abs(want));
    await page.screenshot({ path: join(SHOTS, 'dropped-hdf5.png'), fullPage: true });
  });

  it('shows an expression error underlined at its position, and keeps working after it', async () => {
    await page.getByTestId('sample-stats').click();
    await page.getByTestId('output-expr-0').fill('z.mean() + * 2');
    await page.getByTestId('run').click();
    await page.getByTestId('error').waitFor();
    expect(await page.getByTestId('error').textContent()).toContain('SYNTAX_ERROR');
    expect(await page.getByTestId('error-mark').locator('mark').textContent()).toBe('*');
    await page.screenshot({ path: join(SHOTS, 'expression-error.png'), fullPage: true });
    await page.getByTestId('output-expr-0').fill('z.mean() + 2');
    await runAndWait();
    expect(Number(await page.getByTestId('result-mean').locator('.value').textContent())).toBeCloseTo(2, 2);
  });

  it('cancels a long job and sees it stop', async () => {
    // The sample's other outputs still read z; x makes output 0 take minutes.
    await page.getByTestId('datasets').fill(JSON.stringify({
      z: { random: 'normal', shape: [5_000_000], seed: 3, chunks: [100_000] },
      x: { random: 'normal', shape: [2_000_000_000], chunks: [1_000_000] },
    }));
    await page.getByTestId('output-name-0').fill('slow');
    await page.getByTestId('output-expr-0').fill('exp(x).sum()');
    await page.getByTestId('run').click();
    await expect.poll(async () => (await page.getByTestId('progress').textContent()) ?? '', { timeout: 10_000 }).toMatch(/running · [1-9]\d* \//);
    await page.getByTestId('cancel').click();
    await page.getByTestId('error').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('error').textContent()).toContain('CANCELLED');
    expect(await page.getByTestId('progress').textContent()).toContain('cancelled');
    await page.screenshot({ path: join(SHOTS, 'cancelled.png'), fullPage: true });
  });

  it('shows chunk grids, the graph, histograms and exports after a 2-D job on the worker count asked for', async () => {
    await page.getByTestId('datasets').fill(JSON.stringify({ a: { random: 'uniform', shape: [400, 300], seed: 1, chunks: [100, 100] } }));
    await page.getByTestId('output-name-0').fill('c');
    await page.getByTestId('output-expr-0').fill('(a - a.mean(axis=0)).std(axis=0)');
    await page.getByTestId('output-name-1').fill('h');
    while (await page.locator('[data-testid^="output-expr-"]').count() > 2) await page.getByTestId('remove-output-2').click();
    // Completion: a method offered after "a.", accepted with Tab.
    await page.getByTestId('output-expr-1').fill('');
    await page.getByTestId('output-expr-1').pressSequentially('a[:50, 0].ma');
    expect(await page.getByTestId('completions').textContent()).toContain('max');
    await page.getByTestId('output-expr-1').fill('a[:50, 0] * 10');
    await page.getByTestId('workers').fill('1');
    await page.getByTestId('workers').dispatchEvent('change');
    await runAndWait();
    expect(await page.getByTestId('stats').textContent()).toContain('on 1 worker ');
    // A 4 x 3 grid per array layer, nothing left waiting.
    const grids = page.getByTestId('chunk-grid');
    await expect.poll(async () => grids.count()).toBeGreaterThan(0);
    await grids.first().scrollIntoViewIfNeeded(); // canvases off screen are drawn when they come into view
    await expect.poll(async () => grids.evaluateAll((cs) => cs.every((c) => (c as HTMLCanvasElement).dataset.counts))).toBe(true);
    const counts = await grids.evaluateAll((cs) => cs.map((c) => (c as HTMLCanvasElement).dataset.counts));
    expect(counts.some((c) => c && c.split(',').map(Number).reduce((x, y) => x + y, 0) === 12)).toBe(true);
    for (const c of counts) expect(Number(c!.split(',')[0])).toBe(0);
    expect(await page.locator('[data-testid^="graph-node-"]').count()).toBeGreaterThanOrEqual(2);
    expect(await page.getByTestId('histogram-h').getAttribute('data-counts')).toMatch(/^\d+(,\d+){31}$/);
    // The timeline zooms with the wheel and fits again on a double click.
    const tl = page.getByTestId('timeline');
    await tl.hover();
    await page.mouse.wheel(0, -300);
    await expect.poll(async () => tl.getAttribute('data-zoomed')).toBe('yes');
    await tl.dblclick();
    await expect.poll(async () => tl.getAttribute('data-zoomed')).toBe('no');
    for (const name of ['Job', 'Progress', 'Results', 'Timeline', 'Chunks', 'Memory', 'Graph', 'Datasets']) {
      await page.locator('section.panel', { has: page.locator('h2', { hasText: name }) }).first().screenshot({ path: join(SHOTS, `panel-${name.toLowerCase()}.png`) });
    }
    // Exports: the trace (one event per task) and an output as .npy that numpy reads back.
    const dir = tempDir();
    const tasks = Number((await page.getByTestId('stats').textContent())!.match(/(\d+) tasks/)![1]);
    const [traceDl] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-trace').click()]);
    await traceDl.saveAs(join(dir, 'trace.json'));
    const trace = JSON.parse(readFileSync(join(dir, 'trace.json'), 'utf8'));
    expect(trace.traceEvents.filter((e: { ph: string }) => e.ph === 'X').length).toBe(tasks);
    const [npyDl] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-h').click()]);
    expect(npyDl.suggestedFilename()).toBe('h.npy');
    await npyDl.saveAs(join(dir, 'h.npy'));
    const shown = (await page.getByTestId('result-h').locator('.value').textContent())!;
    const first = numpy<number[]>(`a = np.load('h.npy'); assert a.shape == (50,) and a.dtype == np.float64; print(json.dumps(a[:3].tolist()))`, dir);
    expect(shown).toContain(first.map((x) => String(Number(x.toPrecision(6)))).join(', ')); // six significant digits, as numpy summarises
    await page.getByTestId('workers').fill('');
    await page.getByTestId('workers').dispatchEvent('change');
  });

  it('profiles chunk sizes in the Profile view: plot, table, recommendation and the report', async () => {
    await page.getByTestId('datasets').fill(JSON.stringify({ x: { random: 'uniform', shape: [400_000], seed: 3 } }));
    await page.getByTestId('output-name-0').fill('m');
    await page.getByTestId('output-expr-0').fill('sqrt(x ** 2).mean()');
    while (await page.locator('[data-testid^="output-expr-"]').count() > 1) await page.getByTestId('remove-output-1').click();
    await page.getByTestId('profile-chunks').fill('4e3, 4e4, 4e5');
    await page.getByTestId('profile-repeat').fill('1');
    await page.getByTestId('profile-run').click();
    await page.getByTestId('profile-recommendation').waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('profile-recommendation').textContent()).toMatch(/use chunks of \(\d+\) for x \(\S+ elements, [\d.]+ [KMG]?i?B a chunk\)\.$/);
    expect(await page.getByTestId('profile-chart').getAttribute('data-points')).toBe('3');
    // Hovering the chart at a size shows that size's numbers.
    const plot = page.getByTestId('profile-chart').locator('.u-over');
    await plot.scrollIntoViewIfNeeded();
    const box = (await plot.boundingBox())!;
    await page.mouse.move(box.x + 2, box.y + box.height / 2); // the smallest size, at the left edge
    const legend = page.getByTestId('profile-chart').locator('.u-legend');
    await expect.poll(async () => legend.textContent()).toMatch(/chunks of\s*:?\s*4e3 elements \(4000\)/);
    expect(await legend.textContent()).toMatch(/wall \(median\)\s*:?\s*\d+\.\d{3} s/);
    expect(await legend.textContent()).toMatch(/peak memory\s*:?\s*[\d.]+ (KiB|MiB)/);
    expect(await page.getByTestId('profile-table').locator('tr').count()).toBe(4);
    expect(await page.getByTestId('profile-warning').first().textContent()).toContain('x in chunks of 4e5 gives 1 chunk for 2 workers');
    expect(await page.getByTestId('profile-timelines').locator('svg.timeline').count()).toBe(2);
    await page.locator('section.panel.profile').screenshot({ path: join(SHOTS, 'panel-profile.png') });
    const [dl] = await Promise.all([page.waitForEvent('download'), page.getByTestId('profile-export').click()]);
    const path = join(tempDir(), 'report.html');
    await dl.saveAs(path);
    const html = readFileSync(path, 'utf8');
    expect(html).toContain('<svg class="chart"');
    expect(html).toContain((await page.getByTestId('profile-recommendation').textContent())!.replace(/'/g, '&#39;'));
  });

  it('places a dataset\'s error on the dataset', async () => {
    await page.getByTestId('datasets').fill(JSON.stringify({ a: { npy: 'no-such-file.npy' } }));
    await page.getByTestId('output-expr-0').fill('a.sum()');
    await page.getByTestId('run').click();
    await page.getByTestId('dataset-error-mark').waitFor();
    expect(await page.getByTestId('dataset-error-mark').textContent()).toContain('no such file');
    await page.screenshot({ path: join(SHOTS, 'dataset-error.png'), fullPage: true });
  });

  it('keeps finished jobs on disk and reopens one after a restart', async () => {
    await page.getByTestId('sample-stats').click();
    await runAndWait();
    const mean = await page.getByTestId('result-mean').locator('.value').textContent();
    // A second host over the same data folder: a restart of the app.
    const again = await startWebHost(new JobService(engine, { host: 'web', dataDir, baseDir: tempDir() }), { rendererDir: 'out/renderer' });
    const fresh = await browser.newPage();
    try {
      await fresh.goto(again.url);
      const entries = fresh.locator('[data-testid^="history-job-"]');
      await entries.first().waitFor();
      expect(await entries.count()).toBeGreaterThanOrEqual(6); // the jobs this file ran, cancelled and failed ones too
      expect(await entries.first().textContent()).toContain('done');
      await entries.first().click();
      await fresh.getByTestId('stats').waitFor();
      expect(await fresh.getByTestId('result-mean').locator('.value').textContent()).toBe(mean);
      expect(Number(await fresh.getByTestId('timeline').getAttribute('data-bars'))).toBeGreaterThan(100);
      expect(await fresh.getByTestId('output-expr-0').inputValue()).toBe('z.mean()');
      await fresh.screenshot({ path: join(SHOTS, 'reopened-from-history.png'), fullPage: true });
    } finally {
      await fresh.close();
      await again.close();
    }
  });
});
