/**
 * The CLI as a bundle (dist-cli/, built by scripts/build-cli.mjs): a few files instead of the
 * ~150 modules of dist/ that `tessera run` would load one by one, which was half of a small job's
 * time as a process. The worker's module, the user-module hooks and the modules of the JS task
 * kinds are entries of their own beside this one; this says where they are before anything
 * starts a worker.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { main as cli } from './main.js';

const beside = (file: string): URL => pathToFileURL(join(dirname(fileURLToPath(import.meta.url)), file));

/** The commands that may start workers (the others, --help above all, load no engine code). */
const STARTS_WORKERS = new Set(['run', 'profile', 'serve', 'task-host']);

export async function main(argv: string[]): Promise<number> {
  if (STARTS_WORKERS.has(argv[0])) {
    const [{ setWorkerFiles }, { setWorkerModule }] = await Promise.all([import('../../engine/pool.js'), import('../../engine/task-kinds.js')]);
    setWorkerFiles(beside('worker.js'), beside('ts-hooks.js'));
    for (const kind of ['bag_partition', 'bag_combine']) setWorkerModule(kind, beside('bag-program.js').href);
    setWorkerModule('bag_table', beside('bag-table-kind.js').href);
  }
  return cli(argv);
}
