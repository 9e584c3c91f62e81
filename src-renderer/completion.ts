/**
 * Completion for the expression editor: the identifier being typed at the cursor and the names
 * that can follow there. After "x." come array methods; after "np." (numpy, da) functions; after
 * "random." the generators; elsewhere dataset names, functions and constants.
 *
 * Tables: after "t." where t is a table dataset come its columns and the frame methods; the chain
 * before the dot is followed (columns, calls, indexing) to know what it is: a frame (`t[t.x > 0].`,
 * `t.head(5).`), a Series (`t.x.`, `t['x'].`: Series methods), a group-by (`t.groupby('k').`:
 * aggregations, and the columns to select), `.str.` and `.dt.`.
 */
import type { TableVocabulary } from '../src-main/api/contract';

export interface Vocabulary { functions: string[]; methods: string[]; constants: string[]; tables?: TableVocabulary }

export interface Completion {
  /** Where the word being completed starts and ends in the text. */
  start: number;
  end: number;
  items: string[];
}

const RANDOM = ['normal', 'random', 'standard_normal', 'uniform'];

/** What a table expression is, as far as completion needs to know. */
type TableKind = 'frame' | 'series' | 'groupby' | 'str' | 'dt' | 'other';

const isWord = (c: string | undefined) => c !== undefined && /[A-Za-z0-9_]/.test(c);

/** Where the expression chain ending at `end` (exclusive) starts: names, dots, and balanced (...) and [...]. */
function chainStart(text: string, end: number): number {
  let i = end;
  for (;;) {
    if (i > 0 && (text[i - 1] === ')' || text[i - 1] === ']')) {
      const close = text[i - 1];
      const open = close === ')' ? '(' : '[';
      let depth = 0;
      let j = i - 1;
      for (; j >= 0; j--) {
        if (text[j] === close) depth++;
        else if (text[j] === open && --depth === 0) break;
      }
      if (j < 0) return i;
      i = j;
      continue;
    }
    if (isWord(text[i - 1])) {
      while (isWord(text[i - 1])) i--;
      if (text[i - 1] === '.') { i--; continue; }
      return i;
    }
    return i;
  }
}

/** Splits a chain into a root name and its trailers: .name, (args), [index]. */
function trailers(chain: string): { root: string; parts: { t: 'attr' | 'call' | 'index'; text: string }[] } | null {
  const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(chain);
  if (!m) return null;
  const parts: { t: 'attr' | 'call' | 'index'; text: string }[] = [];
  let i = m[0].length;
  while (i < chain.length) {
    if (chain[i] === '.') {
      const w = /^[A-Za-z_][A-Za-z0-9_]*/.exec(chain.slice(i + 1));
      if (!w) return null;
      parts.push({ t: 'attr', text: w[0] });
      i += 1 + w[0].length;
    } else if (chain[i] === '(' || chain[i] === '[') {
      const open = chain[i];
      const close = open === '(' ? ')' : ']';
      let depth = 0;
      let j = i;
      for (; j < chain.length; j++) {
        if (chain[j] === open) depth++;
        else if (chain[j] === close && --depth === 0) break;
      }
      parts.push({ t: open === '(' ? 'call' : 'index', text: chain.slice(i + 1, j) });
      i = j + 1;
    } else {
      return null;
    }
  }
  return { root: m[0], parts };
}

