/**
 * The Electron main process: one window (single instance, secure defaults), the engine and its
 * worker threads, and the IPC handlers — the same request handler the web host serves.
 */
import { app, BrowserWindow, ipcMain, session, shell } from 'electron';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import workerPath from '../../engine/worker?modulePath';
import { Engine } from '../../engine/engine.js';
import { JobService } from '../../service/job-service.js';
import { registerIpc } from './ipc.js';
import { applySessionSecurity, secureWebPreferences } from './security.js';

function createWindow(): BrowserWindow {
  const win = new BrowserWindow({
    width: 1280,
    height: 900,
    title: 'Tessera',
    webPreferences: secureWebPreferences(join(import.meta.dirname, '../preload/preload.cjs')),
  });
  // No navigation away from the app; links open in the user's browser.
  win.webContents.on('will-navigate', (e) => e.preventDefault());
  win.webContents.setWindowOpenHandler(({ url }) => {
    if (url.startsWith('https://')) void shell.openExternal(url);
    return { action: 'deny' };
  });
  const devUrl = process.env.ELECTRON_RENDERER_URL;
  if (devUrl) void win.loadURL(devUrl);
  else void win.loadFile(join(import.meta.dirname, '../renderer/index.html'));
  return win;
}

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => BrowserWindow.getAllWindows()[0]?.focus());
  void app.whenReady().then(async () => {
    applySessionSecurity(session.defaultSession);
    const engine = await Engine.start({ workerUrl: pathToFileURL(workerPath) });
    const service = new JobService(engine, { host: 'electron', dataDir: join(app.getPath('userData'), 'data'), baseDir: app.getPath('home') });
    const win = createWindow();
    registerIpc(ipcMain, service, (sender) => sender === win.webContents);
    app.on('before-quit', () => void engine.close());
  });
  app.on('window-all-closed', () => app.quit());
}
