#!/usr/bin/env node
/**
 * The window's cost to a job, and the timeline's redraw time, at 10^5 tasks (issue #3):
 * the same job of ~114,000 tasks runs alternately from the CLI (a child process, no listeners)
 * and from the window (the web host in this process, the renderer in Debian's Chromium, every
 * task record, chunk state and memory sample streamed to it), and a third time on the host's own
 * warm engine with nothing listening. All report the engine's wall_s
 * (handing the job to the engine -> results ready). The page is scrolled to the timeline, so the
 * live timeline is drawn during the runs. Then the finished timeline is redrawn at several zoom
 * levels and its draw times (measured inside the page) are reported.
 *
 *   node bench/window.mjs [--repeats N] [--driver cdp|playwright]
 *
 * The page is driven over a bare DevTools connection by default (window-page.mjs): Playwright
 * would have Chromium copy every WebSocket frame into this process, a cost no user's window has;
 * --driver playwright measures with it.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Engine } from '../dist/src-main/engine/engine.js';
import { JobService } from '../dist/src-main/service/job-service.js';
import { startWebHost } from '../dist/src-main/hosts/web/server.js';
import { buildJob, validateSpec } from '../dist/src-main/run/job-spec.js';
import { runBuiltJob } from '../dist/src-main/run/run-job.js';
import { LocalBackend } from '../dist/src-main/run/local-backend.js';
import { clickRun, descendants, fillJob, openWindow, showTimeline, waitForBars } from './window-page.mjs';

const { values } = parseArgs({ options: { repeats: { type: 'string', default: '5' }, driver: { type: 'string', default: 'cdp' } } });
const REPEATS = Number(values.repeats);
const WORKERS = 2;
const dir = mkdtempSync(join(tmpdir(), 'tessera-window-'));
const datasets = { x: { random: 'uniform', shape: [100_000_000], seed: 7, chunks: [1000] } };
const spec = { tessera: 1, datasets, outputs: { m: 'x.mean()' } };
writeFileSync(join(dir, 'job.json'), JSON.stringify(spec));

function cliRun() {
  const r = spawnSync(process.execPath, ['bin/tessera.mjs', 'run', join(dir, 'job.json'), '--json', '--workers', String(WORKERS)], { encoding: 'utf8', maxBuffer: 2 ** 24 });
  if (r.status !== 0) throw new Error(`the CLI failed: ${r.stderr}`);
  const out = JSON.parse(r.stdout);
  return { wall: out.stats.wall_s, tasks: out.stats.tasks, value: out.outputs.m.value };
}

const engine = await Engine.start({ workers: WORKERS });
const service = new JobService(engine, { host: 'web', dataDir: join(dir, 'data'), baseDir: dir });
// Each job's end, seen on the Node side: the window's own events, passed through untouched.
let onDone = () => undefined;
const runJob = service.runJob.bind(service);
service.runJob = (spec, options, emit) => runJob(spec, options, (e) => { emit(e); if (e.event === 'job.done') onDone(e.data); });
const host = await startWebHost(service, { rendererDir: 'out/renderer' });
const view = await openWindow(host.url, { driver: values.driver });
await fillJob(view, JSON.stringify(datasets), 'm', 'x.mean()');

/**
 * One run from the window: click Run, then wait for the job's end on the Node side rather than by
 * polling the page, which would itself cost the page CPU while the job runs.
 */
async function windowRun() {
  const done = new Promise((resolve) => { onDone = resolve; });
  await clickRun(view);
  const { stats } = await done;
  // Every task reached the window: one timeline bar each.
  await waitForBars(view, stats.tasks);
  return { wall: stats.wall_s, tasks: stats.tasks };
}

/** CPU seconds used so far by the Chromium this bench started (from /proc; other browsers on the machine are not counted). */
async function browserCpu() {
  let ticks = 0;
  for (const pid of await descendants()) {
    try {
      const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      ticks += Number(f[11]) + Number(f[12]); // utime, stime
    } catch { /* gone */ }
  }
  return ticks / 100;
}

// Watch the timeline while the jobs run: the live view a user would look at is drawn throughout
// (panels off screen are not redrawn, so scrolling away would flatter the window).
await showTimeline(view);

