import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { createCore, type Core } from '../../electron/core/core.js';
import { startBrowserServer, type BrowserServer } from '../../electron/core/server/http-server.js';

let home: string;
let rendererDir: string;
let core: Core;
let server: BrowserServer;

function http(
  method: string,
  path: string,
  opts: { headers?: Record<string, string>; body?: string | Buffer } = {},
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.port, method, path, headers: opts.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

const auth = () => ({ Authorization: `Bearer ${server.token}`, 'Content-Type': 'application/json' });

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'ef-server-'));
  rendererDir = mkdtempSync(join(tmpdir(), 'ef-renderer-'));
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>EdgeFleet</title>');
  core = createCore({ home, mode: 'browser' });
  server = await startBrowserServer({ core, rendererDir });
});

afterAll(async () => {
  await server.close();
  await core.close();
  rmSync(home, { recursive: true, force: true });
  rmSync(rendererDir, { recursive: true, force: true });
});

describe('browser mode server', () => {
  it('listens on loopback and prints a URL with a long random token', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]{32}$/);
  });

  it('refuses every request without the token with 401', async () => {
    for (const [method, path] of [
      ['GET', '/'],
      ['GET', '/index.html'],
      ['POST', '/api/app.info'],
      ['POST', '/upload?name=a.onnx'],
    ]) {
      const res = await http(method, path);
      expect(res.status, `${method} ${path}`).toBe(401);
      expect(JSON.parse(res.body).error.title).toBe('Unauthorized');
    }
    const wrong = await http('POST', '/api/app.info', { headers: { Authorization: 'Bearer nope' } });
    expect(wrong.status).toBe(401);
  });

  it('serves the UI with the token and sets a strict session cookie and CSP', async () => {
    const res = await http('GET', `/?token=${server.token}`);
    expect(res.status).toBe(200);
    expect(res.body).toContain('<title>EdgeFleet</title>');
    expect(String(res.headers['set-cookie'])).toMatch(/ef_token=.*HttpOnly; SameSite=Strict/);
    expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    const cookie = await http('GET', '/index.html', { headers: { Cookie: `ef_token=${server.token}` } });
    expect(cookie.status).toBe(200);
  });

  it('refuses a foreign Origin or Host even with the token', async () => {
    const origin = await http('POST', '/api/app.info', { headers: { ...auth(), Origin: 'http://evil.example' } });
    expect(origin.status).toBe(403);
    const host = await http('POST', '/api/app.info', { headers: { ...auth(), Host: 'evil.example:80' } });
    expect(host.status).toBe(403);
    const own = await http('POST', '/api/app.info', { headers: { ...auth(), Origin: `http://127.0.0.1:${server.port}` } });
    expect(own.status).toBe(200);
  });

  it('answers API calls with envelopes from the same handlers', async () => {
    const res = await http('POST', '/api/app.info', { headers: auth(), body: '{}' });
    const env = JSON.parse(res.body);
    expect(env.ok).toBe(true);
    expect(env.result).toMatchObject({ name: 'EdgeFleet', mode: 'browser', home });
  });

  it('returns validation errors as data, never a stack', async () => {
    const bad = JSON.parse((await http('POST', '/api/models.get', { headers: auth(), body: '{"id": 5}' })).body);
    expect(bad).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', title: 'Invalid request' } });
    const junk = JSON.parse((await http('POST', '/api/models.list', { headers: auth(), body: '{not json' })).body);
    expect(junk).toMatchObject({ ok: false, error: { code: 'REQUEST_INVALID' } });
    const unknown = JSON.parse((await http('POST', '/api/shell.exec', { headers: auth(), body: '{}' })).body);
    expect(unknown.error.code).toBe('UNKNOWN_CHANNEL');
    expect(JSON.stringify([bad, junk, unknown])).not.toMatch(/\bat .*\.(ts|js):\d+/);
  });

  it('stores uploads under the home with a sanitised name', async () => {
    const body = Buffer.from('hello model');
    const res = await http('POST', '/upload?name=../../etc/passwd', { headers: { Authorization: `Bearer ${server.token}` }, body });
    const env = JSON.parse(res.body);
    expect(env.ok).toBe(true);
    expect(env.result.path.startsWith(join(home, 'uploads'))).toBe(true);
    expect(env.result.path.endsWith('/passwd')).toBe(true);
    expect(readFileSync(env.result.path, 'utf8')).toBe('hello model');
  });

  it('refuses a WebSocket without the token and pushes job events with it', async () => {
    const denied = new WebSocket(`ws://127.0.0.1:${server.port}/ws`);
    const deniedOutcome = await new Promise<string>((resolve) => {
      denied.on('open', () => resolve('open'));
      denied.on('error', () => resolve('error'));
    });
    expect(deniedOutcome).toBe('error');

    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/ws?token=${server.token}`);
    await new Promise((resolve, reject) => {
      ws.on('open', resolve);
      ws.on('error', reject);
    });
    const events: { event: string; payload: { state?: string } }[] = [];
    ws.on('message', (m) => events.push(JSON.parse(m.toString())));
    const started = JSON.parse((await http('POST', '/api/models.importSample', { headers: auth(), body: '{}' })).body);
    expect(started.ok).toBe(true);
    const job = await core.jobs.wait(started.result.id);
    expect(job.state).toBe('succeeded');
    // The job is done here, but its last pushes may still be on the socket: wait for them.
    await vi.waitFor(
      () => {
        expect(events.filter((e) => e.event === 'jobs.updated').at(-1)?.payload.state).toBe('succeeded');
        expect(events.some((e) => e.event === 'models.changed')).toBe(true);
      },
      { timeout: 10_000, interval: 20 },
    );
    ws.close();
    const jobEvents = events.filter((e) => e.event === 'jobs.updated');
    expect(jobEvents.map((e) => e.payload.state)).toContain('running');
    expect(jobEvents.at(-1)?.payload.state).toBe('succeeded');
    expect(events.some((e) => e.event === 'models.changed')).toBe(true);
  });
});
