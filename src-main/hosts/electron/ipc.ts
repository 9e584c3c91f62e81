/**
 * The IPC side of the Electron host: one channel for requests, answered by the same handler the
 * web host uses, and one channel for events back to the window (encoded as on the web host's
 * WebSocket: text, or one binary frame for the task stream's columns, api/wire.ts). Requests are
 * accepted only from the app's own window.
 */
import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron';
import { toTesseraError } from '../../engine/errors.js';
import type { JobService } from '../../service/job-service.js';
import { checkedEmit, handleRequest } from '../../service/rpc.js';
import { encodeMessage } from '../../api/wire.js';

export const REQUEST_CHANNEL = 'tessera:request';
export const EVENT_CHANNEL = 'tessera:event';

export type IpcAnswer = { ok: true; result: unknown } | { ok: false; error: { code: string; message: string; hint: string } };

/**
 * An IPC handler that answers only the app's own window and turns anything thrown into an error
 * answer (code, message, hint). Every channel the preload names goes through it.
 */
export function guardedHandler(isAppWindow: (sender: WebContents) => boolean, fn: (event: IpcMainInvokeEvent, ...args: unknown[]) => Promise<unknown>) {
  return async (event: IpcMainInvokeEvent, ...args: unknown[]): Promise<IpcAnswer> => {
    try {
      if (!isAppWindow(event.sender)) throw toTesseraError({ code: 'FORBIDDEN', message: 'requests are accepted from the Tessera window only', hint: '' });
      return { ok: true, result: await fn(event, ...args) };
    } catch (e) {
      const err = toTesseraError(e);
      return { ok: false, error: { code: err.code, message: err.message, hint: err.hint } };
    }
  };
}

export function registerIpc(ipcMain: Pick<IpcMain, 'handle'>, service: JobService, isAppWindow: (sender: WebContents) => boolean): void {
  ipcMain.handle(REQUEST_CHANNEL, guardedHandler(isAppWindow, async (event, method, params) => {
    if (typeof method !== 'string') throw toTesseraError({ code: 'BAD_REQUEST', message: 'the method must be a string', hint: '' });
    const emit = checkedEmit((e) => { if (!event.sender.isDestroyed()) event.sender.send(EVENT_CHANNEL, encodeMessage(e)); });
    return handleRequest(service, method, params, emit);
  }));
}
