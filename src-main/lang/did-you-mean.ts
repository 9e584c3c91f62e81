/**
 * "Did you mean" for a misspelt name, by the rule Python 3.12 uses for a NameError or an
 * AttributeError (Python/suggestions.c): a Levenshtein distance where an insertion, a deletion or
 * a substitution costs 2 and a change of case alone costs 1, and a candidate is suggested only
 * within (len(name) + len(candidate) + 3) / 3 of it, so a one-letter name gets no suggestion from
 * another one-letter name. The nearest candidate wins; ties go to the earlier one.
 */

const MOVE = 2;

/** Python's suggestion distance between two names (costs as above). */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j * MOVE);
  for (let i = 1; i <= a.length; i++) {
    const cur = new Array<number>(b.length + 1);
    cur[0] = i * MOVE;
    for (let j = 1; j <= b.length; j++) {
      const x = a[i - 1], y = b[j - 1];
      const sub = x === y ? 0 : x.toLowerCase() === y.toLowerCase() ? 1 : MOVE;
      cur[j] = Math.min(prev[j] + MOVE, cur[j - 1] + MOVE, prev[j - 1] + sub);
    }
    prev = cur;
  }
  return prev[b.length];
}

/** The candidate `name` was most likely meant as, or null when none is close enough. */
export function closestName(name: string, candidates: Iterable<string>): string | null {
  let best: string | null = null;
  let bestD = Infinity;
  for (const c of candidates) {
    if (c === name) continue;
    const d = editDistance(name, c);
    if (d <= ((name.length + c.length + 3) * MOVE) / 6 && d < bestD) { best = c; bestD = d; }
  }
  return best;
}

/** ". Did you mean: 'x'?" for a message, or '' when nothing is close. */
export function didYouMean(name: string, candidates: Iterable<string>): string {
  const c = closestName(name, candidates);
  return c === null ? '' : `. Did you mean: '${c}'?`;
}
