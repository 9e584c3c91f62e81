/**
 * Files a user gets (exports, reports, traces, history records, profiles) are written through a
 * temporary name in the same folder and a rename, so a reader never sees one half written and a
 * crash never leaves half a file under the real name. The temp name carries the process id and a
 * count (`NAME.tmp-PID-N`): two writes of one file at once do not share a temp file, and a later
 * run removes those of a dead process (output-space.ts).
 */
import { copyFile, rename, rm, writeFile } from 'node:fs/promises';

let written = 0;

/** Fills a temp file and renames it to `path`; on any failure the temp file is removed. */
async function viaTemp(path: string, fill: (tmp: string) => Promise<void>): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}-${written++}`;
  try {
    await fill(tmp);
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}

export async function writeAtomically(path: string, data: string | Uint8Array): Promise<void> {
  await viaTemp(path, (tmp) => writeFile(tmp, data));
}

/** Copies a file to `path` the same way (an export saved where the user chose). */
export async function copyAtomically(from: string, path: string): Promise<void> {
  await viaTemp(path, (tmp) => copyFile(from, tmp));
}
