// What every EdgeFleet HTTP server (the agent's HTTPS API and inference endpoint, the console's
// browser mode) does with hostile input: a URL that does not parse, a request line or header Node
// refuses, a body larger than the route allows or slower than it should be, all end as a 4xx or a
// closed connection, and nothing thrown inside a request or socket handler reaches the process.
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { AppError } from '../api/errors.js';

export interface GuardOptions {
  /** Time allowed for a client to send its request line and headers. */
  headersTimeoutMs?: number;
  /** Sockets idle (nothing sent either way) for this long are closed. */
  idleTimeoutMs?: number;
  /** Connections held at once; more are refused by the kernel backlog and then dropped. */
  maxConnections?: number;
}

/** Sets the limits Node leaves open by default and answers malformed requests without a stack trace. */
export function guardServer(server: Server, opts: GuardOptions = {}): void {
  server.headersTimeout = opts.headersTimeoutMs ?? 15_000;
  // Bodies get their own deadlines per route (readBody, uploads): a whole-request limit would cut slow uploads.
  server.requestTimeout = 0;
  server.timeout = opts.idleTimeoutMs ?? 120_000;
  server.keepAliveTimeout = 5_000;
  server.maxConnections = opts.maxConnections ?? 256;
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
    if (!socket.writable || err.code === 'ECONNRESET') return void socket.destroy();
    const status = err.code === 'HPE_HEADER_OVERFLOW' ? '431 Request Header Fields Too Large' : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? '408 Request Timeout' : '400 Bad Request';
    socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    endSoon(socket);
  });
  // A TLS handshake from a port scanner or a client with the wrong protocol: drop it quietly.
  server.on('tlsClientError', (_err: Error, socket: Duplex) => socket.destroy());
}

/** Closes a socket once what was written to it has gone out. */
function endSoon(socket: Duplex): void {
  const s = socket as Duplex & Partial<Pick<Socket, 'destroySoon'>>;
  if (s.destroySoon) s.destroySoon();
  else socket.end();
}

/** The request's URL, or null when it does not parse (`//:99999`, `http://[zz]/`). */
export function requestUrl(req: IncomingMessage, base: string): URL | null {
  try {
    return new URL(req.url ?? '/', base);
  } catch {
    return null;
  }
}

/** decodeURIComponent that returns null for malformed escapes (`%`, `%zz`, a lone surrogate). */
export function decodePath(text: string): string | null {
  try {
    return decodeURIComponent(text);
  } catch {
    return null;
  }
}

export function badUrl(): AppError {
  return new AppError('REQUEST_INVALID', 'Malformed request', 'The request URL does not parse. Check the address and try again.');
}

/**
 * Runs an upgrade handler so that nothing it throws escapes the socket event: any throw closes the
 * socket with a 400 instead of ending the process.
 */
export function safeUpgrade(handler: (req: IncomingMessage, socket: Duplex, head: Buffer) => void): (req: IncomingMessage, socket: Duplex, head: Buffer) => void {
  return (req, socket, head) => {
    socket.on('error', () => socket.destroy());
    try {
      handler(req, socket, head);
    } catch {
      refuseUpgrade(socket, '400 Bad Request');
    }
  };
}

export function refuseUpgrade(socket: Duplex, status: string): void {
  if (socket.writable) socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  endSoon(socket);
  setTimeout(() => socket.destroy(), 1000).unref();
}

export interface BodyLimits {
  maxBytes: number;
  /** The whole body must arrive within this time (a slow body holds memory and a socket). */
  deadlineMs?: number;
}

export function tooLarge(limit: number): AppError {
  return new AppError('BODY_TOO_LARGE', 'Request too large', `This request's body is limited to ${limit} bytes. Send less, or split the work.`);
}

/**
 * Reads a whole body up to a limit. A declared Content-Length over the limit is refused before a byte
 * is read; a chunked body is counted as it arrives and refused the moment it passes the limit; reading
 * stops there (the caller's answer closes the connection, see sendAndClose).
 */
export function readBody(req: IncomingMessage, limits: BodyLimits): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limits.maxBytes) return Promise.reject(tooLarge(limits.maxBytes));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const timer = setTimeout(() => {
      stop();
      reject(new AppError('REQUEST_TIMEOUT', 'Request too slow', `The body did not arrive within ${Math.round((limits.deadlineMs ?? 0) / 1000)} s. Check the link and send again.`));
    }, limits.deadlineMs ?? 30_000);
    const onData = (c: Buffer) => {
      size += c.length;
      if (size > limits.maxBytes) {
        stop();
        reject(tooLarge(limits.maxBytes));
        return;
      }
      chunks.push(c);
    };
    const onEnd = () => {
      stop();
      resolve(Buffer.concat(chunks));
    };
    const onError = (err: Error) => {
      stop();
      reject(err);
    };
    // A client that went away mid-body: give its slot back now, not at the deadline.
    const onClose = () => {
      if (req.complete) return;
      stop();
      reject(new AppError('REQUEST_ABORTED', 'Request abandoned', 'The client closed the connection before its body arrived.'));
    };
    const stop = () => {
      clearTimeout(timer);
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
      req.pause();
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
  });
}

/** JSON that nests deeper than this is refused before it is parsed. */
export const maxJsonDepth = 64;

/** Parses JSON, refusing text that is not JSON or nests deeper than maxJsonDepth (a stack-overflow lever). */
export function parseJsonBody(body: Buffer): unknown {
  if (body.length === 0) return {};
  const text = body.toString('utf8');
  if (jsonDepth(text) > maxJsonDepth) {
    throw new AppError('REQUEST_INVALID', 'Request nested too deeply', `JSON bodies may nest at most ${maxJsonDepth} levels.`);
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new AppError('REQUEST_INVALID', 'Malformed JSON', 'The request body is not valid JSON.');
  }
}

/** Bracket depth of JSON text, ignoring brackets inside strings. */
export function jsonDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) max = Math.max(max, ++depth);
    else if (c === 0x7d || c === 0x5d) depth--;
  }
  return max;
}

/** A refused body's connection is closed this long after the answer, whatever the client does. */
const lingerMs = 2000;

/**
 * Marks a response as the last on its connection when the request's body was not read to its end: the
 * server must not read the rest (it may be gigabytes from a stranger) just to keep the connection alive.
 * Node ends such a response with socket.destroySoon(), which closes the descriptor as soon as the answer
 * is written; with input still unread the kernel then resets the connection, and the reset can overtake
 * the answer. So this socket's close lingers instead: it stops reading, half-closes, and closes later.
 */
export function closeIfUnread(req: IncomingMessage, res: ServerResponse): void {
  if (req.complete) return;
  if (!res.headersSent) res.setHeader('Connection', 'close');
  // A request destroyed by a failed pipeline (an upload over its limit) has let go of its socket; the response still holds it.
  const socket = req.socket ?? res.socket;
  if (!socket) return;
  socket.destroySoon = () => {
    socket.pause();
    socket.end();
    const timer = setTimeout(() => socket.destroy(), lingerMs);
    timer.unref();
    socket.once('close', () => clearTimeout(timer));
  };
}

/** Media type of a request without parameters, lower case: `application/json; charset=utf-8` gives `application/json`. */
export function mediaType(req: IncomingMessage): string {
  return (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
}

/** readBody, then parseJsonBody. */
export async function readJson(req: IncomingMessage, limits: BodyLimits): Promise<unknown> {
  return parseJsonBody(await readBody(req, limits));
}
