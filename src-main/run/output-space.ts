/**
 * Before a job writes its large outputs: temp files that dead processes left in the output folder
 * are removed (`NAME.npy.tmp-PID-N` from the .npy writer, `NAME.tmp-PID-N` from write-atomically.ts),
 * and the outputs must fit in the free space, so a job that cannot finish never starts filling the
 * disk. A write that still runs out of space fails with a typed error and removes its temp file.
 */
import { readdir, rm, statfs } from 'node:fs/promises';
import { join } from 'node:path';
import { TesseraError } from '../engine/errors.js';
import { formatBytes } from '../api/format-bytes.js';

/** Free space left on the disk after the outputs, so the rest of the machine keeps working. */
export const OUTPUT_DISK_MARGIN = 64 * 2 ** 20;

const TEMP_NAME = /\.tmp-(\d+)(?:-\d+)?$/;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it exists but belongs to someone else.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes temp files of processes that no longer run; returns their names. */
export async function removeStaleTemps(dir: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const m = TEMP_NAME.exec(name);
    if (!m) continue;
    const pid = Number(m[1]);
    if (pid === process.pid || alive(pid)) continue;
    try {
      await rm(join(dir, name), { recursive: true, force: true }); // a Zarr store's temporary is a folder
      removed.push(name);
    } catch {
      // gone already, or not ours to remove
    }
  }
  return removed;
}

/** Refuses, before anything is written, outputs that would not fit on the disk of `dir`. */
export async function checkFreeSpace(dir: string, bytes: number): Promise<void> {
  if (bytes <= 0) return;
  const s = await statfs(dir);
  const free = s.bavail * s.bsize;
  if (bytes + OUTPUT_DISK_MARGIN > free) {
    throw new TesseraError('DISK_FULL', `the outputs need ${formatBytes(bytes)} but ${dir} has ${formatBytes(free)} free`,
      `free space on that disk (${formatBytes(OUTPUT_DISK_MARGIN)} stays free), write the outputs elsewhere with --out DIR, or reduce them (a reduction or a slice)`);
  }
}
