/**
 * Planning refuses, with a typed error and before allocating anything the size of the graph, what
 * it cannot hold: grids of more chunks than MAX_CHUNKS (by one dimension or by their product).
 * Each of these ended the process with "Fatal JavaScript invalid size error" before.
 */
import { describe, expect, it } from 'vitest';
import { runSpec, useEngine } from './helpers/engine.js';

const engine = useEngine();

async function refusal(spec: Parameters<typeof runSpec>[1]): Promise<{ code: string; hint: string }> {
  try {
    await runSpec(engine(), spec);
  } catch (e) {
    return e as { code: string; hint: string };
  }
  throw new Error('expected a refusal');
}

describe('planning limits', () => {
  it('refuses grids of too many chunks with TOO_MANY_CHUNKS and says what chunk size to use', async () => {
    const cases = [
      { datasets: { z: { zeros: [1e15] } }, outputs: { s: 'z.sum()' } },
      { outputs: { s: 'random.uniform(size=10**15).sum()' } },
      { datasets: { z: { zeros: [200_000_000], chunks: 1 } }, outputs: { s: 'z.sum()' } },
      // 10^5 row chunks broadcast against 10^5 column chunks: 10^10 chunks.
      { datasets: { r: { ones: [100_000, 1], chunks: [1, 1] }, c: { ones: [1, 100_000], chunks: [1, 1] } }, outputs: { s: '(r + c).sum()' } },
    ];
    for (const spec of cases) {
      const err = await refusal(spec);
      expect(err.code, JSON.stringify(spec)).toBe('TOO_MANY_CHUNKS');
      expect(err.hint).toMatch(/larger chunks/);
    }
  });
});
