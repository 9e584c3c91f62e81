/**
 * The preload script: the only bridge between the renderer and the main process. It exposes the
 * API contract's named functions and an event subscription, nothing else (no ipcRenderer, no Node).
 */
import { contextBridge, ipcRenderer, webUtils } from 'electron';

// Channel names repeated here (not imported) so the sandboxed preload bundle stays self-contained.
const REQUEST_CHANNEL = 'tessera:request';
const EVENT_CHANNEL = 'tessera:event';
const OPEN_DATASETS_CHANNEL = 'tessera:open-datasets';
const SAVE_EXPORT_CHANNEL = 'tessera:save-export';
const OPEN_FUNCTIONS_CHANNEL = 'tessera:open-functions';
const MENU_CHANNEL = 'tessera:menu';

const call = (method: string) => (params: unknown = {}) => ipcRenderer.invoke(REQUEST_CHANNEL, method, params);

export const api = {
  host: 'electron' as const,
  hello: call('hello'),
  runJob: call('runJob'),
  cancelJob: call('cancelJob'),
  listDatasets: call('listDatasets'),
  previewDataset: call('previewDataset'),
  listPersisted: call('listPersisted'),
  releasePersisted: call('releasePersisted'),
  listHistory: call('listHistory'),
  getJob: call('getJob'),
  exportFile: call('exportFile'),
  profileJob: call('profileJob'),
  /** The open-file dialog: the chosen files are inspected and listed. */
  openDatasets: () => ipcRenderer.invoke(OPEN_DATASETS_CHANNEL),
  /** The open-file dialog for a module of the user's functions, which the window's jobs may then run: { path } (null: cancelled). */
  openFunctionsModule: () => ipcRenderer.invoke(OPEN_FUNCTIONS_CHANNEL),
  /** The save dialog for an output (.npy; a table as format "csv" or "parquet") or, with what = "trace", the job's trace. */
  saveExport: (jobId: string, what: string, format?: string) => ipcRenderer.invoke(SAVE_EXPORT_CHANNEL, jobId, what, format),
  /** Menu actions (open data sets, export trace, run, cancel). */
  onMenu: (listener: (action: string) => void): void => {
    ipcRenderer.on(MENU_CHANNEL, (_event, action: string) => listener(action));
  },
  /**
   * Adds a file the user dropped on the window. The path comes from the dropped File itself, here
   * in the preload: the page never names a path, so its jobs read only files the user chose.
   */
  addDroppedFile: (file: File) => call('addDataset')({ path: webUtils.getPathForFile(file) }),
  /** Events as the host encoded them (text, or a binary frame as a Uint8Array): the renderer decodes. */
  onEvent: (listener: (e: unknown) => void): void => {
    ipcRenderer.on(EVENT_CHANNEL, (_event, e: unknown) => listener(e));
  },
};

contextBridge.exposeInMainWorld('tessera', api);
