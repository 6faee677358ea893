// Browser mode: the same handlers as the Electron IPC binding, over HTTP + WebSocket on 127.0.0.1.
import { randomUUID } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { basename, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { WebSocketServer, type WebSocket } from 'ws';
import { toErrorData } from '../api/errors.js';
import { closeIfUnread, decodePath, guardServer, readJson, refuseUpgrade, requestUrl, safeUpgrade, tooLarge } from '../util/http-guard.js';
import { byteLimit } from '../util/byte-limit.js';
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

function refuse(res: ServerResponse, status: 400 | 401 | 403 | 404 | 405 | 413, title: string, detail: string): void {
  closeIfUnread(res.req, res);
  const error = { code: `HTTP_${status}`, title, detail };
  send(res, status, { ok: false, error } satisfies Envelope<never>);
}

export async function startBrowserServer(opts: ServeOptions): Promise<BrowserServer> {
  const { core } = opts;
  const token = opts.token ?? newToken();
  const maxJson = opts.maxJsonBytes ?? 10 * 1024 * 1024;
  const maxUpload = opts.maxUploadBytes ?? 4 * 1024 * 1024 * 1024;
  const uploads = join(core.home, 'uploads');
  rmSync(uploads, { recursive: true, force: true });
  mkdirSync(uploads, { recursive: true, mode: 0o700 });
  let port = 0;

  const server: Server = createServer((req, res) => {
    void handle(req, res).catch((err) => {
      if (!res.headersSent) send(res, 500, { ok: false, error: toErrorData(err) });
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = requestUrl(req, `http://127.0.0.1:${port}`);
    res.setHeader('Content-Security-Policy', csp(port));
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('X-Frame-Options', 'DENY');
    if (!url) return refuse(res, 400, 'Malformed request', 'The request URL does not parse.');
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
      const channel = decodePath(url.pathname.slice(5));
      if (channel === null) return refuse(res, 400, 'Malformed request', 'The channel name in the path is not valid percent-encoding.');
      let input: unknown;
      try {
        input = await readJson(req, { maxBytes: maxJson, deadlineMs: 60_000 });
      } catch (err) {
        const error = toErrorData(err);
        if (error.code === 'BODY_TOO_LARGE') return refuse(res, 413, error.title, error.detail);
        closeIfUnread(req, res);
        return send(res, 200, { ok: false, error });
      }
      return send(res, 200, await core.call(channel, input));
    }
    if (url.pathname === '/upload') {
      if (req.method !== 'POST') return refuse(res, 405, 'Use POST', 'Upload the file as the body of a POST.');
      try {
        return send(res, 200, await receiveUpload(req, url));
      } catch (err) {
        const error = toErrorData(err);
        if (error.code === 'BODY_TOO_LARGE') return refuse(res, 413, 'File too large', error.detail);
        closeIfUnread(req, res);
        return send(res, 200, { ok: false, error });
      }
    }
    if (req.method !== 'GET') return refuse(res, 405, 'Method not allowed', 'Only GET serves files.');
    const served = serveStatic(opts.rendererDir, url.pathname, res);
    if (served === 'bad-path') return refuse(res, 400, 'Malformed path', 'The path is not valid percent-encoding.');
    if (served) return;
    if (!existsSync(join(opts.rendererDir, 'index.html'))) {
      return refuse(res, 404, 'The console UI is not built', 'Run `npm run build` and start again.');
    }
    return refuse(res, 404, 'Not found', `${url.pathname} is not part of the console.`);
  }

  async function receiveUpload(req: IncomingMessage, url: URL): Promise<Envelope<{ path: string }>> {
    const name = basename(url.searchParams.get('name') ?? 'upload').replace(/[^\w.-]+/g, '_') || 'upload';
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > maxUpload) throw tooLarge(maxUpload);
    const dir = join(uploads, randomUUID());
    mkdirSync(dir, { mode: 0o700 });
    const path = join(dir, name);
    try {
      // A chunked body declares no length: count what arrives.
      await pipeline(req, byteLimit(maxUpload), createWriteStream(path, { flags: 'wx', mode: 0o600 }));
      return { ok: true, result: { path } };
    } catch (err) {
      rmSync(dir, { recursive: true, force: true });
      throw err;
    }
  }

  // The UI never sends on the event socket; nothing it could send needs more than this.
  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  const sockets = new Set<WebSocket>();
  server.on(
    'upgrade',
    safeUpgrade((req, socket, head) => {
      const url = requestUrl(req, `http://127.0.0.1:${port}`);
      if (!url || url.pathname !== '/ws' || !originAllowed(req, port) || !tokenMatches(req, url, token)) return refuseUpgrade(socket, '401 Unauthorized');
      (socket as Socket).setTimeout(0);
      wss.handleUpgrade(req, socket, head, (ws) => {
        sockets.add(ws);
        ws.on('close', () => sockets.delete(ws));
        ws.on('error', () => sockets.delete(ws));
      });
    }),
  );
  const unsubscribe = core.bus.on((event, payload) => {
    const text = JSON.stringify({ event, payload });
    for (const ws of sockets) if (ws.readyState === ws.OPEN) ws.send(text);
  });

  guardServer(server);
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
