/**
 * Where a job's spilled chunks go (issue #18): one folder per job, made on the first spill under
 * $TESSERA_SPILL_DIR (else the system's temporary folder) and removed with everything in it when
 * the job ends, whether it finished, failed or was cancelled (a signal cancels the job first). A
 * file per spilled chunk, named by its task number; the native side writes and reads them
 * (native/store/spill.h).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TesseraError } from './errors.js';

export class SpillFolder {
  private dir: string | null = null;

  constructor(private readonly root = process.env.TESSERA_SPILL_DIR || tmpdir()) {}

  /** The file for task `i`'s chunk (the folder made on first use). */
  file(i: number): string {
    if (!this.dir) {
      try {
        this.dir = mkdtempSync(join(this.root, 'tessera-spill-'));
      } catch (e) {
        throw new TesseraError('SPILL_FAILED', `cannot make a spill folder in ${this.root}: ${(e as Error).message}`,
          'the job needs more memory than its --memory-limit and spills to disk: set TESSERA_SPILL_DIR to a writable folder with room, or raise the limit', { phase: 'run' });
      }
    }
    return join(this.dir, `${i}.chunk`);
  }

  /** Removes one file (its chunk is no longer needed). */
  drop(i: number): void {
    if (this.dir) rmSync(join(this.dir, `${i}.chunk`), { force: true });
  }

  /** Removes the folder and what is left in it. */
  remove(): void {
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
    this.dir = null;
  }

  /** The folder, once made (for tests and messages). */
  get path(): string | null {
    return this.dir;
  }
}
