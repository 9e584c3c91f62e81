/**
 * `functions(path)`: the exports of a module of the user's, by name, for bags and delayed calls.
 * Nothing is imported here: a name is only a reference that the job spec carries, and the module
 * is imported in the worker threads when the job runs (as with the CLI), which also check that it
 * exports each function named before any task runs.
 *
 *   const fns = functions(new URL('./pipeline.ts', import.meta.url));
 *   bag.range(100).map(fns.inc)
 */
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FunctionRef } from './graph.js';

export type Functions = Readonly<Record<string, FunctionRef>>;

export function functions(module: string | URL): Functions {
  const path = module instanceof URL || module.startsWith('file:') ? fileURLToPath(module) : isAbsolute(module) ? module : resolve(module);
  return new Proxy({}, {
    get(_, name) {
      if (typeof name !== 'string' || name === 'then') return undefined; // not a promise
      return Object.freeze({ kind: 'function', module: path, name }) satisfies FunctionRef;
    },
  });
}
