#!/usr/bin/env node
/**
 * Where the window's cost to a job goes, as tables: the same ~114,000-task job as bench/window.mjs,
 * run from the window (web host in this process, the renderer in Debian's Chromium, the page
 * scrolled to the live timeline) and on the host's warm engine with nothing listening.
 *
 * - CPU per thread of every Chromium process this script started (from /proc, so it is what the
 *   threads really used, and other agents' browsers on the machine are not counted), per window run.
 * - The page's main thread by activity (scripting, style, layout, paint, GC, ...), from a Chrome
 *   trace with the rendering categories, using each event's thread time (tdur) minus its children's.
 * - The page's JavaScript by function and file (CDP Profiler, self time).
 * - This Node process: its main thread (which is also the engine's scheduling thread) for a window
 *   run against a warm run, and the main thread's JavaScript by function during the window run
 *   (node:inspector Profiler, self time).
 *
 *   node bench/window-trace.mjs [--runs N] [--readable] [--save-trace FILE] [--driver cdp|playwright]
 *
 * The page is driven as window.mjs drives it (window-page.mjs; --driver playwright adds the cost of
 * Playwright's DevTools Network domain, which copies every WebSocket frame into this process).
 * The trace and the page's profile are taken over the same DevTools session (Tracing, Profiler).
 *
 * --readable builds the renderer unminified into out/renderer-profile first (vite, same plugins),
 * so the page's functions have their own names; the activity and thread tables are best read from
 * the shipped (minified) build, the default.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { Engine } from '../dist/src-main/engine/engine.js';
import { JobService } from '../dist/src-main/service/job-service.js';
import { startWebHost } from '../dist/src-main/hosts/web/server.js';
import { buildJob, validateSpec } from '../dist/src-main/run/job-spec.js';
import { runBuiltJob } from '../dist/src-main/run/run-job.js';
import { LocalBackend } from '../dist/src-main/run/local-backend.js';
import { clickRun, descendants, fillJob, openWindow, showTimeline, waitForBars } from './window-page.mjs';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '2' }, readable: { type: 'boolean', default: false }, 'save-trace': { type: 'string' }, driver: { type: 'string', default: 'cdp' } } });
const RUNS = Number(values.runs);
const WORKERS = 2;

let rendererDir = 'out/renderer';
if (values.readable) {
  const { build } = await import('vite');
  const vue = (await import('@vitejs/plugin-vue')).default;
  rendererDir = 'out/renderer-profile';
  await build({ root: 'src-renderer', logLevel: 'warn', plugins: [vue()], build: { outDir: resolve(rendererDir), emptyOutDir: true, minify: false, rollupOptions: { input: resolve('src-renderer/index.html') } } });
}

const dir = mkdtempSync(join(tmpdir(), 'tessera-window-trace-'));
const datasets = { x: { random: 'uniform', shape: [100_000_000], seed: 7, chunks: [1000] } };
const spec = { tessera: 1, datasets, outputs: { m: 'x.mean()' } };

const engine = await Engine.start({ workers: WORKERS });
const service = new JobService(engine, { host: 'web', dataDir: join(dir, 'data'), baseDir: dir });
let onDone = () => undefined;
// The Node threads' CPU at job.started and at the last event before job.done (the final batch,
// sent when the engine has finished): the job's own span, without planning or the history's save.
let atStart = null, atLast = null;
const runJob = service.runJob.bind(service);
service.runJob = (s, options, emit) => runJob(s, options, (e) => {
  if (e.event === 'job.started') atStart = nodeThreads();
  else if (e.event !== 'job.done') atLast = nodeThreads();
  emit(e);
  if (e.event === 'job.done') onDone(e.data);
});
const host = await startWebHost(service, { rendererDir });
// Counts what the page's WebSocket receives and the time its message handler takes (decode + store).
function countMessages() {
  const stats = { frames: 0, bytes: 0, ms: 0 };
  globalThis.__wsStats = stats;
  const desc = Object.getOwnPropertyDescriptor(WebSocket.prototype, 'onmessage');
  Object.defineProperty(WebSocket.prototype, 'onmessage', {
    configurable: true,
    get() { return desc.get.call(this); },
    set(fn) {
      desc.set.call(this, (m) => {
        const t0 = performance.now();
        try { return fn.call(this, m); } finally {
          stats.ms += performance.now() - t0;
          stats.frames++;
          stats.bytes += typeof m.data === 'string' ? m.data.length : m.data.byteLength;
        }
      });
    },
  });
}
const view = await openWindow(host.url, { driver: values.driver, init: countMessages });
await fillJob(view, JSON.stringify(datasets), 'm', 'x.mean()');
await showTimeline(view);

async function windowRun() {
  const done = new Promise((res) => { onDone = res; });
  await clickRun(view);
  const { stats } = await done;
  await waitForBars(view, stats.tasks);
  return stats;
}

async function warmRun() {
  const job = await buildJob(validateSpec(spec), dir);
  return (await runBuiltJob(new LocalBackend(engine), job, { outDir: join(dir, 'warm') })).stats;
}

// --- CPU per thread, from /proc ---------------------------------------------------------------

/** A Chromium process's kind: its --type= (renderer, gpu-process, utility, zygote) or "browser". */
function kindOf(pid) {
  try {
    const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split(/[\0 ]/); // forked children rewrite theirs as one string
    if (!cmd[0].includes('chrom')) return null;
    const type = cmd.find((a) => a.startsWith('--type='))?.slice(7) ?? 'browser';
    const sub = cmd.find((a) => a.startsWith('--utility-sub-type='))?.slice(19).split('.').pop();
    return sub ? `${type}:${sub}` : type;
  } catch { return null; }
}

