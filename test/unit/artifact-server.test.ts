// The console's content-addressed artifact server on a real socket: whole and ranged GETs, HEAD, the
// caching headers, and every refusal (unknown digest, malformed or escaping paths, other methods,
// unsatisfiable ranges).
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startArtifactServer, type ArtifactRequestLog, type ArtifactServer } from '../../electron/core/artifacts/artifact-server.js';
import { artifactPath } from '../../electron/core/registry/artifact-store.js';

const home = mkdtempSync(join(tmpdir(), 'ef-artifact-server-'));
const bytes = randomBytes(100_000);
const sha = createHash('sha256').update(bytes).digest('hex');
const log: ArtifactRequestLog[] = [];
let server: ArtifactServer;

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

function get(path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.port, path, method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** A request line sent as is: node's client would normalize a path like /sha256/../x. */
function rawGet(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect(server.port, '127.0.0.1', () => s.write(`GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`));
    let out = '';
    s.on('data', (c) => (out += c.toString('latin1')));
    s.on('end', () => resolve(out));
    s.on('error', reject);
  });
}

beforeAll(async () => {
  mkdirSync(dirname(artifactPath(home, sha)), { recursive: true });
  writeFileSync(artifactPath(home, sha), bytes);
  // A file beside the store that no request may reach.
  writeFileSync(join(home, 'secret.txt'), 'not an artifact');
  server = await startArtifactServer({ home, onRequest: (r) => log.push(r) });
});

afterAll(async () => {
  await server.close();
  rmSync(home, { recursive: true, force: true });
});

describe('artifact server', () => {
  it('serves the whole artifact with its validators and caching headers', async () => {
    expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
    const r = await get(`/sha256/${sha}`);
    expect(r.status).toBe(200);
    expect(r.body.equals(bytes)).toBe(true);
    expect(r.headers).toMatchObject({ 'accept-ranges': 'bytes', etag: `"${sha}"`, 'cache-control': 'public, max-age=31536000, immutable', 'content-length': String(bytes.length) });
    expect(log.at(-1)).toMatchObject({ method: 'GET', status: 200, bytes: bytes.length, range: null });
  });

  it('answers single ranges with 206 and Content-Range: open-ended, closed, suffix', async () => {
    const from = await get(`/sha256/${sha}`, { Range: 'bytes=60000-' });
    expect(from.status).toBe(206);
    expect(from.headers['content-range']).toBe(`bytes 60000-99999/${bytes.length}`);
    expect(from.body.equals(bytes.subarray(60000))).toBe(true);
    const mid = await get(`/sha256/${sha}`, { Range: 'bytes=10-19' });
    expect(mid.status).toBe(206);
    expect(mid.body.equals(bytes.subarray(10, 20))).toBe(true);
    const tail = await get(`/sha256/${sha}`, { Range: 'bytes=-5' });
    expect(tail.headers['content-range']).toBe(`bytes 99995-99999/${bytes.length}`);
    expect(tail.body.equals(bytes.subarray(99995))).toBe(true);
    // Past the end is clamped to the end.
    const over = await get(`/sha256/${sha}`, { Range: 'bytes=99990-200000' });
    expect(over.body.equals(bytes.subarray(99990))).toBe(true);
    expect(log.at(-1)).toMatchObject({ status: 206, range: 'bytes=99990-200000', bytes: 10 });
  });

  it('sends the whole file for several ranges or a range it cannot read (allowed by RFC 9110)', async () => {
    for (const range of ['bytes=0-1,5-6', 'items=0-1', 'bytes=9-3']) {
      const r = await get(`/sha256/${sha}`, { Range: range });
      expect(r.status, range).toBe(200);
      expect(r.body.length, range).toBe(bytes.length);
    }
  });

  it('416 with Content-Range */size for a range that starts past the end', async () => {
    const r = await get(`/sha256/${sha}`, { Range: `bytes=${bytes.length}-` });
    expect(r.status).toBe(416);
    expect(r.headers['content-range']).toBe(`bytes */${bytes.length}`);
  });

  it('HEAD gives the headers of GET and no body', async () => {
    const r = await get(`/sha256/${sha}`, {}, 'HEAD');
    expect(r.status).toBe(200);
    expect(r.headers['content-length']).toBe(String(bytes.length));
    expect(r.headers.etag).toBe(`"${sha}"`);
    expect(r.body.length).toBe(0);
    const ranged = await get(`/sha256/${sha}`, { Range: 'bytes=100-' }, 'HEAD');
    expect(ranged.status).toBe(206);
    expect(ranged.headers['content-length']).toBe(String(bytes.length - 100));
  });

  it('304 for a matching If-None-Match', async () => {
    const r = await get(`/sha256/${sha}`, { 'If-None-Match': `"${sha}"` });
    expect(r.status).toBe(304);
    expect(r.body.length).toBe(0);
  });

  it('404 for a digest it does not hold, 400 for anything that is not /sha256/<64 hex>, 405 for other methods', async () => {
    expect((await get(`/sha256/${'0'.repeat(64)}`)).status).toBe(404);
    for (const p of ['/', '/sha256/', '/sha256', `/sha256/${sha.slice(1)}`, `/sha256/${sha}/x`, `/sha256/${sha.slice(0, 2)}/${sha}`, '/secret.txt', '/sha256/zz']) {
      const r = await get(p);
      expect(r.status, p).toBe(400);
      expect(r.body.toString(), p).not.toContain(sha);
    }
    for (const method of ['PUT', 'POST', 'DELETE']) {
      const r = await get(`/sha256/${sha}`, {}, method);
      expect(r.status, method).toBe(405);
      expect(r.headers.allow).toBe('GET, HEAD');
    }
  });

  it('never leaves the store: dot segments and encoded slashes are refused as malformed', async () => {
    for (const p of ['/sha256/../../secret.txt', '/sha256/%2e%2e/%2e%2e/secret.txt', `/sha256/..%2f..%2fsecret.txt`, '/../secret.txt', `/sha256/${sha.slice(0, 2)}%2f${sha}`]) {
      const r = await rawGet(p);
      expect(r, p).toMatch(/^HTTP\/1\.1 400 /);
      expect(r, p).not.toContain('not an artifact');
    }
  });

  it('accepts the digest in capitals as the same artifact', async () => {
    const r = await get(`/sha256/${sha.toUpperCase()}`, { Range: 'bytes=0-3' });
    expect(r.status).toBe(206);
    expect(r.body.equals(bytes.subarray(0, 4))).toBe(true);
  });
});
