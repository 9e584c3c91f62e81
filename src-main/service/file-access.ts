/**
 * Which files a job may read when its spec comes from a window (the web host's page, or the
 * Electron renderer over IPC): files the user chose (dropped or uploaded, picked in a dialog) and
 * files under folders the user named (the data folder, where uploads live, and folders given on
 * the command line). A path is resolved with its links first, so a link inside an allowed folder
 * cannot lead out of it. Anything else is refused with FORBIDDEN_PATH, whether it exists or not
 * (the answer must not tell a page which files exist). The CLI reads what its job file names.
 */
import { realpath } from 'node:fs/promises';
import { resolve, sep } from 'node:path';
import { TesseraError } from '../engine/errors.js';

async function real(path: string): Promise<string> {
  try {
    return await realpath(path);
  } catch {
    return resolve(path); // missing: judged by its name, and reported as missing only if allowed
  }
}

export class FileAccess {
  private readonly files = new Set<string>();

  private constructor(private readonly roots: string[]) {}

  /** `roots`: folders whose files (at any depth) jobs may read. */
  static async create(roots: string[]): Promise<FileAccess> {
    return new FileAccess(await Promise.all(roots.map(real)));
  }

  /** A file the user chose (a drop, an upload, a dialog): jobs may read it from now on. */
  async allowFile(path: string): Promise<void> {
    this.files.add(await real(path));
  }

  /** Resolves if a job may read `path` (absolute), else throws FORBIDDEN_PATH. */
  async check(path: string): Promise<void> {
    const r = await real(path);
    if (this.files.has(r) || this.roots.some((root) => r === root || r.startsWith(root.endsWith(sep) ? root : root + sep))) return;
    throw new TesseraError('FORBIDDEN_PATH', `this window may not read ${path}: only files you chose, and files under ${this.roots.join(', ')}`,
      'drop the file on the window (or open it with File > Open Data Sets), or start `tessera serve --allow DIR` with its folder');
  }
}
