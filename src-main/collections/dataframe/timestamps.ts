/**
 * Times as a job spec writes them, read into exact int64 nanoseconds (BigInt: ns since 1970 pass
 * 2^53): ISO 8601 dates and date-times in UTC, and fixed frequencies in pandas' spelling ('1s',
 * '500ms', '1min', '1h', '1d'). A parse failure returns null; the caller says which key was wrong.
 */

/** pandas' Timestamp range: ns since 1970 that fit an int64. */
const MIN_NS = -(2n ** 63n) + 1n, MAX_NS = 2n ** 63n - 1n;

const DATE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?(Z|[+-]00:?00)?$/;

/** '2000-01-01', '2000-01-01T06:30', '2000-01-01 06:30:15.25', with an optional 'Z': ns since 1970 UTC. */
export function parseTimestamp(s: string): bigint | null {
  const m = DATE.exec(s.trim());
  if (!m) return null;
  const [y, mo, d, h = 0, mi = 0, sec = 0] = m.slice(1, 7).map((x) => (x === undefined ? undefined : Number(x))) as number[];
  // Years below 100 would be 19xx to Date.UTC; they are outside pandas' range anyway (1677-2262).
  if (y < 100 || mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || sec > 59) return null;
  const ms = Date.UTC(y, mo - 1, d, h, mi, sec);
  // Date.UTC rolls 2000-02-30 over into March: a real date comes back with the same day.
  if (new Date(ms).getUTCDate() !== d) return null;
  const ns = BigInt(ms) * 1_000_000n + BigInt((m[7] ?? '').padEnd(9, '0') || '0');
  return ns >= MIN_NS && ns <= MAX_NS ? ns : null;
}

/** Nanoseconds per unit, with pandas' aliases (S, T, L, U, N, H, D as older pandas writes them). */
const UNITS: Record<string, bigint> = {
  ns: 1n, N: 1n, us: 1_000n, U: 1_000n, ms: 1_000_000n, L: 1_000_000n, s: 1_000_000_000n, S: 1_000_000_000n,
  min: 60_000_000_000n, T: 60_000_000_000n, h: 3_600_000_000_000n, H: 3_600_000_000_000n, d: 86_400_000_000_000n, D: 86_400_000_000_000n,
};

const FREQ = /^(\d+)?\s*([a-zA-Z]+)$/;

/** '1s', '500ms', '1min', '2h', 'D': a fixed frequency in ns (months and weeks are not fixed: null). */
export function parseFrequency(s: string): bigint | null {
  const m = FREQ.exec(s.trim());
  if (!m || !(m[2] in UNITS)) return null;
  const ns = BigInt(m[1] ?? '1') * UNITS[m[2]];
  return ns > 0n ? ns : null;
}

export const FREQUENCY_HINT = "a count and a unit: ns, us, ms, s, min, h or d, for example '1s', '500ms', '1min', '1h', '1d'";
