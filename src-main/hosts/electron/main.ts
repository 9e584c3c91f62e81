/**
 * The Electron main process: one window (single instance, secure defaults), the menu, the engine
 * and its worker threads, the IPC handlers (the same request handler the web host serves) and the
 * native open and save dialogs.
 */
import { app, BrowserWindow, dialog, ipcMain, Menu, session, shell } from 'electron';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import workerPath from '../../engine/worker?modulePath';
import moduleHooksPath from '../../engine/user-modules/ts-hooks?modulePath';
import bagKindsPath from '../../collections/bag/kinds/bag-program?modulePath';
import bagTableKindPath from '../../run/bag-tables/bag-table-kind?modulePath';
import { setWorkerModule } from '../../engine/task-kinds.js';
import '../../collections/bag/index.js';
import { Engine } from '../../engine/engine.js';
import { FileAccess } from '../../service/file-access.js';
import { JobService } from '../../service/job-service.js';
import { registerDialogs } from './dialogs.js';
import { registerIpc } from './ipc.js';
import { menuTemplate, sendMenuAction } from './menu.js';
import { applySessionSecurity, secureWebPreferences } from './security.js';

function createWindow(): BrowserWindow {
  const win = new BrowserWindow({
    width: 1280,
    height: 900,
    title: 'Tessera',
    // The window's icon on Linux and Windows (macOS takes the bundle's); drawn by scripts/make-icon.mjs.
    icon: join(import.meta.dirname, '../../resources/icon.png'),
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
    const workerUrl = pathToFileURL(workerPath);
    const moduleHooksUrl = pathToFileURL(moduleHooksPath);
    // The bag kinds' modules, built apart as the worker is: workers import them for bag jobs.
    for (const kind of ['bag_partition', 'bag_combine']) setWorkerModule(kind, pathToFileURL(bagKindsPath).href);
    setWorkerModule('bag_table', pathToFileURL(bagTableKindPath).href);
    const engine = await Engine.start({ workerUrl, moduleHooksUrl });
    // Jobs from the window read files the user dropped or opened, and the app's data folder.
    const dataDir = join(app.getPath('userData'), 'data');
    const service = new JobService(engine, {
      host: 'electron', dataDir, baseDir: app.getPath('home'),
      startEngine: (o) => Engine.start({ ...o, workerUrl, moduleHooksUrl }), fileAccess: await FileAccess.create([dataDir]),
    });
    const win = createWindow();
    const isAppWindow = (sender: Electron.WebContents) => sender === win.webContents;
    registerIpc(ipcMain, service, isAppWindow);
    registerDialogs(ipcMain, service, dialog, isAppWindow);
    Menu.setApplicationMenu(Menu.buildFromTemplate(menuTemplate((action) => sendMenuAction(win.webContents, action))));
    app.on('before-quit', () => void service.close().then(() => engine.close()));
  });
  app.on('window-all-closed', () => app.quit());
}
