/**
 * Files the web host receives by upload. A page in the browser cannot name a file on this machine,
 * so a dropped file's bytes are copied into the data folder's `uploads/` and read from there.
 *
 * - Space: an upload must leave RESERVE_BYTES free on the data folder's disk. A declared size
 *   (Content-Length) over what is free is refused before a byte is written; a stream that grows
 *   past it (or past its declared size) is cut off. Filling the disk would break every other
 *   program on the machine, and the history and the jobs' outputs live on the same disk.
 * - Nothing half-written stays: bytes go to `NAME.part` and are renamed when complete; a broken
 *   stream, a refused size or a file the caller rejects (see `discard`) removes it.
 * - Retention (`prune`, at the host's start): an upload stays while a job in the history reads
 *   it, so a past job can be reopened and run again. Uploads no job reads are unreachable after
 *   a restart (the dataset list lives in memory) and go once a day old, with any `.part` left by
 *   a crash; the day spares what another host over the same data folder received just now.
 */
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, readdir, rename, rm, stat, statfs } from 'node:fs/promises';
import { dirname, join, sep } from 'node:path';
import { Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { TesseraError } from '../engine/errors.js';
import { formatBytes } from '../api/format-bytes.js';

/** Free space an upload must leave on the data folder's disk. */
export const RESERVE_BYTES = 1024 ** 3;

/** How long an upload no kept job reads stays (ms). */
export const UNUSED_UPLOAD_MS = 24 * 3600 * 1000;

const PART = '.part';

export class Uploads {
  private received = 0;
  /** A dropped folder's upload by the group id its page gave its files: where they are stored. */
  private readonly groups = new Map<string, string>();

  constructor(readonly dir: string, private readonly reserveBytes = RESERVE_BYTES) {}

  /**
   * Stores a stream as a new upload named after `name` (already sanitised by the host); returns
   * its path and the SHA-256 of its bytes (hex). `declaredBytes` is the request's Content-Length, if it sent one.
   */
  async receive(name: string, body: NodeJS.ReadableStream, declaredBytes: number | null): Promise<{ path: string; sha256: string }> {
    await mkdir(this.dir, { recursive: true });
    // Time and a count: a dropped folder's files (same names in different subfolders) upload at once.
    const path = join(this.dir, `${Date.now().toString(36)}-${(this.received++).toString(36)}-${name}`);
    const sha256 = await this.store(path, body, declaredBytes);
    return { path, sha256 };
  }

  /**
   * Stores one file of a dropped folder (tables: CSV or Parquet files, hive key=value subfolders)
   * at `relPath` (segments already sanitised by the host) inside that folder's upload, which the
   * first file of `group` creates; returns the folder's path.
   */
  async receiveInFolder(group: string, folder: string, relPath: string, body: NodeJS.ReadableStream, declaredBytes: number | null): Promise<string> {
    let dir = this.groups.get(group);
    if (!dir) {
      dir = join(this.dir, `${Date.now().toString(36)}-${(this.received++).toString(36)}-${folder}`);
      this.groups.set(group, dir);
    }
    const path = join(dir, relPath);
    if (!path.startsWith(dir + sep)) throw incomplete('the file\'s path leaves its folder');
    await mkdir(dirname(path), { recursive: true });
    await this.store(path, body, declaredBytes);
    return dir;
  }

  /** The folder a group's files were stored in (undefined: no file of that group arrived). */
  folderOf(group: string): string | undefined {
    return this.groups.get(group);
  }

  /** Writes a stream to `path` through `path.part`, within the space an upload may take; returns its SHA-256 (hex). */
  private async store(path: string, body: NodeJS.ReadableStream, declaredBytes: number | null): Promise<string> {
    await mkdir(this.dir, { recursive: true });
    const allowed = await this.allowance();
    if (declaredBytes !== null && declaredBytes > allowed) throw tooLarge(declaredBytes, allowed, this.reserveBytes);
    const part = path + PART;
    let received = 0;
    const reserve = this.reserveBytes;
    const hash = createHash('sha256');
    const counter = new Transform({
      transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback) {
        received += chunk.length;
        hash.update(chunk);
        if (received > allowed) return done(tooLarge(received, allowed, reserve));
        if (declaredBytes !== null && received > declaredBytes) return done(incomplete(`more bytes than the declared ${declaredBytes}`));
        done(null, chunk);
      },
    });
    try {
      await pipeline(body, counter, createWriteStream(part));
      if (declaredBytes !== null && received < declaredBytes) throw incomplete(`${received} of ${declaredBytes} bytes arrived`);
      await rename(part, path);
      return hash.digest('hex');
    } catch (e) {
      await rm(part, { force: true });
      if (e instanceof TesseraError) throw e;
      throw incomplete((e as Error).message);
    }
  }

  /** Removes an upload the caller would not take (a file, or a dropped folder, it cannot read). */
  async discard(path: string): Promise<void> {
    if (path.startsWith(this.dir + sep)) await rm(path, { force: true, recursive: true });
    for (const [group, dir] of this.groups) if (dir === path) this.groups.delete(group);
  }

  /**
   * Removes uploads not in `keep` (paths) and `.part` leftovers, once untouched for `minAgeMs`;
   * returns how many went.
   */
  async prune(keep: ReadonlySet<string>, minAgeMs = UNUSED_UPLOAD_MS): Promise<number> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch {
      return 0; // no uploads yet
    }
    let removed = 0;
    for (const n of names) {
      const path = join(this.dir, n);
      if (!n.endsWith(PART) && keep.has(path)) continue;
      const touched = await stat(path).then((st) => st.mtimeMs, () => null);
      if (touched === null || Date.now() - touched < minAgeMs) continue;
      await rm(path, { force: true, recursive: true });
      removed++;
    }
    return removed;
  }

  /** Bytes an upload may take now: the disk's free space less the reserve. */
  private async allowance(): Promise<number> {
    const s = await statfs(this.dir);
    return Math.max(0, s.bavail * s.bsize - this.reserveBytes);
  }
}

function tooLarge(bytes: number, allowed: number, reserve: number): TesseraError {
  return new TesseraError('UPLOAD_TOO_LARGE', `the file needs ${formatBytes(bytes)} or more, but only ${formatBytes(allowed)} may be used on the data folder's disk (Tessera leaves ${formatBytes(reserve)} free)`,
    'free some disk space, or open the file in the desktop app or with the CLI, which read files in place without copying them');
}

function incomplete(why: string): TesseraError {
  return new TesseraError('UPLOAD_INCOMPLETE', `the upload did not arrive whole (${why}); nothing was kept`, 'drop the file again');
}
