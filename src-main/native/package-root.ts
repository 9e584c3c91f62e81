/**
 * The Tessera package's folder: the nearest above the calling code with Tessera's package.json.
 * Code runs from dist/src-main/... (tsc), dist-cli/ (the CLI's bundle) or out/main/ (Electron's), so
 * nothing may assume how deep it sits. Asked when needed, not on import: a DOM test environment
 * has no file URL here.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let found: string | undefined;

export function packageRoot(): string {
  if (found) return found;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && JSON.parse(readFileSync(manifest, 'utf8')).name === 'tessera') return (found = dir);
    const up = dirname(dir);
    if (up === dir) throw new Error('cannot find the Tessera package around its own code: reinstall Tessera');
    dir = up;
  }
}