/** CPU seconds per "process kind / thread name" (thread names with a trailing number folded). */
function threadCpu(pids, label) {
  const out = new Map();
  for (const pid of pids) {
    const kind = label(pid);
    if (!kind) continue;
    let tids = [];
    try { tids = readdirSync(`/proc/${pid}/task`); } catch { continue; }
    for (const tid of tids) {
      try {
        const f = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8').split(') ')[1].split(' ');
        const name = Number(tid) === pid && kind === 'node' ? 'main thread' : readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim().replace(/\d+$/, '#');
        const key = `${kind} / ${name}`;
        out.set(key, (out.get(key) ?? 0) + (Number(f[11]) + Number(f[12])) / 100);
      } catch { /* gone */ }
    }
  }
  return out;
}
const browserThreads = async () => threadCpu(await descendants(), kindOf);
function nodeThreads() { return threadCpu([process.pid], () => 'node'); }
const diff = (a, b) => new Map([...b].map(([k, v]) => [k, v - (a.get(k) ?? 0)]));

// --- Chrome trace: the page's main thread by activity ---------------------------------------------

const CATEGORIES = ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'disabled-by-default-devtools.timeline.frame', 'v8.execute', 'v8', 'blink', 'blink.user_timing', 'cc', 'gpu', 'viz', 'toplevel', 'disabled-by-default-v8.gc', 'disabled-by-default-v8.compile', 'v8.compile', 'loading', 'input'];

const ACTIVITY = [
  [/GC|Scavenge|Sweep|Mark|Compact|Finaliz/i, 'GC'],
  [/^(UpdateLayoutTree|RecalculateStyles|ParseAuthorStyleSheet|ScheduleStyleRecalculation|Document::updateStyle|StyleEngine)/, 'style recalc'],
  [/^(Layout|LayoutObject|LocalFrameView::layout|UpdateLayout|IntersectionObserver|ResizeObserver)/i, 'layout + observers'],
  [/^(Paint|PaintImage|PrePaint|Layerize|UpdateLayer|CompositeLayers|Commit|Decode|Raster|PaintArtifact|LocalFrameView::(Run|Update)|cc::|LayerTreeHost|ProxyMain|Paint)/, 'paint + composite'],
  [/^(FunctionCall|EvaluateScript|v8\.|V8\.|TimerFire|FireAnimationFrame|EventDispatch|RunMicrotasks|v8::|HandlePostMessage|XHR|TimeStamp|MessagePort)/, 'scripting (JS + V8)'],
  [/^(ParseHTML|ResourceReceive|ResourceFinish|ResourceSend|WebSocket|Receive|Network|Mojo|ChannelMojo|ResourceDispatcher)/i, 'network + IPC'],
  [/^(BeginFrame|BeginMainThreadFrame|RequestMainThreadFrame|NeedsBeginFrameChanged|Animation|Scheduler|ThreadController|RunTask|TaskQueue|SequenceManager)/, 'frame scheduling + tasks'],
];
const activityOf = (name) => ACTIVITY.find(([re]) => re.test(name))?.[1] ?? 'other';

