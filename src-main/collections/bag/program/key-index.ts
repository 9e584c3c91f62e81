/**
 * Keys in first-appearance order, for frequencies, distinct, foldby and groupby. Numbers, strings,
 * booleans and null key a Map directly (1 and 1.0 are one key, as in Python); a list or object
 * keys by its JSON, so [1, 2] counts as one key wherever it appears (a tuple in Python).
 */
export class KeyIndex {
  private readonly plain = new Map<unknown, number>();
  private readonly composite = new Map<string, number>();
  readonly keys: unknown[] = [];

  /** The key's position, adding it at the end if new (then it is the old `keys.length`). */
  slot(key: unknown): number {
    const composite = key !== null && typeof key === 'object';
    const id = composite ? JSON.stringify(key) : key;
    const map = (composite ? this.composite : this.plain) as Map<unknown, number>;
    const at = map.get(id);
    if (at !== undefined) return at;
    map.set(id, this.keys.length);
    this.keys.push(key);
    return this.keys.length - 1;
  }
}
