/**
 * The frames a cluster's task host and its Dask worker exchange over a pipe: a little-endian u32
 * of the frame's length, a u32 of the JSON header's length, the header, then the payload bytes the
 * header describes (chunks back to back). Binary, so chunks cross the pipe as they are in memory.
 */
export interface Frame { header: Record<string, unknown>; payload: Buffer }

export function encodeFrame(header: object, payloads: readonly Uint8Array[] = []): Buffer {
  const json = Buffer.from(JSON.stringify(header));
  const size = 4 + json.length + payloads.reduce((n, p) => n + p.byteLength, 0);
  const prefix = Buffer.alloc(8);
  prefix.writeUInt32LE(size, 0);
  prefix.writeUInt32LE(json.length, 4);
  return Buffer.concat([prefix, json, ...payloads.map((p) => Buffer.from(p.buffer, p.byteOffset, p.byteLength))]);
}

/** Splits a byte stream into frames, whatever the sizes of the pieces it arrives in. */
export class FrameReader {
  private pending: Buffer[] = [];
  private size = 0;

  push(piece: Buffer): Frame[] {
    this.pending.push(piece);
    this.size += piece.length;
    const out: Frame[] = [];
    for (;;) {
      if (this.size < 4) break;
      let all = this.pending.length === 1 ? this.pending[0] : Buffer.concat(this.pending);
      const length = all.readUInt32LE(0);
      if (all.length < 4 + length) { this.pending = [all]; break; }
      const jsonLength = all.readUInt32LE(4);
      out.push({ header: JSON.parse(all.subarray(8, 8 + jsonLength).toString('utf8')), payload: all.subarray(8 + jsonLength, 4 + length) });
      all = all.subarray(4 + length);
      this.pending = all.length ? [all] : [];
      this.size = all.length;
    }
    return out;
  }
}
