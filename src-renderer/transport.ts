/**
 * The renderer's side of the API contract. In the browser it speaks JSON (and binary frames for the
 * task stream, api/wire.ts) over a WebSocket to the web host (same origin; the access cookie goes along); in Electron the preload provides the same
 * interface over IPC. What differs by host is behind the transport too: saving an export (a
 * download in the browser, the save dialog in Electron) and opening files by dialog (Electron; the
 * browser uploads what the user picks).
 */
import type { ApiEvent, Dataset, ExportFormat, Method, Params, Result } from '../src-main/api/contract';
import { decodeMessage } from '../src-main/api/wire';

export interface Transport {
  request<M extends Method>(method: M, params: Params<M>): Promise<Result<M>>;
  onEvent(listener: (e: ApiEvent) => void): void;
  /** Saves an output of a finished job as .npy (a table: format "csv" or "parquet"), or its trace with what = "trace". */
  saveExport(jobId: string, what: string, format?: ExportFormat): Promise<void>;
  /** The native open dialog, where there is one (Electron); null in a browser. */
  openDatasets: (() => Promise<Dataset[]>) | null;
  /** The open dialog for a module of the user's functions, which this window's jobs may then run (Electron); null in a browser, where no code runs. */
  openFunctionsModule: (() => Promise<string | null>) | null;
  /** Adds a dropped file by its path on this machine (Electron); null in a browser, which uploads it. */
  addDroppedFile: ((file: File) => Promise<Dataset>) | null;
  /** Menu actions (Electron's application menu). */
  onMenu(listener: (action: string) => void): void;
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
  addDroppedFile(file: File): Promise<IpcAnswer>;
  listDatasets(params: unknown): Promise<IpcAnswer>;
  listHistory(params: unknown): Promise<IpcAnswer>;
  getJob(params: unknown): Promise<IpcAnswer>;
  exportFile(params: unknown): Promise<IpcAnswer>;
  profileJob(params: unknown): Promise<IpcAnswer>;
  openDatasets(): Promise<IpcAnswer>;
  openFunctionsModule(): Promise<IpcAnswer>;
  saveExport(jobId: string, what: string, format?: ExportFormat): Promise<IpcAnswer>;
  previewDataset(params: unknown): Promise<IpcAnswer>;
  listPersisted(params: unknown): Promise<IpcAnswer>;
  releasePersisted(params: unknown): Promise<IpcAnswer>;
  onEvent(listener: (e: string | Uint8Array) => void): void;
  onMenu(listener: (action: string) => void): void;
}
type IpcAnswer = { ok: true; result: unknown } | { ok: false; error: { code: string; message: string; hint: string } };

function unwrap<T>(answer: IpcAnswer): T {
  if (!answer.ok) throw new RequestError(answer.error.code, answer.error.message, answer.error.hint);
  return answer.result as T;
}

function ipcTransport(api: PreloadApi): Transport {
  return {
    request: async (method, params) => {
      // Paths reach the Electron host only from a drop or a dialog (addDroppedFile, openDatasets).
      if (method === 'addDataset') throw new RequestError('FORBIDDEN', 'files are added by drop or by the open dialog', 'drop the file on the window');
      return unwrap(await (api as unknown as Record<string, (p: unknown) => Promise<IpcAnswer>>)[method](params));
    },
    addDroppedFile: async (file) => unwrap<Dataset>(await api.addDroppedFile(file)),
    onEvent: (l) => api.onEvent((e) => l(decodeMessage(e) as ApiEvent)),
    saveExport: async (jobId, what, format) => { unwrap(await api.saveExport(jobId, what, format)); },
    openDatasets: async () => unwrap<Dataset[]>(await api.openDatasets()),
    openFunctionsModule: async () => unwrap<{ path: string | null }>(await api.openFunctionsModule()).path,
    onMenu: (l) => api.onMenu(l),
  };
}

/** A download from the web host's export route (the access cookie goes along). */
async function download(jobId: string, what: string, format?: ExportFormat): Promise<void> {
  const a = document.createElement('a');
  a.href = `/export/${encodeURIComponent(jobId)}/${encodeURIComponent(what)}${format ? `?format=${format}` : ''}`;
  a.download = '';
  document.body.append(a);
  a.click();
  a.remove();
}

/** IPC inside Electron, a WebSocket to the web host in a browser. */
export function connect(): Promise<Transport> {
  const api = (window as unknown as { tessera?: PreloadApi }).tessera;
  return api?.host === 'electron' ? Promise.resolve(ipcTransport(api)) : connectWebSocket();
}

export function connectWebSocket(): Promise<Transport> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://${location.host}/ws`);
    ws.binaryType = 'arraybuffer';
    const pending = new Map<number, { resolve: (v: never) => void; reject: (e: Error) => void }>();
    const listeners: ((e: ApiEvent) => void)[] = [];
    let nextId = 1;
    ws.onmessage = (m) => {
      const msg = decodeMessage(m.data as string | ArrayBuffer) as { event?: string; id: number; result?: unknown; error?: { code: string; message: string; hint: string } };
      if ('event' in msg) { for (const l of listeners) l(msg as unknown as ApiEvent); return; }
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
      saveExport: download,
      openDatasets: null,
      openFunctionsModule: null,
      addDroppedFile: null,
      onMenu: () => undefined,
    });
  });
}
