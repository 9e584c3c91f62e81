/**
 * A stage's element steps over one list of items, in a worker: each step makes the next list
 * (map, filter, flatten, pluck and the str methods item by item; map_partitions the whole list).
 */
import type { Program, Step } from './types.js';
import { call, resolve } from './functions.js';
import { codePoints, getItem, needString, preview, pySplit, pyStrip, pyReplace, pyTruthy, typeError } from './python.js';

export async function runSteps(items: unknown[], steps: readonly Step[], program: Program, where: string): Promise<unknown[]> {
  for (const step of steps) items = await runStep(items, step, program, where);
  return items;
}

/**
 * The first `k` items the steps make, running them item by item and stopping there, as dask's
 * lazy iterators do (a later item may be one the steps refuse): what take(k) needs.
 * map_partitions sees the whole partition, as it must.
 */
export async function runStepsFor(items: unknown[], steps: readonly Step[], program: Program, where: string, k: number): Promise<unknown[]> {
  if (steps.some((s) => s.op === 'map_partitions')) return (await runSteps(items, steps, program, where)).slice(0, k);
  const out: unknown[] = [];
  for (let i = 0; i < items.length && out.length < k; i++) {
    for (const x of await runSteps([items[i]], steps, program, where)) out.push(x);
  }
  return out.slice(0, k);
}

async function runStep(items: unknown[], step: Step, program: Program, where: string): Promise<unknown[]> {
  switch (step.op) {
    case 'map': {
      const f = await resolve(step.fn, program);
      const out = new Array<unknown>(items.length);
      for (let i = 0; i < items.length; i++) {
        const r = call(f, program, where, step.args.length ? [items[i], ...step.args] : [items[i]]);
        out[i] = r instanceof Promise ? await r : r;
      }
      return out;
    }
    case 'filter': {
      const f = await resolve(step.fn, program);
      const out: unknown[] = [];
      for (const x of items) {
        let r = call(f, program, where, [x]);
        if (r instanceof Promise) r = await r;
        // A user's JS function keeps by JS truth; a Python builtin (bool, len) by Python's.
        if ((f.user ? Boolean(r) : pyTruthy(r)) === step.keep) out.push(x);
      }
      return out;
    }
    case 'flatten': {
      const out: unknown[] = [];
      for (const x of items) {
        if (typeof x === 'string') { for (const c of x) out.push(c); continue; } // a str is a sequence of its characters
        if (!Array.isArray(x)) throw typeError(`flatten() needs lists, got ${preview(x)} (${where})`, 'each item must be a list (or a string) to flatten');
        for (const y of x) out.push(y);
      }
      return out;
    }
    case 'pluck': {
      const keys = Array.isArray(step.key) ? step.key : null;
      const one = (x: unknown, k: string | number) => {
        const v = getItem(x, k);
        if (v !== undefined) return v;
        if (step.hasDefault) return step.default;
        throw typeError(`pluck: ${JSON.stringify(k)} is not in ${preview(x)} (${where})`, 'give pluck a default (pluck(key, default=None)) for items that lack the key');
      };
      return items.map((x) => (keys ? keys.map((k) => one(x, k)) : one(x, step.key as string | number)));
    }
    case 'map_partitions': {
      const f = await resolve(step.fn, program);
      let r = call(f, program, where, [items]);
      if (r instanceof Promise) r = await r;
      if (!Array.isArray(r)) throw typeError(`map_partitions: ${f.name} returned ${preview(r)}, not a list (${where})`, 'a map_partitions function takes the partition\'s list and returns a list');
      return r;
    }
    case 'str':
      return items.map((x) => strMethod(step.method, step.args, needString(x, `str.${step.method}()`)));
  }
}

function strMethod(method: Extract<Step, { op: 'str' }>['method'], args: unknown[], s: string): unknown {
  const a = args as [unknown, unknown, unknown];
  switch (method) {
    case 'lower': return s.toLowerCase();
    case 'upper': return s.toUpperCase();
    case 'strip': return pyStrip(s, (a[0] ?? null) as string | null, true, true);
    case 'lstrip': return pyStrip(s, (a[0] ?? null) as string | null, true, false);
    case 'rstrip': return pyStrip(s, (a[0] ?? null) as string | null, false, true);
    case 'split': return pySplit(s, (a[0] ?? null) as string | null, (a[1] ?? -1) as number);
    case 'replace': return pyReplace(s, a[0] as string, a[1] as string, (a[2] ?? -1) as number);
    case 'startswith': return s.startsWith(a[0] as string);
    case 'endswith': return s.endsWith(a[0] as string);
    case 'contains': return s.includes(a[0] as string);
    case 'len': return codePoints(s);
  }
}
