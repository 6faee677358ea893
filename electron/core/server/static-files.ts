import { createReadStream, existsSync, statSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { decodePath } from '../util/http-guard.js';

const types: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
};

/** Serves a file under root; false when the path is outside root or absent, 'bad-path' when it does not decode. */
export function serveStatic(root: string, urlPath: string, res: ServerResponse): boolean | 'bad-path' {
  const decoded = decodePath(urlPath);
  if (decoded === null || decoded.includes('\0')) return 'bad-path';
  const rel = urlPath === '/' ? 'index.html' : decoded.replace(/^\/+/, '');
  const file = normalize(join(root, rel));
  if (!file.startsWith(root + sep) && file !== root) return false;
  if (!existsSync(file) || !statSync(file).isFile()) return false;
  res.writeHead(200, {
    'Content-Type': types[extname(file)] ?? 'application/octet-stream',
    'Cache-Control': rel === 'index.html' ? 'no-store' : 'max-age=3600',
  });
  // A file removed or unreadable after the check: end this response, not the process.
  createReadStream(file)
    .on('error', () => res.destroy())
    .pipe(res);
  return true;
}
