#!/usr/bin/env node
// The `tessera` command: the CLI's bundle (dist-cli/, a few files to load), else the CLI compiled by
// tsc (dist/). `npm ci` (or `npm run build`) makes both.
import { existsSync } from 'node:fs';

const bundle = new URL('../dist-cli/tessera.js', import.meta.url);
const entry = existsSync(bundle) ? bundle : new URL('../dist/src-main/hosts/cli/main.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('error[NOT_BUILT]: Tessera is not built yet\nhint: run `npm ci` (or `npm run build`) in the Tessera folder first\n');
  process.exit(2);
}
const { main } = await import(entry.href);
process.exitCode = await main(process.argv.slice(2));
