/**
 * The TypeScript transpilers measured for user-function modules (ADR 0020). Self-contained: run it
 * from a scratch folder with its own node_modules, never from the repo:
 *
 *   mkdir -p /tmp/tsbench && cd /tmp/tsbench && npm init -y
 *   npm i -E oxc-transform@0.151.0 esbuild@0.28.2 sucrase@3.35.1 typescript@6.0.3   (0.158.0 was measured too)
 *   cp <repo>/bench/ts-transpiler-candidates.mjs .
 *   for c in oxc esbuild sucrase typescript; do node ts-transpiler-candidates.mjs $c; done
 *
 * Prints, per candidate, the time to import it in a fresh process, its first transform of
 * a small user module (below) and the best of 20 more.
 */
import { performance } from 'node:perf_hooks';
const src = `// A user's pipeline module: types, an interface, an enum, generics, a class.
export interface Rec { id: number; word: string; tags?: string[] }
export enum Level { Low = 1, High = 2 }
type Pair<K, V> = [K, V];

export function parseLine(line: string): Rec {
  const [id, word] = line.split(',') as [string, string];
  return { id: Number(id), word: word.trim() };
}

export function inc(x: number): number { return x + 1; }
export function double(x: number): number { return 2 * x; }
export function add(a: number, b: number): number { return a + b; }

class Counter<K> {
  private readonly counts = new Map<K, number>();
  add(k: K, n = 1): void { this.counts.set(k, (this.counts.get(k) ?? 0) + n); }
  top(k: number): Pair<K, number>[] { return [...this.counts].sort((a, b) => b[1] - a[1]).slice(0, k); }
}

export function count(words: readonly string[]): Pair<string, number>[] {
  const c = new Counter<string>();
  for (const w of words) c.add(w);
  return c.top(10);
}

export function level(x: number): Level { return x > 10 ? Level.High : Level.Low; }

export function boom(x: number): number {
  if (x > 2) {
    throw new RangeError(\`too big: \${x}\`); // line 32
  }
  return x;
}
`;
const name = process.argv[2];
const t0 = performance.now();
let fn;
if (name === 'oxc') { const m = await import('oxc-transform'); fn = (s) => m.transformSync('sample.ts', s, { sourcemap: true, typescript: {} }); }
else if (name === 'esbuild') { const m = await import('esbuild'); fn = (s) => m.transformSync(s, { loader: 'ts', format: 'esm', sourcemap: 'inline', sourcefile: 'sample.ts' }); }
else if (name === 'sucrase') { const m = await import('sucrase'); fn = (s) => m.transform(s, { transforms: ['typescript'], filePath: 'sample.ts', sourceMapOptions: { compiledFilename: 'sample.js' } }); }
else if (name === 'typescript') { const m = (await import('typescript')).default; fn = (s) => m.transpileModule(s, { fileName: 'sample.ts', compilerOptions: { module: m.ModuleKind.ESNext, target: m.ScriptTarget.ES2022, inlineSourceMap: true, inlineSources: true } }); }
const t1 = performance.now();
const out = fn(src);
const t2 = performance.now();
let best = Infinity;
for (let i = 0; i < 20; i++) { const a = performance.now(); fn(src); best = Math.min(best, performance.now() - a); }
console.log(JSON.stringify({ name, loadMs: +(t1 - t0).toFixed(1), firstMs: +(t2 - t1).toFixed(2), warmMs: +best.toFixed(3), keys: Object.keys(out) }));
