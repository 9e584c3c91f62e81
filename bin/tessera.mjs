#!/usr/bin/env node
// The `tessera` command. The CLI is compiled to dist/ by `npm ci` (or `npm run build`).
import { existsSync } from 'node:fs';

const entry = new URL('../dist/src-main/hosts/cli/main.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('error[NOT_BUILT]: Tessera is not built yet\nhint: run `npm ci` (or `npm run build`) in the Tessera folder first\n');
  process.exit(2);
}
const { main } = await import(entry.href);
process.exitCode = await main(process.argv.slice(2));
