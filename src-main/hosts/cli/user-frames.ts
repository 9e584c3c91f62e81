/** A user function's failure as the CLI prints it: the stack's frames from the user's own code. */
import { sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { VERSION_PARAM } from '../../engine/user-modules/version-param.js';

/** Where this package is (dist/src-main/hosts/cli/ is four folders down), to tell its frames from the user's. */
const TESSERA_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

/** A user function's stack down to where Tessera called it (the frames below are ours, not the user's). */
export function userFrames(stack: string): string {
  const lines = stack.split('\n');
  const ours = lines.findIndex((l, i) => i > 0 && (l.includes(`${TESSERA_ROOT}dist${sep}`) || l.includes(`${TESSERA_ROOT}src-main${sep}`) || l.includes('node:internal')));
  const version = new RegExp(`\\?${VERSION_PARAM}=[^:)]*`, 'g'); // the version a worker imported the module at: not part of its path
  return lines.slice(0, ours > 0 ? ours : lines.length).map((l) => `  ${l.trim().replace(version, '')}`).join('\n');
}
