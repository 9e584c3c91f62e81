/**
 * The web host survives what a hostile or broken page sends: malformed WebSocket frames (each
 * closes its own connection only), non-JSON and off-contract messages (typed answers), and a
 * bounded fuzz of random frames and random requests against every method, after which the host
 * still answers a health request on a new connection.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { Requests } from '../dist/src-main/api/contract.js';
import { Engine } from '../dist/src-main/engine/engine.js';
import { startWebHost, type WebHost } from '../dist/src-main/hosts/web/server.js';
import { COOKIE } from '../dist/src-main/hosts/web/security.js';
import { JobService } from '../dist/src-main/service/job-service.js';
import { tempDir } from './helpers/engine.js';

let engine: Engine;
let service: JobService;
let host: WebHost;
// An 'error' event nobody handles would end a real host's process; here it is recorded.
const uncaught: unknown[] = [];
const record = (e: unknown) => uncaught.push(e);
beforeAll(async () => {
  process.on('uncaughtException', record);
  engine = await Engine.start({ workers: 1 });
  service = new JobService(engine, { host: 'web', dataDir: tempDir(), baseDir: tempDir() });
  host = await startWebHost(service, { port: 0, rendererDir: tempDir() });
});
afterAll(async () => {
  process.off('uncaughtException', record);
  await host.close();
  await service.close();
  await engine.close();
});

const headers = () => ({ Origin: `http://127.0.0.1:${host.port}`, Cookie: `${COOKIE}=${host.token}` });

/** A WebSocket client that speaks the protocol, for requests. */
async function client(): Promise<{ call: (method: string, params: unknown) => Promise<Record<string, unknown>>; ws: WebSocket }> {
  const ws = new WebSocket(`ws://127.0.0.1:${host.port}/ws`, { headers: headers() });
  await new Promise((resolve, reject) => { ws.once('open', resolve); ws.once('error', reject); });
  let next = 1;
  const call = (method: string, params: unknown) => new Promise<Record<string, unknown>>((resolve, reject) => {
    const id = next++;
    const onMessage = (data: WebSocket.RawData, binary: boolean) => {
      if (binary) return;
      const m = JSON.parse(data.toString());
      if (m.id !== id) return;
      ws.off('message', onMessage);
      resolve(m);
    };
    ws.on('message', onMessage);
    ws.once('close', () => reject(new Error('closed')));
    ws.send(JSON.stringify({ id, method, params }));
  });
  return { call, ws };
}

async function healthy(): Promise<void> {
  expect(uncaught.map(String), 'no error escaped the host').toEqual([]);
  const c = await client();
  const r = await c.call('hello', {});
  expect(r.result, 'the host answers hello on a new connection').toBeTruthy();
  c.ws.close();
}

