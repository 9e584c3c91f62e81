/**
 * The web host: serves the built renderer and the API contract over a WebSocket, on 127.0.0.1
 * only. Open the printed URL (it carries the per-launch token, which becomes a cookie).
 */
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import { EXPORT_WHAT, ExportFormatSchema, RequestEnvelope, UPLOAD_GROUP } from '../../api/contract.js';
import { encodeMessage } from '../../api/wire.js';
import { toTesseraError } from '../../engine/errors.js';
import type { JobService } from '../../service/job-service.js';
import { checkedEmit, handleRequest } from '../../service/rpc.js';
import { COOKIE, hostAllowed, newToken, originAllowed, tokenAllowed, webContentSecurityPolicy } from './security.js';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml', '.png': 'image/png', '.json': 'application/json',
};

export interface WebHost {
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

export async function startWebHost(service: JobService, opts: { port?: number; rendererDir: string }): Promise<WebHost> {
  const token = newToken();
  let port = opts.port ?? 0;
  const send = (res: ServerResponse, status: number, body: string | Buffer, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'X-Content-Type-Options': 'nosniff', 'Referrer-Policy': 'no-referrer', ...headers });
    res.end(body);
  };

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    void (async () => {
      if (!hostAllowed(req, port)) return send(res, 421, 'wrong Host header');
      const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
      if (req.method === 'PUT' && url.pathname === '/upload') {
        // A dropped file: same-origin only, with the access cookie; stored, then inspected.
        if (!originAllowed(req, port) || !tokenAllowed(req, token)) return send(res, 403, 'forbidden');
        const clean = (part: string) => part.replace(/[^A-Za-z0-9._=-]/g, '_').slice(0, 128);
        const name = clean(url.searchParams.get('name') ?? 'upload');
        const length = req.headers['content-length'];
        const declared = length === undefined ? null : Number(length);
        const group = url.searchParams.get('group');
        try {
          if (group !== null) {
            // A file of a dropped folder, at its path inside the folder (no '.' or '..' segments).
            if (!UPLOAD_GROUP.test(group)) throw toTesseraError({ code: 'BAD_REQUEST', message: 'a folder upload needs a group id of 8 to 32 letters and digits', hint: '' });
            const segments = (url.searchParams.get('name') ?? '').split('/').map(clean).filter((x) => x && x !== '.' && x !== '..').slice(-8);
            if (!segments.length) throw toTesseraError({ code: 'BAD_REQUEST', message: 'a folder upload names its file', hint: '' });
            await service.addUploadPart(group, clean(url.searchParams.get('folder') ?? 'folder'), segments.join('/'), req, declared);
            return send(res, 200, JSON.stringify({ stored: segments.join('/') }), { 'Content-Type': 'application/json' });
          }
          const dataset = await service.addUpload(name, req, declared);
          return send(res, 200, JSON.stringify(dataset), { 'Content-Type': 'application/json' });
        } catch (e) {
          const err = toTesseraError(e);
          // A refused size is answered before the body is read: close rather than drain it.
          const status = err.code === 'UPLOAD_TOO_LARGE' ? 413 : 400;
          return send(res, status, JSON.stringify({ error: { code: err.code, message: err.message, hint: err.hint } }), { 'Content-Type': 'application/json', ...(status === 413 ? { Connection: 'close' } : {}) });
        }
      }
      if (req.method !== 'GET') return send(res, 405, 'only GET and the upload PUT');
      const queryToken = url.searchParams.get('token');
      if (!tokenAllowed(req, token, queryToken)) return send(res, 403, 'open the URL printed by `tessera serve` (it carries the access token)');
      const exported = /^\/export\/(job-[a-z0-9-]+)\/([^/]+)$/.exec(url.pathname);
      if (exported && EXPORT_WHAT.test(exported[2])) {
        // A download: an output as .npy (a table as ?format=csv or parquet) or the trace, written by the service from the job's history.
        try {
          const format = ExportFormatSchema.optional().safeParse(url.searchParams.get('format') ?? undefined);
          if (!format.success) throw toTesseraError({ code: 'BAD_REQUEST', message: 'format is npy, csv or parquet', hint: '' });
          const { path, fileName } = await service.exportFile(exported[1], exported[2], format.data);
          res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Disposition': `attachment; filename="${fileName}"`, 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'no-store' });
          await pipeline(createReadStream(path), res);
        } catch (e) {
          const err = toTesseraError(e);
          send(res, 404, JSON.stringify({ error: { code: err.code, message: err.message, hint: err.hint } }), { 'Content-Type': 'application/json' });
        }
        return;
      }
      const path = url.pathname === '/' ? '/index.html' : url.pathname;
      const file = normalize(join(opts.rendererDir, path));
      if (!file.startsWith(normalize(opts.rendererDir) + sep)) return send(res, 404, 'not found');
      let body: Buffer;
      try {
        body = await readFile(file);
      } catch {
        return send(res, 404, 'not found');
      }
      const headers: Record<string, string> = { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream', 'Cache-Control': 'no-store' };
      if (extname(file) === '.html') headers['Content-Security-Policy'] = webContentSecurityPolicy(port);
      if (queryToken) headers['Set-Cookie'] = `${COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`;
      send(res, 200, body, headers);
    })();
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: 16 * 2 ** 20 });
  wss.on('error', () => { /* a failed upgrade ends that socket only */ });
  server.on('clientError', (_err, socket) => socket.destroy());
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
    if (url.pathname !== '/ws' || !hostAllowed(req, port) || !originAllowed(req, port) || !tokenAllowed(req, token)) {
      socket.write('HTTP/1.1 403 Forbidden\r\n\r\n');
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => serve(ws, service));
  });

  // Housekeeping: a failure to tidy old uploads must not keep the window from opening.
  await service.pruneUploads().catch(() => 0);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    port,
    token,
    close: () => new Promise<void>((resolve) => {
      for (const c of wss.clients) c.terminate();
      wss.close();
      server.close(() => resolve());
    }),
  };
}

