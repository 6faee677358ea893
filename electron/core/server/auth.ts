import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export const cookieName = 'ef_token';

export function newToken(): string {
  return randomBytes(24).toString('base64url');
}

function same(a: string, b: string): boolean {
  const ba = Buffer.from(a);
  const bb = Buffer.from(b);
  return ba.length === bb.length && timingSafeEqual(ba, bb);
}

/** The token a request presents: Authorization header, ?token= query, or the session cookie. */
export function presentedToken(req: IncomingMessage, url: URL): string | null {
  const auth = req.headers.authorization;
  if (auth?.startsWith('Bearer ')) return auth.slice(7).trim();
  const q = url.searchParams.get('token');
  if (q) return q;
  const cookie = req.headers.cookie ?? '';
  for (const part of cookie.split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === cookieName) return v.join('=');
  }
  return null;
}

export function tokenMatches(req: IncomingMessage, url: URL, token: string): boolean {
  const t = presentedToken(req, url);
  return t !== null && same(t, token);
}

/**
 * Only pages served by this server may call it: a foreign Origin (another site open in the same browser)
 * and a foreign Host (DNS rebinding) are refused. Requests without Origin (CLI tools, curl) pass on the token alone.
 */
export function originAllowed(req: IncomingMessage, port: number): boolean {
  const allowedHosts = [`127.0.0.1:${port}`, `localhost:${port}`];
  if (!req.headers.host || !allowedHosts.includes(req.headers.host)) return false;
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  return allowedHosts.some((h) => origin === `http://${h}`);
}
