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
 *   bytes exceed half the limit; the job is planned ("auto" chunks) and run with the limit less
 *   what stays kept. After it, arrays it did not make are released the same way while the kept
 *   bytes exceed the limit. Chunks two arrays share count once.
 * - "Used" is made or read by a job. `release(name)` frees one at once (callers queue it behind
 *   the running job, which may read it); a job that names an array released (by the user or the
 *   limit) is told which and why.
 */
import type { DTypeName } from '../native/addon.js';
import { native } from '../native/addon.js';
import { type Engine, freeStoreOwner } from '../engine/engine.js';
import { TesseraError } from '../engine/errors.js';
import { formatBytes } from '../api/format-bytes.js';
import { didYouMean } from '../lang/did-you-mean.js';
import type { Grid } from '../collections/array/grid.js';
import type { KeptArray } from '../collections/array/compute.js';

/** A kept array as a job reads it: its chunks by key (C order of the grid), shape, grid and dtype. */
export interface PersistedArray {
  name: string;
  dtype: DTypeName;
  shape: number[];
  grid: Grid;
  keys: string[];
  bytes: number;
  /** Complex (re, im) pairs along the last axis of `shape` and `grid` (complex.ts). */
  complex?: boolean;
  /** The job that made it (a window's job id, or the API's compute number). */
  job: string;
  createdAt: number;
  lastUsed: number;
}

interface Entry extends PersistedArray {
  ids: number[];
  /** Bytes of each chunk (two arrays of one job may share chunks: counted once). */
  chunkBytes: number[];
  owner: number;
}

/** What making room for a job does: the arrays it releases, the limit left to the job, what to tell. */
export interface JobRoom {
  release: string[];
  memoryLimit: number | null;
  warnings: string[];
}

/** Kept bytes may take up to this share of the memory limit before a job (the rest is the job's). */
const KEPT_SHARE_BEFORE_JOB = 0.5;
/** Names released that a later job is told about (the API makes a new name per persist). */
const GONE_REMEMBERED = 1000;

export class PersistedArrays {
  private readonly arrays = new Map<string, Entry>();
  /** Why a name is no longer kept, for the job that reads it next. */
  private readonly gone = new Map<string, string>();
  /** The engine the chunks are lent to (the last job's): given back when an array is released. */
  private borrower: Engine | null = null;
  private nextSet = 1;
  private clock = 0;

  list(): PersistedArray[] {
    return [...this.arrays.values()].map(({ ids: _i, chunkBytes: _b, owner: _o, ...a }) => ({ ...a, grid: a.grid.map((d) => [...d]) }));
  }

