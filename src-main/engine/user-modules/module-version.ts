/**
 * A user module's version, taken on the main thread when a job names the module: the newest
 * change time among the script files of its folder (and subfolders, except node_modules and
 * dot-folders), with their count. Workers import the module at that version (load-in-worker.ts),
 * and the hooks pass it to its relative imports: editing the module or a helper beside it loads
 * them all again in the next job, while an unchanged folder is imported once per worker.
 */
import { readdir, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';

const SCRIPT = /\.(ts|mts|js|mjs|cjs|json)$/;
/** How far down and how many files are looked at: a module's own folder, not a whole home. */
const MAX_DEPTH = 3;
const MAX_FILES = 2000;

export async function moduleVersion(modulePath: string): Promise<string> {
  let newest = 0, count = 0;
  const walk = async (dir: string, depth: number): Promise<void> => {
    let entries;
    try { entries = await readdir(dir, { withFileTypes: true }); } catch { return; }
    for (const e of entries) {
      if (count >= MAX_FILES) return;
      if (e.isDirectory()) {
        if (depth < MAX_DEPTH && e.name !== 'node_modules' && !e.name.startsWith('.')) await walk(join(dir, e.name), depth + 1);
      } else if (SCRIPT.test(e.name)) {
        count++;
        try { newest = Math.max(newest, (await stat(join(dir, e.name))).mtimeMs); } catch { /* removed meanwhile */ }
      }
    }
  };
  await walk(dirname(modulePath), 0);
  return `${Math.round(newest * 1000)}-${count}`;
}
