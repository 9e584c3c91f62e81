/**
 * What the TypeScript API builds before it runs anything: nodes that render into one job spec.
 * Each array, bag or delayed value holds a node; `compute` renders the nodes it is given into
 * datasets, delayed entries and output expressions (spec.ts), so the API runs exactly what the
 * CLI would run for the same spec. A node is rendered once per spec: a dataset or a delayed call
 * shared by several values gets one name, and is computed once.
 */

/** A function of the user's module, named by `functions(path)` (functions.ts). */
export interface FunctionRef {
  readonly kind: 'function';
  /** The module's absolute path. */
  readonly module: string;
  readonly name: string;
}

export function isFunctionRef(v: unknown): v is FunctionRef {
  return typeof v === 'object' && v !== null && (v as FunctionRef).kind === 'function' && typeof (v as FunctionRef).name === 'string';
}

/** Names what a spec needs as it renders: datasets and delayed entries by node, and the one functions module. */
export interface RenderContext {
  /** The name of a dataset (its spec, made once per node). */
  dataset(node: object, spec: () => Record<string, unknown>): string;
  /** The name of a delayed entry (its spec, made once per node). */
  delayed(node: object, entry: () => Record<string, unknown>): string;
  /** Records a user function's module (a spec names one) and returns the function's name. */
  fn(ref: FunctionRef): string;
}

/** Something `compute` can run: it renders as an output expression of the spec. */
export interface Computable {
  /** The output's expression (or a delayed entry's name). */
  render(ctx: RenderContext): string;
}

/** A value as the expression language writes it: numbers, strings, True/False/None, lists and dicts. */
export function pyLiteral(v: unknown): string {
  if (v === null || v === undefined) return 'None';
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new TypeError(`${v} cannot be written in an expression: use a finite number`);
    return Object.is(v, -0) ? '-0.0' : String(v);
  }
  if (typeof v === 'string') {
    // The expression language's strings have no escapes: quote with the mark the string lacks.
    if (!v.includes("'")) return `'${v}'`;
    if (!v.includes('"')) return `"${v}"`;
    throw new TypeError(`the string ${JSON.stringify(v)} has both quote marks, which an expression cannot write`);
  }
  if (Array.isArray(v)) return `[${v.map(pyLiteral).join(', ')}]`;
  if (typeof v === 'object') return `{${Object.entries(v).map(([k, x]) => `${pyLiteral(k)}: ${pyLiteral(x)}`).join(', ')}}`;
  throw new TypeError(`a ${typeof v} cannot be written in an expression`);
}