/** Self thread-time per event name on one thread: an event's tdur (else dur) minus its children's. */
function selfTimes(events) {
  const spans = [];
  const open = [];
  for (const e of events) {
    if (e.ph === 'X' && e.dur !== undefined) spans.push({ name: e.name, ts: e.ts, end: e.ts + e.dur, cpu: e.tdur ?? e.dur });
    else if (e.ph === 'B') open.push({ name: e.name, ts: e.ts, tts: e.tts });
    else if (e.ph === 'E' && open.length) {
      const b = open.pop();
      spans.push({ name: b.name, ts: b.ts, end: e.ts, cpu: b.tts !== undefined && e.tts !== undefined ? e.tts - b.tts : e.ts - b.ts });
    }
  }
  spans.sort((a, b) => a.ts - b.ts || b.end - a.end);
  const self = new Map();
  const stack = [];
  let top = 0;
  for (const s of spans) {
    while (stack.length && stack[stack.length - 1].end <= s.ts) stack.pop();
    const parent = stack[stack.length - 1];
    if (parent) parent.childCpu += s.cpu; else top += s.cpu;
    s.childCpu = 0;
    stack.push(s);
  }
  for (const s of spans) self.set(s.name, (self.get(s.name) ?? 0) + Math.max(0, s.cpu - s.childCpu));
  return { self, top };
}

function analyseTrace(json) {
  const events = JSON.parse(json).traceEvents;
  const threadName = new Map(), processName = new Map();
  for (const e of events) {
    if (e.ph === 'M' && e.name === 'thread_name') threadName.set(`${e.pid}:${e.tid}`, e.args.name);
    if (e.ph === 'M' && e.name === 'process_name') processName.set(e.pid, e.args.name);
  }
  const byThread = new Map();
  for (const e of events) {
    if (e.ph === 'M') continue;
    const k = `${e.pid}:${e.tid}`;
    if (!byThread.has(k)) byThread.set(k, []);
    byThread.get(k).push(e);
  }
  // The page's main thread: the CrRendererMain with the most events (the tab, not about:blank).
  let main = null;
  for (const [k, evs] of byThread) if (threadName.get(k) === 'CrRendererMain' && (!main || evs.length > byThread.get(main).length)) main = k;
  const perThread = [...byThread].map(([k, evs]) => ({ thread: `${processName.get(Number(k.split(':')[0])) ?? '?'} / ${threadName.get(k) ?? k}`, ms: selfTimes(evs).top / 1000 })).filter((t) => t.ms > 1).sort((a, b) => b.ms - a.ms);
  const { self, top } = main ? selfTimes(byThread.get(main)) : { self: new Map(), top: 0 };
  const activities = new Map();
  for (const [name, us] of self) activities.set(activityOf(name), (activities.get(activityOf(name)) ?? 0) + us / 1000);
  const names = [...self].map(([name, us]) => ({ name, ms: us / 1000, activity: activityOf(name) })).sort((a, b) => b.ms - a.ms);
  return { activities, names, top: top / 1000, perThread };
}

// --- CPU profiles: self time by function ------------------------------------------------------------

function profileBySelf(profile) {
  const self = new Map();
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const dt = profile.timeDeltas;
  for (let i = 0; i < profile.samples.length; i++) {
    const n = byId.get(profile.samples[i]);
    const f = n.callFrame;
    const where = f.url ? `${basename(f.url)}:${f.lineNumber + 1}` : '';
    const key = `${f.functionName || '(anonymous)'}${where ? ` ${where}` : ''}`;
    self.set(key, (self.get(key) ?? 0) + (dt[i + 1] ?? 0) / 1000);
  }
  return [...self].map(([fn, ms]) => ({ fn, ms })).filter((r) => !/^\((idle|program)\)/.test(r.fn)).sort((a, b) => b.ms - a.ms);
}

