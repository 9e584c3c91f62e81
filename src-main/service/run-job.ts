/**
 * Runs a built job on an engine: small outputs come back as values, larger ones are written as
 * .npy files under the output folder (temp file + rename).
 */
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { ComputeResult, Engine } from '../engine/engine.js';
import type { EventBus } from '../engine/events.js';
import type { TaskGraph } from '../engine/graph.js';
import { product } from '../engine/grid.js';
import type { BuiltJob } from './job-spec.js';

/** Arrays up to this many elements are returned as values; larger ones are written to files. */
export const MAX_VALUE_ELEMENTS = 10_000;

export interface RunJobOptions {
  outDir: string;
  memoryLimit?: number | null;
  bus?: EventBus;
  signal?: AbortSignal;
  onGraph?: (g: TaskGraph) => void;
}

export async function runBuiltJob(engine: Engine, job: BuiltJob, opts: RunJobOptions): Promise<ComputeResult> {
  const outDir = resolve(opts.outDir);
  const requests = job.outputs.map((o) => ({
    name: o.name, node: o.node,
    path: product(o.node.shape) > MAX_VALUE_ELEMENTS ? join(outDir, `${o.name}.npy`) : undefined,
  }));
  if (requests.some((r) => r.path)) await mkdir(outDir, { recursive: true });
  return engine.compute(requests, { memoryLimit: opts.memoryLimit, bus: opts.bus, signal: opts.signal, onGraph: opts.onGraph });
}
