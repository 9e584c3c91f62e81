/**
 * How API messages travel between a host and the window: JSON text, except a message that holds
 * typed arrays (the task stream's columns, 10^5 entries a job), which goes as one binary frame so
 * that neither side turns numbers into text and back:
 *
 *   "TSB1" | u32 header bytes | header (UTF-8 JSON) | zero padding to 8 | array bytes, each padded to 8
 *
 * The header is {"arrays": [[type, byte offset after the header's padding, length], ...],
 * "message": the message with each typed array replaced by {"$typed": its position in arrays}}.
 * Arrays are 8-byte aligned, so the receiver views them in place without copying. Byte order is
 * the machine's (host and window run on one machine; every platform Tessera ships for is
 * little-endian). Both hosts use this (the web host's WebSocket, Electron's IPC); pure code.
 */
const MAGIC = [0x54, 0x53, 0x42, 0x31]; // "TSB1"

const TYPES = { Int32Array, Uint8Array, Float64Array, Float32Array, Uint32Array, Int16Array, Uint16Array, Int8Array } as const;
type TypeName = keyof typeof TYPES;
type Typed = InstanceType<(typeof TYPES)[TypeName]>;

const align8 = (n: number) => (n + 7) & ~7;

function typeName(v: ArrayBufferView): TypeName {
  const name = v.constructor.name as TypeName;
  if (!(name in TYPES)) throw new Error(`wire: cannot send a ${v.constructor.name}`);
  return name;
}

/** A message as JSON text, or as a binary frame if it holds typed arrays. */
export function encodeMessage(message: unknown): string | Uint8Array {
  const arrays: ArrayBufferView[] = [];
  const text = JSON.stringify(message, (_key, value) => (ArrayBuffer.isView(value) ? { $typed: arrays.push(value) - 1 } : value));
  if (!arrays.length) return text;
  let offset = 0;
  const meta = arrays.map((a) => {
    const entry = [typeName(a), offset, (a as Typed).length] as const;
    offset += align8(a.byteLength);
    return entry;
  });
  const header = new TextEncoder().encode(`{"arrays":${JSON.stringify(meta)},"message":${text}}`);
  const dataStart = align8(8 + header.length);
  const frame = new Uint8Array(dataStart + offset);
  frame.set(MAGIC, 0);
  new DataView(frame.buffer).setUint32(4, header.length, true);
  frame.set(header, 8);
  arrays.forEach((a, k) => frame.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), dataStart + meta[k][1]));
  return frame;
}

/** The message a frame or text carries; typed arrays are views into the frame. */
export function decodeMessage(data: string | ArrayBuffer | ArrayBufferView): unknown {
  if (typeof data === 'string') return JSON.parse(data);
  let bytes = data instanceof ArrayBuffer ? new Uint8Array(data) : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (bytes.byteOffset % 8) bytes = bytes.slice(); // views need 8-byte alignment
  if (bytes.length < 8 || MAGIC.some((b, k) => bytes[k] !== b)) throw new Error('wire: not a Tessera frame');
  const headerLength = new DataView(bytes.buffer, bytes.byteOffset).getUint32(4, true);
  if (8 + headerLength > bytes.length) throw new Error('wire: truncated frame');
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength))) as { arrays: [TypeName, number, number][]; message: unknown };
  const dataStart = bytes.byteOffset + align8(8 + headerLength);
  const views = header.arrays.map(([type, offset, length]) => {
    const Ctor = TYPES[type];
    if (!Ctor || dataStart + offset + length * Ctor.BYTES_PER_ELEMENT > bytes.byteOffset + bytes.length) throw new Error('wire: bad array in frame');
    return new Ctor(bytes.buffer as ArrayBuffer, dataStart + offset, length);
  });
  return revive(header.message, views);
}

/** Puts the typed arrays back where the header names them. */
function revive(v: unknown, views: Typed[]): unknown {
  if (Array.isArray(v)) return v.map((x) => revive(x, views));
  if (v === null || typeof v !== 'object') return v;
  const o = v as Record<string, unknown>;
  if (typeof o.$typed === 'number' && Object.keys(o).length === 1) {
    const view = views[o.$typed];
    if (!view) throw new Error('wire: bad array reference');
    return view;
  }
  for (const k of Object.keys(o)) o[k] = revive(o[k], views);
  return o;
}
