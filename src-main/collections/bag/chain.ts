/**
 * A bag output's text as a pipeline: a method chain on a bag dataset with dask.bag's names,
 * parsed into stages (program/types.ts).
 *
 *   lines.map(parse).filter(is_valid).pluck('user').frequencies().topk(10, key=1)
 *   nums.map(int).sum()        words.str.strip().str.lower().distinct().count()
 *   xs.foldby(key, add, 0)     xs.fold(add, initial=0)       xs.take(5)
 *
 * Functions are named, never written inline: an export of the spec's "functions" module, or one
 * of the Python builtins len, int, float, bool, abs and json.loads. Arguments are literals.
 */
import { didYouMean } from '../../lang/did-you-mean.js';
import { TesseraError } from '../../engine/errors.js';
import { type Ast, parseExpression, syntaxError } from '../../lang/python-expression.js';
import { BUILTIN_NAMES } from './program/functions.js';
import { type Aggregation, type Builtin, type FnRef, type Initial, type KeyRef, LIST_AGGREGATIONS, type Stage, type Step, type StrMethod } from './program/types.js';

type Call = Ast & { t: 'call' };

export interface Chain {
  /** The dataset the chain starts from. */
  dataset: string;
  stages: Stage[];
  /** The user functions it names. */
  functions: string[];
}

const STR_METHODS: readonly StrMethod[] = ['lower', 'upper', 'strip', 'lstrip', 'rstrip', 'split', 'replace', 'startswith', 'endswith', 'contains', 'len'];
/** The bag methods, by kind: what the hints list and "did you mean" suggests from. */
const STEP_NAMES = ['map', 'filter', 'remove', 'flatten', 'pluck', 'map_partitions'];
const AGGREGATION_NAMES = ['count', 'sum', 'min', 'max', 'mean', 'var', 'std', 'all', 'any', 'frequencies', 'distinct', 'topk', 'take', 'fold', 'foldby', 'groupby', 'reduction'];
const STEPS = `${STEP_NAMES.join(', ')} and str.${STR_METHODS.join('/')}`;
const AGGREGATIONS = `${AGGREGATION_NAMES.slice(0, -1).join(', ')} and ${AGGREGATION_NAMES[AGGREGATION_NAMES.length - 1]}; to_dataframe() makes a table of a bag`;

const at = (node: Ast) => ({ position: { start: node.start, end: node.end } });
const badArgs = (node: Ast, msg: string, hint: string) => new TesseraError('BAD_ARGUMENTS', msg, hint, at(node));

/** Parses `src`; `isBag` tells a bag dataset's name. */
export function parseChain(src: string, isBag: (name: string) => boolean): Chain {
  const calls: { name: string; node: Call }[] = [];
  let node: Ast = parseExpression(src);
  for (;;) {
    if (node.t !== 'call' || node.fn.t !== 'attr') break;
    const fn: Ast & { t: 'attr' } = node.fn;
    const viaStr = fn.obj.t === 'attr' && fn.obj.name === 'str';
    calls.unshift({ name: viaStr ? `str.${fn.name}` : fn.name, node });
    node = viaStr ? (fn.obj as Ast & { t: 'attr' }).obj : fn.obj;
  }
  if (node.t !== 'name' || !isBag(node.name)) throw syntaxError('a bag output is a chain of methods on the name of a bag dataset (text, sequence or range)', node.start, node.end);
  const functions = new Set<string>();
  const parser = new ArgParser(functions);
  const stages: Stage[] = [];
  let steps: Step[] = [];
  let ended: string | null = null;
  for (const { name, node: call } of calls) {
    if (ended) throw new TesseraError('BAG_UNSUPPORTED', `${ended}() gives one value, not a bag: '${name}' cannot follow it`, 'end the chain at the reduction', at(call));
    const step = parser.step(name, call);
    if (step) { steps.push(step); continue; }
    const agg = parser.aggregation(name, call);
    if (!agg) {
      // Bag methods only: the str methods are called as .str.lower(), not on the bag.
      const known = [...STEP_NAMES, ...AGGREGATION_NAMES, 'to_dataframe'];
      throw new TesseraError('BAG_UNSUPPORTED', `'${name}' is not a bag method Tessera knows${didYouMean(name, known)}`, `steps: ${STEPS}; results: ${AGGREGATIONS}`, at(call));
    }
    stages.push({ steps, agg });
    steps = [];
    if (!LIST_AGGREGATIONS.has(agg.op)) ended = name;
  }
  if (!ended && (steps.length || !stages.length)) stages.push({ steps, agg: { op: 'list' } });
  return { dataset: node.name, stages, functions: [...functions] };
}

