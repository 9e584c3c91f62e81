/**
 * Node module hooks for user-function modules, registered in a worker thread the first time it
 * runs a user function (register.ts), never on the main thread.
 *
 * - TypeScript (`.ts`, `.mts`) is transpiled on load by oxc-transform (ADR 0020), with an inline
 *   source map, so a stack names the .ts line once source maps are enabled in the thread.
 *   Types are only stripped: nothing is type-checked, as with Node's own type stripping.
 * - A relative import written the TypeScript way (`./helper.js` for helper.ts, or without an
 *   extension) resolves to the .ts file when the .js one does not exist.
 * - The version query the worker puts on a named module's URL (`?tessera-version=...`) is passed
 *   on to its relative imports, so when the module's folder changes the whole set of files loads
 *   again (Node caches modules by URL); packages from node_modules load once.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { transformSync } from 'oxc-transform';
import { VERSION_PARAM } from './version-param.js';

const TYPESCRIPT = /\.(ts|mts)$/;

interface ResolveContext { parentURL?: string; conditions: string[]; importAttributes?: Record<string, string> }
interface Resolved { url: string; format?: string | null; shortCircuit?: boolean }
type NextResolve = (specifier: string, context?: ResolveContext) => Promise<Resolved>;
interface LoadContext { format?: string | null; conditions: string[]; importAttributes?: Record<string, string> }
interface Loaded { format: string; source?: string | ArrayBuffer | Uint8Array | null; shortCircuit?: boolean }
type NextLoad = (url: string, context?: LoadContext) => Promise<Loaded>;

const isRelative = (s: string) => s.startsWith('./') || s.startsWith('../');

export async function resolve(specifier: string, context: ResolveContext, next: NextResolve): Promise<Resolved> {
  let r: Resolved;
  try {
    r = await next(specifier, context);
  } catch (e) {
    const tsTwin = isRelative(specifier) && (e as { code?: string }).code === 'ERR_MODULE_NOT_FOUND' && context.parentURL && tsCandidates(specifier);
    if (!tsTwin) throw e;
    r = await firstResolving(tsTwin, context, next, e);
  }
  const version = context.parentURL?.startsWith('file:') ? new URL(context.parentURL).searchParams.get(VERSION_PARAM) : null;
  if (version === null || !isRelative(specifier) || !r.url.startsWith('file:')) return r;
  const url = new URL(r.url);
  url.searchParams.set(VERSION_PARAM, version);
  return { ...r, url: url.href };
}

/** The .ts files a relative specifier may mean: helper.js -> helper.ts, helper -> helper.ts. */
function tsCandidates(specifier: string): string[] {
  if (/\.js$/.test(specifier)) return [specifier.replace(/\.js$/, '.ts')];
  if (/\.mjs$/.test(specifier)) return [specifier.replace(/\.mjs$/, '.mts')];
  if (!/\.[a-z]+$/i.test(specifier)) return [`${specifier}.ts`, `${specifier}/index.ts`];
  return [];
}

async function firstResolving(candidates: string[], context: ResolveContext, next: NextResolve, original: unknown): Promise<Resolved> {
  for (const c of candidates) {
    try {
      return await next(c, context);
    } catch { /* the next candidate, then the original error */ }
  }
  throw original;
}

export async function load(url: string, context: LoadContext, next: NextLoad): Promise<Loaded> {
  if (!url.startsWith('file:') || !TYPESCRIPT.test(new URL(url).pathname)) return next(url, context);
  const path = fileURLToPath(url);
  const text = await readFile(path, 'utf8');
  const out = transformSync(path, text, { lang: 'ts', sourceType: 'module', sourcemap: true });
  const error = out.errors.find((e) => e.severity === 'Error');
  if (error) {
    const at = error.labels[0] ? lineAndColumn(text, error.labels[0].start) : null;
    const where = at ? `${path}:${at.line}:${at.column}` : path;
    throw new SyntaxError(`${where}: ${error.message}${error.codeframe ? `\n${error.codeframe}` : ''}`);
  }
  const map = Buffer.from(JSON.stringify(out.map)).toString('base64');
  return { format: 'module', source: `${out.code}\n//# sourceMappingURL=data:application/json;base64,${map}\n`, shortCircuit: true };
}

/** 1-based line and column (in characters) of a UTF-8 byte offset, as oxc reports them. */
function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const lines = Buffer.from(text, 'utf8').subarray(0, offset).toString('utf8').split('\n');
  return { line: lines.length, column: lines[lines.length - 1].length + 1 };
}
