/**
 * Tables in the window, end to end in Debian's Chromium against the real web host (with the file
 * access a served window has), job service, engine and addon: a CSV dropped on the window shows
 * its schema and a preview; a group-by job over it shows a grid whose values are pandas'; a header
 * click sorts it; the bar chart draws the groups; completion knows the columns; the timeseries
 * sample runs from the window; an SQL output over the same table. Screenshots go to
 * test-output/screenshots.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { request } from 'node:http';
import WebSocket from 'ws';
import { Engine } from '../dist/src-main/engine/engine.js';
import { FileAccess } from '../dist/src-main/service/file-access.js';
import { JobService } from '../dist/src-main/service/job-service.js';
import { startWebHost, type WebHost } from '../dist/src-main/hosts/web/server.js';
import { hasChromium, launchChromium } from './helpers/browser.js';
import { tempDir } from './helpers/engine.js';
import { pythonWithPandas } from './helpers/pandas.js';
import { rng } from './helpers/rng.js';
import { duckdbSql } from './helpers/duckdb.js';

const SHOTS = 'test-output/screenshots';
const ORIGINS = ['SFO', 'JFK', 'LAX', 'ORD', 'ATL', 'SEA', 'BOS', 'DEN', 'MIA', 'PHX', 'IAH', 'MSP'];
let engine: Engine;
let host: WebHost;
let browser: Browser;
let page: Page;
const dataDir = tempDir();
const dir = tempDir();

/** A flights table: origins of uneven frequency, delays with gaps (nulls), distances. */
function flightsCsv(n: number): string {
  const r = rng(11);
  const lines = ['origin,delay,distance'];
  for (let i = 0; i < n; i++) {
    const origin = ORIGINS[Math.floor(r() ** 1.7 * ORIGINS.length)];
    const delay = r() < 0.07 ? '' : (r() * 90 - 20).toFixed(1);
    lines.push(`${origin},${delay},${100 + Math.floor(r() * 2500)}`);
  }
  return `${lines.join('\n')}\n`;
}

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  writeFileSync(join(dir, 'flights.csv'), flightsCsv(6000));
  engine = await Engine.start({ workers: 2 });
  // As `tessera serve` has it: jobs read uploads (and files the user chose), nothing else.
  const fileAccess = await FileAccess.create([join(dataDir, 'uploads')]);
  host = await startWebHost(new JobService(engine, { host: 'web', dataDir, baseDir: tempDir(), fileAccess, startEngine: (o) => Engine.start(o) }), { rendererDir: 'out/renderer' });
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

/** pandas' answer for the job's group-by: per origin, the count and mean of delays over 15. */
function pandasGroupBy(): { origin: string[]; n: number[]; m: number[] } {
  const script = `import json, pandas as pd
t = pd.read_csv(${JSON.stringify(join(dir, 'flights.csv'))})
g = t[t.delay > 15].groupby('origin').agg(n=('delay', 'count'), m=('delay', 'mean'))
print(json.dumps({"origin": list(g.index), "n": [int(v) for v in g.n], "m": [float(v) for v in g.m]}))`;
  return JSON.parse(execFileSync(pythonWithPandas(), ['-c', script], { encoding: 'utf8' }));
}

async function gridColumn(name: string, col: number): Promise<string[]> {
  return page.getByTestId(`result-${name}`).locator('tr.row').evaluateAll((rows, c) => rows.map((r) => (r as HTMLTableRowElement).cells[c].textContent!.trim()), col);
}

/** A PUT to the web host's upload route, as the page sends it (its origin, the access cookie). */
function put(path: string, body: string): Promise<{ status: number; json: unknown }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: host.port, path, method: 'PUT', headers: { Cookie: `tessera_token=${host.token}`, Origin: `http://127.0.0.1:${host.port}` } }, (res) => {
      let text = '';
      res.on('data', (c) => { text += c; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(text) }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** One request over the web host's WebSocket. */
function wsRequest(method: string, params: object): Promise<{ result?: unknown; error?: { code: string } }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${host.port}/ws`, { headers: { Cookie: `tessera_token=${host.token}`, Origin: `http://127.0.0.1:${host.port}` } });
    ws.on('open', () => ws.send(JSON.stringify({ id: 1, method, params })));
    ws.on('message', (m) => { const msg = JSON.parse(m.toString()); if (msg.id === 1) { ws.close(); resolve(msg); } });
    ws.on('error', reject);
  });
}