/** take's npartitions: how many leading partitions it reads (-1: all), 1 by default as in dask. */
function takePartitions(call: Call): number {
  const a = call.kwargs.find((k) => k.name === 'npartitions')?.value ?? call.args[1];
  if (!a) return 1;
  const v = a.t === 'num' ? a.value : a.t === 'unary' && a.op === '-' && a.arg.t === 'num' ? -a.arg.value : NaN;
  if (!(Number.isInteger(v) && (v >= 1 || v === -1))) throw badArgs(a, 'npartitions must be a positive integer, or -1 for all', 'for example take(5, npartitions=-1)');
  return v;
}

class ArgParser {
  constructor(private readonly functions: Set<string>) {}

  step(name: string, call: Call): Step | null {
    if (name.startsWith('str.')) {
      const method = name.slice(4) as StrMethod;
      if (!STR_METHODS.includes(method)) throw new TesseraError('BAG_UNSUPPORTED', `'${name}' is not a str method Tessera knows`, `the str methods: ${STR_METHODS.join(', ')}`, at(call));
      return { op: 'str', method, args: this.strArgs(method, call) };
    }
    switch (name) {
      case 'map': {
        const [fn, ...rest] = this.positional(call, 1, Infinity, 'map(fn, *args)');
        const ref = this.fn(fn);
        if ('builtin' in ref && rest.length) throw badArgs(rest[0], `${ref.builtin} takes the item alone here`, `write a function of the module for ${ref.builtin} with more arguments`);
        return { op: 'map', fn: ref, args: rest.map((a) => this.literal(a)) };
      }
      case 'filter':
      case 'remove': {
        const [fn] = this.positional(call, 1, 1, `${name}(predicate)`);
        return { op: 'filter', fn: this.fn(fn), keep: name === 'filter' };
      }
      case 'map_partitions': {
        const [fn] = this.positional(call, 1, 1, 'map_partitions(fn)');
        return { op: 'map_partitions', fn: this.fn(fn) };
      }
      case 'flatten':
        this.positional(call, 0, 0, 'flatten()');
        return { op: 'flatten' };
      case 'pluck': {
        const [key, dflt] = this.args(call, ['key', 'default'], 1, 'pluck(key, default)');
        const k = this.literal(key!);
        const ok = (v: unknown) => typeof v === 'string' || Number.isInteger(v);
        if (!(ok(k) || (Array.isArray(k) && k.length && k.every(ok)))) throw badArgs(key!, 'pluck takes a key (a string or an integer index) or a list of them', "for example pluck('name') or pluck([0, 2])");
        return { op: 'pluck', key: k as string | number, hasDefault: dflt !== undefined, ...(dflt !== undefined ? { default: this.literal(dflt) } : {}) };
      }
    }
    return null;
  }

