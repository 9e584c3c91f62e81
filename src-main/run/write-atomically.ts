/** Writes a file through a temporary name and a rename, so a reader never sees it half written. */
import { rename, rm, writeFile } from 'node:fs/promises';

export async function writeAtomically(path: string, text: string): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}`;
  try {
    await writeFile(tmp, text);
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}
