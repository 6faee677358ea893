// A seeded generator of hostile HTTP/1.1 requests (malformed request lines, URLs, headers, upgrades,
// oversized and chunked bodies) and a driver that fires them at a server over raw TCP or TLS sockets.
// The server's answer does not matter here; that the process survives every case does.
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { seededRandom, type Random } from '../../electron/core/util/seeded-random.js';

export interface FuzzTarget {
  port: number;
  tls: boolean;
  /** Paths the server knows, so that some cases get past routing. */
  paths: string[];
  /** Headers that make a case look legitimate (a token, a Host the server accepts). */
  goodHeaders?: Record<string, string>;
}

const evilUrls = [
  '//:99999',
  '//:99999/v1/events',
  '//[::1',
  '//user@:0/',
  'http://[zz]/',
  '/%',
  '/%zz',
  '/%E0%A4%A',
  '/%c0%af..%c0%af',
  '/..%2f..%2fetc%2fpasswd',
  '/%2e%2e/%2e%2e/etc/passwd',
  '/api/%',
  '/api/%ff',
  '*',
  '',
  '?',
  '#',
  '/\u0000',
  '/\ud800',
  '//',
  '/' + 'a'.repeat(9000),
  'http://evil.example/',
  'https://:/',
];
const methods = ['GET', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'HEAD', 'CONNECT', 'TRACE', 'PATCH', 'G ET', 'get', '', 'BREW', '\u00ff'];
const versions = ['HTTP/1.1', 'HTTP/1.0', 'HTTP/2.0', 'HTTP/9', 'HTTP/1.1 extra', '', 'HTTP/', 'HTTQ/1.1'];

function pick<T>(r: Random, xs: readonly T[]): T {
  return xs[Math.floor(r() * xs.length)]!;
}

function junk(r: Random, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += String.fromCharCode(Math.floor(r() * 256));
  return s;
}

function url(r: Random, t: FuzzTarget): string {
  const roll = r();
  if (roll < 0.4) return pick(r, evilUrls);
  const base = pick(r, t.paths);
  if (roll < 0.6) return base;
  if (roll < 0.8) return `${base}?${pick(r, ['limit=%', 'limit=-1', 'limit=1e309', 'token=', 'limit=' + '9'.repeat(400), '%%%', 'a=%zz'])}`;
  return base + junk(r, 1 + Math.floor(r() * 8)).replace(/[\r\n ]/g, '%');
}

function headers(r: Random, t: FuzzTarget, opts: { upgrade: boolean }): string[] {
  const h: string[] = [];
  if (r() < 0.8) h.push(`Host: ${pick(r, [`127.0.0.1:${t.port}`, 'localhost', 'evil.example', '', '[::1', ':::', 'a'.repeat(300)])}`);
  if (t.goodHeaders && r() < 0.6) for (const [k, v] of Object.entries(t.goodHeaders)) h.push(`${k}: ${v}`);
  if (opts.upgrade) {
    h.push('Connection: Upgrade', `Upgrade: ${pick(r, ['websocket', 'WebSocket', 'h2c', '', 'websocket, foo'])}`);
    if (r() < 0.7) h.push(`Sec-WebSocket-Key: ${pick(r, ['dGhlIHNhbXBsZSBub25jZQ==', '', 'short', junk(r, 24).replace(/[\r\n]/g, '')])}`);
    if (r() < 0.7) h.push(`Sec-WebSocket-Version: ${pick(r, ['13', '8', '', 'x'])}`);
  }
  const extras = Math.floor(r() * 4);
  for (let i = 0; i < extras; i++) {
    h.push(
      pick(r, [
        'Content-Type: application/json',
        'Content-Type: text/plain',
        'Content-Length: -1',
        'Content-Length: 1e3',
        'Content-Length: 99999999999999999999',
        'Content-Length: 5\r\nContent-Length: 6',
        'Transfer-Encoding: chunked, identity',
        'Transfer-Encoding: gzip',
        'Authorization: Bearer ',
        'Authorization: Bearer ' + 'A'.repeat(5000),
        'Origin: http://evil.example',
        'Origin: null',
        'Cookie: ef_token=; ef_token=x',
        'X-Edgefleet-Offset: -5',
        'X-Edgefleet-Offset: NaN',
        'Expect: 100-continue',
        'Bad Header: x',
        ': empty name',
        'X-Long: ' + 'x'.repeat(20000),
        'X-Bin: ' + junk(r, 16).replace(/[\r\n]/g, ''),
      ]),
    );
  }
  return h;
}

function body(r: Random): string {
  return pick(r, [
    '',
    '{}',
    '{',
    'null',
    '[]',
    '"x"',
    '{"inputs":{"input":{"dims":[1,3,32,32],"data":"!!"}}}',
    '{"inputs":{"input":{"dims":[99999999,99999999],"data":""}}}',
    '{"code":"AAAAAAAA","consolePublicKey":"x","consoleName":"y"}',
    '{"__proto__":{"polluted":1}}',
    '['.repeat(20000) + ']'.repeat(20000),
    '{"a":'.repeat(5000) + '1' + '}'.repeat(5000),
    junk(r, 64),
  ]);
}