  aggregation(name: string, call: Call): Aggregation | null {
    switch (name) {
      case 'count': case 'sum': case 'min': case 'max': case 'mean': case 'all': case 'any': case 'frequencies':
        if (name === 'frequencies') this.args(call, ['sort'], 0, 'frequencies(sort=False)'); // sorted either way: most frequent first
        else this.positional(call, 0, 0, `${name}()`);
        return { op: name };
      case 'var': case 'std': {
        const [ddof] = this.args(call, ['ddof'], 0, `${name}(ddof=0)`);
        const d = ddof === undefined ? 0 : this.literal(ddof);
        if (!(Number.isInteger(d) && (d as number) >= 0)) throw badArgs(ddof!, 'ddof must be a non-negative integer', `for example ${name}(ddof=1)`);
        return { op: name, ddof: d as number };
      }
      case 'distinct': {
        const [key] = this.args(call, ['key'], 0, 'distinct(key=None)');
        return { op: 'distinct', key: key ? this.key(key) : null };
      }
      case 'topk': {
        const [k, key] = this.args(call, ['k', 'key'], 1, 'topk(k, key=None)');
        return { op: 'topk', k: this.count(k!, 'topk'), key: key ? this.key(key) : null };
      }
      case 'take': {
        const [k] = this.args(call, ['k', 'npartitions'], 1, 'take(k, npartitions=1)');
        return { op: 'take', k: this.count(k!, 'take'), npartitions: takePartitions(call) };
      }
      case 'fold': {
        const [binop, combine, initial] = this.args(call, ['binop', 'combine', 'initial', 'split_every'], 1, 'fold(binop, combine=None, initial=...)');
        return { op: 'fold', binop: this.fn(binop!), combine: combine ? this.fn(combine) : null, initial: this.initial(initial) };
      }
      case 'foldby': {
        const [key, binop, initial, combine, combineInitial] = this.args(call, ['key', 'binop', 'initial', 'combine', 'combine_initial', 'split_every'], 2, 'foldby(key, binop, initial, combine, combine_initial)');
        return { op: 'foldby', key: this.key(key!), binop: this.fn(binop!), initial: this.initial(initial), combine: combine ? this.fn(combine) : null, combineInitial: this.initial(combineInitial) };
      }
      case 'groupby': {
        const [key] = this.args(call, ['grouper'], 1, 'groupby(grouper)');
        return { op: 'groupby', key: this.key(key!) };
      }
      case 'reduction': {
        const [perpartition, aggregate] = this.args(call, ['perpartition', 'aggregate', 'split_every'], 2, 'reduction(perpartition, aggregate)');
        return { op: 'reduction', perpartition: this.fn(perpartition!), aggregate: this.fn(aggregate!) };
      }
    }
    return null;
  }

  private strArgs(method: StrMethod, call: Call): unknown[] {
    const spec: Record<StrMethod, [string[], number, string]> = {
      lower: [[], 0, 'str.lower()'], upper: [[], 0, 'str.upper()'], len: [[], 0, 'str.len()'],
      strip: [['chars'], 0, 'str.strip(chars=None)'], lstrip: [['chars'], 0, 'str.lstrip(chars=None)'], rstrip: [['chars'], 0, 'str.rstrip(chars=None)'],
      split: [['sep', 'maxsplit'], 0, 'str.split(sep=None, maxsplit=-1)'], replace: [['old', 'new', 'count'], 2, 'str.replace(old, new, count=-1)'],
      startswith: [['prefix'], 1, 'str.startswith(prefix)'], endswith: [['suffix'], 1, 'str.endswith(suffix)'], contains: [['sub'], 1, 'str.contains(sub)'],
    };
    const [names, required, usage] = spec[method];
    const values = this.args(call, names, required, usage).map((a) => (a === undefined ? undefined : this.literal(a)));
    values.forEach((v, i) => {
      const wantsInt = names[i] === 'maxsplit' || names[i] === 'count';
      const ok = v === undefined || (wantsInt ? Number.isInteger(v) : typeof v === 'string' || (v === null && ['chars', 'sep'].includes(names[i])));
      if (!ok) throw badArgs(call, `${usage}: ${names[i]} must be ${wantsInt ? 'an integer' : 'a string'}`, `for example ${usage}`);
    });
    while (values.length && values[values.length - 1] === undefined) values.pop();
    return values.map((v) => (v === undefined ? null : v));
  }

