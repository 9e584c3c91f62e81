/** Runs the real `tessera` command in a child process. */
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const BIN = fileURLToPath(new URL('../../bin/tessera.mjs', import.meta.url));

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function tessera(args: string[], cwd?: string): CliResult {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', maxBuffer: 64 * 2 ** 20 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Starts tessera, sends SIGINT once `ready(stderr)` is true, and resolves when it exits. */
export function tesseraInterrupted(args: string[], cwd: string, afterMs: number): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd });
    let stdout = '', stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    setTimeout(() => child.kill('SIGINT'), afterMs);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}
