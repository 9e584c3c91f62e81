/**
 * Runs a built job on a backend: small outputs come back as values, larger ones are written as
 * .npy files under the output folder (temp file + rename), once the folder has room for them.
 * Also the warnings a built job gets before it runs.
 */
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { ComputeOptions } from '../engine/engine.js';
import type { ComputeResult } from '../collections/array/compute.js';
import { itemsize } from '../collections/array/dtype.js';
import { formatBytes } from '../api/format-bytes.js';
import { largest, product } from '../collections/array/grid.js';
import type { Backend } from './backend.js';
import { checkFreeSpace, removeStaleTemps } from './output-space.js';
import type { BuiltJob } from './job-spec.js';

/** Arrays up to this many elements are returned as values; larger ones are written to files. */
export const MAX_VALUE_ELEMENTS = 10_000;

export interface RunJobOptions extends ComputeOptions {
  /** Where outputs too large to return as values are written. */
  outDir: string;
  /** Write even if the output disk reports too little free space (a file system whose statfs misleads). */
  skipSpaceCheck?: boolean;
}

/**
 * Warnings a job deserves before it runs. The memory limit governs the chunk store; pages of a
 * mapped input file are the kernel's to drop and are not counted, so a chunk of a file larger
 * than the limit keeps the process's RSS above it while a task reads it.
 */
export function jobWarnings(job: BuiltJob, memoryLimit: number | null | undefined): string[] {
  const out: string[] = [];
  if (!memoryLimit) return out;
  for (const [name, node] of job.datasets) {
    if (node.op !== 'source' || node.source.kind !== 'file') continue;
    const chunkBytes = product(node.grid.map((d) => largest(d, 0))) * itemsize(node.dtype);
    if (chunkBytes > memoryLimit) {
      out.push(`a chunk of '${name}' is ${formatBytes(chunkBytes)}, over the memory limit of ${formatBytes(memoryLimit)}: `
        + `its mapped pages are resident while a task reads it (they are not counted in the limit); use smaller chunks to keep RSS under the limit`);
    }
  }
  return out;
}

export async function runBuiltJob(backend: Backend, job: BuiltJob, { outDir: out, skipSpaceCheck, ...compute }: RunJobOptions): Promise<ComputeResult> {
  const outDir = resolve(out);
  const requests = job.outputs.map((o) => ({
    name: o.name, node: o.node,
    path: product(o.node.shape) > MAX_VALUE_ELEMENTS ? join(outDir, `${o.name}.npy`) : undefined,
  }));
  if (requests.some((r) => r.path)) {
    await mkdir(outDir, { recursive: true });
    await removeStaleTemps(outDir);
    // An .npy header is at most a few hundred bytes; the data is the array's bytes.
    const bytes = job.outputs.reduce((sum, o, k) => sum + (requests[k].path ? 4096 + product(o.node.shape) * itemsize(o.node.dtype) : 0), 0);
    if (!skipSpaceCheck) await checkFreeSpace(outDir, bytes);
  }
  return backend.computeArrays(requests, compute);
}