/**
 * The same job on the host's own (warm) engine with no window and no task stream: the CLI starts a
 * fresh process each time, so its lowering runs before the JIT has warmed up; this row separates
 * the window's own cost from that.
 */
async function warmRun() {
  const job = await buildJob(validateSpec(spec), dir);
  const r = await runBuiltJob(new LocalBackend(engine), job, { outDir: join(dir, 'warm') });
  return { wall: r.stats.wall_s };
}

const median = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
cliRun(); // warm-ups: the page cache, the addon, the browser
await windowRun();
await warmRun();
const cli = [], win = [], warm = [], browserCpuPerRun = [];
async function measuredWindowRun() {
  const c0 = await browserCpu();
  const r = await windowRun();
  browserCpuPerRun.push(await browserCpu() - c0);
  return r;
}
for (let i = 0; i < REPEATS; i++) {
  // Alternate which goes first, so drift on a shared machine hits both alike.
  if (i % 2) { win.push((await measuredWindowRun()).wall); warm.push((await warmRun()).wall); cli.push(cliRun().wall); } else { cli.push(cliRun().wall); warm.push((await warmRun()).wall); win.push((await measuredWindowRun()).wall); }
}
const tasks = cliRun().tasks;

// Redraws of the finished timeline: fit (aggregated), then zoomed in step by step (bars).
const page = await view.playwright();
const tl = page.getByTestId('timeline');
await tl.scrollIntoViewIfNeeded();
const box = await tl.boundingBox();
await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
const draws = [];
for (let z = 0; z < 24; z++) {
  const before = await tl.getAttribute('data-draw-ms');
  await page.mouse.wheel(0, z < 16 ? -200 : 200);
  await page.waitForTimeout(50);
  draws.push({ ms: Number(await tl.getAttribute('data-draw-ms')), mode: await tl.getAttribute('data-mode'), changed: before });
}
await tl.dblclick();
await page.waitForTimeout(50);
draws.push({ ms: Number(await tl.getAttribute('data-draw-ms')), mode: await tl.getAttribute('data-mode') });

await view.close();
await host.close();
await engine.close();
rmSync(dir, { recursive: true, force: true }); // the jobs' histories: ~15 MB each

const fmt = (x) => x.toFixed(3);
const ratio = median(win) / median(cli);
console.log(`\nWindow cost at ${tasks} tasks (${WORKERS} workers, ${REPEATS} alternating runs each, median wall_s; page driven by ${values.driver})`);
console.log('| run | wall_s median | runs | ratio |');
console.log('|---|---|---|---|');
console.log(`| CLI (\`tessera run --json\`) | ${fmt(median(cli))} | ${cli.map(fmt).join(' ')} | 1.00 |`);
console.log(`| window open (web host + Chromium) | ${fmt(median(win))} | ${win.map(fmt).join(' ')} | ${ratio.toFixed(3)} (target <= 1.05) |`);
console.log(`| host's warm engine, no window | ${fmt(median(warm))} | ${warm.map(fmt).join(' ')} | ${(median(warm) / median(cli)).toFixed(3)} (window / this: ${(median(win) / median(warm)).toFixed(3)}) |`);
console.log(`\nChromium CPU per window run: ${browserCpuPerRun.map((x) => x.toFixed(2)).join(' ')} s (the job's workers share the machine's cores with it)`);
const agg = draws.filter((d) => d.mode === 'aggregate').map((d) => d.ms), bars = draws.filter((d) => d.mode === 'bars').map((d) => d.ms);
console.log(`\nTimeline redraw at ${tasks} tasks (inside the page, per draw)`);
console.log('| mode | draws | median ms | max ms | target |');
console.log('|---|---|---|---|---|');
if (agg.length) console.log(`| aggregated (zoomed out) | ${agg.length} | ${median(agg).toFixed(2)} | ${Math.max(...agg).toFixed(2)} | <= 16 |`);
if (bars.length) console.log(`| bars (zoomed in) | ${bars.length} | ${median(bars).toFixed(2)} | ${Math.max(...bars).toFixed(2)} | <= 16 |`);
