/**
 * The Electron main process: one window, single instance, secure defaults. The desktop issue adds
 * the job service, IPC handlers and menus; until then the window shows the placeholder renderer.
 */
import { app, BrowserWindow, session, shell } from 'electron';
import { join } from 'node:path';
import { applySessionSecurity, secureWebPreferences } from './security.js';

function createWindow(): BrowserWindow {
  const win = new BrowserWindow({
    width: 1280,
    height: 800,
    title: 'Tessera',
    webPreferences: secureWebPreferences(join(import.meta.dirname, '../preload/preload.cjs')),
  });
  // No navigation away from the app, and links open in the user's browser.
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
  void app.whenReady().then(() => {
    applySessionSecurity(session.defaultSession);
    createWindow();
  });
  app.on('window-all-closed', () => app.quit());
}
