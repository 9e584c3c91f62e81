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

/**
 * Splits a byte stream into frames, whatever the sizes of the pieces it arrives in. Pieces are kept
 * as they come and joined once a whole frame is there (a 40 MB job arrives in hundreds of 64 KiB
 * pieces: joining at every piece would copy it hundreds of times).
 */
export class FrameReader {
  private pieces: Buffer[] = [];
  private size = 0;
  /** The length of the frame being gathered (its first 4 bytes), once they have come. */
  private need = -1;

  push(piece: Buffer): Frame[] {
    this.pieces.push(piece);
    this.size += piece.length;
    const out: Frame[] = [];
    for (;;) {
      if (this.need < 0) {
        if (this.size < 4) break;
        this.need = 4 + this.head(4).readUInt32LE(0);
      }
      if (this.size < this.need) break;
      const all = this.pieces.length === 1 ? this.pieces[0] : Buffer.concat(this.pieces, this.size);
      const jsonLength = all.readUInt32LE(4);
      out.push({ header: JSON.parse(all.subarray(8, 8 + jsonLength).toString('utf8')), payload: all.subarray(8 + jsonLength, this.need) });
      const rest = all.subarray(this.need);
      this.pieces = rest.length ? [rest] : [];
      this.size = rest.length;
      this.need = -1;
    }
    return out;
  }

  /** The first n bytes buffered (n of them have come). */
  private head(n: number): Buffer {
    return this.pieces[0].length >= n ? this.pieces[0] : Buffer.concat(this.pieces, this.size).subarray(0, n);
  }
}
