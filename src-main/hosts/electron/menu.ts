/**
 * The application menu. Items that act on the window's state (open data sets, export the current
 * job's trace) are sent to the renderer as named actions; it calls back through the preload, so
 * every action has one path whether it starts from the menu or from a button.
 */
import type { MenuItemConstructorOptions, WebContents } from 'electron';

export const MENU_CHANNEL = 'tessera:menu';
export type MenuAction = 'open-datasets' | 'open-functions' | 'export-trace' | 'run' | 'cancel';

export function menuTemplate(send: (action: MenuAction) => void, platform: string = process.platform): MenuItemConstructorOptions[] {
  const mac = platform === 'darwin';
  return [
    ...(mac ? [{ role: 'appMenu' as const }] : []),
    {
      label: 'File',
      submenu: [
        { label: 'Open Data Sets…', accelerator: 'CmdOrCtrl+O', click: () => send('open-datasets') },
        { label: 'Open Functions Module…', click: () => send('open-functions') },
        { label: 'Export Trace…', accelerator: 'CmdOrCtrl+E', click: () => send('export-trace') },
        { type: 'separator' },
        mac ? { role: 'close' } : { role: 'quit' },
      ],
    },
    {
      label: 'Job',
      submenu: [
        { label: 'Run', accelerator: 'CmdOrCtrl+Enter', click: () => send('run') },
        { label: 'Cancel', accelerator: 'CmdOrCtrl+.', click: () => send('cancel') },
      ],
    },
    { role: 'editMenu' },
    {
      label: 'View',
      submenu: [{ role: 'reload' }, { role: 'toggleDevTools' }, { type: 'separator' }, { role: 'resetZoom' }, { role: 'zoomIn' }, { role: 'zoomOut' }, { type: 'separator' }, { role: 'togglefullscreen' }],
    },
  ];
}

/** Sends a menu action to the window, if it is still open. */
export function sendMenuAction(contents: WebContents, action: MenuAction): void {
  if (!contents.isDestroyed()) contents.send(MENU_CHANNEL, action);
}
