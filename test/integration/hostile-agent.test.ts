// The agent as an attacker on its LAN (the HTTPS API) and a hostile local process (the inference
// endpoint) meet it: seeded malformed requests, upgrades, oversized, chunked and slow bodies. After
// each attack the agent process is still running and answers a valid request; a model on trial
// under hostile local requests is still confirmed.
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentClient } from '../../electron/core/devices/https/agent-client.js';
import { fire, floodBody, fuzzServer, slowClients, stillOpen, type FuzzTarget } from '../helpers/request-fuzz.js';
import { infer, pairWith, sampleModel, signed, startAgent, type AgentProcess, type Console } from '../helpers/agent-process.js';

let agent: AgentProcess;
let client: AgentClient;
let token: string;
let konsole: Console;

function alive(): boolean {
  return agent.proc.exitCode === null && agent.proc.signalCode === null;
}

function api(): FuzzTarget {
  return { port: agent.port, tls: true, paths: ['/v1/pair', '/v1/info', '/v1/status', '/v1/upload-chunk', '/v1/upload-begin', '/v1/events', '/v1/telemetry', '/v1/nope', '/'], goodHeaders: { Authorization: `Bearer ${token}` } };
}

function local(): FuzzTarget {
  return { port: agent.servePort, tls: false, paths: ['/infer', '/health', '/', '/infer/x'], goodHeaders: { Host: `127.0.0.1:${agent.servePort}`, 'Content-Type': 'application/json' } };
}

/** A raw request to the inference endpoint with the headers given (no defaults added). */
function rawInfer(headers: Record<string, string>, body: string): Promise<{ status: number; code?: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port: agent.servePort, method: 'POST', path: '/infer', headers, setHost: false }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => {
        let code: string | undefined;
        try {
          code = (JSON.parse(text) as { code?: string }).code;
        } catch {
          code = undefined;
        }
        resolve({ status: res.statusCode ?? 0, code });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

function localHealth(): Promise<{ inFlight: number; maxConcurrent: number }> {
  return new Promise((resolve, reject) => {
    httpRequest({ host: '127.0.0.1', port: agent.servePort, path: '/health' }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => resolve(JSON.parse(text) as { inFlight: number; maxConcurrent: number }));
    })
      .on('error', reject)
      .end();
  });
}

const goodInput = () => {
  const data = new Float32Array(3 * 32 * 32).fill(0.5);
  return JSON.stringify({ inputs: { input: { dims: [1, 3, 32, 32], data: Buffer.from(data.buffer).toString('base64') } } });
};

beforeAll(async () => {
  agent = await startAgent({ args: ['--serve-max-concurrent', '2'] });
  ({ client, token, console: konsole } = await pairWith(agent));
  await client.upload(sampleModel, signed(sampleModel, '1.0.0', konsole.privateKey));
  await client.activate({ maxLatencyMs: 5000 });
  await client.confirm();
});

afterAll(async () => {
  await agent?.stop();
});