/** Total (inclusive) time per function: each sample counts once for every function on its stack. */
function profileByTotal(profile) {
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const label = (n) => `${n.callFrame.functionName || '(anonymous)'}${n.callFrame.url ? ` ${basename(n.callFrame.url)}:${n.callFrame.lineNumber + 1}` : ''}`;
  const total = new Map();
  for (let i = 0; i < profile.samples.length; i++) {
    const seen = new Set();
    for (let id = profile.samples[i]; id !== undefined; id = parent.get(id)) seen.add(label(byId.get(id)));
    for (const k of seen) total.set(k, (total.get(k) ?? 0) + (profile.timeDeltas[i + 1] ?? 0) / 1000);
  }
  return [...total].map(([fn, ms]) => ({ fn, ms })).filter((r) => !/^\((idle|program|root)\)/.test(r.fn)).sort((a, b) => b.ms - a.ms);
}

/** Self time summed per file (or "(V8/native)" for frames without one). */
function byFile(rows) {
  const out = new Map();
  for (const r of rows) {
    const m = r.fn.match(/ (\S+):\d+$/);
    const file = m ? m[1] : /^\(garbage collector\)/.test(r.fn) ? '(GC)' : '(V8/native)';
    out.set(file, (out.get(file) ?? 0) + r.ms);
  }
  return [...out].map(([file, ms]) => ({ file, ms })).sort((a, b) => b.ms - a.ms);
}

// --- the runs -----------------------------------------------------------------------------------

await windowRun(); // warm-ups: the page, the JIT of both sides
await warmRun();

await view.send('Profiler.enable');
await view.send('Profiler.setSamplingInterval', { interval: 200 });
/** The trace since Tracing.start, as text (read from the stream DevTools hands back). */
async function endTrace() {
  const complete = new Promise((res) => view.on('Tracing.tracingComplete', res));
  await view.send('Tracing.end');
  const { stream } = await complete;
  const parts = [];
  for (;;) {
    const r = await view.send('IO.read', { handle: stream, size: 2 ** 22 });
    parts.push(r.base64Encoded ? Buffer.from(r.data, 'base64').toString('utf8') : r.data);
    if (r.eof) break;
  }
  await view.send('IO.close', { handle: stream });
  const text = parts.join('');
  // ReturnAsStream gives {"traceEvents": [...]} or a bare array, by version.
  return text.trimStart().startsWith('[') ? `{"traceEvents":${text}}` : text;
}
const nodeSession = new Session();
nodeSession.connect();
await nodeSession.post('Profiler.enable');
await nodeSession.post('Profiler.setSamplingInterval', { interval: 200 });

const rows = [];
let trace = null, pageProfile = null, nodeProfile = null;
for (let i = 0; i < RUNS; i++) {
  // Run 0 is plain (no tracing or profiling: the thread table's honest figures); run 1 is traced
  // and profiled; further runs plain again.
  const traced = i === 1;
  const w0 = nodeThreads();
  await warmRun().then((s) => rows.push({ run: `warm ${i}`, wall: s.wall_s, node: diff(w0, nodeThreads()), browser: new Map() }));
  if (traced) {
    await view.send('Tracing.start', { transferMode: 'ReturnAsStream', traceConfig: { includedCategories: CATEGORIES, recordMode: 'recordAsMuchAsPossible' } });
    await view.send('Profiler.start');
    await nodeSession.post('Profiler.start');
  }
  const s0 = await view.evaluate(() => ({ ...globalThis.__wsStats }));
  const b0 = await browserThreads(), n0 = nodeThreads();
  const stats = await windowRun();
  const b1 = await browserThreads(), n1 = nodeThreads();
  const s1 = await view.evaluate(() => ({ ...globalThis.__wsStats }));
  const ws = { frames: s1.frames - s0.frames, bytes: s1.bytes - s0.bytes, ms: s1.ms - s0.ms };
  if (traced) {
    nodeProfile = (await nodeSession.post('Profiler.stop')).profile;
    pageProfile = (await view.send('Profiler.stop')).profile;
    const buf = Buffer.from(await endTrace());
    if (values['save-trace']) {
      writeFileSync(values['save-trace'], buf);
      writeFileSync(values['save-trace'].replace(/(\.json)?$/, '.page.cpuprofile'), JSON.stringify(pageProfile));
      writeFileSync(values['save-trace'].replace(/(\.json)?$/, '.node.cpuprofile'), JSON.stringify(nodeProfile));
    }
    trace = analyseTrace(buf.toString('utf8'));
  }
  rows.push({ run: `window ${i}${traced ? ' (traced)' : ''}`, wall: stats.wall_s, tasks: stats.tasks, node: diff(n0, n1), span: diff(atStart, atLast), browser: diff(b0, b1), ws });
}

