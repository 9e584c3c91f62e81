/**
 * The functions a bag pipeline names, made callable in a worker: a user's export (loaded once per
 * thread and module version, engine/user-modules/load-function.ts) or a Python builtin. Each call
 * goes through `call`, which awaits only what returns a promise and turns a throw into the task's
 * error, naming the function, the item and the partition.
 */
import { loadFunction, userFunctionFailed } from '../../../engine/user-modules/load-function.js';
import { pyFloat, pyInt, pyLen, pyNumber, pyTruthy, typeError, preview } from './python.js';
import type { Builtin, FnRef, KeyRef, Program } from './types.js';
import { getItem } from './python.js';

export type Fn = (...args: unknown[]) => unknown;

const BUILTINS: Record<Builtin, Fn> = {
  len: (x) => pyLen(x),
  int: (x) => pyInt(x),
  float: (x) => pyFloat(x),
  bool: (x) => pyTruthy(x),
  abs: (x) => Math.abs(pyNumber(x, 'abs()')),
  'json.loads': (x) => {
    if (typeof x !== 'string') throw typeError(`json.loads() needs a string, got ${preview(x)}`);
    try {
      return JSON.parse(x);
    } catch (e) {
      throw typeError(`json.loads(): ${(e as Error).message} in ${preview(x)}`, 'the item is not valid JSON');
    }
  },
};

export const BUILTIN_NAMES: readonly string[] = Object.keys(BUILTINS);

export interface Resolved {
  fn: Fn;
  name: string;
  user: boolean;
}

export async function resolve(ref: FnRef, program: Program): Promise<Resolved> {
  if ('builtin' in ref) return { fn: BUILTINS[ref.builtin], name: ref.builtin, user: false };
  const m = program.module!;
  return { fn: (await loadFunction(m.path, ref.user, m.version)) as Fn, name: ref.user, user: true };
}

/**
 * Calls f on its arguments. What returns a value gives it at once and only a promise is awaited
 * (an await per item would cost a tick on every item of a big partition); a user function's
 * throw becomes USER_FUNCTION_FAILED naming the item and where it came from.
 */
export function call(f: Resolved, program: Program, where: string, args: unknown[]): unknown {
  const failed = (e: unknown) => {
    if (!f.user) return e;
    return userFunctionFailed(f.name, program.module!.path, e, ` on ${preview(args.length === 1 ? args[0] : args)} (${where})`);
  };
  let r: unknown;
  try {
    r = f.fn(...args);
  } catch (e) {
    throw failed(e);
  }
  return r instanceof Promise ? r.catch((e) => { throw failed(e); }) : r;
}

/** A key function: item => key, by a function or by item[get]. */
export async function keyOf(ref: KeyRef | null, program: Program, where: string): Promise<(item: unknown) => unknown | Promise<unknown>> {
  if (!ref) return (x) => x;
  if ('get' in ref) {
    const k = ref.get;
    return (x) => {
      const v = getItem(x, k);
      if (v === undefined) throw typeError(`key ${JSON.stringify(k)} is not in ${preview(x)} (${where})`, 'every item needs the key the step names');
      return v;
    };
  }
  const f = await resolve(ref.fn, program);
  return (x) => call(f, program, where, [x]);
}
