/**
 * Runs one task: turns its spec and the chunk ids of its dependencies into one native call. Used
 * by the worker threads and, in the synchronous debugging mode, by the main thread.
 */
import { native, type NativeAccess, type NativeResult } from '../native/addon.js';
import type { AccessTemplate } from './compile.js';
import type { TaskSpec } from './graph.js';

/** Files are mapped once per thread and stay mapped until closeFiles(). */
const openFiles = new Map<string, number>();

function fileId(path: string): number {
  let id = openFiles.get(path);
  if (id === undefined) {
    id = native().openFile(path).id;
    openFiles.set(path, id);
  }
  return id;
}

export function closeFiles(): void {
  for (const id of openFiles.values()) native().closeFile(id);
  openFiles.clear();
}

function resolve(a: AccessTemplate, ids: readonly number[]): NativeAccess {
  if (a.dep !== undefined) return { ...a, chunk: ids[a.dep] };
  if (a.path !== undefined) return { ...a, file: fileId(a.path) };
  return a;
}

export function executeTask(spec: TaskSpec, ids: readonly number[], owner: number): NativeResult {
  const n = native();
  switch (spec.kind) {
    case 'map':
    case 'reduce':
      return n.runTask({ ...spec, owner, accesses: spec.accesses.map((a) => resolve(a, ids)) });
    case 'combine':
      return n.runTask({ ...spec, owner, partials: ids });
    case 'assemble':
      return n.runTask({ ...spec, owner, pieces: spec.pieces.map((p) => ({ ...p, source: resolve(p.source, ids) })) });
    case 'matmul':
      return n.runTask({ ...spec, owner, a: spec.a.map((x) => resolve(x, ids)), b: spec.b.map((x) => resolve(x, ids)) });
    case 'write':
      return n.runTask({ ...spec, owner, chunk: ids[0] });
    case 'commit':
      return n.runTask({ ...spec, owner });
  }
}