await view.close();
await host.close();
await engine.close();
rmSync(dir, { recursive: true, force: true });

// --- tables -------------------------------------------------------------------------------------

const f3 = (x) => x.toFixed(3), f0 = (x) => x.toFixed(0);
const sum = (m) => [...m.values()].reduce((a, b) => a + b, 0);
console.log(`\n## Runs (${rows.find((r) => r.tasks)?.tasks} tasks, ${WORKERS} workers, page driven by ${values.driver})`);
console.log('| run | wall_s | Node main thread CPU s | Node all threads CPU s | main thread, job.started to last batch | Chromium CPU s | WebSocket messages, MB, handler ms |');
console.log('|---|---|---|---|---|---|---|');
for (const r of rows) console.log(`| ${r.run} | ${f3(r.wall)} | ${(r.node.get('node / main thread') ?? 0).toFixed(2)} | ${sum(r.node).toFixed(2)} | ${r.span ? (r.span.get('node / main thread') ?? 0).toFixed(2) : '-'} | ${r.browser.size ? sum(r.browser).toFixed(2) : '-'} | ${r.ws ? `${r.ws.frames}, ${(r.ws.bytes / 2 ** 20).toFixed(2)}, ${f0(r.ws.ms)}` : '-'} |`);

const windows = rows.filter((r) => r.browser.size);
const keys = [...new Set(windows.flatMap((r) => [...r.browser.keys()]))];
console.log('\n## Chromium CPU per thread during each window run (s, from /proc; threads under 0.02 s left out)');
console.log(`| process / thread | ${windows.map((r) => r.run).join(' | ')} |`);
console.log(`|---|${windows.map(() => '---').join('|')}|`);
for (const k of keys.sort((a, b) => (windows[0].browser.get(b) ?? 0) - (windows[0].browser.get(a) ?? 0))) {
  if (windows.every((r) => (r.browser.get(k) ?? 0) < 0.02)) continue;
  console.log(`| ${k} | ${windows.map((r) => (r.browser.get(k) ?? 0).toFixed(2)).join(' | ')} |`);
}

if (trace) {
  console.log(`\n## The page's main thread by activity (traced run; thread time of top-level tasks ${f0(trace.top)} ms)`);
  console.log('| activity | ms |');
  console.log('|---|---|');
  for (const [a, ms] of [...trace.activities].sort((x, y) => y[1] - x[1])) console.log(`| ${a} | ${f0(ms)} |`);
  console.log('\n## The page\'s main thread: top trace events by self thread time');
  console.log('| event | activity | ms |');
  console.log('|---|---|---|');
  for (const r of trace.names.slice(0, 25)) console.log(`| ${r.name} | ${r.activity} | ${r.ms.toFixed(1)} |`);
  console.log('\n## Busy time per thread in the trace (top-level events, thread time)');
  console.log('| process / thread | ms |');
  console.log('|---|---|');
  for (const t of trace.perThread.slice(0, 15)) console.log(`| ${t.thread} | ${f0(t.ms)} |`);
}

/** A CPU profile as Markdown: by file, then by function's self time (and total time when `totals` rows are asked for). */
function printProfile(profile, { title, who, files, totals = 0 }) {
  const fns = profileBySelf(profile);
  const table = (head, rows) => console.log(`\n${head}\n|---|---|\n${rows.join('\n')}`);
  console.log(`\n## ${title} (self ms, total ${f0(fns.reduce((a, r) => a + r.ms, 0))} ms)`);
  table('| file | ms |', byFile(fns).slice(0, files).map((r) => `| ${r.file} | ${r.ms.toFixed(1)} |`));
  table(`| function (${who}) | self ms |`, fns.slice(0, 20).map((r) => `| ${r.fn} | ${r.ms.toFixed(1)} |`));
  if (totals) table(`| function (${who}) | total ms |`, profileByTotal(profile).slice(0, totals).map((r) => `| ${r.fn} | ${r.ms.toFixed(1)} |`));
}
if (pageProfile) printProfile(pageProfile, { title: "The page's JavaScript by file (CDP Profiler)", who: 'page', files: 10, totals: 30 });
if (nodeProfile) printProfile(nodeProfile, { title: "This Node process's main thread during the traced window run", who: 'Node main thread', files: 12 });
