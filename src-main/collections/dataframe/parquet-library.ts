/**
 * Where DuckDB's library is (ADR 0015): inside the platform package of @duckdb/node-bindings
 * (linux-x64, darwin-arm64, ..., musl builds apart), resolved here and passed down to the addon,
 * which dlopens it the first time a job touches Parquet. Nothing else in Tessera loads it.
 */
import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { TesseraError } from '../../engine/errors.js';

/** The package our dependency @duckdb/node-bindings installs for this platform. */
function platformPackage(): string {
  const musl = process.platform === 'linux' && !(process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined)?.header?.glibcVersionRuntime;
  return `@duckdb/node-bindings-${process.platform}-${process.arch}${musl ? '-musl' : ''}`;
}

const LIBRARY = process.platform === 'win32' ? 'duckdb.dll' : process.platform === 'darwin' ? 'libduckdb.dylib' : 'libduckdb.so';

let found: string | undefined;

/** The path of libduckdb; PARQUET_UNAVAILABLE, naming the package, when it is not installed. */
export function duckdbLibrary(): string {
  if (found) return found;
  const pkg = platformPackage();
  let dir: string;
  try {
    // Resolved from @duckdb/node-bindings, as npm installs the platform package beside it.
    const bindings = dirname(createRequire(import.meta.url).resolve('@duckdb/node-bindings/package.json'));
    dir = dirname(createRequire(join(bindings, 'package.json')).resolve(`${pkg}/package.json`));
  } catch {
    throw new TesseraError('PARQUET_UNAVAILABLE', `reading Parquet needs the npm package ${pkg}, which is not installed`,
      `install @duckdb/node-bindings (npm installs ${pkg} with it) or reinstall Tessera`);
  }
  const path = join(dir, LIBRARY);
  if (!existsSync(path)) {
    throw new TesseraError('PARQUET_UNAVAILABLE', `${pkg} has no ${LIBRARY} (it holds ${readdirSync(dir).join(', ')})`, `reinstall @duckdb/node-bindings`);
  }
  found = path;
  return path;
}
