/**
 * Delayed entries as a task graph: one `call` task per call entry (`name:0`), one `call` task in
 * 'each' mode per batch of a map (`name:<b>`), a layer per entry. A call that uses a map gets the
 * map's batches joined into one list. Only the entries the outputs need are lowered, each once.
 */
import type { CallArg, CallSpec } from '../../engine/kinds/call.js';
import { TesseraError } from '../../engine/errors.js';
import { finishGraph } from '../../engine/finish-graph.js';
import type { Layer, Task, TaskGraph } from '../../engine/graph.js';
import type { DelayedEntry } from './spec.js';
import type { FunctionsModule } from '../../engine/user-modules/check-functions.js';

export type { FunctionsModule };

/** A map's batches: each is either a task of this graph (its items) or a chunk kept from before (its key). */
export type Batch = { items: unknown[] } | { kept: string };

export interface DelayedGraph {
  graph: TaskGraph<CallSpec>;
  /** Per lowered entry, the keys holding its value: one for a call, a map's batches in order. */
  keys: Map<string, string[]>;
}

export function lowerDelayed(
  module: FunctionsModule, entries: ReadonlyMap<string, DelayedEntry>, wanted: readonly string[], batches: ReadonlyMap<string, Batch[]>,
): DelayedGraph {
  const tasks: Task<CallSpec>[] = [];
  const layers: Layer[] = [];
  const keys = new Map<string, string[]>();
  const spec = (fn: string, args: CallArg[], mode: CallSpec['mode'] = 'call'): CallSpec => ({ kind: 'call', module: module.path, version: module.version, name: fn, args, mode });

  const lower = (name: string): string[] => {
    const done = keys.get(name);
    if (done) return done;
    const e = entries.get(name)!;
    let made: string[];
    if (e.kind === 'map') {
      const plan = batches.get(name)!;
      made = plan.map((b, i) => ('kept' in b ? b.kept : `${name}:${i}`));
      // A loop, not Math.max(...): a map of a million single-call batches would overflow the call stack.
      let size = 1;
      for (const b of plan) if ('items' in b && b.items.length > size) size = b.items.length;
      layers.push({ name, label: `map ${e.fn}${size > 1 ? ` (batches of ${size})` : ''}`, kind: 'call', tasks: 0, deps: [], indexShape: [] });
      plan.forEach((b, i) => {
        if ('items' in b) tasks.push({ key: made[i], layer: name, index: [i], deps: [], priority: 0, estBytes: 64 * 1024, spec: spec(e.fn, [{ value: b.items }], 'each') });
      });
    } else {
      const deps: string[] = [];
      const args: CallArg[] = e.args.map((a) => {
        if ('dense' in a) return { dense: a.dense };
        if ('expr' in a) throw new TesseraError('INTERNAL', `the argument ${a.expr} of delayed '${name}' was not computed before its call`, 'this is a bug, please report it');
        if (!('ref' in a)) return { value: a.value };
        const from = lower(a.ref);
        const first = deps.length;
        deps.push(...from);
        return entries.get(a.ref)!.kind === 'map' ? { concat: from.map((_, k) => first + k) } : { dep: first };
      });
      made = [`${name}:0`];
      layers.push({ name, label: `${e.fn}()`, kind: 'call', tasks: 0, deps: [], indexShape: [] });
      tasks.push({ key: made[0], layer: name, index: [0], deps, priority: 0, estBytes: 64 * 1024, spec: spec(e.fn, args) });
    }
    keys.set(name, made);
    return made;
  };
  for (const w of wanted) lower(w);
  for (const l of layers) l.tasks = tasks.filter((t) => t.layer === l.name).length;
  return { graph: finishGraph(tasks, layers), keys };
}
