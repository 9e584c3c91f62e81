/**
 * The web host's gatekeeping: it listens on 127.0.0.1 only, every launch has a fresh token, the
 * Host header must name this server (against DNS rebinding), and WebSocket upgrades must come from
 * this server's own origin with the token's cookie.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { contentSecurityPolicy } from '../csp.js';

export const COOKIE = 'tessera_token';

export function newToken(): string {
  return randomBytes(24).toString('hex');
}

export function allowedHosts(port: number): string[] {
  return [`127.0.0.1:${port}`, `localhost:${port}`];
}

export function hostAllowed(req: IncomingMessage, port: number): boolean {
  return allowedHosts(port).includes(req.headers.host ?? '');
}

export function originAllowed(req: IncomingMessage, port: number): boolean {
  const origin = req.headers.origin;
  return origin !== undefined && allowedHosts(port).map((h) => `http://${h}`).includes(origin);
}

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a), y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function cookieToken(req: IncomingMessage): string | null {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, v] = part.trim().split('=');
    if (k === COOKIE && v) return v;
  }
  return null;
}

export function tokenAllowed(req: IncomingMessage, token: string, fromQuery?: string | null): boolean {
  const given = fromQuery ?? cookieToken(req);
  return given !== null && sameToken(given, token);
}

/** The window's policy, allowed to open this host's own WebSocket. */
export function webContentSecurityPolicy(port: number): string {
  return contentSecurityPolicy(allowedHosts(port).map((h) => `ws://${h}`));
}