  /** Bytes the kept arrays hold in the store (chunks two of them share, once). */
  get totalBytes(): number {
    return bytesOf(this.arrays.values());
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
   * What making room for a job that reads `reads` would do, changing nothing: the least recently
   * used arrays it does not read go while the kept bytes exceed half the limit, and the job gets
   * the limit less what stays (at least a byte: the scheduler runs a task alone when nothing
   * fits, and spills).
   */
  planJob(reads: ReadonlySet<string>, memoryLimit: number | null): JobRoom {
    if (memoryLimit === null) return { release: [], memoryLimit: null, warnings: [] };
    const release = this.leastRecent(memoryLimit * KEPT_SHARE_BEFORE_JOB, reads);
    const stay = [...this.arrays.values()].filter((a) => !release.includes(a.name));
    const kept = bytesOf(stay);
    const warnings = release.map((name) => `the persisted array '${name}' was released (least recently used) to leave half the memory limit to this job`);
    if (kept >= memoryLimit) {
      warnings.push(`the persisted arrays kept while this job runs (those it reads) hold ${formatBytes(kept)}, the whole memory limit of ${formatBytes(memoryLimit)}: its own chunks spill to disk as it runs (raise the limit, or release arrays under Memory)`);
    }
    return { release, memoryLimit: Math.max(1, memoryLimit - kept), warnings };
  }

  /** Before a job on `engine` (null: not this machine's): makes the room planned, and lends every kept chunk to the engine. */
  startJob(engine: Engine | null, reads: ReadonlySet<string>, room: JobRoom): void {
    for (const name of room.release) this.release(name, 'the memory limit needed room for a job: least recently used');
    for (const name of reads) { const a = this.arrays.get(name); if (a) a.lastUsed = ++this.clock; }
    if (engine !== this.borrower) {
      for (const a of this.arrays.values()) this.borrower?.giveBack(a.keys);
      this.borrower = engine;
    }
    for (const a of this.arrays.values()) engine?.borrow(a.keys.map((key, i) => ({ key, id: a.ids[i] })));
  }

  /**
   * Keeps a finished job's outputs (compute.ts's KeptArray: held by `owner`, which this registry
   * now frees) under their names, replacing arrays of the same names, then releases the least
   * recently used others while the kept bytes exceed the limit. Returns the names released.
   */
  keep(owner: number, outputs: KeptArray[], job: string, memoryLimit: number | null): string[] {
    const set = `persist-${this.nextSet++}`;
    const now = Date.now();
    for (const o of outputs) {
      this.release(o.name, 'replaced');
      this.gone.delete(o.name);
      const keys = o.chunks.map((_, i) => `${set}-${o.name}:${i}`);
      this.arrays.set(o.name, {
        name: o.name, dtype: o.dtype, shape: o.shape, grid: o.grid, keys, ids: o.chunks.map((c) => c.id), chunkBytes: o.chunks.map((c) => c.bytes), owner,
        bytes: o.bytes, job, createdAt: now, lastUsed: ++this.clock, ...(o.complex ? { complex: true } : {}),
      });
      this.borrower?.borrow(keys.map((key, i) => ({ key, id: o.chunks[i].id })));
    }
    if (!outputs.length) freeStoreOwner(owner);
    if (memoryLimit === null) return [];
    const released = this.leastRecent(memoryLimit, new Set(outputs.map((o) => o.name)));
    for (const name of released) this.release(name, 'the memory limit needed room for newer ones: least recently used');
    return released;
  }

  /** Frees a kept array at once; false if none of that name is kept. */
  release(name: string, why = 'released by the user'): boolean {
    const a = this.arrays.get(name);
    if (!a) return false;
    this.arrays.delete(name);
    this.gone.set(name, why);
    if (this.gone.size > GONE_REMEMBERED) this.gone.delete(this.gone.keys().next().value!);
    this.borrower?.giveBack(a.keys);
    // Outputs of one job share its owner: its chunks go one by one until the last array goes.
    // (two outputs of the same expression share their chunks: those stay while either is kept).
    const siblings = [...this.arrays.values()].filter((b) => b.owner === a.owner);
    if (!siblings.length) freeStoreOwner(a.owner);
    else {
      const held = new Set(siblings.flatMap((b) => b.ids));
      for (const id of a.ids) if (!held.has(id)) native().release(id);
    }
    return true;
  }

  /** Frees every kept array (the host's close). */
  clear(): void {
    for (const name of [...this.arrays.keys()]) this.release(name, 'closed');
    this.borrower = null;
  }

  /** The least recently used arrays not in `protect` that go, in that order, until the kept bytes are at most `budget`. */
  private leastRecent(budget: number, protect: ReadonlySet<string>): string[] {
    const stay = new Set(this.arrays.values());
    const out: string[] = [];
    for (const a of [...stay].filter((x) => !protect.has(x.name)).sort((x, y) => x.lastUsed - y.lastUsed)) {
      if (bytesOf(stay) <= budget) break;
      stay.delete(a);
      out.push(a.name);
    }
    return out;
  }
}

/** The bytes of the arrays' chunks, each chunk once. */
function bytesOf(arrays: Iterable<Entry>): number {
  const seen = new Map<number, number>();
  for (const a of arrays) a.ids.forEach((id, i) => seen.set(id, a.chunkBytes[i]));
  let sum = 0;
  for (const b of seen.values()) sum += b;
  return sum;
}
