/**
 * The window's security settings, in one place: context isolation and the sandbox on, no Node in
 * the renderer, no remote content, and a strict Content-Security-Policy on every response.
 */
import type { BrowserWindowConstructorOptions, Session } from 'electron';
import { contentSecurityPolicy } from '../csp.js';

export const CONTENT_SECURITY_POLICY = contentSecurityPolicy();

export function secureWebPreferences(preload: string): BrowserWindowConstructorOptions['webPreferences'] {
  return {
    preload,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    spellcheck: false,
  };
}

export function applySessionSecurity(session: Session): void {
  session.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } });
  });
  session.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
}
