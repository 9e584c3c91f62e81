/**
 * What the planner learns from a file's bytes (a Parquet footer, a CSV sniff), kept per file
 * version: its path, size and mtime, the stamp every task checks the file against before it reads.
 * A job run again (a profile's runs, the window's next job, a preview) plans without reading the
 * files again; a file rewritten since has another stamp and is read afresh. The oldest entries
 * are forgotten first.
 */
import type { SourceFile } from './table-source.js';

export class FileVersionCache<T> {
  private readonly entries = new Map<string, T>();

  constructor(private readonly kept: number) {}

  /** Each file's value for `options`, made by `make` for those not known yet (in one call, in order). */
  getAll(files: SourceFile[], options: unknown, make: (missing: SourceFile[]) => T[]): T[] {
    const key = (f: SourceFile) => JSON.stringify([f.path, f.size, f.mtimeNs, options]);
    const missing = files.filter((f) => !this.entries.has(key(f)));
    const made = missing.length ? make(missing) : [];
    const fresh = new Map(missing.map((f, i) => [key(f), made[i]]));
    const values = files.map((f) => (fresh.has(key(f)) ? fresh.get(key(f))! : this.entries.get(key(f))!));
    for (const [k, v] of fresh) this.entries.set(k, v);
    for (const k of this.entries.keys()) {
      if (this.entries.size <= this.kept) break;
      this.entries.delete(k);
    }
    return values;
  }

  get(file: SourceFile, options: unknown, make: () => T): T {
    return this.getAll([file], options, () => [make()])[0];
  }
}
