/** A job's identity for remembered profiles: what it computes, not how it is chunked. */
import type { JobSpec } from '../run/job-spec.js';
import { outputText } from '../run/output-spec.js';

/** What a job computes, independent of chunking: its outputs and its datasets' kinds. */
export function jobSignature(spec: JobSpec): string {
  const ds = Object.entries(spec.datasets ?? {}).sort(([a], [b]) => a.localeCompare(b)).map(([name, d]) => {
    const { chunks: _c, seed: _s, ...rest } = d;
    const kind = 'random' in rest ? `random-${rest.random}` : ['npy', 'raw', 'arange', 'zeros', 'ones', 'full'].find((k) => k in rest) ?? 'unknown';
    return `${name}:${kind}:${JSON.stringify(rest.shape ?? rest.npy ?? rest.raw ?? '')}`;
  });
  const outs = Object.entries(spec.outputs).sort(([a], [b]) => a.localeCompare(b)).map(([n, e]) => `${n}=${outputText(e).replace(/\s+/g, '')}`);
  return `${ds.join(';')}|${outs.join(';')}`;
}
