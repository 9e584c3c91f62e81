/**
 * The word count on one worker, in a process of its own so TESSERA_SIMD can force a SIMD level
 * (the addon picks its level once per process): bench/bags.mjs runs it once per level the CPU has.
 *   TESSERA_SIMD=avx2 node bench/word-count-core.mjs CORPUS REPEATS   -> prints {"seconds": best}
 */
import { Engine } from '../dist/src-main/engine/engine.js';
import { buildJob, validateSpec } from '../dist/src-main/run/job-spec.js';
import { runBuiltJob } from '../dist/src-main/run/run-job.js';
import { LocalBackend } from '../dist/src-main/run/local-backend.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { best } from './timing.mjs';

const [path, repeats = '3'] = process.argv.slice(2);
const spec = validateSpec({ tessera: 1, datasets: { t: { text: path } }, outputs: { top: "t.str.lower().str.split().flatten().frequencies().topk(10, key=1)" } });
const engine = await Engine.start({ workers: 1 });
const seconds = await best(async () => {
  await runBuiltJob(new LocalBackend(engine), await buildJob(spec, tmpdir()), { outDir: join(tmpdir(), 'tessera-bench-out') });
}, Number(repeats));
console.log(JSON.stringify({ seconds, simd: engine.simd }));
await engine.close();
