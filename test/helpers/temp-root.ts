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
  // Vitest calls this once per project: the first call makes the folder, the others reuse it (a
  // nested path grew past the 108-byte limit of the Unix socket Chromium makes in it).
  if (process.env.TESSERA_TESTS_TMP) return () => undefined;
  const root = mkdtempSync(join(tmpdir(), 'tt-'));
  process.env.TESSERA_TESTS_TMP = root;
  process.env.TMPDIR = root;
  return () => rmSync(root, { recursive: true, force: true });
}
