/**
 * What the benchmark scripts share: the best time of a few repeats after a warm-up, in Node and
 * (PY_TIMER) in the Python peers, and running a peer with Debian's python3.
 */
import { spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';

// OpenBLAS's kernels are picked from these when it loads (an environment may force an older core
// on a newer CPU): unset for the peers (python() below) and for Tessera alike, before the addon,
// which loads OpenBLAS with it, is loaded (native() loads it at first use, after this module).
delete process.env.OPENBLAS_CORETYPE;
delete process.env.OPENBLAS_L2_SIZE;

/** Seconds: the best of `repeats` runs of f after `warmups` runs (one unless said). */
export async function best(f, repeats, warmups = 1) {
  for (let i = 0; i < warmups; i++) await f();
  let t = Infinity;
  for (let i = 0; i < repeats; i++) {
    const t0 = performance.now();
    await f();
    t = Math.min(t, (performance.now() - t0) / 1000);
  }
  return t;
}

/** The same `best(f, repeats)` for a Python peer's code (seconds), after `warmups` runs. */
export const pyTimer = (repeats, warmups = 1) => `
import json, time
def best(f, repeats=${repeats}):
    for _ in range(${warmups}):
        f()
    t = float('inf')
    for _ in range(repeats):
        t0 = time.perf_counter(); f(); t = min(t, time.perf_counter() - t0)
    return t
`;

/** Runs Python code that prints one JSON value last; null where python3 or its module is missing. */
export function python(code) {
  const env = { ...process.env };
  for (const exe of ['/usr/bin/python3', 'python3']) {
    const r = spawnSync(exe, ['-c', code], { encoding: 'utf8', env, maxBuffer: 2 ** 24 });
    if (r.status === 0) return JSON.parse(r.stdout.trim().split('\n').pop());
    if (r.stderr && !/No module named/.test(r.stderr)) process.stderr.write(r.stderr);
  }
  return null;
}

/** The bench's table of rows ({ bench, setting, tessera, peer, peerName, ratioLabel, ratio, target }) as Markdown lines. */
export function formatTable(rows) {
  const header = ['benchmark', 'setting', 'Tessera', 'peer', 'peer is', 'ratio', 'target'];
  const lines = rows.map((r) => [r.bench, r.setting, r.tessera, r.peer, r.peerName,
    r.ratio === null || r.ratio === undefined ? '' : `${r.ratio.toFixed(2)} ${r.ratioLabel}`, r.target]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => String(l[i]).length)));
  const fmt = (l) => `| ${l.map((c, i) => String(c).padEnd(widths[i])).join(' | ')} |`;
  return [fmt(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...lines.map(fmt)].join('\n');
}
