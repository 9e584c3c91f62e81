/**
 * Arrays kept in the chunk store after the job that computed them (dask's `x = x.persist()`),
 * which later jobs read by name as the dataset {"persisted": NAME}, without computing them again.
 * The window and the TypeScript API keep one registry each; the CLI has none (a process per job).
 *
 * The store is the process's, so a kept array outlives the engine that made it: the registry
 * holds each array's store owner, and lends the chunks' keys to whichever engine runs the next
 * job (a window's job on other workers reads them too). A cluster's workers cannot see them.
 *
 * Policy (ADR 0037):
 * - Naming an output to persist keeps its chunks under the output's name; a name already kept is
 *   replaced once the job that computed the new array is done (it may have read the old one).
 * - The memory limit covers the whole store: kept arrays and the running job's chunks. Before a
 *   job, kept arrays it does not read are released, least recently used first, while the kept
 *   bytes exceed half the limit; the job then runs with the limit less what stays kept. After it,
 *   arrays it did not make are released the same way while the kept bytes exceed the limit.
 * - "Used" is made or read by a job. `release(name)` frees one at once; a job that names an array
 *   released (by the user or the limit) is told which and why.
 */
import type { DTypeName } from '../native/addon.js';
import { native } from '../native/addon.js';
import type { Engine } from '../engine/engine.js';
import { TesseraError } from '../engine/errors.js';
import { formatBytes } from '../api/format-bytes.js';
import { didYouMean } from '../lang/did-you-mean.js';
import type { Grid } from '../collections/array/grid.js';

/** A kept array as a job reads it: its chunks by key (C order of the grid), shape, grid and dtype. */
export interface PersistedArray {
  name: string;
  dtype: DTypeName;
  shape: number[];
  grid: Grid;
  keys: string[];
  bytes: number;
  /** The job that made it (a window's job id, or the API's compute number). */
  job: string;
  createdAt: number;
  lastUsed: number;
}

/** What a run hands over to keep: an array output's chunks, held by the run's store owner. */
export interface KeptOutput {
  name: string;
  dtype: DTypeName;
  shape: number[];
  grid: Grid;
  chunks: { key: string; id: number }[];
  bytes: number;
}

interface Entry extends PersistedArray {
  ids: number[];
  owner: number;
}

/** Kept bytes may take up to this share of the memory limit before a job (the rest is the job's). */
const KEPT_SHARE_BEFORE_JOB = 0.5;

export class PersistedArrays {
  private readonly arrays = new Map<string, Entry>();
  /** Why a name is no longer kept, for the job that reads it next. */
  private readonly gone = new Map<string, string>();
  /** Engines that were lent chunks (each job's): given back when an array is released. */
  private readonly borrowers = new Set<Engine>();
  private nextSet = 1;
  private clock = 0;

  list(): PersistedArray[] {
    return [...this.arrays.values()].map(({ ids: _i, owner: _o, ...a }) => ({ ...a, grid: a.grid.map((d) => [...d]) }));
  }

  get totalBytes(): number {
    let sum = 0;
    for (const a of this.arrays.values()) sum += a.bytes;
    return sum;
  }

  /** The kept array a job names, or a NOT_PERSISTED error that says why it is not kept. */
  read(name: string, dataset: string): PersistedArray {
    const a = this.arrays.get(name);
    if (a) return a;
    const why = this.gone.get(name);
    if (why) throw new TesseraError('NOT_PERSISTED', `dataset '${dataset}': the persisted array '${name}' was released (${why})`, 'persist it again: run the job that computes it with that output kept');
    const known = [...this.arrays.keys()];
    throw new TesseraError('NOT_PERSISTED', `dataset '${dataset}': no array '${name}' is persisted${didYouMean(name, known)}`,
      known.length ? `persisted now: ${known.join(', ')}` : 'keep an output of a job first (the run option persist), then name it here');
  }

  /**
   * Before a job on `engine`: lends every kept chunk to it, releases the least recently used
   * arrays it does not read while the kept bytes exceed half the limit, and returns the limit
   * left for the job (null: no limit) with the names released.
   */
  beforeJob(engine: Engine | null, reads: ReadonlySet<string>, memoryLimit: number | null): { memoryLimit: number | null; released: string[] } {
    const released = memoryLimit === null ? [] : this.releaseLeastRecent(memoryLimit * KEPT_SHARE_BEFORE_JOB, reads, 'the memory limit needed room for a job');
    for (const name of reads) { const a = this.arrays.get(name); if (a) a.lastUsed = ++this.clock; }
    if (engine) {
      this.borrowers.add(engine);
      for (const a of this.arrays.values()) engine.borrow(a.keys.map((key, i) => ({ key, id: a.ids[i] })));
    }
    // Never below one byte: the scheduler runs a task alone when nothing fits (it never stalls).
    return { memoryLimit: memoryLimit === null ? null : Math.max(1, memoryLimit - this.totalBytes), released };
  }

  /**
   * Keeps a finished job's outputs (held by `owner`, which this registry now frees) under their
   * names, replacing arrays of the same names, then releases the least recently used others while
   * the kept bytes exceed the limit. Returns the names released.
   */
  keep(owner: number, outputs: KeptOutput[], job: string, memoryLimit: number | null): string[] {
    const set = `persist-${this.nextSet++}`;
    const now = Date.now();
    for (const o of outputs) {
      this.release(o.name, 'replaced');
      this.gone.delete(o.name);
      const keys = o.chunks.map((_, i) => `${set}-${o.name}:${i}`);
      this.arrays.set(o.name, {
        name: o.name, dtype: o.dtype, shape: o.shape, grid: o.grid, keys, ids: o.chunks.map((c) => c.id), owner,
        bytes: o.bytes, job, createdAt: now, lastUsed: ++this.clock,
      });
    }
    if (!outputs.length) freeOwner(owner);
    return memoryLimit === null ? [] : this.releaseLeastRecent(memoryLimit, new Set(outputs.map((o) => o.name)), 'the memory limit needed room for newer ones');
  }

  /** Frees a kept array at once; false if none of that name is kept. */
  release(name: string, why = 'released by the user'): boolean {
    const a = this.arrays.get(name);
    if (!a) return false;
    this.arrays.delete(name);
    this.gone.set(name, why);
    for (const e of this.borrowers) e.giveBack(a.keys);
    // Outputs of one job share its owner: its chunks go one by one until the last array goes.
    // (two outputs of the same expression share their chunks: those stay while either is kept).
    const siblings = [...this.arrays.values()].filter((b) => b.owner === a.owner);
    if (!siblings.length) freeOwner(a.owner);
    else {
      const held = new Set(siblings.flatMap((b) => b.ids));
      for (const id of a.ids) if (!held.has(id)) native().release(id);
    }
    return true;
  }

  /** Frees every kept array (the host's close). */
  clear(): void {
    for (const name of [...this.arrays.keys()]) this.release(name, 'the host closed');
    this.borrowers.clear();
  }

  /** Releases least recently used arrays not in `protect` while the kept bytes exceed `budget`. */
  private releaseLeastRecent(budget: number, protect: ReadonlySet<string>, why: string): string[] {
    const released: string[] = [];
    const candidates = [...this.arrays.values()].filter((a) => !protect.has(a.name)).sort((a, b) => a.lastUsed - b.lastUsed);
    for (const a of candidates) {
      if (this.totalBytes <= budget) break;
      this.release(a.name, `${why}: ${formatBytes(a.bytes)}, least recently used`);
      released.push(a.name);
    }
    return released;
  }
}

function freeOwner(owner: number): void {
  native().releaseOwner(owner);
  native().forgetOwner(owner);
}
