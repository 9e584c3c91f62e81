/**
 * The Electron host's native dialogs, behind IPC channels the preload names: open data sets
 * (the open-file dialog; each chosen file is inspected and listed, as a drop would), open a module
 * of the user's functions (the one way a window's jobs may run code: the user chose the file on
 * this machine; JobService.allowFunctionsModule) and save an
 * export (an output as .npy or the trace) where the user picks, copied through a temp file and a
 * rename so a crash never leaves half an export there. Requests are accepted only from the
 * app's own window, through the same guard as the API channel (ipc.ts).
 */
import type { Dialog, IpcMain, WebContents } from 'electron';
import { type Dataset, EXPORT_WHAT, ExportFormatSchema } from '../../api/contract.js';
import { toTesseraError } from '../../engine/errors.js';
import { copyAtomically } from '../../run/write-atomically.js';
import type { JobService } from '../../service/job-service.js';
import { guardedHandler } from './ipc.js';

export const OPEN_DATASETS_CHANNEL = 'tessera:open-datasets';
export const SAVE_EXPORT_CHANNEL = 'tessera:save-export';
export const OPEN_FUNCTIONS_CHANNEL = 'tessera:open-functions';

export type DialogApi = Pick<Dialog, 'showOpenDialog' | 'showSaveDialog'>;

export function registerDialogs(ipcMain: Pick<IpcMain, 'handle'>, service: JobService, dialog: DialogApi, isAppWindow: (sender: WebContents) => boolean): void {
  ipcMain.handle(OPEN_DATASETS_CHANNEL, guardedHandler(isAppWindow, async (): Promise<Dataset[]> => {
    const chosen = await dialog.showOpenDialog({
      title: 'Open data sets', properties: ['openFile', 'multiSelections'],
      filters: [{ name: 'Data sets', extensions: ['npy', 'h5', 'hdf5', 'csv', 'tsv', 'parquet', 'txt', 'jsonl'] }, { name: 'All files', extensions: ['*'] }],
    });
    if (chosen.canceled) return [];
    const added: Dataset[] = [];
    for (const path of chosen.filePaths) added.push(await service.addDataset(path));
    return added;
  }));

  ipcMain.handle(OPEN_FUNCTIONS_CHANNEL, guardedHandler(isAppWindow, async (): Promise<{ path: string | null }> => {
    const chosen = await dialog.showOpenDialog({
      title: 'Open a module of your functions', properties: ['openFile'],
      filters: [{ name: 'TypeScript or JavaScript modules', extensions: ['ts', 'mts', 'js', 'mjs', 'cjs'] }],
    });
    if (chosen.canceled || !chosen.filePaths.length) return { path: null };
    return { path: await service.allowFunctionsModule(chosen.filePaths[0]) };
  }));

  ipcMain.handle(SAVE_EXPORT_CHANNEL, guardedHandler(isAppWindow, async (_event, jobId, what, format): Promise<{ saved: string | null }> => {
    if (typeof jobId !== 'string' || typeof what !== 'string' || !EXPORT_WHAT.test(what)) throw toTesseraError({ code: 'BAD_REQUEST', message: 'save-export takes a job id and "out.NAME", "trace" or "report"', hint: '' });
    const fmt = ExportFormatSchema.optional().safeParse(format ?? undefined);
    if (!fmt.success) throw toTesseraError({ code: 'BAD_REQUEST', message: 'save-export\'s format is "npy", "csv" or "parquet"', hint: '' });
    const { path, fileName } = await service.exportFile(jobId, what, fmt.data);
    const target = await dialog.showSaveDialog({ title: 'Export', defaultPath: fileName });
    if (target.canceled || !target.filePath) return { saved: null };
    await copyAtomically(path, target.filePath);
    return { saved: target.filePath };
  }));
}
