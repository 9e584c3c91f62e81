/** Runs job specs through the real engine (worker threads, addon) in this process. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll } from 'vitest';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Engine } from '../../dist/src-main/engine/engine.js';
import { buildJob, validateSpec } from '../../dist/src-main/run/job-spec.js';
import { type JobResult, runBuiltJob } from '../../dist/src-main/run/run-job.js';
import { LocalBackend } from '../../dist/src-main/run/local-backend.js';

export function tempDir(prefix = 'tessera-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export interface SpecInput {
  datasets?: Record<string, Record<string, unknown>>;
  outputs: Record<string, string>;
}

export async function runSpec(engine: Engine, spec: SpecInput, dir = tempDir(), opts: { memoryLimit?: number; outDir?: string } = {}): Promise<JobResult> {
  const full = { tessera: 1, datasets: spec.datasets ?? {}, outputs: spec.outputs };
  writeFileSync(join(dir, 'job.json'), JSON.stringify(full));
  const job = await buildJob(validateSpec(full), dir);
  return runBuiltJob(new LocalBackend(engine), job, { outDir: opts.outDir ?? join(dir, 'out'), memoryLimit: opts.memoryLimit });
}

/** Output values by name (scalars, small arrays and tables' rows; a file's path). */
export function values(r: JobResult): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const o of r.outputs) out[o.name] = o.kind === 'scalar' ? o.value : o.kind === 'table' ? o.rows ?? o.path : o.values ?? ('path' in o ? o.path : undefined);
  return out;
}

/** An engine with two workers for the tests of one file, started before them and closed after. */
export function useEngine(): () => Engine {
  let engine: Engine;
  beforeAll(async () => { engine = await Engine.start({ workers: 2 }); });
  afterAll(async () => { await engine.close(); });
  return () => engine;
}
