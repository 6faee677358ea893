// `edgefleet serve` (the console's browser mode) as a real process under seeded hostile requests, and
// the audit log under oversized and deeply nested refused input: the server keeps serving, and the log
// keeps a digest of what it refused, never the input itself.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fire, fuzzServer, type FuzzTarget } from '../helpers/request-fuzz.js';
import { repoRoot } from '../helpers/agent-process.js';

const home = mkdtempSync(join(tmpdir(), 'ef-hostile-console-'));
let proc: ChildProcess;
let port = 0;
let token = '';

function alive(): boolean {
  return proc.exitCode === null && proc.signalCode === null;
}

async function call(channel: string, input: unknown): Promise<{ status: number; env: { ok: boolean; result?: unknown; error?: { code: string } } }> {
  const res = await fetch(`http://127.0.0.1:${port}/api/${channel}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: typeof input === 'string' ? input : JSON.stringify(input),
  });
  return { status: res.status, env: (await res.json()) as { ok: boolean; result?: unknown; error?: { code: string } } };
}

function target(): FuzzTarget {
  return {
    port,
    tls: false,
    paths: ['/api/app.info', '/api/models.list', '/api/models.remove', '/upload', '/ws', '/', '/index.html', '/assets/none.js', '/api/%E0%A4%A'],
    goodHeaders: { Authorization: `Bearer ${token}`, Host: `127.0.0.1:${port}` },
  };
}

beforeAll(async () => {
  proc = spawn(process.execPath, [join(repoRoot, 'scripts', 'edgefleet.js'), 'serve', '--port', '0', '--home', home], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, EDGEFLEET_DISCOVERY: 'off' } });
  let out = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start:\n${out}`)), 30_000);
    const onData = (c: Buffer) => {
      out += c.toString();
      const m = /http:\/\/127\.0\.0\.1:(\d+)\/\?token=(\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        port = Number(m[1]);
        token = m[2]!;
        resolve();
      }
    };
    proc.stdout!.on('data', onData);
    proc.stderr!.on('data', onData);
    proc.once('exit', (code) => reject(new Error(`serve exited with ${code}:\n${out}`)));
  });
});

afterAll(async () => {
  if (proc && alive()) {
    const exited = new Promise((r) => proc.once('exit', r));
    proc.kill('SIGTERM');
    await exited;
  }
  rmSync(home, { recursive: true, force: true });
});

describe('the console in browser mode under hostile input', () => {
  it('survives an upgrade request with an unparsable URL', async () => {
    await fire(target(), Buffer.from(`GET //:99999 HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`));
    await fire(target(), Buffer.from(`GET /%E0%A4%A HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAuthorization: Bearer ${token}\r\n\r\n`));
    expect((await call('app.info', {})).env.ok).toBe(true);
    expect(alive()).toBe(true);
  });

  it('survives 2,000 seeded malformed requests and still answers', async () => {
    await fuzzServer(target(), { seed: 21, count: 2000, parallel: 24 });
    expect(alive()).toBe(true);
    const info = await call('app.info', {});
    expect(info.env).toMatchObject({ ok: true, result: { mode: 'browser' } });
  });

  it('answers a malformed channel name and a percent-broken file path with 400', async () => {
    const api = await fetch(`http://127.0.0.1:${port}/api/%E0%A4%A`, { method: 'POST', headers: { Authorization: `Bearer ${token}` }, body: '{}' });
    expect(api.status).toBe(400);
    const file = await fetch(`http://127.0.0.1:${port}/%E0%A4%A`, { headers: { Authorization: `Bearer ${token}` } });
    expect(file.status).toBe(400);
  });

  it('refuses JSON nested deeper than the limit without a stack overflow', async () => {
    const deep = '{"id":'.repeat(5000) + '1' + '}'.repeat(5000);
    const r = await call('models.remove', deep);
    expect(r.env).toMatchObject({ ok: false, error: { code: 'REQUEST_INVALID' } });
    expect(alive()).toBe(true);
  });

  it('keeps a digest of an oversized or deeply nested refused input in the audit log, not the input', async () => {
    const big = 'A'.repeat(4 * 1024 * 1024);
    const refusedBig = await call('models.remove', { id: 'm1', junk: big });
    expect(refusedBig.env).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    let nested: unknown = 1;
    for (let i = 0; i < 50; i++) nested = { n: nested };
    const refusedDeep = await call('models.remove', { id: 'm2', nested });
    expect(refusedDeep.env).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });

    const list = await call('audit.list', { action: 'models.remove', limit: 10 });
    const entries = list.env.result as { target: string; outcome: string; params: Record<string, unknown> }[];
    const bigEntry = entries.find((e) => e.target === 'id:m1');
    const deepEntry = entries.find((e) => e.target === 'id:m2');
    expect(bigEntry).toMatchObject({ outcome: 'refused', params: { oversized: true, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) } });
    expect(deepEntry).toMatchObject({ outcome: 'refused', params: { oversized: true, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) } });
    expect(JSON.stringify(entries).length).toBeLessThan(64 * 1024);
    // The same input gives the same digest, so an entry can be matched to a copy of the input.
    await call('models.remove', { id: 'm1', junk: big });
    const again = ((await call('audit.list', { action: 'models.remove', limit: 1 })).env.result as { params: { sha256: string } }[])[0]!;
    expect(again.params.sha256).toBe((bigEntry!.params as { sha256: string }).sha256);
  });
});