const STRING_LITERAL = /^\s*(['"])[^'"]*\1\s*$/;

/** Series methods whose result is a table (a Series' rows, reordered or counted). */
const SERIES_TO_FRAME = new Set(['head', 'tail', 'sort_values', 'nlargest', 'nsmallest', 'value_counts', 'drop_duplicates']);

/** What a chain over a table is: follows each trailer from the table dataset at its root. */
function tableKind(chain: string, columns: string[], v: TableVocabulary): TableKind {
  const tr = trailers(chain);
  if (!tr) return 'other';
  let kind: TableKind = 'frame';
  const { parts } = tr;
  for (let k = 0; k < parts.length; k++) {
    const p = parts[k];
    const called = parts[k + 1]?.t === 'call';
    if (kind === 'frame') {
      if (p.t === 'attr') {
        if (called && v.frame.includes(p.text)) { kind = p.text === 'groupby' ? 'groupby' : 'frame'; k++; }
        else if (columns.includes(p.text) || !v.frame.includes(p.text)) kind = 'series';
        else return 'other';
      } else if (p.t === 'index') {
        kind = STRING_LITERAL.test(p.text) ? 'series' : 'frame'; // a column, or a list of them / a mask
      } else return 'other';
    } else if (kind === 'series') {
      if (p.t === 'attr' && (p.text === 'str' || p.text === 'dt') && !called) kind = p.text;
      else if (p.t === 'attr' && called) { k++; kind = SERIES_TO_FRAME.has(p.text) ? 'frame' : 'series'; }
      else return 'other';
    } else if (kind === 'groupby') {
      if (p.t === 'attr' && called) { k++; kind = 'frame'; } // an aggregation: a table
      else if (p.t === 'attr' || p.t === 'index') kind = 'groupby'; // a column selected: still aggregations next
      else return 'other';
    } else if (kind === 'str' || kind === 'dt') {
      if (p.t === 'attr') { if (called) k++; kind = 'series'; } else return 'other';
    } else return 'other';
  }
  return kind;
}

/**
 * `tables`: the job's table datasets and their column names (empty when not known). Without the
 * host's table vocabulary (an older host) tables complete like arrays.
 */
export function completions(text: string, cursor: number, vocab: Vocabulary, datasets: string[], limit = 8, tables: Record<string, string[]> = {}): Completion | null {
  let start = cursor;
  while (start > 0 && /[A-Za-z0-9_]/.test(text[start - 1])) start--;
  const word = text.slice(start, cursor);
  if (!word || /^\d/.test(word)) return null;
  let pool: string[];
  if (text[start - 1] === '.') {
    const from = chainStart(text, start - 1);
    const chain = text.slice(from, start - 1);
    const root = /^[A-Za-z_][A-Za-z0-9_]*/.exec(chain)?.[0] ?? '';
    if (vocab.tables && Object.hasOwn(tables, root)) {
      const v = vocab.tables;
      const columns = tables[root];
      const kind = tableKind(chain, columns, v);
      pool = kind === 'frame' ? [...columns, ...v.frame] : kind === 'series' ? v.series : kind === 'groupby' ? [...v.groupby, ...columns]
        : kind === 'str' ? v.str : kind === 'dt' ? v.dt : [];
      // Columns first, in the table's order; then the methods, shortest first.
      return ranked(word, pool, limit, kind === 'frame' || kind === 'groupby' ? columns : []);
    }
    const owner = chain.slice(chain.lastIndexOf('.') + 1);
    pool = ['np', 'numpy', 'da'].includes(owner) ? [...vocab.functions, 'random'] : owner === 'random' ? RANDOM : vocab.methods;
  } else {
    pool = [...datasets, ...vocab.functions, ...vocab.constants, 'np', ...(Object.keys(tables).length ? ['len'] : [])];
  }
  return ranked(word, pool, limit, []);

  function ranked(w: string, names: string[], n: number, first: string[]): Completion | null {
    const lower = w.toLowerCase();
    const fits = (x: string) => x.toLowerCase().startsWith(lower) && x !== w;
    const head = first.filter(fits);
    const rest = [...new Set(names)].filter((x) => fits(x) && !head.includes(x)).sort((a, b) => a.length - b.length || a.localeCompare(b));
    const items = [...head, ...rest].slice(0, n);
    return items.length ? { start, end: cursor, items } : null;
  }
}

/** The text with a completion applied, and where the cursor goes (after the name, and "(" for calls). */
export function applyCompletion(text: string, c: Completion, item: string, vocab: Vocabulary, columns: string[] = []): { text: string; cursor: number } {
  const t = vocab.tables;
  const tableCall = !!t && !columns.includes(item) && [...t.frame, ...t.groupby, ...t.series, ...t.str, 'total_seconds', 'len'].includes(item) && !['str', 'dt'].includes(item);
  const call = !columns.includes(item) && (vocab.functions.includes(item) || vocab.methods.includes(item) || RANDOM.includes(item) || tableCall)
    && !(t?.dt.includes(item) && item !== 'total_seconds');
  const insert = call && text[c.end] !== '(' ? `${item}(` : item;
  return { text: text.slice(0, c.start) + insert + text.slice(c.end), cursor: c.start + insert.length };
}
