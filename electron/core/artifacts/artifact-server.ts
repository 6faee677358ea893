// A content-addressed artifact server: GET and HEAD /sha256/<64 hex> from the registry's artifact
// store, with single-range requests so devices resume a pull from their durable offset. Nothing else
// is served: no listing, no other path, no file outside the store (the name is a digest, checked by
// its pattern, never a path a client chooses). Devices trust the bytes because they check the signed
// manifest before and the sha256 after, so plain HTTP is enough where confidentiality is not needed.
import { promises as fsp, readFileSync } from 'node:fs';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import { artifactPath } from '../registry/artifact-store.js';
import { parseRange } from './byte-range.js';

export interface ArtifactServerOptions {
  home: string;
  /** Address to listen on (default 127.0.0.1). */
  host?: string;
  /** Port (default 0: a free one). */
  port?: number;
  /** Serve HTTPS with this certificate and key (PEM files). */
  tls?: { certFile: string; keyFile: string };
  /** Called once per answered request (for logs, tests and the bench). */
  onRequest?: (r: ArtifactRequestLog) => void;
}

export interface ArtifactRequestLog {
  method: string;
  path: string;
  range: string | null;
  status: number;
  /** Body bytes sent (0 for HEAD and errors). */
  bytes: number;
}

export interface ArtifactServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

const pathPattern = /^\/sha256\/([0-9a-fA-F]{64})$/;

export async function startArtifactServer(o: ArtifactServerOptions): Promise<ArtifactServer> {
  const handler = (req: IncomingMessage, res: ServerResponse) => void serve(o, req, res);
  const server = o.tls ? https.createServer({ cert: readFileSync(o.tls.certFile), key: readFileSync(o.tls.keyFile) }, handler) : http.createServer(handler);
  const host = o.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  // A wildcard address is no place to connect to: name this host instead.
  const shown = host === '0.0.0.0' || host === '::' ? os.hostname() : host.includes(':') ? `[${host}]` : host;
  return {
    url: `${o.tls ? 'https' : 'http'}://${shown}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function serve(o: ArtifactServerOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const method = req.method ?? 'GET';
  const urlPath = (req.url ?? '/').split('?')[0];
  const range = typeof req.headers.range === 'string' ? req.headers.range : null;
  let bytes = 0;
  const done = (status: number) => o.onRequest?.({ method, path: urlPath, range, status, bytes });
  const fail = (status: number, text: string, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(text), ...headers });
    res.end(method === 'HEAD' ? undefined : text);
    done(status);
  };
  if (method !== 'GET' && method !== 'HEAD') return fail(405, `${method} is not allowed: this server only answers GET and HEAD.\n`, { Allow: 'GET, HEAD' });
  const m = pathPattern.exec(urlPath);
  if (!m) return fail(400, 'Artifacts are served at /sha256/<64 hex digits of the sha256>.\n');
  const sha256 = m[1].toLowerCase();
  let fh: fsp.FileHandle;
  try {
    fh = await fsp.open(artifactPath(o.home, sha256), 'r');
  } catch {
    return fail(404, `No artifact with sha256 ${sha256} in this registry.\n`);
  }
  let handedOver = false;
  try {
    const stat = await fh.stat();
    if (!stat.isFile()) return fail(404, `No artifact with sha256 ${sha256} in this registry.\n`);
    const size = stat.size;
    const common = { 'Accept-Ranges': 'bytes', ETag: `"${sha256}"`, 'Cache-Control': 'public, max-age=31536000, immutable' };
    if (req.headers['if-none-match']?.split(',').some((t) => t.trim().replace(/^W\//, '') === `"${sha256}"`)) {
      res.writeHead(304, common);
      res.end();
      return done(304);
    }
    // If-Range with another validator: the whole file, as RFC 9110 says.
    const ifRange = req.headers['if-range'];
    const r = range !== null && (ifRange === undefined || ifRange === `"${sha256}"`) ? parseRange(range, size) : null;
    if (r === 'unsatisfiable') return fail(416, `The range ${range} is outside the artifact's ${size} bytes.\n`, { ...common, 'Content-Range': `bytes */${size}` });
    const start = r ? r.start : 0;
    const end = r ? r.end : size - 1; // inclusive
    const length = end - start + 1;
    res.writeHead(r ? 206 : 200, {
      ...common,
      'Content-Type': 'application/octet-stream',
      'Content-Length': String(length),
      ...(r ? { 'Content-Range': `bytes ${start}-${end}/${size}` } : {}),
    });
    if (method === 'HEAD' || length === 0) {
      res.end();
      return done(r ? 206 : 200);
    }
    // The stream reads from the handle opened above (no second lookup of the name) and closes it.
    handedOver = true;
    const body = fh.createReadStream({ start, end, highWaterMark: 1 << 20 });
    body.on('data', (c) => (bytes += (c as Buffer).length));
    body.pipe(res);
    await new Promise<void>((resolve) => {
      res.once('close', resolve);
      body.once('error', () => {
        res.destroy();
        resolve();
      });
    });
    body.destroy();
    done(r ? 206 : 200);
  } finally {
    if (!handedOver) await fh.close();
  }
}
