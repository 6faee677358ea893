// The HTTPS binding of the device message model (see device-protocol/http/binding.ts), plus the
// authenticated WebSocket that pushes device events.
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { AppError } from '../../../electron/core/api/errors.js';
import { apiPrefix, eventsPath, maxJsonBody, offsetHeader, publicOps, readOnlyOps } from '../../device-protocol/http/binding.js';
import { isDeviceOp, type DeviceEvent } from '../../device-protocol/messages.js';
import type { DeviceAgent } from './device-agent.js';
import { sendError, sendJson } from './http-util.js';
import { badUrl, guardServer, readJson, refuseUpgrade, requestUrl, safeUpgrade } from '../../../electron/core/util/http-guard.js';
import type { Identity } from './identity.js';
import type { Pairing } from './pairing.js';

export interface HttpsApi {
  server: Server;
  port: number;
  close(): Promise<void>;
}

export async function startHttpsApi(agent: DeviceAgent, identity: Identity, pairing: Pairing, opts: { host: string; port: number }): Promise<HttpsApi> {
  // The events socket only pushes: a client's own frames are never larger than a ping.
  const wss = new WebSocketServer({ noServer: true, maxPayload: 4096 });
  const server = createServer({ key: identity.keyPem, cert: identity.certPem, minVersion: 'TLSv1.2' }, (req, res) => {
    void route(agent, pairing, req, res);
  });
  guardServer(server);
  server.on(
    'upgrade',
    safeUpgrade((req: IncomingMessage, socket: Duplex, head: Buffer) => {
      const url = requestUrl(req, 'https://device');
      if (!url || url.pathname !== eventsPath || !pairing.tokenValid(bearer(req))) return refuseUpgrade(socket, '401 Unauthorized');
      // The idle limit is for HTTP requests; an events socket may be quiet for long.
      (socket as Socket).setTimeout(0);
      const token = bearer(req);
      wss.handleUpgrade(req, socket, head, (ws) => subscribe(agent, ws, () => pairing.tokenValid(token)));
    }),
  );
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  return {
    server,
    port: typeof address === 'object' && address ? address.port : opts.port,
    close: async () => {
      for (const ws of wss.clients) ws.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** `authorized` is asked before each event: a stream opened before a re-pairing ends with its token. */
function subscribe(agent: DeviceAgent, ws: WebSocket, authorized: () => boolean): void {
  const send = (e: DeviceEvent) => {
    if (ws.readyState !== ws.OPEN) return;
    if (!authorized()) return ws.close(1008, 'token no longer valid');
    ws.send(JSON.stringify(e));
  };
  agent.on('event', send);
  ws.on('close', () => agent.off('event', send));
  ws.on('error', () => agent.off('event', send));
  send({ type: 'status', payload: agent.status() });
}

async function route(agent: DeviceAgent, pairing: Pairing, req: IncomingMessage, res: ServerResponse): Promise<void> {
  let authed = false;
  try {
    const url = requestUrl(req, 'https://device');
    if (!url) throw badUrl();
    authed = pairing.tokenValid(bearer(req));
    const op = url.pathname.startsWith(apiPrefix) ? url.pathname.slice(apiPrefix.length) : '';
    // Authentication comes before anything that would tell a stranger which paths exist.
    if (!(isDeviceOp(op) && publicOps.includes(op)) && !authed) {
      res.setHeader('WWW-Authenticate', 'Bearer');
      throw new AppError('UNAUTHORIZED', 'Not paired', 'This request needs the bearer token the device gave at pairing.');
    }
    if (!isDeviceOp(op)) throw new AppError('NOT_FOUND', 'Unknown operation', `${url.pathname} is not an operation of this device.`);
    if (req.method !== 'POST' && !(req.method === 'GET' && readOnlyOps.includes(op))) {
      throw new AppError('METHOD_NOT_ALLOWED', 'Wrong method', `Use POST ${url.pathname}.`);
    }
    if (op === 'upload-chunk') {
      req.setTimeout(idleUploadMs, () => req.destroy(new Error('upload stalled')));
      sendJson(res, 200, await agent.uploadStream(Number(req.headers[offsetHeader] ?? -1), req));
      return;
    }
    const request = await requestOf(req, url);
    const work = () => agent.handle(op, request, { source: req.socket.remoteAddress });
    sendJson(res, 200, longOps.has(op) ? await withoutIdleLimit(req.socket as Socket, work) : await work());
  } catch (err) {
    // A paired console's refused upload may leave body bytes unread: take them, so it reads the answer.
    // A stranger's unread body is not read: the connection closes after the answer.
    sendError(res, err, { drain: authed });
  }
}

/** Operations whose answer may take up to their own time budget (fl-train: up to an hour of training). */
const longOps: ReadonlySet<string> = new Set(['fl-train']);

/** The connection's idle limit (the server's timeout) is off while the device works on the answer, and back before it is sent. */
async function withoutIdleLimit<T>(socket: Socket, work: () => Promise<T>): Promise<T> {
  const idleMs = socket.timeout ?? 0;
  socket.setTimeout(0);
  try {
    return await work();
  } finally {
    if (!socket.destroyed) socket.setTimeout(idleMs);
  }
}

const idleUploadMs = 60_000;
/** A JSON request body (at most maxJsonBody) must arrive within this time. */
const bodyDeadlineMs = 20_000;

async function requestOf(req: IncomingMessage, url: URL): Promise<unknown> {
  if (req.method === 'GET') {
    const limit = url.searchParams.get('limit');
    return limit ? { limit: Number(limit) } : {};
  }
  return readJson(req, { maxBytes: maxJsonBody, deadlineMs: bodyDeadlineMs });
}

function bearer(req: IncomingMessage): string | null {
  const auth = req.headers.authorization;
  return auth?.startsWith('Bearer ') ? auth.slice(7).trim() : null;
}
