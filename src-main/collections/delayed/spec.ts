/**
 * The job spec's "delayed" section, like dask.delayed: named calls of the user's functions (from
 * the module the spec's "functions" names) whose arguments are literals or other calls, and
 * joblib-style maps of a function over a list.
 *
 *   "functions": "pipeline.ts",
 *   "delayed": {
 *     "a":      { "call": "inc", "args": [1] },
 *     "b":      { "call": "add", "args": [{ "ref": "a" }, 10] },
 *     "scores": { "map": "score", "over": [1, 2, 3], "batch": "auto" },
 *     "total":  { "call": "sum", "args": [{ "ref": "scores" }] }
 *   }
 *
 * An argument `{ "ref": name }` is that entry's value (a map's is the list of its results), or,
 * naming a dataset, the dataset's value; `{ "expr": "x.sum(axis=0)" }` is the value of an array
 * or bag expression over the datasets (computed before the calls: run/run-job.ts); `{ "value": x }`
 * is x as it is (for a literal object that has a "ref" key); anything else is a literal. Every
 * entry is computed at most once per job, however many others or outputs use it.
 */
import { TesseraError } from '../../engine/errors.js';
import type { DTypeName } from '../../native/addon.js';

/** A computed array argument: its elements' bytes (C order, base64), so NaN, infinities, -0 and int64 cross exactly. */
export interface DenseLiteral {
  dtype: DTypeName;
  shape: number[];
  base64: string;
}

/** `expr`: an expression not computed yet; `dense`: a computed array argument. */
export type DelayedArg = { ref: string } | { value: unknown } | { expr: string } | { dense: DenseLiteral };

export type DelayedEntry =
  | { kind: 'call'; fn: string; args: DelayedArg[] }
  | { kind: 'map'; fn: string; over: unknown[]; batch: 'auto' | number };

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const FUNCTION = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

const bad = (msg: string, hint: string) => new TesseraError('BAD_SPEC', msg, hint);

/**
 * Validates the section and returns its entries in an order where every ref comes first. A ref to
 * one of `datasets` (and not to an entry) is that dataset's expression.
 */
export function parseDelayed(raw: unknown, datasets: ReadonlySet<string> = new Set()): Map<string, DelayedEntry> {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw bad('"delayed" must be an object of name -> call', 'for example "delayed": { "a": { "call": "inc", "args": [1] } }');
  const entries = new Map<string, DelayedEntry>();
  for (const [name, e] of Object.entries(raw as Record<string, unknown>)) {
    if (!NAME.test(name)) throw bad(`delayed name '${name}' is not a valid identifier`, 'use letters, digits and _ (not starting with a digit)');
    entries.set(name, parseEntry(name, e));
  }
  for (const e of entries.values()) {
    if (e.kind !== 'call') continue;
    e.args = e.args.map((a) => ('ref' in a && !entries.has(a.ref) && datasets.has(a.ref) ? { expr: a.ref } : a));
  }
  return ordered(entries);
}

function parseEntry(name: string, raw: unknown): DelayedEntry {
  const where = `delayed '${name}'`;
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw bad(`${where} must be an object`, '{ "call": "fn", "args": [...] } or { "map": "fn", "over": [...] }');
  const o = raw as Record<string, unknown>;
  const fnOf = (key: string) => {
    const fn = o[key];
    if (typeof fn !== 'string' || !FUNCTION.test(fn)) throw bad(`${where}: "${key}" must name an exported function, not ${JSON.stringify(fn)}`, 'the name of a function the "functions" module exports');
    return fn;
  };
  const allow = (keys: string[]) => {
    for (const k of Object.keys(o)) if (!keys.includes(k)) throw bad(`${where}: unknown key "${k}"`, `a ${keys[0]} has ${keys.map((x) => `"${x}"`).join(', ')}`);
  };
  if ('call' in o) {
    allow(['call', 'args']);
    const args = o.args ?? [];
    if (!Array.isArray(args)) throw bad(`${where}: "args" must be a list`, 'for example "args": [1, { "ref": "a" }]');
    return { kind: 'call', fn: fnOf('call'), args: args.map((a) => parseArg(where, a)) };
  }
  if ('map' in o) {
    allow(['map', 'over', 'batch']);
    if (!Array.isArray(o.over)) throw bad(`${where}: "over" must be a list of the values to call ${String(o.map)} on`, 'for example "over": [1, 2, 3]');
    const batch = o.batch ?? 'auto';
    if (batch !== 'auto' && !(Number.isInteger(batch) && (batch as number) >= 1)) throw bad(`${where}: "batch" must be "auto" or a positive integer, not ${JSON.stringify(batch)}`, '"auto" measures the calls and batches small ones');
    return { kind: 'map', fn: fnOf('map'), over: o.over, batch: batch as 'auto' | number };
  }
  throw bad(`${where} has neither "call" nor "map"`, '{ "call": "fn", "args": [...] } or { "map": "fn", "over": [...] }');
}

function parseArg(where: string, a: unknown): DelayedArg {
  if (a && typeof a === 'object' && !Array.isArray(a)) {
    const keys = Object.keys(a);
    if (keys.length === 1 && keys[0] === 'ref') {
      const ref = (a as { ref: unknown }).ref;
      if (typeof ref !== 'string') throw bad(`${where}: a "ref" must name another delayed entry or a dataset`, 'for example { "ref": "a" }');
      return { ref };
    }
    if (keys.length === 1 && keys[0] === 'value') return { value: (a as { value: unknown }).value };
    if (keys.length === 1 && keys[0] === 'expr') {
      const expr = (a as { expr: unknown }).expr;
      if (typeof expr !== 'string' || !expr.trim()) throw bad(`${where}: an "expr" must be an array or bag expression over the datasets`, 'for example { "expr": "x.sum(axis=0)" }');
      return { expr };
    }
  }
  return { value: a };
}

/** The entries with every ref before its users; unknown refs and cycles are errors. */
function ordered(entries: Map<string, DelayedEntry>): Map<string, DelayedEntry> {
  const out = new Map<string, DelayedEntry>();
  const visiting = new Set<string>();
  const visit = (name: string, from: string | null) => {
    if (out.has(name)) return;
    const e = entries.get(name);
    if (!e) throw bad(`delayed '${from}' refers to '${name}', which is not a delayed entry or a dataset`, `the delayed entries: ${[...entries.keys()].join(', ')}`);
    if (visiting.has(name)) throw bad(`delayed '${name}' depends on itself (through ${[...visiting].join(' -> ')})`, 'a delayed entry can only use entries computed before it');
    visiting.add(name);
    if (e.kind === 'call') for (const a of e.args) if ('ref' in a) visit(a.ref, name);
    visiting.delete(name);
    out.set(name, e);
  };
  for (const name of entries.keys()) visit(name, null);
  return out;
}
