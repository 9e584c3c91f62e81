/**
 * What user code returned, as JSON can say it: a BigInt as a number when exact, else its decimal
 * string; a Map as an object (string keys) or a list of pairs; a Set as a list; a Date as ISO 8601;
 * a typed array as a list; undefined and NaN/Infinity as null (what JSON.stringify would make).
 */
export function jsonValue(v: unknown): unknown {
  if (typeof v === 'bigint') return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString();
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (v === undefined || typeof v === 'function' || typeof v === 'symbol') return null;
  if (v === null || typeof v !== 'object') return v;
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : v.toISOString();
  if (v instanceof Map) {
    const pairs = [...v].map(([k, x]) => [jsonValue(k), jsonValue(x)]);
    return [...v.keys()].every((k) => typeof k === 'string') ? Object.fromEntries(pairs) : pairs;
  }
  if (v instanceof Set) return [...v].map(jsonValue);
  if (ArrayBuffer.isView(v) && !(v instanceof DataView)) return Array.from(v as unknown as ArrayLike<unknown>, jsonValue);
  if (Array.isArray(v)) return v.map(jsonValue);
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, jsonValue(x)]));
}
