/**
 * User functions written in TypeScript (ADR 0020): the worker transpiles the module as it loads
 * (types, an enum, a relative .ts import written './helper.js'), a thrown error's stack names the
 * .ts line, a syntax error names file, line and column, and an edited module loads again in the
 * next job while an unchanged one is imported once per worker.
 */
import { mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../dist/src-main/engine/engine.js';
import { TesseraError } from '../dist/src-main/engine/errors.js';
import { finishGraph } from '../dist/src-main/engine/finish-graph.js';
import type { Task } from '../dist/src-main/engine/graph.js';
import { readCallResult, type CallSpec } from '../dist/src-main/engine/kinds/call.js';
import { moduleVersion } from '../dist/src-main/engine/user-modules/module-version.js';

const dir = mkdtempSync(join(tmpdir(), 'tessera-ts-'));
const MODULE = join(dir, 'pipeline.ts');
const HELPER = join(dir, 'helper.ts');

const PIPELINE = `import { twice } from './helper.js';
export enum Level { Low = 1, High = 2 }
interface Scored { id: number; level: Level }
export function score(id: number): Scored {
  return { id: twice(id), level: id > 10 ? Level.High : Level.Low };
}
export function explode(x: number): number {
  if (x > 2) {
    throw new RangeError(\`too big: \${x}\`);
  }
  return x;
}
`;

/** Writes a file with an mtime of its own second, so a rewrite always changes the folder's version. */
let tick = 1_700_000_000;
function write(path: string, text: string): void {
  writeFileSync(path, text);
  tick += 10;
  utimesSync(path, tick, tick);
}

async function call(engine: Engine, name: string, args: unknown[], module = MODULE): Promise<unknown> {
  const task: Task<CallSpec> = {
    key: `${name}:0`, layer: name, index: [0], deps: [], priority: 0, estBytes: 64,
    spec: { kind: 'call', module, name, version: await moduleVersion(module), args: args.map((value) => ({ value })) },
  };
  const owner = engine.newJob();
  try {
    const r = await engine.run(finishGraph([task], [{ name, label: name, kind: 'call', tasks: 1, deps: [], indexShape: [] }]), { owner, keep: new Set([task.key]) });
    return readCallResult(r.chunks.get(task.key)!);
  } finally {
    engine.freeJob(owner);
  }
}

describe('user functions in TypeScript', () => {
  let engine: Engine;
  beforeAll(async () => {
    write(HELPER, 'export const twice = (x: number): number => 2 * x;\n');
    write(MODULE, PIPELINE);
    engine = await Engine.start({ workers: 2 });
  });
  afterAll(async () => { await engine.close(); });

  it('runs a .ts module with types, an enum and a relative .ts import', async () => {
    expect(await call(engine, 'score', [21])).toEqual({ id: 42, level: 2 });
    expect(await call(engine, 'score', [3])).toEqual({ id: 6, level: 1 });
  });

  it('a throw names the .ts line in the stack, and the task', async () => {
    const err = await call(engine, 'explode', [5]).catch((e) => e) as TesseraError;
    expect(err).toBeInstanceOf(TesseraError);
    expect(err.code).toBe('USER_FUNCTION_FAILED');
    expect(err.message).toContain('too big: 5');
    expect(err.task).toBe('explode:0');
    expect(err.userStack).toContain(`${MODULE}:9:11`); // the throw, in the .ts source
  });

  it('a syntax error names the file, the line and the column', async () => {
    const broken = join(dir, 'broken.ts');
    write(broken, 'export function f(x: number) {\n  return x +;\n}\n');
    const err = await call(engine, 'f', [1], broken).catch((e) => e) as TesseraError;
    expect(err.code).toBe('USER_MODULE_NOT_LOADED');
    expect(err.message).toContain(`${broken}:2:`);
  });

  it('loads an edited module or helper again in the next job, and an unchanged one once', async () => {
    expect(await call(engine, 'score', [1])).toEqual({ id: 2, level: 1 });
    write(HELPER, 'export const twice = (x: number): number => 3 * x;\n'); // only the helper changes
    expect(await call(engine, 'score', [1])).toEqual({ id: 3, level: 1 });
    write(MODULE, PIPELINE.replace('twice(id)', 'twice(id) + 1000'));
    expect(await call(engine, 'score', [1])).toEqual({ id: 1003, level: 1 });
    // Same version: the module's top level does not run again (a counter kept in the module).
    const counted = join(dir, 'counted.ts');
    // The count lives on globalThis: a fresh instance of the module would start a counter of its own at 1.
    write(counted, 'const g = globalThis as { countedLoads?: number };\ng.countedLoads = (g.countedLoads ?? 0) + 1;\nexport const loadsSoFar = (): number => g.countedLoads!;\n');
    const seen = new Set<unknown>();
    for (let i = 0; i < 6; i++) seen.add(await call(engine, 'loadsSoFar', [], counted));
    expect([...seen]).toEqual([1]);
  });
});
