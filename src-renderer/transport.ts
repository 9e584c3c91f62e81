/**
 * The renderer's side of the API contract. In the browser it speaks JSON over a WebSocket to the
 * web host (same origin; the access cookie goes along); the Electron preload will provide the same
 * interface over IPC.
 */
import type { ApiEvent, Method, Params, Result } from '../src-main/api/contract';

export interface Transport {
  request<M extends Method>(method: M, params: Params<M>): Promise<Result<M>>;
  onEvent(listener: (e: ApiEvent) => void): void;
}

export class RequestError extends Error {
  constructor(readonly code: string, message: string, readonly hint: string) {
    super(message);
  }
}

/** The preload's API (src-main/hosts/electron/preload.ts), when running in Electron. */
interface PreloadApi {
  host: 'electron';
  hello(params: unknown): Promise<IpcAnswer>;
  runJob(params: unknown): Promise<IpcAnswer>;
  cancelJob(params: unknown): Promise<IpcAnswer>;
  addDataset(params: unknown): Promise<IpcAnswer>;
  listDatasets(params: unknown): Promise<IpcAnswer>;
  listHistory(params: unknown): Promise<IpcAnswer>;
  getJob(params: unknown): Promise<IpcAnswer>;
  onEvent(listener: (e: ApiEvent) => void): void;
}
type IpcAnswer = { ok: true; result: unknown } | { ok: false; error: { code: string; message: string; hint: string } };

function ipcTransport(api: PreloadApi): Transport {
  return {
    request: async (method, params) => {
      const answer = await api[method](params);
      if (!answer.ok) throw new RequestError(answer.error.code, answer.error.message, answer.error.hint);
      return answer.result as never;
    },
    onEvent: (l) => api.onEvent(l),
  };
}

/** IPC inside Electron, a WebSocket to the web host in a browser. */
export function connect(): Promise<Transport> {
  const api = (window as unknown as { tessera?: PreloadApi }).tessera;
  return api?.host === 'electron' ? Promise.resolve(ipcTransport(api)) : connectWebSocket();
}

export function connectWebSocket(): Promise<Transport> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://${location.host}/ws`);
    const pending = new Map<number, { resolve: (v: never) => void; reject: (e: Error) => void }>();
    const listeners: ((e: ApiEvent) => void)[] = [];
    let nextId = 1;
    ws.onmessage = (m) => {
      const msg = JSON.parse(String(m.data));
      if ('event' in msg) { for (const l of listeners) l(msg as ApiEvent); return; }
      const p = pending.get(msg.id);
      if (!p) return;
      pending.delete(msg.id);
      if (msg.error) p.reject(new RequestError(msg.error.code, msg.error.message, msg.error.hint));
      else p.resolve(msg.result as never);
    };
    ws.onerror = () => reject(new Error('cannot reach the Tessera host'));
    ws.onopen = () => resolve({
      request: (method, params) => new Promise((res, rej) => {
        const id = nextId++;
        pending.set(id, { resolve: res as (v: never) => void, reject: rej });
        ws.send(JSON.stringify({ id, method, params }));
      }),
      onEvent: (l) => { listeners.push(l); },
    });
  });
}
