#!/usr/bin/env node
// The differential test, unbounded: generated jobs against numpy until --count expressions (or
// forever), printing progress and the agreement rate; failures grouped by signature, the first
// of each minimized with fast-check's shrinking, printed and written to --out.
//
//   npm run difftest -- [--seed N] [--count N] [--forever] [--batch N] [--no-shrink]
//                       [--shrink-seconds S] [--out FILE] [--keep-files]
// A job's folder (its .npy inputs and outputs) is removed right after the job, as a user would
// clean up; --keep-files keeps them until the end (as npm test does: a worker that opens an
// earlier job's file after it ended dies on the removed file, see the README).
// Needs the build (npm run build:native && npm run build:ts) and Debian's python3-numpy.
import { writeFileSync } from 'node:fs';
import { Engines, Oracle, removeJobFolders, reproducer, runJobs, sampleJobs, shrink } from '../test/difftest/harness.mjs';

const args = process.argv.slice(2);
const opt = (name, dflt) => { const i = args.indexOf(`--${name}`); return i >= 0 ? args[i + 1] : dflt; };
const seed = Number(opt('seed', Date.now() % 1e9));
const count = args.includes('--forever') ? Infinity : Number(opt('count', 10000));
const batch = Number(opt('batch', 20));
const shrinkSeconds = Number(opt('shrink-seconds', 60));
const doShrink = !args.includes('--no-shrink');
const outFile = opt('out', `test-output/difftest-${seed}.txt`);

const engines = new Engines();
const oracle = new Oracle();
const stats = { expressions: 0, agree: 0, skipped: 0, failed: 0, known: 0, jobs: 0 };
const groups = new Map(); // signature -> { count, first: item, output, known, minimized }
const t0 = Date.now();
let stop = false;
process.on('SIGINT', () => { if (stop) process.exit(130); stop = true; console.error('\nstopping after this batch (Ctrl-C again to quit now)'); });

function report() {
  const rate = stats.expressions - stats.skipped ? (100 * stats.agree) / (stats.expressions - stats.skipped) : 100;
  const lines = [`seed ${seed}: ${stats.expressions} expressions in ${stats.jobs} jobs, ${stats.agree} agree, ${stats.failed} fail (${stats.known} of them known), ${stats.skipped} skipped (undefined in numpy); agreement ${rate.toFixed(2)}%`, ''];
  const sorted = [...groups.entries()].sort((a, b) => b[1].count - a[1].count);
  for (const [sig, g] of sorted) {
    const it = g.minimized ?? g.first;
    const o = it.outputs.find((x) => x.failure?.signature === sig) ?? g.output;
    lines.push(`== ${sig}  [${g.count}x]${g.known ? `  (known: ${g.known})` : '  NEW'}${g.minimized ? '  (minimized)' : ''}`);
    lines.push(`   ${o.name} = ${o.expr}`);
    lines.push(reproducer(it, o.name).split('\n').map((l) => `   ${l}`).join('\n'));
    lines.push(`   numpy:   ${o.failure.numpy}`, `   Tessera: ${o.failure.tessera}`, `   ${o.failure.kind}: ${o.failure.detail}`, '');
  }
  return lines.join('\n');
}

let next = 0;
while (!stop && stats.expressions < count) {
  const items = sampleJobs(seed, next, batch);
  next += batch;
  const results = await runJobs(engines, oracle, items, { removeFiles: !args.includes('--keep-files') });
  for (const res of results) {
    stats.jobs++;
    for (const o of res.outputs) {
      stats.expressions++;
      if (o.verdict === 'ok') stats.agree++;
      else if (o.verdict === 'skip') stats.skipped++;
      else {
        stats.failed++;
        if (o.verdict === 'known') stats.known++;
        const sig = o.failure.signature;
        const g = groups.get(sig);
        if (g) g.count++;
        else {
          groups.set(sig, { count: 1, first: res, output: o, known: o.known });
          console.log(`\nnew failure signature: ${sig}${o.known ? ` (known: ${o.known})` : ''}\n   ${o.name} = ${o.expr}\n   numpy:   ${o.failure.numpy}\n   Tessera: ${o.failure.tessera}`);
          if (doShrink) {
            const m = await shrink(engines, oracle, res, sig, { timeLimitMs: shrinkSeconds * 1000, seed });
            groups.get(sig).minimized = m;
            const mo = m.outputs.find((x) => x.failure?.signature === sig);
            if (mo) console.log(`   minimized: ${mo.name} = ${mo.expr}`);
          }
        }
      }
    }
  }
  const dt = (Date.now() - t0) / 1000;
  const rate = stats.expressions - stats.skipped ? (100 * stats.agree) / (stats.expressions - stats.skipped) : 100;
  process.stderr.write(`\r${stats.expressions} expressions, ${stats.jobs} jobs, agreement ${rate.toFixed(2)}%, ${groups.size} signatures, ${dt.toFixed(0)} s   `);
  writeFileSync(outFile, report());
}
console.log(`\n${report()}`);
console.log(`written to ${outFile}`);
await engines.close();
oracle.close();
removeJobFolders();
process.exit(0);
