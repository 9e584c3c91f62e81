/**
 * The window for the window benches (window.mjs, window-trace.mjs): Debian's Chromium showing the
 * web host's page, driven one of two ways.
 *
 * - "cdp" (the default): Chromium started here with a DevTools port, and the page driven by a
 *   few Runtime.evaluate calls over a bare DevTools connection that enables no domain. That is the
 *   window a user has: nothing watches its network traffic.
 * - "playwright": playwright-core launches and drives it. Playwright enables DevTools' Network
 *   domain on every page it controls, so Chromium copies every WebSocket frame the page receives,
 *   base64-encoded inside a JSON event, over the DevTools pipe into this process, which parses
 *   it. That costs the browser and this process CPU per byte the host sends: a cost of the
 *   harness, not of the window (window-trace.mjs --driver playwright shows it).
 *
 * Either way the handle has `evaluate` (a function run in the page), `send` and `on` (DevTools
 * commands and events on the page's session) and `playwright()`, a Playwright page for what comes
 * after the runs (the timeline's zoom steps; with "cdp" it connects to the same Chromium then).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import WebSocket from 'ws';

const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'];
const VIEWPORT = { width: 1400, height: 1000 };

/** A page at `url`, ready (the host's greeting shown). `init` is a function run in the page before its scripts. */
export async function openWindow(url, { driver = 'cdp', init } = {}) {
  return driver === 'playwright' ? openPlaywright(url, init) : openCdp(url, init);
}

async function openPlaywright(url, init) {
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ARGS });
  const page = await browser.newPage({ viewport: VIEWPORT });
  if (init) await page.addInitScript(init);
  await page.goto(url);
  await page.getByTestId('host').waitFor();
  const cdp = await page.context().newCDPSession(page);
  return {
    driver: 'playwright',
    evaluate: (fn, arg) => page.evaluate(fn, arg),
    send: (method, params) => cdp.send(method, params),
    on: (event, fn) => cdp.on(event, fn),
    playwright: async () => page,
    close: () => browser.close(),
  };
}

async function openCdp(url, init) {
  const profile = mkdtempSync(join(tmpdir(), 'tessera-window-chromium-'));
  // TESSERA_CHROMIUM_ARGS adds flags (e.g. "--js-flags=--trace-deopt"; the renderer's output then goes to TESSERA_CHROMIUM_LOG).
  const extra = (process.env.TESSERA_CHROMIUM_ARGS ?? '').split(' ').filter(Boolean);
  const log = process.env.TESSERA_CHROMIUM_LOG ? (await import('node:fs')).openSync(process.env.TESSERA_CHROMIUM_LOG, 'w') : 'ignore';
  const proc = spawn('/usr/bin/chromium', [...ARGS, ...extra, `--user-data-dir=${profile}`, '--remote-debugging-port=0', `--window-size=${VIEWPORT.width},${VIEWPORT.height}`, 'about:blank'], { stdio: ['ignore', log, 'pipe'] });
  const endpoint = await new Promise((resolve, reject) => {
    let text = '';
    proc.stderr.on('data', (d) => {
      text += d;
      const m = text.match(/DevTools listening on (ws:\/\/\S+)/);
      if (m) resolve(m[1]);
    });
    proc.on('exit', (code) => reject(new Error(`chromium exited (${code}): ${text}`)));
  });
  proc.stderr.resume();
  const http = endpoint.replace(/^ws:\/\/([^/]+)\/.*$/, 'http://$1');
  const targets = await (await fetch(`${http}/json/list`)).json();
  const target = targets.find((t) => t.type === 'page');
  const ws = new WebSocket(target.webSocketDebuggerUrl, { perMessageDeflate: false, maxPayload: 2 ** 28 });
  await new Promise((resolve, reject) => { ws.once('open', resolve); ws.once('error', reject); });
  let nextId = 1;
  const pending = new Map();
  const listeners = new Map();
  ws.on('message', (raw) => {
    const m = JSON.parse(raw);
    if (m.method) for (const fn of listeners.get(m.method) ?? []) fn(m.params);
    const p = m.id && pending.get(m.id);
    if (!p) return;
    pending.delete(m.id);
    if (m.error) p.reject(new Error(m.error.message)); else p.resolve(m.result);
  });
  const send = (method, params = {}) => new Promise((resolve, reject) => {
    const id = nextId++;
    pending.set(id, { resolve, reject });
    ws.send(JSON.stringify({ id, method, params }));
  });
  /** Like Playwright's page.evaluate: a function (and one JSON argument) run in the page; awaits a promise it returns. */
  const evaluate = async (fn, arg) => {
    const r = await send('Runtime.evaluate', { expression: `(${fn})(${JSON.stringify(arg ?? null)})`, awaitPromise: true, returnByValue: true });
    if (r.exceptionDetails) throw new Error(`in the page: ${r.exceptionDetails.exception?.description ?? r.exceptionDetails.text}`);
    return r.result.value;
  };
  await send('Emulation.setDeviceMetricsOverride', { ...VIEWPORT, deviceScaleFactor: 1, mobile: false });
  if (init) {
    await send('Page.enable'); // scripts for new documents run only with the Page domain on
    await send('Page.addScriptToEvaluateOnNewDocument', { source: `(${init})()` });
  }
  await send('Page.navigate', { url });
  // Until the host's greeting shows (the page loaded and connected).
  for (let t = Date.now(); ; await new Promise((r) => setTimeout(r, 50))) {
    try { if (await evaluate(() => !!document.querySelector('[data-testid="host"]'))) break; } catch { /* still navigating */ }
    if (Date.now() - t > 30_000) throw new Error('the page did not load');
  }
  let pw = null;
  return {
    driver: 'cdp',
    evaluate,
    /** A DevTools command on the page's session, and its events (e.g. Tracing, Profiler: neither echoes the page's traffic). */
    send,
    on: (event, fn) => { if (!listeners.has(event)) listeners.set(event, []); listeners.get(event).push(fn); },
    playwright: async () => {
      pw ??= await chromium.connectOverCDP(http);
      return pw.contexts()[0].pages().find((p) => p.url().startsWith(url.replace(/\?.*$/, ''))) ?? pw.contexts()[0].pages()[0];
    },
    close: async () => {
      await pw?.close().catch(() => undefined);
      ws.close();
      proc.kill();
      await new Promise((r) => (proc.exitCode !== null ? r() : proc.once('exit', r)));
      // Its child processes may still be writing to the profile for a moment.
      try { rmSync(profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 }); } catch { /* left in tmp */ }
    },
  };
}

