#!/usr/bin/env node
/**
 * The README's screenshots (docs/screenshots/): the window after the matrix sample, at 1280x800
 * and 2560x1440, light and dark, and each panel at 1280x800 in both themes. Runs the real web host
 * and engine in Debian's Chromium (as the end-to-end tests do); `npm run build` first.
 *   node scripts/screenshots.mjs
 */
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const OUT = join(ROOT, 'docs', 'screenshots');
const { Engine } = await import(join(ROOT, 'dist/src-main/engine/engine.js'));
const { JobService } = await import(join(ROOT, 'dist/src-main/service/job-service.js'));
const { startWebHost } = await import(join(ROOT, 'dist/src-main/hosts/web/server.js'));

mkdirSync(OUT, { recursive: true });
const engine = await Engine.start({ workers: 2 });
const host = await startWebHost(new JobService(engine, { host: 'web', dataDir: mkdtempSync(join(tmpdir(), 'tessera-shots-')), baseDir: tmpdir(), startEngine: (o) => Engine.start(o) }), { rendererDir: join(ROOT, 'out/renderer') });
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'] });
const PANELS = ['Datasets', 'Job', 'Progress', 'Results', 'Timeline', 'Chunks', 'Memory', 'Graph'];
try {
  for (const scheme of ['light', 'dark']) {
    for (const [w, h] of [[1280, 800], [2560, 1440]]) {
      const page = await browser.newPage({ viewport: { width: w, height: h }, colorScheme: scheme });
      await page.goto(host.url);
      await page.getByTestId('sample-big-matrix').click();
      await page.getByTestId('run').click();
      await page.getByTestId('stats').waitFor({ timeout: 120_000 });
      await page.waitForTimeout(600); // the last UI flush
      await page.screenshot({ path: join(OUT, `window-${w}x${h}-${scheme}.png`) });
      if (w === 1280) {
        for (const name of PANELS) {
          const panel = page.locator('section.panel').filter({ has: page.locator('h2', { hasText: new RegExp(`^${name}`) }) }).first();
          await panel.scrollIntoViewIfNeeded();
          await page.waitForTimeout(150); // a canvas is drawn once it is on screen
          await panel.screenshot({ path: join(OUT, `panel-${name.toLowerCase()}-${scheme}.png`) });
        }
      }
      await page.close();
    }
  }
} finally {
  await browser.close();
  await host.close();
  await engine.close();
}
console.log(`screenshots in ${OUT}`);
