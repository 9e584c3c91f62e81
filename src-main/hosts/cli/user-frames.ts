/** A user function's failure as the CLI prints it: the stack's frames from the user's own code. */
import { sep } from 'node:path';
import { VERSION_PARAM } from '../../engine/user-modules/version-param.js';
import { packageRoot } from '../../native/package-root.js';

/** A user function's stack down to where Tessera called it (the frames below are ours, not the user's). */
export function userFrames(stack: string): string {
  const root = `${packageRoot()}${sep}`;
  const lines = stack.split('\n');
  const ours = lines.findIndex((l, i) => i > 0 && (['dist', 'dist-cli', 'src-main'].some((d) => l.includes(`${root}${d}${sep}`)) || l.includes('node:internal')));
  const version = new RegExp(`\\?${VERSION_PARAM}=[^:)]*`, 'g'); // the version a worker imported the module at: not part of its path
  return lines.slice(0, ours > 0 ? ours : lines.length).map((l) => `  ${l.trim().replace(version, '')}`).join('\n');
}
