/** What the CLI's commands share: their output streams, option parsing, files and folders. */
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { TesseraError } from '../../engine/errors.js';

export { writeAtomically } from '../../run/write-atomically.js';

export interface Io {
  out: (s: string) => void;
  err: (s: string) => void;
}

export const stdio: Io = { out: (s) => process.stdout.write(s), err: (s) => process.stderr.write(s) };

/** --workers: a positive integer, or undefined for one per core. */
export function parseWorkers(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new TesseraError('BAD_OPTION', `--workers must be a positive integer, not '${value}'`, 'for example --workers 2');
  return n;
}

/** The data folder: --data, else $XDG_DATA_HOME/tessera, else ~/.local/share/tessera. */
export function dataDir(given: string | undefined): string {
  if (given) return resolve(given);
  return join(process.env.XDG_DATA_HOME ?? join(homedir(), '.local', 'share'), 'tessera');
}

export function profilesPath(data: string | undefined): string {
  return join(dataDir(data), 'profiles.json');
}
