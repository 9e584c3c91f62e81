/**
 * The bench's peers in processes of their own (bench/peers/peer.mjs: Polars and DuckDB, 2 threads),
 * and bench/peers installed on first use (npm ci from its lock; not when CI is set).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const PEERS = fileURLToPath(new URL('./peers/', import.meta.url));

/** bench/peers installed (npm ci from its lock) unless CI is set; false with a message when it cannot be. */
export function peersInstalled() {
  const has = () => ['nodejs-polars', 'nodejs-polars-linux-x64-gnu', '@duckdb/node-api'].every((p) => existsSync(join(PEERS, 'node_modules', p)));
  if (has()) return true;
  if (process.env.CI) {
    process.stderr.write('bench/peers is not installed and CI is set: Polars and DuckDB rows skipped (npm ci --prefix bench/peers)\n');
    return false;
  }
  process.stderr.write('installing the bench peers (Polars, DuckDB) once: npm ci --prefix bench/peers ...\n');
  const r = spawnSync('npm', ['ci', '--prefix', PEERS, '--ignore-scripts', '--no-audit', '--no-fund'], { stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0 || !has()) {
    process.stderr.write('bench/peers could not be installed: Polars and DuckDB rows skipped\n');
    return false;
  }
  return true;
}

export function peer(system, format, path, repeats, ...args) {
  const env = { ...process.env, POLARS_MAX_THREADS: '2' };
  const r = spawnSync(process.execPath, [join(PEERS, 'peer.mjs'), system, format, path, String(repeats), ...args], { encoding: 'utf8', env, maxBuffer: 2 ** 24 });
  if (r.status !== 0) {
    process.stderr.write(`${system} on ${format} failed:\n${r.stderr}\n`);
    return null;
  }
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

