/**
 * The Content-Security-Policy of the window, for both hosts: only the app's own scripts, no
 * eval, no plugins, no framing; `connect` adds the origins the window may talk to (the web host's
 * WebSocket). src-renderer/index.html carries the same policy as a meta tag for file:// loads.
 */
export function contentSecurityPolicy(connect: string[] = []): string {
  return `default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src ${["'self'", ...connect].join(' ')}; object-src 'none'; base-uri 'none'; frame-ancestors 'none'`;
}
