/**
 * How a worker thread imports a user's module: the first time, it registers the module hooks
 * (ts-hooks.ts: TypeScript, versions) and turns on source maps for its stacks; every import puts
 * the module's version (module-version.ts) in its URL, so a changed module loads again.
 */
import { register } from 'node:module';
import { pathToFileURL } from 'node:url';
import { workerData } from 'node:worker_threads';
import { VERSION_PARAM } from './version-param.js';

/** Where the hooks module is, unless the pool said otherwise (the Electron bundle does). */
const DEFAULT_HOOKS = new URL('./ts-hooks.js', import.meta.url);

let registered = false;

/** The URL to import a user module by, registering the hooks first in this thread. */
export function userModuleUrl(path: string, version: string): string {
  if (!registered) {
    const hooks = (workerData as { moduleHooks?: string } | null)?.moduleHooks;
    register(hooks ? new URL(hooks) : DEFAULT_HOOKS);
    process.setSourceMapsEnabled(true);
    registered = true;
  }
  const url = pathToFileURL(path);
  if (version) url.searchParams.set(VERSION_PARAM, version);
  return url.href;
}
