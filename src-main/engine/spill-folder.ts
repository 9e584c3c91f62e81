/**
 * Where a job's spilled chunks go (issue #18): one folder per job, made on the first spill under
 * $TESSERA_SPILL_DIR (else the system's temporary folder), holding one spill file that the chunks
 * are appended to (native/store/spill.h: a file per chunk cost more to create than a small chunk
 * to write), removed with everything in it when the job ends, whether it finished, failed or was
 * cancelled (a signal cancels the job first).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { native } from '../native/addon.js';
import { TesseraError } from './errors.js';

export class SpillFolder {
  private dir: string | null = null;
  private handle: number | null = null;

  constructor(private readonly root = process.env.TESSERA_SPILL_DIR || tmpdir()) {}

  /** The job's spill file, as the native side's handle (the folder and file made on first use). */
  file(): number {
    if (this.handle !== null) return this.handle;
    if (!this.dir) {
      try {
        this.dir = mkdtempSync(join(this.root, 'tessera-spill-'));
      } catch (e) {
        throw new TesseraError('SPILL_FAILED', `cannot make a spill folder in ${this.root}: ${(e as Error).message}`,
          'the job needs more memory than its --memory-limit and spills to disk: set TESSERA_SPILL_DIR to a writable folder with room, or raise the limit', { phase: 'run' });
      }
    }
    this.handle = native().openSpillFile(join(this.dir, 'chunks.spill'));
    return this.handle;
  }

  /** Closes the spill file and removes the folder and what is left in it. */
  remove(): void {
    if (this.handle !== null) native().closeSpillFile(this.handle);
    this.handle = null;
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
    this.dir = null;
  }

  /** The folder, once made (for tests and messages). */
  get path(): string | null {
    return this.dir;
  }
}