  /** The call's arguments by position or keyword, in the order of `names` (missing: undefined). */
  private args(call: Call, names: string[], required: number, usage: string): (Ast | undefined)[] {
    if (call.args.length > names.length) throw badArgs(call, `too many arguments: ${usage}`, `call it as ${usage}`);
    const out: (Ast | undefined)[] = names.map((_, i) => call.args[i]);
    for (const kw of call.kwargs) {
      const i = names.indexOf(kw.name);
      if (i < 0) throw badArgs(kw.value, `unknown keyword '${kw.name}': ${usage}`, `call it as ${usage}`);
      if (out[i]) throw badArgs(kw.value, `'${kw.name}' given twice`, `call it as ${usage}`);
      out[i] = kw.value;
    }
    for (let i = 0; i < required; i++) if (!out[i]) throw badArgs(call, `${names[i]} is missing: ${usage}`, `call it as ${usage}`);
    return out;
  }

  private positional(call: Call, min: number, max: number, usage: string): Ast[] {
    if (call.kwargs.length) throw badArgs(call.kwargs[0].value, `unknown keyword '${call.kwargs[0].name}': ${usage}`, `call it as ${usage}`);
    if (call.args.length < min || call.args.length > max) throw badArgs(call, `${usage} takes ${min === max ? min : `${min} or more`} argument${max === 1 ? '' : 's'}`, `call it as ${usage}`);
    return call.args;
  }

  private fn(a: Ast): FnRef {
    if (a.t === 'attr' && a.obj.t === 'name' && a.obj.name === 'json' && a.name === 'loads') return { builtin: 'json.loads' };
    if (a.t !== 'name') throw badArgs(a, 'a function is named, not written here: an export of the "functions" module, or len, int, float, bool, abs or json.loads', 'for example .map(parse_line), with parse_line exported by the module');
    if (BUILTIN_NAMES.includes(a.name)) return { builtin: a.name as Builtin };
    this.functions.add(a.name);
    return { user: a.name };
  }

  private key(a: Ast): KeyRef {
    if (a.t === 'num' || a.t === 'str' || (a.t === 'unary' && a.op === '-')) {
      const v = this.literal(a);
      if (typeof v === 'string' || Number.isInteger(v)) return { get: v as string | number };
    }
    return { fn: this.fn(a) };
  }

  private initial(a: Ast | undefined): Initial {
    return a === undefined ? null : { value: this.literal(a) };
  }

  private count(a: Ast, what: string): number {
    const v = this.literal(a);
    if (!(Number.isInteger(v) && (v as number) >= 0)) throw badArgs(a, `${what} takes a count of items, a non-negative integer`, `for example ${what}(10)`);
    return v as number;
  }

  /** A literal: a number, string, True/False/None, or a list, tuple or dict of literals. */
  literal(a: Ast): unknown {
    switch (a.t) {
      case 'num': return a.value;
      case 'str': return a.value;
      case 'const': return a.value;
      case 'unary':
        if ((a.op === '-' || a.op === '+') && a.arg.t === 'num') return a.op === '-' ? -a.arg.value : a.arg.value;
        break;
      case 'list': case 'tuple': return a.items.map((x) => this.literal(x));
      case 'dict': {
        const out: Record<string, unknown> = {};
        a.keys.forEach((k, i) => {
          const key = this.literal(k);
          if (typeof key !== 'string') throw badArgs(k, 'a dict argument\'s keys must be strings', 'JSON objects have string keys');
          out[key] = this.literal(a.values[i]);
        });
        return out;
      }
    }
    throw badArgs(a, 'an argument here must be a literal (a number, a string, True, False, None, or a list or dict of them)', 'compute other values in a function of the module');
  }
}
