/**
 * The Electron shell without the Electron binary: its security settings (the module imports only
 * Electron's types) and the bundles electron-vite builds from it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY, secureWebPreferences } from '../src-main/hosts/electron/security.js';

describe('electron shell', () => {
  it('isolates the renderer: context isolation, sandbox, no Node, a strict CSP', () => {
    expect(secureWebPreferences('/p/preload.cjs')).toMatchObject({
      preload: '/p/preload.cjs', contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true, allowRunningInsecureContent: false,
    });
    expect(CONTENT_SECURITY_POLICY).toContain("default-src 'self'");
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self'");
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-eval|\*/);
  });

  it('is bundled with a CommonJS preload (a sandboxed renderer cannot load an ES-module preload)', () => {
    if (!existsSync('out/main/main.js')) throw new Error('run `npm run build:app` first (npm ci does)');
    expect(readFileSync('out/main/main.js', 'utf8')).toContain('preload.cjs');
    expect(existsSync('out/preload/preload.cjs')).toBe(true);
    expect(readFileSync('out/preload/preload.cjs', 'utf8')).toContain('contextBridge');
    expect(existsSync('out/renderer/index.html')).toBe(true);
  });
});
