// Browser mode: the same handlers as the Electron IPC binding, over HTTP + WebSocket on 127.0.0.1.
import { randomUUID } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, rmSync, unlinkSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { basename, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { WebSocketServer, type WebSocket } from 'ws';
import { AppError, toErrorData } from '../api/errors.js';
import type { Envelope } from '../api/contract.js';
import type { Core } from '../core.js';
import { cookieName, newToken, originAllowed, tokenMatches } from './auth.js';
import { serveStatic } from './static-files.js';

export interface BrowserServer {
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

export interface ServeOptions {
  core: Core;
  rendererDir: string;
  port?: number;
  host?: '127.0.0.1';
  token?: string;
  maxJsonBytes?: number;
  maxUploadBytes?: number;
}

const csp = (port: number) =>
  [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    `connect-src 'self' ws://127.0.0.1:${port} ws://localhost:${port}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
  res.end(text);
}

function refuse(res: ServerResponse, status: 401 | 403 | 404 | 405 | 413, title: string, detail: string): void {
  const error = { code: `HTTP_${status}`, title, detail };
  send(res, status, { ok: false, error } satisfies Envelope<never>);
}

async function readJson(req: IncomingMessage, limit: number): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new AppError('TOO_LARGE', 'Request too large', `Requests are limited to ${limit} bytes.`);
    chunks.push(chunk as Buffer);
  }
  if (size === 0) return {};
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new AppError('INVALID_JSON', 'Invalid request', 'The request body is not valid JSON.');
  }
}

export async function startBrowserServer(opts: ServeOptions): Promise<BrowserServer> {
  const { core } = opts;
  const token = opts.token ?? newToken();
  const maxJson = opts.maxJsonBytes ?? 10 * 1024 * 1024;
  const maxUpload = opts.maxUploadBytes ?? 4 * 1024 * 1024 * 1024;
  const uploads = join(core.home, 'uploads');
  rmSync(uploads, { recursive: true, force: true });
  mkdirSync(uploads, { recursive: true });
  let port = 0;

  const server: Server = createServer((req, res) => {
    void handle(req, res).catch((err) => {
      if (!res.headersSent) send(res, 500, { ok: false, error: toErrorData(err) });
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
    res.setHeader('Content-Security-Policy', csp(port));
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('X-Frame-Options', 'DENY');
    if (!originAllowed(req, port)) {
      return refuse(res, 403, 'Forbidden origin', 'Only pages served by this EdgeFleet console may call it.');
    }
    if (!tokenMatches(req, url, token)) {
      return refuse(res, 401, 'Unauthorized', 'Open the URL printed by `edgefleet serve`: it carries the access token.');
    }
    if (url.searchParams.has('token') && req.method === 'GET') {
      res.setHeader('Set-Cookie', `${cookieName}=${token}; HttpOnly; SameSite=Strict; Path=/`);
    }
    if (url.pathname.startsWith('/api/')) {
      if (req.method !== 'POST') return refuse(res, 405, 'Use POST', 'API requests are POST with a JSON body.');
      const channel = decodeURIComponent(url.pathname.slice(5));
      let input: unknown;
      try {
        input = await readJson(req, maxJson);
      } catch (err) {
        return send(res, 200, { ok: false, error: toErrorData(err) });
      }
      return send(res, 200, await core.call(channel, input));
    }
    if (url.pathname === '/upload') {
      if (req.method !== 'POST') return refuse(res, 405, 'Use POST', 'Upload the file as the body of a POST.');
      return send(res, 200, await receiveUpload(req, url));
    }
    if (req.method !== 'GET') return refuse(res, 405, 'Method not allowed', 'Only GET serves files.');
    if (serveStatic(opts.rendererDir, url.pathname, res)) return;
    if (!existsSync(join(opts.rendererDir, 'index.html'))) {
      return refuse(res, 404, 'The console UI is not built', 'Run `npm run build` and start again.');
    }
    return refuse(res, 404, 'Not found', `${url.pathname} is not part of the console.`);
  }

  async function receiveUpload(req: IncomingMessage, url: URL): Promise<Envelope<{ path: string }>> {
    const name = basename(url.searchParams.get('name') ?? 'upload').replace(/[^\w.-]+/g, '_') || 'upload';
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > maxUpload) {
      req.resume();
      return { ok: false, error: { code: 'TOO_LARGE', title: 'File too large', detail: `Uploads are limited to ${maxUpload} bytes.` } };
    }
    const dir = join(uploads, randomUUID());
    mkdirSync(dir);
    const path = join(dir, name);
    try {
      await pipeline(req, createWriteStream(path, { flags: 'wx' }));
      return { ok: true, result: { path } };
    } catch (err) {
      if (existsSync(path)) unlinkSync(path);
      return { ok: false, error: toErrorData(err) };
    }
  }

  const wss = new WebSocketServer({ noServer: true });
  const sockets = new Set<WebSocket>();
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
    if (url.pathname !== '/ws' || !originAllowed(req, port) || !tokenMatches(req, url, token)) {
      socket.write('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\n\r\n');
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.add(ws);
      ws.on('close', () => sockets.delete(ws));
      ws.on('error', () => sockets.delete(ws));
    });
  });
  const unsubscribe = core.bus.on((event, payload) => {
    const text = JSON.stringify({ event, payload });
    for (const ws of sockets) if (ws.readyState === ws.OPEN) ws.send(text);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}/?token=${token}`;

  return {
    url,
    port,
    token,
    async close() {
      unsubscribe();
      for (const ws of sockets) ws.terminate();
      wss.close();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}
