/**
 * A user's function in a worker thread: its module imported once per thread and version
 * (load-in-worker.ts), the export looked up, and the typed errors a job reports when the module
 * is missing, does not load, or lacks the function.
 */
import { TesseraError } from '../errors.js';
import { userModuleUrl } from './load-in-worker.js';

export type UserFunction = (...args: unknown[]) => unknown;

/** Loaded functions of this thread, by module, export and version. */
const loaded = new Map<string, Promise<UserFunction>>();

export function loadFunction(module: string, name: string, version: string): Promise<UserFunction> {
  const key = `${module}\0${name}\0${version}`;
  let fn = loaded.get(key);
  if (!fn) {
    fn = importFunction(module, name, version);
    loaded.set(key, fn);
    fn.catch(() => loaded.delete(key)); // a module fixed on disk is tried again by the next job
  }
  return fn;
}

async function importFunction(module: string, name: string, version: string): Promise<UserFunction> {
  const mod = await importUserModule(module, version);
  const fn = mod[name];
  if (typeof fn !== 'function') {
    const exported = functionNames(mod);
    throw new TesseraError('USER_FUNCTION_NOT_FOUND', `${module} has no exported function '${name}'`,
      exported.length ? `its exported functions: ${exported.join(', ')}` : 'the module exports no functions');
  }
  return fn as UserFunction;
}

export async function importUserModule(module: string, version: string): Promise<Record<string, unknown>> {
  try {
    return await import(userModuleUrl(module, version));
  } catch (e) {
    const err = e as { code?: string; message?: string; stack?: string };
    if (err.code === 'ERR_MODULE_NOT_FOUND' && err.message?.includes(module)) {
      throw new TesseraError('USER_MODULE_NOT_FOUND', `the module ${module} does not exist`, 'check the path of the module the job names');
    }
    if (err.code === 'ERR_UNKNOWN_FILE_EXTENSION') {
      throw new TesseraError('USER_MODULE_NOT_LOADED', `cannot load ${module}: Node ${process.versions.node} cannot import this kind of file`,
        'user functions come from JavaScript or TypeScript modules (.mjs, .js, .cjs, .ts or .mts)');
    }
    throw new TesseraError('USER_MODULE_NOT_LOADED', `loading the module ${module} failed: ${err.message ?? String(e)}`,
      'the error is in the module itself (its top-level code or an import); fix it and run the job again', { userStack: err.stack });
  }
}

/** The names of a module's exported functions. */
export const functionNames = (mod: Record<string, unknown>): string[] => Object.keys(mod).filter((k) => typeof mod[k] === 'function');

/** A user function's failure as a task error: its message and stack, and what it was called on. */
export function userFunctionFailed(name: string, module: string, e: unknown, on = ''): TesseraError {
  const err = e instanceof Error ? e : new Error(String(e));
  return new TesseraError('USER_FUNCTION_FAILED', `${name} (${module}) threw${on}: ${err.message}`,
    'the error is in the user function; its stack shows where', { userStack: err.stack, phase: 'run' });
}
