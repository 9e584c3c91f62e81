/**
 * The IPC side of the Electron host: one channel for requests, answered by the same handler the
 * web host uses, and one channel for events back to the window. Requests are accepted only from
 * the app's own window.
 */
import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron';
import { toTesseraError } from '../../engine/errors.js';
import type { JobService } from '../../service/job-service.js';
import { checkedEmit, handleRequest } from '../../service/rpc.js';

export const REQUEST_CHANNEL = 'tessera:request';
export const EVENT_CHANNEL = 'tessera:event';

export type IpcAnswer = { ok: true; result: unknown } | { ok: false; error: { code: string; message: string; hint: string } };

export function registerIpc(ipcMain: Pick<IpcMain, 'handle'>, service: JobService, isAppWindow: (sender: WebContents) => boolean): void {
  ipcMain.handle(REQUEST_CHANNEL, async (event: IpcMainInvokeEvent, method: unknown, params: unknown): Promise<IpcAnswer> => {
    try {
      if (!isAppWindow(event.sender)) throw toTesseraError({ code: 'FORBIDDEN', message: 'requests are accepted from the Tessera window only', hint: '' });
      if (typeof method !== 'string') throw toTesseraError({ code: 'BAD_REQUEST', message: 'the method must be a string', hint: '' });
      const emit = checkedEmit((e) => { if (!event.sender.isDestroyed()) event.sender.send(EVENT_CHANNEL, e); });
      return { ok: true, result: await handleRequest(service, method, params, emit) };
    } catch (e) {
      const err = toTesseraError(e);
      return { ok: false, error: { code: err.code, message: err.message, hint: err.hint } };
    }
  });
}
