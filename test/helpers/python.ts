/** The Python the oracles run in: Debian's /usr/bin/python3 first (the first python3 on PATH may be a pyenv without numpy). */
import { execFileSync } from 'node:child_process';

const found = new Map<string, string>();

/** The first python3 that imports `module`; the error says which package to install. */
export function pythonWith(module: string, debianPackage: string): string {
  const known = found.get(module);
  if (known) return known;
  for (const candidate of ['/usr/bin/python3', 'python3']) {
    try {
      execFileSync(candidate, ['-c', `import ${module}`], { stdio: 'ignore' });
      found.set(module, candidate);
      return candidate;
    } catch {
      // try the next one
    }
  }
  throw new Error(`the tests use ${module} as their oracle: install it with \`apt-get install ${debianPackage}\``);
}