/** Fills the job editor with one output over `datasets`, in the page (input events, as typing makes). */
export function fillJob(win, datasets, name, expr) {
  return win.evaluate(async ({ datasets, name, expr }) => {
    const tick = () => new Promise((r) => setTimeout(r, 0));
    const set = (el, value) => {
      el.value = value;
      el.dispatchEvent(new Event('input', { bubbles: true }));
    };
    const q = (id) => document.querySelector(`[data-testid="${id}"]`);
    set(q('datasets'), datasets);
    while (document.querySelectorAll('[data-testid^="output-expr-"]').length > 1) { q('remove-output-1').click(); await tick(); }
    set(q('output-name-0'), name);
    set(q('output-expr-0'), expr);
    await tick();
  }, { datasets, name, expr });
}

/** Scrolls the live timeline into view (panels off screen are not redrawn). */
export const showTimeline = (win) => win.evaluate(() => document.querySelector('[data-testid="timeline"]').scrollIntoView({ block: 'center' }));

/** Clicks Run. */
export const clickRun = (win) => win.evaluate(() => document.querySelector('[data-testid="run"]').click());

/** Until the timeline holds `n` bars (polled every 50 ms inside the page). */
export const waitForBars = (win, n) => win.evaluate((n) => new Promise((resolve, reject) => {
  const t0 = Date.now();
  const poll = () => {
    if (Number(document.querySelector('[data-testid="timeline"]').dataset.bars) === n) resolve(true);
    else if (Date.now() - t0 > 60_000) reject(new Error(`the timeline has ${document.querySelector('[data-testid="timeline"]').dataset.bars} bars, not ${n}`));
    else setTimeout(poll, 50);
  };
  poll();
}), n);

/** The processes descended from this one (the Chromium a bench started, and its children). */
export async function descendants(root = process.pid) {
  const { readdirSync, readFileSync } = await import('node:fs');
  const children = new Map();
  for (const p of readdirSync('/proc')) {
    if (!/^\d+$/.test(p)) continue;
    try {
      const ppid = Number(readFileSync(`/proc/${p}/stat`, 'utf8').split(') ')[1].split(' ')[1]);
      if (!children.has(ppid)) children.set(ppid, []);
      children.get(ppid).push(Number(p));
    } catch { /* gone */ }
  }
  const out = [];
  const walk = (pid) => { for (const c of children.get(pid) ?? []) { out.push(c); walk(c); } };
  walk(root);
  return out;
}
