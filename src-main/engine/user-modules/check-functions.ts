/**
 * The check a job that calls user functions makes before any of its tasks runs: one task imports
 * the module in a worker and lists its exported functions, so a job naming a function the module
 * lacks fails (USER_FUNCTION_NOT_FOUND) up front, and a module that does not load fails with its
 * own error. An engine remembers what it learned of each module version (its exports, and what a
 * collection measured of its functions, such as delayed's time per call), so a job that runs
 * again on an unchanged module skips the check.
 */
import { stat } from 'node:fs/promises';
import type { ComputeOptions, GraphRunner } from '../engine.js';
import { TesseraError } from '../errors.js';
import { finishGraph } from '../finish-graph.js';
import type { Task } from '../graph.js';
import { type CallSpec, readCallResult } from '../kinds/call.js';

/** A module of the user's functions and its version (module-version.ts). */
export interface FunctionsModule {
  path: string;
  version: string;
}

export interface ModuleFacts {
  exports: string[];
  /** A call's time (ms) per probed function. */
  callMs: Map<string, number>;
}

const known = new WeakMap<GraphRunner, Map<string, ModuleFacts>>();

/** What this engine learned of a module version, if it checked it. */
export function moduleFacts(engine: GraphRunner, module: FunctionsModule): ModuleFacts | undefined {
  return known.get(engine)?.get(`${module.path}\0${module.version}`);
}

/** Fails before the job runs when the module is missing or lacks a function the job calls. */
export async function checkFunctions(engine: GraphRunner, module: FunctionsModule, fns: readonly string[], opts: ComputeOptions): Promise<void> {
  const file = await stat(module.path).catch(() => null);
  if (!file?.isFile()) throw new TesseraError('USER_MODULE_NOT_FOUND', `the functions module ${module.path} does not exist`, 'check the "functions" path of the job (relative to the spec file)');
  const exported = moduleFacts(engine, module)?.exports ?? await listExports(engine, module, opts);
  const missing = [...new Set(fns)].filter((f) => !exported.includes(f));
  if (missing.length) {
    throw new TesseraError('USER_FUNCTION_NOT_FOUND', `${module.path} has no exported function ${missing.map((m) => `'${m}'`).join(', ')}`,
      exported.length ? `its exported functions: ${exported.join(', ')}` : 'the module exports no functions', { phase: 'input' });
  }
}

async function listExports(engine: GraphRunner, module: FunctionsModule, opts: ComputeOptions): Promise<string[]> {
  const task: Task<CallSpec> = {
    key: 'exports:0', layer: 'exports', index: [0], deps: [], priority: 0, estBytes: 4096,
    spec: { kind: 'call', module: module.path, version: module.version, name: '*', args: [], mode: 'exports' },
  };
  const owner = engine.newJob();
  let exported: string[];
  try {
    const run = await engine.run(finishGraph([task], [{ name: 'exports', label: 'exports', kind: 'call', tasks: 1, deps: [], indexShape: [] }]),
      { owner, keep: new Set([task.key]), signal: opts.signal });
    exported = readCallResult(run.chunks.get(task.key)!) as string[];
  } catch (e) {
    throw e instanceof TesseraError ? new TesseraError(e.code, e.message, e.hint, { phase: 'input', userStack: e.userStack }) : e;
  } finally {
    engine.freeJob(owner);
  }
  let byVersion = known.get(engine);
  if (!byVersion) known.set(engine, (byVersion = new Map()));
  byVersion.set(`${module.path}\0${module.version}`, { exports: exported, callMs: new Map() });
  return exported;
}
