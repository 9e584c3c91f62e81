/** The frames a cluster's task host speaks over its pipe (cluster/frames.ts): whatever pieces the bytes arrive in, the same frames come out. */
import { describe, expect, it, vi } from 'vitest';
import { encodeFrame, FrameReader } from '../dist/src-main/cluster/frames.js';

describe('task host frames', () => {
  it('reads frames back from any split of the stream, payloads byte for byte', () => {
    const payload = Uint8Array.from({ length: 1000 }, (_, i) => (i * 7) & 255);
    const stream = Buffer.concat([encodeFrame({ op: 'run', req: 1, key: 'a:0' }, [payload.subarray(0, 600), payload.subarray(600)]), encodeFrame({ req: 2, ok: true }), encodeFrame({ op: 'load', job: { id: 'j', tasks: [] } })]);
    for (const step of [1, 3, 7, 64, stream.length]) {
      const reader = new FrameReader();
      const frames = [];
      for (let at = 0; at < stream.length; at += step) frames.push(...reader.push(stream.subarray(at, at + step)));
      expect(frames.map((f) => f.header)).toEqual([{ op: 'run', req: 1, key: 'a:0' }, { req: 2, ok: true }, { op: 'load', job: { id: 'j', tasks: [] } }]);
      expect(Buffer.compare(frames[0].payload, Buffer.from(payload))).toBe(0);
      expect(frames[1].payload.length).toBe(0);
    }
  });
});

describe('task host frames, large', () => {
  it('gathers a 40 MB frame from 64 KiB pieces joining them once, not at every piece', () => {
    const payload = new Uint8Array(40 * 2 ** 20).fill(7);
    const stream = encodeFrame({ op: 'load' }, [payload]);
    const reader = new FrameReader();
    const joins = vi.spyOn(Buffer, 'concat');
    const frames = [];
    for (let at = 0; at < stream.length; at += 65536) frames.push(...reader.push(stream.subarray(at, at + 65536)));
    // Joining at every piece copied the buffered bytes 640 times (~13 GB, over a minute here).
    expect(joins.mock.calls.length).toBeLessThanOrEqual(2);
    joins.mockRestore();
    expect(frames).toHaveLength(1);
    expect(frames[0].payload.length).toBe(payload.length);
    expect(frames[0].payload.every((b) => b === 7)).toBe(true);
  });
});