/** A raw TCP connection upgraded to a WebSocket, to write frames no client library would. */
async function rawSocket(): Promise<Socket> {
  const s = connect(host.port, '127.0.0.1');
  await new Promise((resolve) => s.once('connect', resolve));
  const h = headers();
  s.write(`GET /ws HTTP/1.1\r\nHost: 127.0.0.1:${host.port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
    `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\nOrigin: ${h.Origin}\r\nCookie: ${h.Cookie}\r\n\r\n`);
  await new Promise<void>((resolve, reject) => {
    s.once('data', (d) => (d.toString().startsWith('HTTP/1.1 101') ? resolve() : reject(new Error(d.toString()))));
  });
  return s;
}

/** A client frame: FIN + opcode (+ RSV bits), masked unless told otherwise. */
function frame(opcode: number, payload: Buffer, opts: { rsv?: number; masked?: boolean; declaredLength?: number } = {}): Buffer {
  const masked = opts.masked ?? true;
  const len = opts.declaredLength ?? payload.length;
  const head = [0x80 | ((opts.rsv ?? 0) << 4) | opcode];
  const m = masked ? 0x80 : 0;
  let ext = Buffer.alloc(0);
  if (len < 126) head.push(m | len);
  else if (len < 65536) { head.push(m | 126); ext = Buffer.alloc(2); ext.writeUInt16BE(len); }
  else { head.push(m | 127); ext = Buffer.alloc(8); ext.writeBigUInt64BE(BigInt(len)); }
  const key = masked ? randomBytes(4) : Buffer.alloc(0);
  const body = Buffer.from(payload);
  if (masked) for (let i = 0; i < body.length; i++) body[i] ^= key[i % 4];
  return Buffer.concat([Buffer.from(head), ext, key, body]);
}

/** Writes bytes and waits until the host closes that connection (or a short while passes). */
async function sendAndWaitClose(bytes: Buffer): Promise<boolean> {
  const s = await rawSocket();
  const closed = new Promise<boolean>((resolve) => {
    s.once('close', () => resolve(true));
    setTimeout(() => resolve(false), 2000);
  });
  s.on('error', () => { /* the host may reset it */ });
  s.write(bytes);
  const r = await closed;
  s.destroy();
  return r;
}

describe('web host under malformed and hostile WebSocket traffic', () => {
  const closeCode = (code: number) => { const b = Buffer.alloc(2); b.writeUInt16BE(code); return b; };
  const cases: [string, () => Buffer][] = [
    ['a message over the 16 MiB limit', () => frame(1, Buffer.alloc(1024, 0x61), { declaredLength: 17 * 2 ** 20 })],
    ['invalid UTF-8 in a text message', () => frame(1, Buffer.from([0x7b, 0xff, 0xfe, 0x7d]))],
    ['a reserved opcode', () => frame(3, Buffer.from('x'))],
    ['an RSV bit without an extension', () => frame(1, Buffer.from('{}'), { rsv: 4 })],
    ['an unmasked client frame', () => frame(1, Buffer.from('{}'), { masked: false })],
    ['close code 999', () => frame(8, closeCode(999))],
  ];
  for (const [what, bytes] of cases) {
    it(`${what} closes that connection only; the host keeps serving`, async () => {
      const other = await client();
      expect(await sendAndWaitClose(bytes()), 'the bad connection is closed').toBe(true);
      expect((await other.call('hello', {})).result, 'an open connection still works').toBeTruthy();
      other.ws.close();
      await healthy();
    });
  }

  it('answers non-JSON, binary and off-contract messages with typed errors, not a bug report', async () => {
    const c = await client();
    const answers: Record<string, unknown>[] = [];
    c.ws.on('message', (d, binary) => { if (!binary) answers.push(JSON.parse(d.toString())); });
    c.ws.send('not json');
    c.ws.send(Buffer.from([1, 2, 3]), { binary: true });
    c.ws.send(JSON.stringify({ id: 'x', method: 'hello' }));
    c.ws.send(JSON.stringify({ id: 7, method: 'nope', params: {} }));
    c.ws.send(JSON.stringify({ id: 8, method: 'runJob', params: { spec: 5 } }));
    await new Promise((r) => setTimeout(r, 300));
    expect(answers.length).toBe(5);
    for (const a of answers) {
      const e = a.error as { code: string; hint: string };
      expect(e.code).toBe('BAD_REQUEST');
      expect(e.hint).not.toMatch(/bug/);
    }
    c.ws.close();
  });

  it('never runs a module a job names: the web host has no way to choose code', async () => {
    const dir = tempDir();
    const marker = join(dir, 'ran.txt');
    writeFileSync(join(dir, 'evil.mjs'), `import { writeFileSync } from 'node:fs';\nwriteFileSync(${JSON.stringify(marker)}, 'imported');\nexport const f = (b) => b;\n`);
    const c = await client();
    const events: { event?: string; data?: { jobId?: string; error?: { code: string } } }[] = [];
    c.ws.on('message', (d, binary) => { if (!binary) events.push(JSON.parse(d.toString())); });
    const spec = { tessera: 1, functions: join(dir, 'evil.mjs'), datasets: { x: { arange: 4 } }, delayed: { a: { call: 'f', args: [1] } }, outputs: { y: 'x.map_blocks(f)', a: 'a' } };
    const r = await c.call('runJob', { spec, options: {} });
    const jobId = (r.result as { jobId: string }).jobId;
    await expect.poll(() => events.find((e) => e.event === 'job.failed' && e.data?.jobId === jobId), { timeout: 20_000 }).toBeTruthy();
    expect(events.find((e) => e.event === 'job.failed')!.data!.error!.code).toBe('USER_CODE_FORBIDDEN');
    expect(existsSync(marker)).toBe(false);
    c.ws.close();
  });

  it('survives a bounded fuzz of random frames and random requests to every method', async () => {
    const methods = Object.keys(Requests).filter((m) => m !== 'runJob' && m !== 'profileJob');
    const randomValue = (depth = 0): unknown => {
      const r = Math.random();
      if (depth > 2 || r < 0.3) return [null, true, 0, -1, 1e308, 'job-x', '../../etc/passwd', ''][Math.floor(Math.random() * 8)];
      if (r < 0.6) return Array.from({ length: Math.floor(Math.random() * 3) }, () => randomValue(depth + 1));
      return Object.fromEntries(Array.from({ length: Math.floor(Math.random() * 3) }, (_, i) => [['spec', 'jobId', 'path', 'what', 'options', `k${i}`][Math.floor(Math.random() * 6)], randomValue(depth + 1)]));
    };
    const end = Date.now() + 3000;
    let frames = 0, requests = 0;
    while (Date.now() < end) {
      // Random bytes as frames on raw sockets...
      const s = await rawSocket();
      s.on('error', () => {});
      s.write(Buffer.concat([frame(Math.floor(Math.random() * 16), randomBytes(Math.floor(Math.random() * 64)), { rsv: Math.random() < 0.2 ? 1 : 0 }), randomBytes(Math.floor(Math.random() * 32))]));
      frames++;
      s.destroy();
      // ...and random requests on a well-behaved connection (jobs with random specs are refused by validation).
      const c = await client();
      for (let i = 0; i < 10; i++) {
        const method = Math.random() < 0.9 ? methods[Math.floor(Math.random() * methods.length)] : ['runJob', 'profileJob'][i % 2];
        const params = method === 'runJob' || method === 'profileJob' ? { spec: randomValue(), options: randomValue() } : randomValue();
        const r = await c.call(method, params);
        expect(r.result !== undefined || (r.error as { code: string }).code !== 'INTERNAL', `${method} ${JSON.stringify(params)}`).toBe(true);
        requests++;
      }
      c.ws.close();
    }
    expect(frames).toBeGreaterThan(5);
    expect(requests).toBeGreaterThan(50);
    await healthy();
  });
});
