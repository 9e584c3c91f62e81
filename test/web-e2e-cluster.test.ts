/**
 * The window on a Dask cluster (issue #17), end to end in Debian's Chromium against the real web
 * host and a real loopback cluster: a cluster address typed in the run controls (and remembered
 * over a reload), the job's progress, timeline lanes for the cluster's worker threads, the link to
 * Dask's dashboard, the result, equal to this machine's, and a chunk-size profile run there.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { Engine } from '../dist/src-main/engine/engine.js';
import { JobService } from '../dist/src-main/service/job-service.js';
import { startWebHost, type WebHost } from '../dist/src-main/hosts/web/server.js';
import { hasChromium, launchChromium } from './helpers/browser.js';
import { type LoopbackCluster, startLoopbackCluster } from './helpers/dask-cluster.js';
import { tempDir } from './helpers/engine.js';

let engine: Engine;
let host: WebHost;
let browser: Browser;
let page: Page;
let cluster: LoopbackCluster;

beforeAll(async () => {
  cluster = await startLoopbackCluster(2);
  engine = await Engine.start({ workers: 2 });
  host = await startWebHost(new JobService(engine, { host: 'web', dataDir: tempDir(), baseDir: tempDir(), startEngine: (o) => Engine.start(o) }), { rendererDir: 'out/renderer' });
  if (hasChromium()) {
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    await page.goto(host.url);
    await page.getByTestId('host').waitFor();
  }
}, 90_000);
afterAll(async () => {
  await browser?.close();
  await host?.close();
  await engine?.close();
  await cluster?.stop();
});

async function runAndRead(): Promise<string> {
  await page.getByTestId('run').click();
  await page.getByTestId('stats').waitFor({ timeout: 120_000 });
  return (await page.getByTestId('result-m').locator('.value').getAttribute('data-value'))!; // every digit
}

describe.skipIf(!hasChromium())('the window on a Dask cluster', () => {
  it('runs the job on the cluster typed in the run controls, shows its progress, lanes and dashboard, and gets this machine\'s answer', async () => {
    await page.getByTestId('datasets').fill(JSON.stringify({ x: { random: 'uniform', shape: [20_000_000], seed: 7, chunks: [500_000] } }));
    await page.getByTestId('output-name-0').fill('m');
    await page.getByTestId('output-expr-0').fill('sqrt(x ** 2).mean()');
    while (await page.locator('[data-testid^="output-expr-"]').count() > 1) await page.getByTestId('remove-output-1').click();
    const local = await runAndRead();

    await page.getByTestId('cluster').fill(cluster.address);
    const onCluster = await runAndRead();
    expect(Number(onCluster)).toBeCloseTo(0.5, 3);
    expect(onCluster).toBe(local);
    expect(await page.getByTestId('progress-cluster').textContent()).toContain(`on the Dask cluster at ${cluster.address} · 2 workers, 2 threads`);
    expect(await page.getByTestId('progress-cluster').locator('a').getAttribute('href')).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/status$/);
    expect(await page.getByTestId('progress').textContent()).toMatch(/done · (\d+) \/ \1 tasks/);
    await page.getByTestId('timeline').scrollIntoViewIfNeeded();
    // One lane per cluster worker thread, named by its worker's host and port.
    const lanes = await page.getByTestId('timeline-lanes').locator('span').allTextContents();
    expect(lanes).toHaveLength(2);
    for (const l of lanes) expect(l).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(new Set(lanes).size).toBe(2);
    expect(Number(await page.getByTestId('timeline').getAttribute('data-bars'))).toBeGreaterThan(0);

    // A profile of chunk sizes runs on the cluster too, and says so.
    await page.getByTestId('profile-chunks').fill('1e6, 4e6');
    await page.getByTestId('profile-repeat').fill('1');
    await page.getByTestId('profile-run').click();
    await page.getByTestId('profile-recommendation').waitFor({ timeout: 120_000 });
    expect(await page.getByTestId('profile-cluster').textContent()).toContain(`measured on the Dask cluster at ${cluster.address} · 2 workers, 2 threads`);
    expect(await page.getByTestId('profile-recommendation').textContent()).toMatch(/use chunks of \(\d+\) for x/);

    // The address is remembered for this machine's windows; emptied, jobs run here again.
    await page.reload();
    await page.getByTestId('host').waitFor();
    expect(await page.getByTestId('cluster').inputValue()).toBe(cluster.address);
    await page.getByTestId('cluster').fill('');
    await runAndRead();
    expect(await page.getByTestId('progress-cluster').count()).toBe(0);
  }, 240_000);

  it('says in the window when the cluster cannot be reached', async () => {
    await page.getByTestId('cluster').fill('tcp://127.0.0.1:9');
    await page.getByTestId('run').click();
    await page.getByTestId('run-error').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('run-error').textContent()).toContain('CLUSTER_UNREACHABLE');
    expect(await page.getByTestId('run-error').textContent()).toContain('tcp://127.0.0.1:9');
    await page.getByTestId('cluster').fill('');
  }, 60_000);
});