/**
 * One WebSocket connection: requests in (handled by the shared handler), results and events out.
 * A connection that breaks the protocol (a bad frame, invalid UTF-8, a message over the size
 * limit: `ws` reports each as an 'error') is closed; the host and its other connections go on.
 */
function serve(ws: WebSocket, service: JobService): void {
  ws.on('error', () => ws.terminate());
  const reply = (message: string | Uint8Array) => {
    if (ws.readyState !== ws.OPEN) return;
    ws.send(message, (err) => { if (err) ws.terminate(); });
  };
  const emit = checkedEmit((e) => reply(encodeMessage(e)));
  ws.on('message', async (raw, isBinary) => {
    let id = -1;
    try {
      let message: unknown;
      try {
        if (isBinary) throw new Error('binary');
        message = JSON.parse(raw.toString());
      } catch {
        throw toTesseraError({ code: 'BAD_REQUEST', message: 'a request must be one JSON text message', hint: 'send {"id": 1, "method": "...", "params": {...}} as text' });
      }
      const parsed = RequestEnvelope.safeParse(message);
      if (!parsed.success) throw toTesseraError({ code: 'BAD_REQUEST', message: 'a request must be {"id": <integer>, "method": <name>, "params": ...}', hint: 'the request does not match the API contract' });
      const env = parsed.data;
      id = env.id;
      // Paths reach the web host only as uploads: the browser never names a file on this machine.
      if (env.method === 'addDataset') throw toTesseraError({ code: 'FORBIDDEN', message: 'the web host adds files by upload only', hint: 'drop the file on the window' });
      reply(JSON.stringify({ id, result: await handleRequest(service, env.method, env.params, emit) }));
    } catch (e) {
      const err = toTesseraError(e);
      reply(JSON.stringify({ id, error: { code: err.code === 'INTERNAL' ? 'BAD_REQUEST' : err.code, message: err.message, hint: err.hint || 'the request does not match the API contract' } }));
    }
  });
}
