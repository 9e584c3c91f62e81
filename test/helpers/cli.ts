/** Runs the real `tessera` command in a child process. */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const BIN = fileURLToPath(new URL('../../bin/tessera.mjs', import.meta.url));

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * The CLI's data folder (profiles, the "auto" chunk model's memory) is a fresh one per test run,
 * so a profile one test makes never changes another's chunking, nor the user's.
 */
export const ENV = { ...process.env, XDG_DATA_HOME: mkdtempSync(join(tmpdir(), 'tessera-cli-data-')) };

export function tessera(args: string[], cwd?: string, env: Record<string, string> = {}): CliResult {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', maxBuffer: 64 * 2 ** 20, env: { ...ENV, ...env } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Starts tessera, sends `signal` (SIGINT by default) after `afterMs`, and resolves when it exits. */
export function tesseraInterrupted(args: string[], cwd: string, afterMs: number, signal: NodeJS.Signals = 'SIGINT', env: Record<string, string> = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd, env: { ...ENV, ...env } });
    let stdout = '', stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    setTimeout(() => child.kill(signal), afterMs);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}
