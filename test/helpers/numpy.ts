/**
 * numpy as an independent oracle: runs a Python snippet with numpy (Debian's python3-numpy, or any
 * python3 that has numpy) and returns what it prints as JSON.
 */
import { execFileSync } from 'node:child_process';
import { pythonWith } from './python.js';

export const pythonWithNumpy = (): string => pythonWith('numpy', 'python3-numpy');

/** Runs `code` (which must print one JSON value) with numpy imported as np. */
export function numpy<T = unknown>(code: string, cwd?: string): T {
  const script = `import json, numpy as np\n${code}`;
  const out = execFileSync(pythonWithNumpy(), ['-c', script], { cwd, encoding: 'utf8', maxBuffer: 256 * 2 ** 20 });
  return JSON.parse(out) as T;
}

/** JSON for numpy values, with NaN and infinities as Tessera writes them ("nan", "inf", "-inf"). */
export const PY_TOJSON = `
def tojson(v):
    a = np.asarray(v)
    def conv(x):
        if isinstance(x, list): return [conv(y) for y in x]
        if isinstance(x, bool): return x
        if isinstance(x, int) and abs(x) > 2**53 - 1: return str(x)
        if isinstance(x, float):
            if x != x: return "nan"
            if x == float("inf"): return "inf"
            if x == float("-inf"): return "-inf"
        return x
    return conv(a.tolist())
`;
