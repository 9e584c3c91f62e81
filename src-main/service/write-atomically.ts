/** Writes a file through a temporary name and a rename, so a reader never sees it half written. */
import { rename, writeFile } from 'node:fs/promises';

export async function writeAtomically(path: string, text: string): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFile(tmp, text);
  await rename(tmp, path);
}
