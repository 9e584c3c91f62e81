/**
 * The preload script: the only bridge between the renderer and the main process. It exposes named
 * functions of the API contract and nothing else (no ipcRenderer, no Node). The desktop issue adds
 * the job functions; for now the renderer can ask which Tessera it runs in.
 */
import { contextBridge } from 'electron';

contextBridge.exposeInMainWorld('tessera', {
  host: 'electron' as const,
});