describe('a folder of tables dropped on the web host', () => {
  it('arrives file by file under one group and becomes one dataset; paths cannot leave the folder', async () => {
    const group = 'g1234567890abc';
    for (const [name, body] of [['jan.csv', 'k,v\na,1\n'], ['feb.csv', 'k,v\nb,2\nc,3\n'], ['../../escape.csv', 'k,v\nz,9\n']]) {
      expect((await put(`/upload?group=${group}&folder=months&name=${encodeURIComponent(name)}`, body)).status).toBe(200);
    }
    expect((await put('/upload?group=bad&folder=x&name=a.csv', 'k\n1\n')).status).toBe(400);
    const answer = await wsRequest('addUploadedFolder', { group });
    expect(answer.result).toMatchObject({ name: 'months', kind: 'table', format: 'csv', files: 3, partitions: 3 });
    // '../../escape.csv' was stored inside the folder as escape.csv.
    expect((await wsRequest('addUploadedFolder', { group: 'nosuchgroup1' })).error?.code).toBe('NOT_FOUND');
    expect((await wsRequest('addDataset', { path: '/etc/passwd' })).error?.code).toBe('FORBIDDEN');
  });
});

describe.skipIf(!hasChromium())('tables in the window', () => {
  it('shows a dropped CSV\'s schema and preview, runs a group-by over it that agrees with pandas, sorts it and charts it', async () => {
    const want = pandasGroupBy();
    await page.goto(host.url);
    await page.getByTestId('host').waitFor();
    // The drop, as the window's drop zone receives it (the web host uploads the file).
    const text = readFileSync(join(dir, 'flights.csv'), 'utf8');
    await page.getByTestId('drop-zone').evaluate((zone, body) => {
      const dt = new DataTransfer();
      dt.items.add(new File([body], 'flights.csv', { type: 'text/csv' }));
      zone.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    }, text);
    await page.getByTestId('dataset-flights').waitFor();
    expect(await page.getByTestId('table-meta-flights').textContent()).toMatch(/table · csv · 3 columns · about [\d,]+ rows \(estimated\) · 1 partition/);
    const schema = await page.getByTestId('schema-flights').locator('tbody tr').allTextContents();
    expect(schema).toEqual(['originstringunknown', 'delayfloat64unknown', 'distanceint64unknown']); // CSV: null counts unknown
    // The preview: the first 20 rows, read by a small job.
    const preview = page.getByTestId('preview-flights');
    await preview.locator('tbody tr').first().waitFor();
    expect(await preview.locator('tbody tr').count()).toBe(20);
    const firstLine = text.split('\n')[1].split(',');
    expect((await preview.locator('tbody tr').first().locator('td').allTextContents())).toEqual([firstLine[0], String(Number(firstLine[1])), firstLine[2]]);
    await page.getByTestId('drop-zone').screenshot({ path: join(SHOTS, 'table-drop-zone.png') });
    await page.locator('section.panel', { has: page.locator('h2', { hasText: 'Datasets' }) }).screenshot({ path: join(SHOTS, 'panel-datasets-table.png') });

    // "use" puts {"csv": path} in the job; its chunking is a blocksize, not chunks.
    await page.getByTestId('use-flights').click();
    const spec = JSON.parse(await page.getByTestId('datasets').inputValue());
    expect(Object.keys(spec.flights)).toEqual(['csv']);
    expect(await page.getByTestId('blocksize-flights').inputValue()).toBe('auto');
    expect(await page.getByTestId('chunks-flights').count()).toBe(0);
    await page.getByTestId('datasets').fill(JSON.stringify({ flights: spec.flights }));

    // Completion knows the columns and the dataframe methods.
    while (await page.locator('[data-testid^="output-expr-"]').count() > 1) await page.getByTestId('remove-output-1').click();
    await page.getByTestId('output-name-0').fill('g');
    await page.getByTestId('output-expr-0').fill('');
    await page.getByTestId('output-expr-0').pressSequentially('flights.or');
    expect(await page.getByTestId('completions').locator('li').allTextContents()).toEqual(['origin']);
    await page.getByTestId('output-expr-0').fill('');
    await page.getByTestId('output-expr-0').pressSequentially("flights.groupby('origin').me");
    expect(await page.getByTestId('completions').locator('li').allTextContents()).toEqual(['mean']);
    await page.getByTestId('output-expr-0').fill("flights[flights.delay > 15].groupby('origin').agg(n=('delay', 'count'), m=('delay', 'mean'))");
    await page.getByTestId('add-output').click();
    await page.getByTestId('output-name-1').fill('rows');
    await page.getByTestId('output-expr-1').fill('len(flights)');
    await page.getByTestId('run').click();
    await page.getByTestId('stats').waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('result-rows').locator('.value').textContent()).toBe('6000');

    // The grid: pandas' groups, counts and means, with the dtypes in the header.
    const result = page.getByTestId('result-g');
    expect(await result.getByTestId('rows-held').textContent()).toContain(`showing ${want.origin.length} of ${want.origin.length} rows`);
    expect(await result.locator('th').allTextContents()).toEqual(['origin string', 'n int64', 'm float64']);
    expect(await gridColumn('g', 0)).toEqual(want.origin);
    expect((await gridColumn('g', 1)).map(Number)).toEqual(want.n);
    const m = (await gridColumn('g', 2)).map(Number);
    m.forEach((v, i) => expect(Math.abs(v - want.m[i])).toBeLessThan(1e-9 * Math.abs(want.m[i]) + 1e-9));

    // A click on a header sorts by it; again, the other way.
    await result.getByTestId('grid-header-1').click();
    const ascending = [...want.n].sort((a, b) => a - b);
    expect((await gridColumn('g', 1)).map(Number)).toEqual(ascending);
    await result.getByTestId('grid-header-1').click();
    expect((await gridColumn('g', 1)).map(Number)).toEqual([...ascending].reverse());

    // The bar chart of the group-by: every group, the largest count first, labelled.
    const chart = result.getByTestId('bar-chart');
    expect(Number(await chart.getAttribute('data-bars'))).toBe(want.origin.length);
    const top = want.origin[want.n.indexOf(Math.max(...want.n))];
    expect(await chart.locator('text.label').first().textContent()).toBe(top);
    expect(await result.getByTestId('column-histogram-m').getAttribute('data-counts')).toMatch(/^\d+(,\d+)+$/);
    // Long content scrolls inside its panel: the page is no wider than the window.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1280);
    await page.locator('section.panel', { has: page.locator('h2', { hasText: 'Results' }) }).screenshot({ path: join(SHOTS, 'panel-results-table.png') });
  });

  it('runs an SQL output over the dropped CSV: SQL completion, the same groups as pandas, an error marked in the query', async () => {
    const want = pandasGroupBy();
    while (await page.locator('[data-testid^="output-expr-"]').count() > 1) await page.getByTestId('remove-output-1').click();
    await page.getByTestId('output-name-0').fill('q');
    await page.getByTestId('output-sql-0').check();
    const box = page.getByTestId('output-expr-0');
    expect(await box.evaluate((e) => e.tagName)).toBe('TEXTAREA');
    await box.fill('');
    await box.pressSequentially('select ori');
    expect(await page.getByTestId('completions').locator('li').allTextContents()).toEqual(['origin']);
    await box.fill('');
    await box.pressSequentially('select origin from fli');
    expect(await page.getByTestId('completions').locator('li').allTextContents()).toEqual(['flights']);
    await box.fill('select origin, count(delay) as n, avg(delay) as m\nfrom flights\nwhere delay > 15\ngroup by origin\norder by origin');
    await page.getByTestId('run').click();
    await page.getByTestId('result-q').locator('tr.row').first().waitFor({ timeout: 60_000 });
    expect(await gridColumn('q', 0)).toEqual(want.origin);
    expect((await gridColumn('q', 1)).map(Number)).toEqual(want.n);
    // An unknown column is marked where the query names it.
    await box.fill('select origin, avg(dealy) from flights group by origin');
    await page.getByTestId('run').click();
    await page.getByTestId('error-mark').waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('error-mark').locator('mark').textContent()).toBe('dealy');
    await page.getByTestId('output-sql-0').uncheck();
  });

  it('shows a dropped Parquet file\'s null counts from its footers, exact rows and row-group partitions', async () => {
    const duck = await duckdbSql();
    const path = join(dir, 'legs.parquet');
    await duck(`COPY (SELECT i AS leg, CASE WHEN i % 5 = 0 THEN NULL ELSE i / 4 END AS km, 'c' || (i % 7) AS city FROM range(5000) t(i)) TO '${path}' (FORMAT parquet, ROW_GROUP_SIZE 2048)`);
    const b64 = readFileSync(path).toString('base64');
    await page.getByTestId('drop-zone').evaluate((zone, data) => {
      const dt = new DataTransfer();
      dt.items.add(new File([Uint8Array.from(atob(data), (c) => c.charCodeAt(0))], 'legs.parquet'));
      zone.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    }, b64);
    await page.getByTestId('dataset-legs').waitFor();
    expect(await page.getByTestId('table-meta-legs').textContent()).toMatch(/table · parquet · 3 columns · 5,000 rows · \d+ partitions?/);
    expect(await page.getByTestId('schema-legs').locator('tbody tr').allTextContents()).toEqual(['legint640', 'kmfloat641,000', 'citystring0']);
    await page.getByTestId('preview-legs').locator('tbody tr').first().waitFor();
    expect(await page.getByTestId('preview-legs').locator('tbody tr').first().locator('td').allTextContents()).toEqual(['0', 'null', 'c0']);
  });

  it('runs the timeseries sample from the window: its tables, group-bys and scalars', async () => {
    await page.getByTestId('sample-timeseries').click();
    expect(await page.getByTestId('chunks-ts').textContent()).toContain('partition_freq');
    await page.getByTestId('run').click();
    await page.getByTestId('stats').waitFor({ timeout: 180_000 });
    expect(await page.getByTestId('result-rows').locator('.value').textContent()).toBe(String(30 * 86400));
    expect(Math.abs(Number(await page.getByTestId('result-mean_x').locator('.value').textContent()))).toBeLessThan(0.01);
    expect(await page.getByTestId('result-first').getByTestId('rows-held').textContent()).toContain('showing 10 of 10 rows');
    expect(await page.getByTestId('result-first').getByTestId('bar-chart').count()).toBe(0); // timestamps first: not a group-by
    expect(await page.getByTestId('result-hourly').locator('tr.row').count()).toBe(24);
    const byName = page.getByTestId('result-by_name');
    expect(Number(await byName.getByTestId('bar-chart').getAttribute('data-bars'))).toBeGreaterThan(5);
    await page.screenshot({ path: join(SHOTS, 'timeseries-sample.png'), fullPage: true });
  });

  it('shows a dropped JSON-lines file as a bag with its first records, and counts a field of it natively', async () => {
    const lines = Array.from({ length: 3000 }, (_, i) => JSON.stringify({ id: i, user: `u${(i * 7) % 5}`, ok: i % 3 === 0 }));
    const text = `${lines.join('\n')}\n`;
    await page.getByTestId('drop-zone').evaluate((zone, body) => {
      const dt = new DataTransfer();
      dt.items.add(new File([body], 'events.jsonl'));
      zone.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    }, text);
    await page.getByTestId('dataset-events').waitFor();
    expect(await page.getByTestId('bag-meta-events').textContent()).toMatch(/bag · JSON lines · about 3,0\d\d records · 1 partition/);
    expect((await page.getByTestId('first-lines-events').textContent())!.split('\n')[0]).toBe(lines[0]);
    await page.getByTestId('use-events').click();
    const spec = JSON.parse(await page.getByTestId('datasets').inputValue());
    expect(Object.keys(spec.events)).toEqual(['jsonl']);
    await page.getByTestId('datasets').fill(JSON.stringify({ events: spec.events }));
    while (await page.locator('[data-testid^="output-expr-"]').count() > 1) await page.getByTestId('remove-output-1').click();
    await page.getByTestId('output-name-0').fill('users');
    await page.getByTestId('output-expr-0').fill("events.pluck('user').frequencies()");
    // The bag as a table (its columns inferred in a worker): a group-by grid.
    await page.getByTestId('add-output').click();
    await page.getByTestId('output-name-1').fill('oks');
    await page.getByTestId('output-expr-1').fill("events.to_dataframe().groupby('user').ok.sum()");
    await page.getByTestId('run').click();
    await page.getByTestId('list-users').waitFor({ timeout: 60_000 });
    expect(Number(await page.getByTestId('list-users').getByTestId('bar-chart').getAttribute('data-bars'))).toBe(5);
    expect(await page.getByTestId('result-users').locator('.value').textContent()).toContain('list of 5 ["u0",600]');
    const oks = page.getByTestId('result-oks');
    expect(await oks.locator('th').allTextContents()).toEqual(['user string', 'ok int64']);
    expect(await gridColumn('oks', 0)).toEqual(['u0', 'u1', 'u2', 'u3', 'u4']);
    const want = [0, 1, 2, 3, 4].map((u) => lines.filter((_l, i) => (i * 7) % 5 === u && i % 3 === 0).length);
    expect((await gridColumn('oks', 1)).map(Number)).toEqual(want);
  });

  it('runs the word-count sample from the window: a bag of builtins, its top 10 as a list', async () => {
    await page.getByTestId('sample-words').click();
    await page.getByTestId('run').click();
    await page.getByTestId('result-top').waitFor({ timeout: 120_000 });
    expect(await page.getByTestId('result-top').locator('.value').textContent()).toContain('list of 10 ["that",13]');
    expect(Number(await page.getByTestId('result-words').locator('.value').textContent())).toBeGreaterThan(250);
    // The top 10 as a grid of word and count, with its bar chart.
    expect(Number(await page.getByTestId('list-top').getByTestId('bar-chart').getAttribute('data-bars'))).toBe(10);
    await page.screenshot({ path: join(SHOTS, 'words-sample.png'), fullPage: true });
  });
});
