/**
 * Completion for the expression editor: the identifier being typed at the cursor and the names
 * that can follow there. After "x." come array methods; after "np." (numpy, da) functions; after
 * "random." the generators; elsewhere dataset names, functions and constants.
 */
export interface Vocabulary { functions: string[]; methods: string[]; constants: string[] }

export interface Completion {
  /** Where the word being completed starts and ends in the text. */
  start: number;
  end: number;
  items: string[];
}

const RANDOM = ['normal', 'random', 'standard_normal', 'uniform'];

export function completions(text: string, cursor: number, vocab: Vocabulary, datasets: string[], limit = 8): Completion | null {
  let start = cursor;
  while (start > 0 && /[A-Za-z0-9_]/.test(text[start - 1])) start--;
  const word = text.slice(start, cursor);
  if (!word || /^\d/.test(word)) return null;
  let pool: string[];
  if (text[start - 1] === '.') {
    let q = start - 1;
    while (q > 0 && /[A-Za-z0-9_]/.test(text[q - 1])) q--;
    const owner = text.slice(q, start - 1);
    pool = ['np', 'numpy', 'da'].includes(owner) ? [...vocab.functions, 'random'] : owner === 'random' ? RANDOM : vocab.methods;
  } else {
    pool = [...datasets, ...vocab.functions, ...vocab.constants, 'np'];
  }
  const lower = word.toLowerCase();
  const items = [...new Set(pool)].filter((n) => n.toLowerCase().startsWith(lower) && n !== word).sort((a, b) => a.length - b.length || a.localeCompare(b)).slice(0, limit);
  return items.length ? { start, end: cursor, items } : null;
}

/** The text with a completion applied, and where the cursor goes (after the name, and "(" for calls). */
export function applyCompletion(text: string, c: Completion, item: string, vocab: Vocabulary): { text: string; cursor: number } {
  const call = vocab.functions.includes(item) || vocab.methods.includes(item) || RANDOM.includes(item);
  const insert = call && text[c.end] !== '(' ? `${item}(` : item;
  return { text: text.slice(0, c.start) + insert + text.slice(c.end), cursor: c.start + insert.length };
}