/** One hostile request as raw bytes. Deterministic for a given seed and index. */
export function hostileRequest(seed: number, index: number, t: FuzzTarget): Buffer {
  const r = seededRandom(seed * 100_003 + index);
  const kind = r();
  if (kind < 0.08) return Buffer.from(junk(r, 1 + Math.floor(r() * 200)), 'latin1');
  const upgrade = kind < 0.3;
  const method = upgrade ? 'GET' : r() < 0.7 ? pick(r, ['GET', 'POST']) : pick(r, methods);
  const version = r() < 0.85 ? 'HTTP/1.1' : pick(r, versions);
  const line = `${method} ${url(r, t)} ${version}`;
  const h = headers(r, t, { upgrade });
  const b = method === 'POST' || r() < 0.2 ? body(r) : '';
  const shape = r();
  if (shape < 0.15) {
    // Chunked: some well formed, some with lying or absurd chunk sizes.
    const size = pick(r, [b.length.toString(16), 'ffffffffffffffff', 'zz', '-1', '0']);
    return Buffer.from(`${line}\r\n${[...h, 'Transfer-Encoding: chunked'].join('\r\n')}\r\n\r\n${size}\r\n${b}\r\n0\r\n\r\n`, 'latin1');
  }
  const length = shape < 0.3 ? pick(r, [b.length + 10, 1 << 30, 0]) : b.length;
  const withLength = h.some((x) => /^content-length/i.test(x)) ? h : [...h, `Content-Length: ${length}`];
  const eol = r() < 0.05 ? '\n' : '\r\n';
  return Buffer.from(`${line}${eol}${withLength.join(eol)}${eol}${eol}${b}`, 'latin1');
}

function open(t: FuzzTarget): Socket {
  const options = { host: '127.0.0.1', port: t.port };
  return t.tls ? tlsConnect({ ...options, rejectUnauthorized: false }) : netConnect(options);
}

/** Sends one payload and waits until the server answers and closes, or `waitMs` passes. */
export function fire(t: FuzzTarget, payload: Buffer, waitMs = 400): Promise<void> {
  return new Promise((resolve) => {
    const s = open(t);
    const done = () => {
      clearTimeout(timer);
      s.destroy();
      resolve();
    };
    const timer = setTimeout(done, waitMs);
    s.once(t.tls ? 'secureConnect' : 'connect', () => s.write(payload, () => undefined));
    s.on('data', () => undefined);
    s.once('close', done);
    s.once('error', done);
  });
}

/** Fires `count` seeded hostile requests, `parallel` at a time. */
export async function fuzzServer(t: FuzzTarget, opts: { seed: number; count: number; parallel?: number }): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < opts.count) await fire(t, hostileRequest(opts.seed, next++, t));
  };
  await Promise.all(Array.from({ length: opts.parallel ?? 24 }, worker));
}

/**
 * Slow clients: connections that send headers and then dribble a body, or never finish their headers.
 * Returns the sockets, still open, so the caller can check the server answers others meanwhile.
 */
export function slowClients(t: FuzzTarget, count: number, path: string, declaredBytes = 1_000_000): Socket[] {
  const sockets: Socket[] = [];
  for (let i = 0; i < count; i++) {
    const s = open(t);
    s.on('error', () => undefined);
    s.on('data', () => undefined);
    s.once(t.tls ? 'secureConnect' : 'connect', () => {
      const head = i % 2 === 0 ? `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1:${t.port}\r\nContent-Type: application/json\r\nContent-Length: ${declaredBytes}\r\n\r\n{` : `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1`;
      s.write(head);
    });
    sockets.push(s);
  }
  return sockets;
}

/** True while a socket is still open (the server has not closed it). */
export function stillOpen(s: Socket): boolean {
  return !s.destroyed && !s.readableEnded;
}

/** Streams `bytes` of body to a path, as fast as the server takes it; resolves with how many it took before closing. */
export function floodBody(t: FuzzTarget, path: string, bytes: number, extraHeaders: string[] = [], chunked = false): Promise<{ sent: number; response: string }> {
  return new Promise((resolve) => {
    const s = open(t);
    let sent = 0;
    let response = '';
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    const finish = () => {
      clearTimeout(timer);
      s.destroy();
      resolve({ sent, response });
    };
    const timer = setTimeout(finish, 20_000);
    s.on('data', (d: Buffer) => (response += d.toString('latin1')));
    s.once('close', finish);
    s.once('error', finish);
    s.once(t.tls ? 'secureConnect' : 'connect', () => {
      const length = chunked ? 'Transfer-Encoding: chunked' : `Content-Length: ${bytes}`;
      s.write(`POST ${path} HTTP/1.1\r\nHost: 127.0.0.1:${t.port}\r\n${[...extraHeaders, length].join('\r\n')}\r\n\r\n`);
      const pump = () => {
        while (sent < bytes && !s.destroyed) {
          const piece = chunked ? Buffer.concat([Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from('\r\n')]) : chunk;
          sent += chunk.length;
          if (!s.write(piece)) return void s.once('drain', pump);
        }
        if (chunked && !s.destroyed) s.write('0\r\n\r\n');
      };
      pump();
    });
  });
}
