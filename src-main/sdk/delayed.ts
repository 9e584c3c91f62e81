/**
 * Delayed calls in the TypeScript API, as dask.delayed: `delayed(fns.inc)(1)` is a call of the
 * user's function `inc`, run when computed; its arguments are literals, other delayed values, or
 * arrays and bags (computed first; an array arrives as { dtype, shape, data }, a bag's result as
 * it is), and a value used by several others (or computed with them) runs once. `delayed.map(fns.score,
 * items)` is a joblib-style map, batched from measured call times unless `batch` says otherwise.
 * They render into the spec's "delayed" section (collections/delayed/spec.ts).
 */
import { type Computable, type FunctionRef, isFunctionRef, type RenderContext } from './graph.js';

export class Delayed implements Computable {
  /** @internal */
  constructor(private readonly entry: (ctx: RenderContext) => Record<string, unknown>) {}

  private readonly node = {};

  render(ctx: RenderContext): string {
    return ctx.delayed(this.node, () => this.entry(ctx));
  }
}

function arg(v: unknown, ctx: RenderContext): unknown {
  if (v instanceof Delayed) return { ref: v.render(ctx) };
  if (isLazy(v)) return { expr: v.render(ctx) };
  lazyInside(v);
  // A literal object with a "ref" or "value" key is passed as it is, not read as the spec's wrapper.
  if (v && typeof v === 'object' && !Array.isArray(v) && ('ref' in v || 'value' in v)) return { value: v };
  return v;
}

/** A lazy value where the spec can only take data (inside a list, or an array or bag as an argument). */
function lazyInside(v: unknown, depth = 0): void {
  if (v === null || typeof v !== 'object' || depth > 64) return;
  if (depth > 0 && v instanceof Delayed) {
    throw new TypeError('a delayed value inside a list or object cannot be an argument yet: pass it as an argument of its own (delayed(f)(a, b)), or gather it with a function');
  }
  if (depth > 0 && isLazy(v)) {
    throw new TypeError('an array or bag inside a list or object cannot be an argument yet: pass it as an argument of its own (delayed(f)(x, y))');
  }
  for (const x of Array.isArray(v) ? v : Object.values(v)) lazyInside(x, depth + 1);
}

/** An array or a bag (anything that renders to an expression) that is not a delayed value. */
function isLazy(v: unknown): v is Computable {
  return v !== null && typeof v === 'object' && !(v instanceof Delayed) && typeof (v as { render?: unknown }).render === 'function';
}

function check(fn: FunctionRef): void {
  if (!isFunctionRef(fn)) throw new TypeError('delayed takes a function from functions(path): the module it comes from runs in the worker threads');
}

export function delayed(fn: FunctionRef): (...args: unknown[]) => Delayed {
  check(fn);
  return (...args) => new Delayed((ctx) => ({ call: ctx.fn(fn), args: args.map((a) => arg(a, ctx)) }));
}

/** `fn` over each item, in batches (`batch`: items per task, or "auto" as joblib's batch_size). */
delayed.map = (fn: FunctionRef, over: unknown[], options: { batch?: number | 'auto' } = {}): Delayed => {
  check(fn);
  return new Delayed((ctx) => ({ map: ctx.fn(fn), over, ...(options.batch !== undefined ? { batch: options.batch } : {}) }));
};