describe('the agent under hostile input', () => {
  it('survives the upgrade request with an unparsable URL on both servers', async () => {
    const evil = (port: number) => Buffer.from(`GET //:99999 HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`);
    await fire(api(), evil(agent.port));
    await fire(local(), evil(agent.servePort));
    await fire(local(), Buffer.from(`POST //:99999 HTTP/1.1\r\nHost: 127.0.0.1:${agent.servePort}\r\nContent-Length: 0\r\n\r\n`));
    await new Promise((r) => setTimeout(r, 300));
    expect(alive()).toBe(true);
    expect((await client.info()).deviceId).toBe(agent.deviceId);
  });

  it('survives 2,000 seeded malformed requests on its HTTPS API and still deploys', async () => {
    await fuzzServer(api(), { seed: 12, count: 2000, parallel: 24 });
    expect(alive()).toBe(true);
    expect((await client.status()).active?.manifest.version).toBe('1.0.0');
    const status = await client.upload(sampleModel, signed(sampleModel, '1.0.1', konsole.privateKey));
    expect(status.complete).toBe(true);
    expect((await client.activate({ maxLatencyMs: 5000 })).outcome).toBe('trial');
    await client.confirm();
  });

  it('survives 2,000 seeded malformed requests on its inference endpoint and still serves', async () => {
    await fuzzServer(local(), { seed: 13, count: 2000, parallel: 24 });
    expect(alive()).toBe(true);
    const res = await infer(agent.servePort);
    expect(res.status).toBe(200);
  });

  it('does not read a stranger\'s large body: it answers 401 and closes', async () => {
    const r = await floodBody(api(), '/v1/status', 512 * 1024 * 1024, ['Content-Type: application/json']);
    expect(r.response, JSON.stringify({ ...r, out: agent.output().slice(-1500) })).toMatch(/^HTTP\/1\.1 401/);
    // The kernel's socket buffers take some megabytes before the close; far from the half gigabyte offered.
    expect(r.sent).toBeLessThan(64 * 1024 * 1024);
    const chunked = await floodBody(api(), '/v1/pair', 512 * 1024 * 1024, ['Content-Type: application/json'], true);
    expect(chunked.response).toMatch(/^HTTP\/1\.1 413/);
    expect(chunked.sent).toBeLessThan(64 * 1024 * 1024);
    expect(alive()).toBe(true);
  });

  it('refuses inference calls a web page or another host name could make, and oversized ones', async () => {
    const body = goodInput();
    const host = `127.0.0.1:${agent.servePort}`;
    expect(await rawInfer({ Host: 'evil.example', 'Content-Type': 'application/json' }, body)).toMatchObject({ status: 421, code: 'HOST_REFUSED' });
    expect(await rawInfer({ Host: host, Origin: 'http://evil.example', 'Content-Type': 'application/json' }, body)).toMatchObject({ status: 403, code: 'ORIGIN_REFUSED' });
    expect(await rawInfer({ Host: host, 'Content-Type': 'text/plain' }, body)).toMatchObject({ status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' });
    expect(await rawInfer({ Host: host, 'Content-Type': 'application/json', 'Content-Length': String(2 ** 40) }, '')).toMatchObject({ status: 413, code: 'BODY_TOO_LARGE' });
    expect(await rawInfer({ Host: host, 'Content-Type': 'application/json; charset=utf-8' }, body)).toMatchObject({ status: 200 });
  });

  it('answers 503 beyond the requests it serves at once, and serves again when they end', async () => {
    const slow = slowClients(local(), 4, '/infer').filter((_, i) => i % 2 === 0);
    // Both slow bodies hold a slot once the server has read their headers: /health says when.
    let health = await localHealth();
    for (let i = 0; i < 100 && health.inFlight < 2; i++) health = await localHealth();
    expect(health).toMatchObject({ inFlight: 2, maxConcurrent: 2 });
    expect(await rawInfer({ Host: `127.0.0.1:${agent.servePort}`, 'Content-Type': 'application/json' }, goodInput())).toMatchObject({ status: 503, code: 'SERVER_BUSY' });
    expect(slow.every(stillOpen)).toBe(true);
    const closed = slow.map((s) => new Promise((r) => s.once('close', r)));
    for (const s of slow) s.destroy();
    await Promise.all(closed);
    // The server sees the closes a moment later: retry until a slot is free again.
    let status = (await infer(agent.servePort)).status;
    for (let i = 0; i < 50 && status === 503; i++) status = (await infer(agent.servePort)).status;
    expect(status).toBe(200);
  });

  it('confirms a good model on trial while a local process sends it junk', async () => {
    await client.upload(sampleModel, signed(sampleModel, '1.0.2', konsole.privateKey));
    expect((await client.activate({ maxLatencyMs: 5000, healthyWindowSec: 3 })).outcome).toBe('trial');
    const host = `127.0.0.1:${agent.servePort}`;
    const junk = [
      () => rawInfer({ Host: host, 'Content-Type': 'text/plain' }, goodInput()),
      () => rawInfer({ Host: host, 'Content-Type': 'application/json' }, '{not json'),
      () => rawInfer({ Host: host, 'Content-Type': 'application/json' }, JSON.stringify({ inputs: { input: { dims: [1, 3, 8, 8], data: '' } } })),
      () => rawInfer({ Host: host, 'Content-Type': 'application/json' }, JSON.stringify({ inputs: { wrong: { dims: [1, 3, 32, 32], data: '' } } })),
      () => rawInfer({ Host: 'attacker.example', 'Content-Type': 'application/json' }, goodInput()),
    ];
    let refused = 0;
    for (let i = 0; i < 60; i++) if ((await junk[i % junk.length]!()).status >= 400) refused++;
    expect(refused).toBe(60);
    for (let i = 0; i < 5; i++) expect((await infer(agent.servePort, i)).status).toBe(200);
    const deadline = Date.now() + 20_000;
    let status = await client.status();
    while (status.trial && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 250));
      status = await client.status();
    }
    expect(status.trial).toBeNull();
    expect(status.active?.manifest.version).toBe('1.0.2');
    expect(status.lastEvent?.kind).toBe('auto-confirmed');
  });
});
