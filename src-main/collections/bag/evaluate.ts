/**
 * Bag outputs: a method chain on a text dataset, with dask.bag's names. What runs natively today
 * is the word-count family:
 *
 *   t.str.split().flatten().frequencies()            every word and its count
 *   t.str.lower().str.split().flatten().frequencies().topk(10, key=1)
 *   t.str.split().flatten().count()                  words in all
 *   t.str.split().flatten().distinct().count()       distinct words
 *
 * (`str.upper()` folds as `str.lower()` does; `frequencies().count()` is the distinct count too.)
 * Any other chain is BAG_UNSUPPORTED naming the step, with the chains that work.
 */
import { TesseraError } from '../../engine/errors.js';
import { type Ast, parseExpression, syntaxError } from '../../lang/python-expression.js';
import type { Fold } from './kinds/index.js';
import type { TextSource } from './text-source.js';

export type BagResult = 'frequencies' | 'count' | 'distinct_count';

export interface BagPlan {
  source: TextSource;
  fold: Fold;
  result: BagResult;
  /** topk(k, key=1): the k most frequent (frequencies only). */
  top?: number;
}

const WORKS = 'what runs today: t.str.lower().str.split().flatten().frequencies().topk(10, key=1), ...flatten().count(), ...flatten().distinct().count()';

export function evaluateBagOutput(src: string, bags: ReadonlyMap<string, TextSource>): BagPlan {
  const ast = parseExpression(src);
  const steps: { name: string; node: Ast & { t: 'call' } }[] = [];
  let node: Ast = ast;
  // Unwind the chain from its end: call(attr(obj, name)) ... down to the dataset's name.
  for (;;) {
    if (node.t === 'call' && node.fn.t === 'attr') {
      const fn = node.fn;
      const name = fn.obj.t === 'attr' && fn.obj.name === 'str' ? `str.${fn.name}` : fn.name;
      steps.unshift({ name, node });
      node = fn.obj.t === 'attr' && fn.obj.name === 'str' ? fn.obj.obj : fn.obj;
      continue;
    }
    break;
  }
  if (node.t !== 'name' || !bags.has(node.name)) throw syntaxError('a bag output starts with the name of a text dataset', node.start, node.end);
  const unsupported = (s: { name: string; node: Ast }) =>
    new TesseraError('BAG_UNSUPPORTED', `'${s.name}' here is not supported yet on a bag`, WORKS, { position: { start: s.node.start, end: s.node.end } });
  const plan: BagPlan = { source: bags.get(node.name)!, fold: 'keep', result: 'frequencies' };
  let i = 0;
  const noArgs = (s: (typeof steps)[number]) => {
    if (s.node.args.length || s.node.kwargs.length) throw new TesseraError('BAD_ARGUMENTS', `${s.name}() takes no arguments here`, WORKS, { position: { start: s.node.start, end: s.node.end } });
  };
  if (steps[i]?.name === 'str.lower' || steps[i]?.name === 'str.upper') {
    noArgs(steps[i]);
    plan.fold = steps[i].name === 'str.lower' ? 'lower' : 'upper';
    i++;
  }
  for (const want of ['str.split', 'flatten']) {
    const s = steps[i];
    if (!s) throw new TesseraError('BAG_UNSUPPORTED', 'a bag output must end in a result (frequencies(), count())', WORKS);
    if (s.name !== want) throw unsupported(s);
    noArgs(s);
    i++;
  }
  const rest = steps.slice(i).map((s) => s.name).join('.');
  if (rest === 'count') plan.result = 'count';
  else if (rest === 'distinct.count' || rest === 'frequencies.count') plan.result = 'distinct_count';
  else if (rest === 'frequencies') plan.result = 'frequencies';
  else if (rest === 'frequencies.topk') {
    const s = steps[i + 1];
    plan.top = topkArgs(s.node);
  } else {
    throw unsupported(steps[i] ?? steps[steps.length - 1]);
  }
  for (const s of steps.slice(i)) if (s.name !== 'topk') noArgs(s);
  return plan;
}

/** topk(k, key=1) over (word, count) pairs: k a positive integer, the key the count. */
function topkArgs(call: Ast & { t: 'call' }): number {
  const k = call.args[0];
  const key = call.kwargs.find((a) => a.name === 'key')?.value ?? call.args[1];
  const bad = () => new TesseraError('BAD_ARGUMENTS', 'topk takes k and key=1 on frequencies(): the k most frequent words', 'for example .frequencies().topk(10, key=1)', { position: { start: call.start, end: call.end } });
  if (!k || k.t !== 'num' || !k.isInt || k.value < 1) throw bad();
  if (!key || key.t !== 'num' || key.value !== 1 || call.kwargs.some((a) => a.name !== 'key') || call.args.length > 2) throw bad();
  return k.value;
}
