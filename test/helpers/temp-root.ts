/**
 * Vitest global setup: every temporary folder of a test run (the tests' own, the CLI's and the
 * engine's children's) goes under one folder made here and removed when the run ends, by pointing
 * TMPDIR at it before any test process starts (os.tmpdir() reads TMPDIR on each call). Without
 * it, each run left ~0.5 GB of data files, outputs and histories in /tmp.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default function setup(): () => void {
  const root = mkdtempSync(join(tmpdir(), 'tessera-tests-'));
  process.env.TMPDIR = root;
  return () => rmSync(root, { recursive: true, force: true });
}
