/**
 * The preload script: the only bridge between the renderer and the main process. It exposes the
 * API contract's named functions and an event subscription, nothing else (no ipcRenderer, no Node).
 */
import { contextBridge, ipcRenderer, webUtils } from 'electron';

// Channel names repeated here (not imported) so the sandboxed preload bundle stays self-contained.
const REQUEST_CHANNEL = 'tessera:request';
const EVENT_CHANNEL = 'tessera:event';

const call = (method: string) => (params: unknown = {}) => ipcRenderer.invoke(REQUEST_CHANNEL, method, params);

export const api = {
  host: 'electron' as const,
  hello: call('hello'),
  runJob: call('runJob'),
  cancelJob: call('cancelJob'),
  addDataset: call('addDataset'),
  listDatasets: call('listDatasets'),
  listHistory: call('listHistory'),
  getJob: call('getJob'),
  /** The path of a file the user dropped on the window (a user gesture: the only way a path is given). */
  pathForFile: (file: File): string => webUtils.getPathForFile(file),
  onEvent: (listener: (e: unknown) => void): void => {
    ipcRenderer.on(EVENT_CHANNEL, (_event, e: unknown) => listener(e));
  },
};

contextBridge.exposeInMainWorld('tessera', api);
