// The browser-mode server under bodies too large for it, uploads over the limit (declared and chunked),
// WebSockets from a foreign page, and encoded path traversal: each is refused with a 4xx, leaves nothing
// behind, and the server keeps serving.
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createCore, type Core } from '../../electron/core/core.js';
import { startBrowserServer, type BrowserServer } from '../../electron/core/server/http-server.js';
import { floodBody, type FuzzTarget } from '../helpers/request-fuzz.js';

const maxJsonBytes = 16 * 1024;
const maxUploadBytes = 256 * 1024;
/** In a file beside the renderer folder: no answer may ever contain it. */
const secret = `edgefleet-secret-${process.pid}-${Date.now()}`;

let home: string;
let outside: string;
let rendererDir: string;
let core: Core;
let server: BrowserServer;

function http(method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.port, method, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, body: Buffer.concat(chunks).toString('latin1') }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const bearer = () => ({ Authorization: `Bearer ${server.token}` });
const target = (): FuzzTarget => ({ port: server.port, tls: false, paths: [] });

async function stillServes(): Promise<void> {
  const res = await http('POST', '/api/app.info', { ...bearer(), 'Content-Type': 'application/json' }, '{}');
  expect(res.status).toBe(200);
  expect(JSON.parse(res.body)).toMatchObject({ ok: true, result: { name: 'EdgeFleet' } });
}

function uploadsLeft(): string[] {
  return readdirSync(join(home, 'uploads'));
}

function statusOf(rawResponse: string): number {
  return Number(/^HTTP\/1\.1 (\d{3})/.exec(rawResponse)?.[1] ?? 0);
}

function openSocket(origin: string | undefined): Promise<'open' | number | 'error'> {
  const ws = new WebSocket(`ws://127.0.0.1:${server.port}/ws?token=${server.token}`, origin ? { origin } : {});
  return new Promise((resolve) => {
    ws.on('open', () => {
      ws.close();
      resolve('open');
    });
    ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.on('error', () => resolve('error'));
  });
}

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'ef-failure-server-'));
  outside = mkdtempSync(join(tmpdir(), 'ef-failure-renderer-'));
  rendererDir = join(outside, 'renderer');
  mkdirSync(join(rendererDir, 'assets'), { recursive: true });
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>EdgeFleet</title>');
  writeFileSync(join(rendererDir, 'assets', 'app.js'), 'console.log("ui")');
  writeFileSync(join(outside, 'secret.txt'), secret);
  // A sibling whose name starts with the renderer folder's: a prefix check alone would let it through.
  mkdirSync(join(outside, 'renderer-evil'));
  writeFileSync(join(outside, 'renderer-evil', 'secret.txt'), secret);
  core = createCore({ home, mode: 'browser' });
  server = await startBrowserServer({ core, rendererDir, maxJsonBytes, maxUploadBytes });
});

afterAll(async () => {
  await server?.close();
  await core?.close();
  rmSync(home, { recursive: true, force: true });
  rmSync(outside, { recursive: true, force: true });
});

describe('browser server failure paths', () => {
  it('answers 413 to a JSON body over the limit with Content-Length, and keeps serving', async () => {
    const r = await floodBody(target(), '/api/app.info', 4 * 1024 * 1024, [`Authorization: Bearer ${server.token}`, 'Content-Type: application/json']);
    expect(statusOf(r.response), r.response.slice(0, 300)).toBe(413);
    expect(r.response).toContain('"ok":false');
    await stillServes();
  });

  it('answers 413 to a chunked JSON body over the limit, and keeps serving', async () => {
    const r = await floodBody(target(), '/api/app.info', 4 * 1024 * 1024, [`Authorization: Bearer ${server.token}`, 'Content-Type: application/json'], true);
    expect(statusOf(r.response), r.response.slice(0, 300)).toBe(413);
    await stillServes();
  });

  it('answers 413 to an upload that declares more than maxUploadBytes and stores nothing', async () => {
    const r = await floodBody(target(), '/upload?name=big.onnx', 4 * maxUploadBytes, [`Authorization: Bearer ${server.token}`]);
    expect(statusOf(r.response), r.response.slice(0, 300)).toBe(413);
    expect(uploadsLeft()).toEqual([]);
    await stillServes();
  });

  it('answers 413 to a chunked upload that grows past maxUploadBytes and removes what it had written', async () => {
    const r = await floodBody(target(), '/upload?name=big.onnx', 4 * maxUploadBytes, [`Authorization: Bearer ${server.token}`], true);
    expect(statusOf(r.response), r.response.slice(0, 300)).toBe(413);
    expect(uploadsLeft()).toEqual([]);
    await stillServes();
  });

  it('still takes a chunked upload under the limit (the control for the two above)', async () => {
    const r = await floodBody(target(), '/upload?name=small.onnx', maxUploadBytes / 2, [`Authorization: Bearer ${server.token}`, 'Connection: close'], true);
    expect(statusOf(r.response), r.response.slice(0, 300)).toBe(200);
    expect(uploadsLeft()).toHaveLength(1);
    for (const dir of uploadsLeft()) rmSync(join(home, 'uploads', dir), { recursive: true, force: true });
  });

  it('refuses a WebSocket from a foreign Origin even with a valid token, and accepts its own origin', async () => {
    expect(await openSocket('http://evil.example')).toBe(401);
    expect(await openSocket(`http://localhost.evil.example:${server.port}`)).toBe(401);
    expect(await openSocket(`http://127.0.0.1:${server.port}`)).toBe('open');
    expect(await openSocket(`http://localhost:${server.port}`)).toBe('open');
  });

  it('never serves a file outside the renderer folder for encoded traversal paths, and answers 4xx', async () => {
    const paths = [
      '/%2e%2e/%2e%2e/etc/passwd',
      '/%2e%2e/secret.txt',
      '/..%2f..%2fetc%2fpasswd',
      '/..%2fsecret.txt',
      '/assets/..%2f..%2fsecret.txt',
      '/..%2frenderer-evil%2fsecret.txt',
      '/%2e%2e%5csecret.txt',
      '/..%5c..%5cetc%5cpasswd',
      '/..\\secret.txt',
      '/%252e%252e/secret.txt',
      '/%252e%252e%252fsecret.txt',
      '/%2e%2e%2f%2e%2e%2f%2e%2e%2f%2e%2e%2fetc%2fpasswd',
      '/%c0%ae%c0%ae/secret.txt',
      '/secret.txt%00',
      '/%00',
      '/index.html%00.js',
      '/%2e%2e/secret.txt%00.html',
      '//etc/passwd',
      `/${'%2e%2e/'.repeat(20)}etc/passwd`,
    ];
    for (const path of paths) {
      const res = await http('GET', path, bearer());
      expect(res.status, path).toBeGreaterThanOrEqual(400);
      expect(res.status, path).toBeLessThan(500);
      expect(res.body, path).not.toContain(secret);
      expect(res.body, path).not.toMatch(/root:.*:0:0:/);
    }
    // The control: files inside the folder are served.
    expect((await http('GET', '/assets/app.js', bearer())).body).toBe('console.log("ui")');
    expect((await http('GET', '/', bearer())).body).toContain('<title>EdgeFleet</title>');
  });
});
